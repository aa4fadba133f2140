import datetime
import re

from django import forms
from django.utils import timezone

from heft.engines.timetable import WEEKDAYS, SpecError
from heft.teaching.meeting_reports import MAX_BYTES
from heft.teaching.models import Attendance, TeachingSession

WEEKDAY_CHOICES = [(day, day.capitalize()) for day in WEEKDAYS[:5]]
BLACKOUT_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s+to\s+(\d{4}-\d{2}-\d{2}))?(?:\s+(.+))?$")
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class NhsForm(forms.Form):
    """Field values as the NHS form macros in teaching/_fields.jinja write them into inputs."""

    def display(self, name: str) -> str:
        value = self[name].value()
        if value is None:
            return ""
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return str(value)


def parse_blackouts(text: str) -> list[dict]:
    """One blackout per line: a date, or two dates with "to" between them, then an optional reason."""
    blackouts, problems = [], []
    for number, line in enumerate((line.strip() for line in text.splitlines()), start=1):
        if not line:
            continue
        match = BLACKOUT_LINE.match(line)
        if not match:
            problems.append(
                f"Line {number}: write a date like 2027-02-15, or 2027-02-15 to 2027-02-19, then a reason."
            )
            continue
        first, last, reason = match.groups()
        blackouts.append({"from": first, "to": last or first, "reason": (reason or "blackout").strip()})
    if problems:
        raise forms.ValidationError(problems)
    return blackouts


class PlanForm(NhsForm):
    """What both planning forms share: the series' weekday and times, and the dates to avoid."""

    weekday = forms.ChoiceField(choices=WEEKDAY_CHOICES)
    start_time = forms.TimeField(label="Start time", widget=TIME)
    end_time = forms.TimeField(label="End time", widget=TIME)
    blackouts = forms.CharField(
        label="Dates to avoid (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: a date, or a range with “to”, then why. For example: 2027-02-15 to 2027-02-19 "
        "reading week. Bank holidays and Christmas to New Year are avoided anyway.",
    )

    def clean_blackouts(self):
        return parse_blackouts(self.cleaned_data["blackouts"])

    def series(self) -> dict:
        data = self.cleaned_data
        return {
            "weekday": data["weekday"],
            "start": f"{data['start_time']:%H:%M}",
            "end": f"{data['end_time']:%H:%M}",
        }

    def plan_or_errors(self, build):
        """build() (which reads the engine's spec), or None with the engine's complaints as form errors."""
        if self.errors:
            return None
        try:
            return build()
        except SpecError as error:
            for line in str(error).splitlines():
                self.add_error(None, line)
            return None


class NationalPlanForm(PlanForm):
    year_start = forms.DateField(label="First day of the academic year", widget=DATE)
    year_end = forms.DateField(label="Last day of the academic year", widget=DATE)
    topics = forms.CharField(
        label="National topics, in order",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="One topic a line. Sessions keep this order.",
    )
    conference_date = forms.DateField(label="Conference first day (optional)", required=False, widget=DATE)
    conference_end_date = forms.DateField(label="Conference last day (optional)", required=False, widget=DATE)
    conference_title = forms.CharField(label="Conference title", required=False, max_length=200)
    conference_venue = forms.CharField(label="Conference venue", required=False, max_length=300)

    field_order = ["year_start", "year_end", "topics", "weekday", "start_time", "end_time"]

    def clean_topics(self):
        topics = [line.strip() for line in self.cleaned_data["topics"].splitlines() if line.strip()]
        if not topics:
            raise forms.ValidationError("List at least one topic.")
        return topics

    def spec_data(self) -> dict:
        data = self.cleaned_data
        spec = {
            "academic_year": {"start": data["year_start"].isoformat(), "end": data["year_end"].isoformat()},
            "national": {**self.series(), "topics": data["topics"]},
            "blackouts": data["blackouts"],
        }
        if data.get("conference_date"):
            spec["conference"] = {
                "date": data["conference_date"].isoformat(),
                "end_date": (data.get("conference_end_date") or data["conference_date"]).isoformat(),
                "title": data.get("conference_title") or "HEFT annual conference",
                "venue": data.get("conference_venue", ""),
            }
        return spec


