"""What every app's views do with a form and the service behind it."""

from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from markupsafe import Markup, escape


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


SELECTED = " selected"


class LongChoices(BaseChoiceIterator):
    """A select's choices among thousands of (value, label) pairs, after an empty first choice: kept as they
    are, where a list would be checked pair by pair each time it is set or read. The field macro
    (trainees/_fields.jinja) writes their options with options_html."""

    def __init__(self, pairs, empty: str):
        self.choices = [("", empty), *((str(value), label) for value, label in pairs)]

    def __iter__(self):
        return iter(self.choices)

    def options_html(self, current: str) -> Markup:
        """The <option> elements, `current` selected: written here, as escaping thousands of labels one by
        one in the template takes a tenth of a second."""
        options = "".join(
            f'<option value="{escape(value)}"{SELECTED if value == current else ""}>{escape(label)}</option>'
            for value, label in self.choices
        )
        return Markup(options)  # noqa: S704 — every value and label is escaped above
