import datetime
from zoneinfo import ZoneInfo

from django import forms

from heft.community import selectors
from heft.community.models import CareerOutcome, Opportunity
from heft.core.forms import LongChoices

LONDON = ZoneInfo("Europe/London")
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})


def _choices(items, empty: str | None = None) -> list[tuple[str, str]]:
    return ([("", empty)] if empty is not None else []) + [(str(value), label) for value, label in items]


class PatchForm(forms.Form):
    """Where to form groups: a region or one scheme, and the group sizes."""

    patch = forms.ChoiceField(
        label="Region or scheme", error_messages={"required": "Choose a region or scheme."}
    )
    min_size = forms.IntegerField(label="Smallest group", min_value=2, max_value=20, initial=5)
    max_size = forms.IntegerField(label="Largest group", min_value=2, max_value=20, initial=8)

    def __init__(self, *args, patches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patch"].choices = _choices(((p.key, p.label) for p in patches), "Choose")

    def clean(self):
        data = super().clean()
        if data.get("min_size") and data.get("max_size") and data["min_size"] > data["max_size"]:
            self.add_error("max_size", "The largest group cannot be smaller than the smallest.")
        return data


class MatchForm(forms.Form):
    patch = forms.ChoiceField(
        label="Region or scheme", error_messages={"required": "Choose a region or scheme."}
    )

    def __init__(self, *args, patches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patch"].choices = _choices(((p.key, p.label) for p in patches), "Choose")


class PlaceForm(forms.Form):
    trainee = forms.ChoiceField(label="Trainee", error_messages={"required": "Choose a trainee."})

    def __init__(self, *args, trainees, **kwargs):
        """`trainees`: (trainee id, full name) pairs, as community.selectors.trainees_placeable_in gives."""
        super().__init__(*args, **kwargs)
        self.fields["trainee"].choices = LongChoices(trainees, "Choose")


class LeadForm(forms.Form):
    mentor = forms.ChoiceField(label="Lead mentor", required=False)

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = _choices(
            ((m.pk, f"{m.user.get_full_name()} ({m.get_kind_display()})") for m in mentors), "No lead"
        )


class MeetingForm(forms.Form):
    topic = forms.CharField(max_length=200, error_messages={"required": "Say what the meeting is about."})
    day = forms.DateField(label="Date", widget=DATE, error_messages={"required": "Give the date."})
    starts = forms.TimeField(label="Starts", widget=TIME, error_messages={"required": "Give the start time."})
    ends = forms.TimeField(label="Ends", widget=TIME, error_messages={"required": "Give the end time."})
    venue = forms.CharField(max_length=300, required=False)
    online_link = forms.URLField(label="Online joining link", required=False, assume_scheme="https")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "topic": data["topic"],
            "start": datetime.datetime.combine(data["day"], data["starts"], LONDON),
            "end": datetime.datetime.combine(data["day"], data["ends"], LONDON),
            "venue": data["venue"],
            "online_link": data["online_link"],
        }

    @staticmethod
    def initial_for(meeting) -> dict:
        """The form filled in from a meeting (a teaching session of kind community), in UK time."""
        start, end = meeting.start.astimezone(LONDON), meeting.end.astimezone(LONDON)
        return {
            "topic": meeting.topic, "day": start.date(), "starts": start.strftime("%H:%M"),
            "ends": end.strftime("%H:%M"), "venue": meeting.venue, "online_link": meeting.online_link,
        }  # fmt: skip


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        max_length=300,
        help_text="Members with a calendar subscription are emailed this.",
        error_messages={"required": "Say why the meeting is cancelled: members will be told."},
        widget=forms.Textarea,  # Enter starts a new line rather than cancelling the meeting
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=3000,
        widget=forms.Textarea,
        error_messages={"required": "Write something to share."},
    )


class AssignForm(forms.Form):
    mentor = forms.ChoiceField(error_messages={"required": "Choose a mentor."})
    trainee = forms.ChoiceField(error_messages={"required": "Choose a trainee."})

    def __init__(self, *args, mentors, trainees, **kwargs):
        """`trainees`: (trainee id, full name) pairs (community.selectors.community_trainee_choices)."""
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = _choices(((m.pk, m.user.get_full_name()) for m in mentors), "Choose")
        self.fields["trainee"].choices = LongChoices(trainees, "Choose")


class ProfileForm(forms.Form):
    interests = forms.ModelMultipleChoiceField(
        label="Your areas of interest",
        queryset=selectors.interest_areas(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="They help us form groups, match mentors and show you opportunities",
    )
    listed = forms.BooleanField(
        label="List me in the HEFT directory: other trainees, alumni and mentors can see my name, email, "
        "region and interests",
        required=False,
    )
    about = forms.CharField(
        label="A line about you (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea,
        help_text="Shown in the directory while you are listed",
    )


class DirectoryFilterForm(forms.Form):
    region = forms.ChoiceField(required=False)
    interest = forms.ChoiceField(label="Interest", required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _choices(((r.code, r.name) for r in regions), "Any region")
        self.fields["interest"].choices = _choices(
            ((i.code, i.name) for i in selectors.interest_areas(grouped=False)), "Any interest"
        )


class OpportunityForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Give the opportunity a title."})
    kind = forms.ChoiceField(label="Kind of opportunity", choices=Opportunity.Kind.choices)
    organisation = forms.CharField(max_length=200, error_messages={"required": "Say who is offering it."})
    region = forms.ChoiceField(error_messages={"required": "Choose the region."})
    location = forms.CharField(max_length=200, required=False)
    closes_on = forms.DateField(
        label="Closing date", widget=DATE, error_messages={"required": "Give the closing date."}
    )
    link = forms.URLField(label="Link to more information", required=False, assume_scheme="https")
    description = forms.CharField(
        max_length=5000, widget=forms.Textarea, error_messages={"required": "Describe the opportunity."}
    )
    interests = forms.ModelMultipleChoiceField(
        label="Areas of interest it suits",
        queryset=selectors.interest_areas(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _choices(((r.pk, r.name) for r in regions), "Choose")


class InterestForm(forms.Form):
    message = forms.CharField(
        label="A message for the programme team (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea,
        help_text="They will see your name, email and this message",
    )


class OutcomeForm(forms.Form):
    graduate = forms.ChoiceField(error_messages={"required": "Choose the graduate."})
    as_at = forms.DateField(
        label="Where they were working on",
        widget=DATE,
        help_text="For the outcomes report, about a year after CCT",
    )
    role = forms.ChoiceField(choices=CareerOutcome.Role.choices)
    practice_code = forms.CharField(
        label="Practice ODS code",
        max_length=10,
        required=False,
        help_text="If they work in a GP practice we know",
    )
    organisation = forms.CharField(
        max_length=200, required=False, help_text="Where they work, if not a practice we know"
    )
    deep_end = forms.BooleanField(
        label="In a Deep End practice (when no practice code is given)", required=False
    )
    notes = forms.CharField(max_length=1000, required=False, widget=forms.Textarea)

    def __init__(self, *args, graduates, **kwargs):
        """`graduates`: (membership id, label) pairs, as community.selectors.graduate_choices gives them."""
        super().__init__(*args, **kwargs)
        self.fields["graduate"].choices = LongChoices(graduates, "Choose")

    def clean_practice_code(self):
        code = self.cleaned_data["practice_code"].strip().upper()
        if not code:
            return None
        practice = selectors.practice_with_ods_code(code)
        if practice is None:
            raise forms.ValidationError(f"No practice has the ODS code {code}.")
        return practice