class RegionalPlanForm(PlanForm):
    year = forms.ModelChoiceField(queryset=None, label="Academic year", empty_label=None)
    every_weeks = forms.IntegerField(
        label="About every how many weeks",
        min_value=1,
        max_value=26,
        help_text="A regional welcome comes first; each later session follows the national sessions it "
        "reflects on.",
    )

    field_order = ["year", "weekday", "start_time", "end_time", "every_weeks", "blackouts"]

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years

    def spec_data(self, region) -> dict:
        data = self.cleaned_data
        year = data["year"]
        return {
            "academic_year": {"start": year.start.isoformat(), "end": year.end.isoformat()},
            "regional": {"name": region.name, **self.series(), "every_weeks": data["every_weeks"]},
            "blackouts": data["blackouts"],
        }


class SessionForm(NhsForm):
    title = forms.CharField(max_length=200)
    topic = forms.CharField(max_length=300)
    date = forms.DateField(widget=DATE)
    start_time = forms.TimeField(label="Start time", widget=TIME)
    end_date = forms.DateField(label="Last day (for events over several days)", required=False, widget=DATE)
    end_time = forms.TimeField(label="End time", widget=TIME)
    online_link = forms.URLField(
        label="Online joining link", required=False, max_length=200, assume_scheme="https"
    )
    venue = forms.CharField(required=False, max_length=300, help_text="Leave empty for online sessions")
    speakers = forms.CharField(required=False, max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    leads = forms.ModelMultipleChoiceField(
        label="Session leads",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, session: TeachingSession, educators, leads: list, **kwargs):
        if not kwargs.get("data"):
            kwargs["initial"] = {**self.initial_for(session), "leads": leads}
        super().__init__(*args, **kwargs)
        self.fields["leads"].queryset = educators

    @staticmethod
    def initial_for(session: TeachingSession) -> dict:
        start, end = session.local_start, session.local_end
        return {
            **{
                f: getattr(session, f)
                for f in ("title", "topic", "online_link", "venue", "speakers", "description")
            },
            "date": start.date(),
            "start_time": start.time(),
            "end_date": end.date() if end.date() != start.date() else None,
            "end_time": end.time(),
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["start"] = timezone.make_aware(datetime.datetime.combine(data["date"], data["start_time"]))
        end_day = data.get("end_date") or data["date"]
        data["end"] = timezone.make_aware(datetime.datetime.combine(end_day, data["end_time"]))
        if data["end"] <= data["start"]:
            self.add_error("end_time", "The session must end after it starts.")
        return data

    def changes(self) -> dict:
        fields = ("title", "topic", "description", "start", "end", "online_link", "venue", "speakers")
        return {name: self.cleaned_data[name] for name in fields}


class CancelForm(NhsForm):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the session is cancelled: trainees will be told."},
    )


class RegisterForm(NhsForm):
    """One radio group per trainee on the register; a trainee left unmarked is left as they were. Fields
    only for the trainees whose marks were posted: a national session's register holds every HEFT trainee
    in England, and the page lists its radios itself."""

    def __init__(self, *args, trainees, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainees = [t for t in trainees if f"trainee_{t.pk}" in self.data]
        for trainee in self.trainees:
            record = existing.get(trainee.pk)
            self.fields[f"trainee_{trainee.pk}"] = forms.ChoiceField(
                label=trainee.full_name,
                choices=Attendance.Status.choices,
                required=False,
                initial=record.status if record else None,
            )

    def marks(self) -> dict[int, str]:
        return {
            t.pk: self.cleaned_data[f"trainee_{t.pk}"]
            for t in self.trainees
            if self.cleaned_data.get(f"trainee_{t.pk}")
        }


class CheckInForm(NhsForm):
    code = forms.CharField(
        label="Session code",
        max_length=12,
        help_text="The code shown by the person running the session",
        error_messages={"required": "Enter the session code."},
    )


class ReflectionForm(NhsForm):
    text = forms.CharField(
        label="Your reflection",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you learnt and what you will do differently. Only you can read it.",
        error_messages={"required": "Write your reflection, or leave the page without saving."},
    )


class FeedbackForm(NhsForm):
    rating = forms.TypedChoiceField(
        label="How useful was this session?",
        coerce=int,
        choices=[(5, "5: very useful"), (4, "4"), (3, "3"), (2, "2"), (1, "1: not useful")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5."},
    )
    what_worked = forms.CharField(
        label="What worked", required=False, max_length=1500, widget=forms.Textarea(attrs={"rows": 4})
    )
    what_to_change = forms.CharField(
        label="What to change", required=False, max_length=1500, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReleaseEmailForm(NhsForm):
    """Who a release notice goes to: typed with one trainee's notice, or a lead's correction."""

    supervisor_name = forms.CharField(label="Supervisor's name", max_length=200)
    supervisor_email = forms.EmailField(label="Supervisor's email address")


class AttendanceFilterForm(NhsForm):
    by = forms.ChoiceField(
        label="Show attendance by",
        choices=[("session", "Session"), ("region", "Region"), ("trainee", "Trainee")],
        required=False,
    )
    year = forms.ModelChoiceField(queryset=None, required=False, empty_label="All years")

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years


# --- registers: an online meeting's report ----------------------------------------------------------------


class MeetingReportForm(NhsForm):
    report = forms.FileField(
        label="Attendance report (.csv)",
        help_text="In Teams, open the meeting, then Attendance, then Download. The file can be UTF-16 "
        "(as Teams saves it) or UTF-8, tab or comma separated.",
        error_messages={"required": "Choose the meeting's attendance report."},
    )

    def clean_report(self):
        report = self.cleaned_data["report"]
        if report.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than an attendance report can be.")
        return report


class ImportConfirmForm(NhsForm):
    """The preview's choices: which matched participants to mark attended, the trainee (or none) each
    unmatched participant is, and whether the rest of the register is marked absent. The report travels
    with the form (registers.carried), read again on confirming, so nothing is kept on the server between."""

    report = forms.CharField(widget=forms.HiddenInput, max_length=3 * MAX_BYTES)
    attend = forms.TypedMultipleChoiceField(
        label="Mark attended", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    absent_rest = forms.BooleanField(label="Mark absent", required=False)

    def __init__(self, *args, match, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.match = match
        self.fields["attend"].choices = [(row.index, row.participant.name) for row in match.matched]
        choices = [("", "Not a trainee on this register (ignore)")] + [
            (str(t.pk), f"{t.full_name} ({t.email})") for t in trainees
        ]
        for row in match.unmatched:
            self.fields[f"trainee_{row.index}"] = forms.TypedChoiceField(
                label=f"Who is {row.participant.name or row.participant.email}?",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(row.suggestion.pk) if row.suggestion else "",
            )

    def unmatched_field(self, row):
        return self[f"trainee_{row.index}"]

    def chosen(self) -> dict[int, int]:
        """Unmatched participant (index) -> the trainee chosen for them."""
        data = self.cleaned_data
        return {
            row.index: data[f"trainee_{row.index}"]
            for row in self.match.unmatched
            if data.get(f"trainee_{row.index}")
        }

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"trainee_{row.index}") for row in self.match.unmatched]
        chosen = [pk for pk in chosen if pk]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("The same trainee is chosen for two people in the report.")
        matched = {row.trainee.pk for row in self.match.matched}
        if set(chosen) & matched:
            raise forms.ValidationError(
                "A trainee chosen for an unmatched person is already matched by their email."
            )
        return data


# --- release notices in bulk, supervisors and joining links -----------------------------------------------


class ReleaseSelectionForm(NhsForm):
    placements = forms.TypedMultipleChoiceField(
        label="Send release notices for",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one trainee to send a notice for."},
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placements"].choices = [
            (row.placement.pk, row.trainee.full_name) for row in rows if row.supervisor
        ]


class OnlineLinkForm(NhsForm):
    sessions = forms.TypedMultipleChoiceField(
        label="Sessions",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the sessions that use this link."},
    )
    online_link = forms.URLField(
        label="Online joining link",
        max_length=200,
        assume_scheme="https",
        help_text="For example, the series' Teams meeting link. It replaces each chosen session's link.",
        error_messages={"required": "Enter the joining link."},
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].choices = [(s.pk, s.title) for s in sessions]
