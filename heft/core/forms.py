"""What every app's views do with a form and the service behind it."""

from django.core.exceptions import ValidationError


def add_service_error(form, error: ValidationError) -> None:
    """A service's refusal on the form: field errors by field, the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def saved(form, save) -> bool:
    """Run `save` if the form is valid; a service's refusal goes on the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        add_service_error(form, error)
        return False
    return True
