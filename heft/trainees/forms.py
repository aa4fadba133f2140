from django import forms

from heft.trainees.models import Interruption, LtftChange, ProgrammeMembership

DATE = forms.DateInput(attrs={"type": "date"})
COUNTS = [
    ("usual", "The usual rule: OOPT and sick leave count, other time out does not"),
    ("yes", "Counts towards training (approved)"),
    ("no", "Does not count: it moves the CCT date"),
]


def percent_field(label: str, help_text: str, required: str) -> forms.IntegerField:
    """A percentage of full time, 1 to 100: the LTFT forms ask for it so."""
    return forms.IntegerField(
        label=label, min_value=1, max_value=100, help_text=help_text, error_messages={"required": required}
    )


def date_field(label: str, required: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, widget=DATE, help_text=help_text, error_messages={"required": required}
    )


class WorkingPatternForm(forms.Form):
    """A form that asks for a percentage of full time: the services take it as a whole-time equivalent."""

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["wte"] = data.pop("percent") / 100
        return data


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


class LtftChangeForm(WorkingPatternForm):
    """On the trainee record beside the time-out form: its own ids ("From" and "First day" are both
    start_date), so that each label focuses its own field."""

    percent = percent_field(
        "Percentage of full time",
        "Standard patterns are 100, 80, 70, 60 and 50; other values are flagged for approval",
        "Give the percentage of full time, e.g. 80.",
    )
    start_date = date_field("From", "Give the date it starts.")
    requested_on = date_field(
        "Asked for on",
        "Give the date the trainee asked.",
        "Less than 16 weeks before the placement it falls in starts is flagged",
    )
    reason = forms.ChoiceField(
        label="Category of reason",
        choices=[("", "Not recorded"), *LtftChange.Reason.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_ltft_%s")
        super().__init__(*args, **kwargs)


class ReturnForm(forms.Form):
    return_date = date_field("Back in training on", "Give the day they came back.")


class HeftModeForm(forms.Form):
    prefix = "heft"  # its own names and ids on the trainee record, beside the other forms

    heft_mode = forms.ChoiceField(
        label="How they take part in HEFT",
        choices=ProgrammeMembership.HeftMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they take part in HEFT."},
    )


class LtftApplyForm(WorkingPatternForm):
    """The trainee's application on My training. Asked for today: the notice is measured from today."""

    prefix = "apply"

    percent = percent_field(
        "Percentage of full time you want to work",
        "For example 80. The usual patterns are 80, 70, 60 and 50; 100 returns you to full time",
        "Give the percentage of full time, for example 80.",
    )
    start_date = date_field(
        "From",
        "Give the date the change starts.",
        "Give 16 weeks' notice before the start of the placement the change falls in",
    )
    reason = forms.ChoiceField(
        label="Category of your reason",
        choices=LtftChange.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the category of your reason."},
    )


class LtftDecisionForm(forms.Form):
    """Approve or decline one application: one form per change, so its prefix carries the change's id."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or decline it."},
    )
    note = forms.CharField(
        label="Note for the trainee",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
        help_text="Needed when you decline: the trainee is emailed it",
    )

    @classmethod
    def for_change(cls, change_pk: int, data=None):
        return cls(data, prefix=f"ltft-{change_pk}")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("note", "").strip():
            self.add_error("note", "Say why it is declined: the trainee is told.")
        return cleaned


class HeftPlaceForm(forms.Form):
    """Keep or release a HEFT place that time out puts at risk: one form per time out."""

    decision = forms.ChoiceField(
        label="HEFT place",
        choices=[
            (Interruption.HeftPlace.KEPT, "Keep the HEFT place"),
            (
                Interruption.HeftPlace.RELEASED,
                "Release it: withdraw live offers; HEFT not guaranteed on return",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep or release the HEFT place."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea,
        help_text="The trainee is emailed it",
        error_messages={"required": "Give the reason: the trainee is told it."},
    )

    @classmethod
    def for_interruption(cls, interruption_pk: int, data=None):
        return cls(data, prefix=f"heft-place-{interruption_pk}")


class ReturningIntakeForm(forms.Form):
    prefix = "returning"

    intake = forms.CharField(
        label="Returning with the intake",
        max_length=7,
        required=False,
        help_text="Year and month, for example 2027-08: they join that intake's preference window. "
        "Leave empty for none",
    )


class CompletionForm(forms.Form):
    prefix = "completion"

    cct_date = date_field(
        "Date of CCT", "Give the date of CCT.", "The date training ends, from the ARCP outcome 6"
    )


class ExtensionForm(forms.Form):
    prefix = "extension"

    months = forms.IntegerField(
        label="Months of extension",
        min_value=1,
        max_value=24,
        help_text="Whole-time equivalent: the CCT estimate moves by them",
        error_messages={"required": "Give the months of extension, for example 6."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="For example: ARCP outcome 3, July 2027",
        error_messages={"required": "Give the reason, for example the ARCP outcome."},
    )
