from django import forms

from heft.trainees.models import Interruption, ProgrammeMembership

DATE = forms.DateInput(attrs={"type": "date"})
COUNTS = [
    ("usual", "The usual rule: OOPT and sick leave count, other time out does not"),
    ("yes", "Counts towards training (approved)"),
    ("no", "Does not count: it moves the CCT date"),
]


class InterruptionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of time out",
        choices=Interruption.Kind.choices,
        error_messages={"required": "Choose the kind of time out."},
    )
    start_date = forms.DateField(
        label="First day", widget=DATE, error_messages={"required": "Give the first day."}
    )
    end_date = forms.DateField(
        label="Last day", widget=DATE, required=False, help_text="Leave empty while the end is not known"
    )
    counts = forms.ChoiceField(
        label="Does it count towards training?", choices=COUNTS, initial="usual", widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes", max_length=1000, required=False, widget=forms.Textarea)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        counts = data.pop("counts")
        data["counts_towards_training"] = None if counts == "usual" else counts == "yes"
        return data


class LtftChangeForm(forms.Form):
    """On the trainee record beside the time-out form: its own ids ("From" and "First day" are both
    start_date), so that each label focuses its own field."""

    percent = forms.IntegerField(
        label="Percentage of full time",
        min_value=1,
        max_value=100,
        help_text="Standard patterns are 100, 80, 70, 60 and 50; other values are flagged for approval",
        error_messages={"required": "Give the percentage of full time, e.g. 80."},
    )
    start_date = forms.DateField(
        label="From", widget=DATE, error_messages={"required": "Give the date it starts."}
    )
    requested_on = forms.DateField(
        label="Asked for on",
        widget=DATE,
        help_text="Less than 16 weeks before it starts is flagged",
        error_messages={"required": "Give the date the trainee asked."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_ltft_%s")
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["wte"] = data.pop("percent") / 100
        return data


class ReturnForm(forms.Form):
    return_date = forms.DateField(
        label="Back in training on", widget=DATE, error_messages={"required": "Give the day they came back."}
    )


class HeftModeForm(forms.Form):
    prefix = "heft"  # its own names and ids on the trainee record, beside the other forms

    heft_mode = forms.ChoiceField(
        label="How they take part in HEFT",
        choices=ProgrammeMembership.HeftMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they take part in HEFT."},
    )
