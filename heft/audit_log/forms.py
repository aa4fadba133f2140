from django import forms

from heft.audit_log.selectors import audited_record_types

DATE = forms.DateInput(attrs={"type": "date"})


class AuditSearchForm(forms.Form):
    """Every field optional: an empty search lists every event, newest first."""

    q = forms.CharField(
        label="Any text", required=False, max_length=100, help_text="In who, what, the record or its values"
    )
    actor = forms.CharField(label="Who", required=False, max_length=100, help_text="Part of an email address")
    verb = forms.CharField(
        label="What",
        required=False,
        max_length=60,
        help_text="The start of the action, e.g. viewed or retention.",
    )
    target_type = forms.ChoiceField(label="Record type", required=False)
    target_id = forms.CharField(label="Record id", required=False, max_length=60)
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = audited_record_types()
        self.fields["target_type"].choices = [("", "Any"), *((t, t) for t in types)]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def filters(self) -> dict:
        """The search terms that were given, as keyword arguments for audit_events_search."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
