import datetime

from django import forms
from django.utils import timezone

from heft.privacy.models import RetentionKind, RetentionReview

DATE = forms.DateInput(attrs={"type": "date"})


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *RetentionReview.Status.choices]
    )
    kind = forms.ChoiceField(
        label="Kind of record", required=False, choices=[("", "Any kind"), *RetentionKind.choices]
    )


class ReviewDecisionForm(forms.Form):
    """Approve (erase or anonymise now) or reject (keep until a date, with a reason)."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: erase or anonymise now"), ("reject", "Reject: keep the record")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or reject."},
    )
    confirm = forms.BooleanField(
        label="I understand this cannot be undone", required=False, help_text="Needed to approve"
    )
    reason = forms.CharField(
        label="Why the record is kept",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to reject, for example: a complaint about this trainee's training is still open",
    )
    keep_until = forms.DateField(label="Keep it until", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep_until"].initial = timezone.localdate() + datetime.timedelta(days=365)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("confirm"):
            self.add_error("confirm", "Confirm that you understand this cannot be undone.")
        if data.get("decision") == "reject":
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Say why the record is kept.")
            if not data.get("keep_until") and "keep_until" not in self.errors:
                self.add_error("keep_until", "Give the date to keep it until.")
        return data
