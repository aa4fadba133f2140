from django import forms
from django.utils import timezone

from heft.engines.allocation import MECHANISMS
from heft.programmes.models import TrainingScheme

MECHANISM_LABELS = {
    "serial-dictatorship": "By national recruitment rank (serial dictatorship, the NHS convention)",
    "random-serial-dictatorship": "By a random order (random serial dictatorship)",
    "stable": "Stable matching (no trainee and rotation would both rather swap)",
    "min-total-rank": "Most trainees placed, then the lowest total of choice numbers",
    "rank-maximal": "Most first choices, then most second choices, and so on (rank-maximal)",
}


class WindowForm(forms.Form):
    scheme = forms.ModelChoiceField(queryset=TrainingScheme.objects.none(), empty_label=None)
    intake = forms.RegexField(
        regex=r"^\d{4}-\d{2}$", error_messages={"invalid": "Write the intake as YYYY-MM."}
    )
    opens_at = forms.DateTimeField(
        label="Opens (UK time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label="Closes (UK time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "The window must close after it opens.")
        return data


class RunForm(forms.Form):
    mechanism = forms.ChoiceField(
        choices=[(m, MECHANISM_LABELS[m]) for m in MECHANISMS if m in MECHANISM_LABELS],
        widget=forms.RadioSelect,
    )
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="For the random order only; leave empty to draw one",
    )


class PublishForm(forms.Form):
    respond_by = forms.DateTimeField(
        label="Trainees reply by (UK time)", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def clean_respond_by(self):
        respond_by = self.cleaned_data["respond_by"]
        if respond_by <= timezone.now():
            raise forms.ValidationError("The reply deadline must be in the future.")
        return respond_by


class ReallocationForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Affected trainees are told this",
        error_messages={"required": "Say why the reallocation is needed: affected trainees will be told."},
    )


class TraineeImportForm(forms.Form):
    file = forms.FileField(
        label="Recruitment export (.csv or .xlsx)",
        error_messages={"required": "Choose the recruitment export to upload."},
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: is it the right one?")
        return upload


class InterruptionForm(forms.Form):
    kind = forms.ChoiceField(choices=[])
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from heft.trainees.models import Interruption

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Interruption.Kind.choices
