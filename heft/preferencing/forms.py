from django import forms
from django.utils import timezone

from heft.engines.allocation import MECHANISMS
from heft.preferencing.offers import default_reply_by

MECHANISM_LABELS = {
    "serial-dictatorship": "By national recruitment rank (serial dictatorship, the NHS convention)",
    "random-serial-dictatorship": "By a random order (random serial dictatorship)",
    "stable": "Stable matching (no trainee and rotation would both rather swap)",
    "min-total-rank": "Most trainees placed, then the lowest total of choice numbers",
    "rank-maximal": "Most first choices, then most second choices, and so on (rank-maximal)",
}
# Shown under a mechanism's choice. Every rotation ranks trainees by national rank (none has a priority list
# of its own), so stable matching cannot differ from serial dictatorship: say so before anyone compares.
MECHANISM_HINTS = {
    "stable": "Here the same allocation as by national recruitment rank, by design: every rotation ranks "
    "trainees by the same national rank.",
}
STABLE_EQUALS_SERIAL_DICTATORSHIP = (
    "Stable matching gives the same allocation as serial dictatorship here, by design. Every rotation ranks "
    "trainees by the same national recruitment rank, and with one priority order common to every rotation "
    "the trainee-proposing stable matching is serial dictatorship in that order: the best-ranked trainee "
    "gets their highest choice with a place, then the next, and so on. Nobody could swap to a rotation that "
    "ranks them higher than someone in it, because it ranks everyone as the national list does."
)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_local(moment) -> str:
    """The value a datetime-local input shows: UK time, to the minute."""
    return timezone.localtime(moment).strftime(DATETIME_LOCAL)


class WindowForm(forms.Form):
    scheme = forms.ModelChoiceField(queryset=None, empty_label=None)  # the schemes passed in
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
    fill_places_left = forms.BooleanField(
        label="Fill the places left",
        required=False,
        help_text="After every ranked trainee is placed, give the places left to members without a list or "
        "without a place, in national recruitment rank order. Each is told why.",
    )


class ReplyByForm(forms.Form):
    """A reply deadline, proposed as the usual one (offers.default_reply_by) and changeable."""

    respond_by = forms.DateTimeField(
        label="Trainees reply by (UK time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": "Give the date and time by which trainees must reply."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respond_by"].initial = _datetime_local(default_reply_by())

    def clean_respond_by(self):
        respond_by = self.cleaned_data["respond_by"]
        if respond_by <= timezone.now():
            raise forms.ValidationError("The reply deadline must be in the future.")
        return respond_by


class PublishForm(ReplyByForm):
    """Publishing takes two steps: check the deadline and what publishing does, then confirm (the page
    posts `confirm`)."""


class PlaceByHandForm(ReplyByForm):
    rotation = forms.ChoiceField(
        label="Rotation",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rotation with a place left."},
    )
    reason = forms.CharField(
        label="Why you are placing them by hand",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The trainee reads this with their offer: “Placed by your programme team: …”",
        error_messages={"required": "Say why you are placing this trainee by hand: they will be told."},
    )
    field_order = ["rotation", "reason", "respond_by"]

    def __init__(self, *args, rotations: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rotation"].choices = [
            (rotation.code, f"{rotation.code}: {rotation.name} ({left} place{'' if left == 1 else 's'} left)")
            for rotation, left in rotations
        ]


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


class TraineeImportConfirmForm(forms.Form):
    """Import a previewed file without the rows for other schemes: names the upload kept for it."""

    upload = forms.CharField(widget=forms.HiddenInput, max_length=64)


class InterruptionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of time out", choices=[])
    start_date = forms.DateField(
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the first day of the time out.", "invalid": "Give a real date."},
    )

    def __init__(self, *args, **kwargs):
        from heft.trainees.models import Interruption

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Interruption.Kind.choices


class WindowReopenForm(forms.Form):
    """A new closing date for a closed window: proposed as the date it was due to close before it was
    closed early, when that is still to come, else a week from now at 17:00."""

    closes_at = forms.DateTimeField(
        label="Closes again (UK time)",
        help_text="Trainees can change and submit their lists until then.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": "Give the date and time when the window closes again."},
    )

    def __init__(self, *args, planned=None, **kwargs):
        super().__init__(*args, **kwargs)
        a_week = timezone.localtime() + timezone.timedelta(days=7)
        proposed = planned or a_week.replace(hour=17, minute=0, second=0, microsecond=0)
        self.fields["closes_at"].initial = _datetime_local(proposed)

    def clean_closes_at(self):
        closes_at = self.cleaned_data["closes_at"]
        if closes_at <= timezone.now():
            raise forms.ValidationError("The new closing date must be in the future.")
        return closes_at
