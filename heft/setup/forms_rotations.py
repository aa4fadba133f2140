"""The forms of the rotation builder and the yearly copy. They check what a person typed and say what is
wrong in plain words; the rotation rules are heft.engines.rotations' (through heft.programmes.services),
and who may change what is the service's to enforce.

The builder's posts are rows of a form of their own (SlotRows): as many as the rotation needs, one more
added by a button that posts the form back (no JavaScript needed), rows left blank ignored."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms

from heft.engines.rotations import Finding, Slot, heft_reasons, rotation_findings
from heft.programmes.models import INTAKE_PATTERN, Post, PostCategory, Rotation, RotationSlot, TrainingScheme
from heft.programmes.selectors import post_label, rotation_code_taken
from heft.programmes.services import SlotValues
from heft.setup.forms_posts import RecordChoiceField

MAX_ROWS = 24  # far more posts than any rotation holds: a bound on what one request makes us build
NEW_ROTATION_ROWS = 3  # one to start each training year
MONTHS_PER_YEAR = 12
INTAKE_HELP = "The month training starts, as year and month, for example 2027-08"
INTAKE_ERRORS = {
    "required": "Enter the intake, for example 2027-08",
    "invalid": "Enter the intake as year and month, for example 2027-08",
}


def intake_field(label: str = "Intake") -> forms.RegexField:
    return forms.RegexField(
        regex=INTAKE_PATTERN, label=label, help_text=INTAKE_HELP, error_messages=INTAKE_ERRORS, strip=True
    )


def scheme_choices(schemes: Sequence[TrainingScheme]) -> list[tuple[str, str]]:
    return [("", "Choose a scheme"), *((s.code, f"{s.name} ({s.region.name})") for s in schemes)]


class RotationStartForm(forms.Form):
    """Which scheme and intake a new rotation is for (the builder's address carries them)."""

    scheme = forms.ChoiceField(
        label="Scheme", error_messages={"required": "Choose the scheme of the rotation"}
    )
    intake = intake_field()

    def __init__(self, *args, schemes: Sequence[TrainingScheme], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = scheme_choices(schemes)
        self.fields["scheme"].error_messages["invalid_choice"] = "Choose a scheme you manage"
        if len(schemes) == 1:  # a scheme administrator's own scheme: nothing to choose
            self.fields["scheme"].initial = schemes[0].code


class RotationDetailsForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=Rotation._meta.get_field("name").max_length,
        help_text="What trainees see, for example Inclusion health and Deep End general practice",
        error_messages={"required": "Enter the rotation's name"},
    )
    code = forms.CharField(
        label="Code (optional)",
        required=False,
        max_length=Rotation._meta.get_field("code").max_length,
        error_messages={"max_length": "The code is at most 40 characters"},
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=0,
        max_value=999,
        help_text="How many trainees the rotation takes",
        error_messages={
            "required": "Enter how many places the rotation has",
            "invalid": "Enter the places as a whole number, for example 2",
            "min_value": "The places cannot be fewer than 0",
            "max_value": "The places are at most 999",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What makes the rotation what it is, for trainees choosing between rotations",
    )

    def __init__(self, *args, rotation: Rotation | None, suggested_code: str, **kwargs):
        if rotation is not None:
            kwargs["initial"] = {f: getattr(rotation, f) for f in ("name", "code", "capacity", "description")}
        else:
            kwargs["initial"] = {"capacity": 1}
        super().__init__(*args, **kwargs)
        self.rotation = rotation
        self.suggested_code = suggested_code
        if rotation is None:
            self.fields["code"].help_text = f"Leave it blank to use {suggested_code}"
        else:
            self.fields["code"].label = "Code"
            self.fields["code"].required = True
            self.fields["code"].error_messages["required"] = "Enter the rotation's code"
            self.fields["code"].help_text = "Changing it changes the rotation's web address"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip() or self.suggested_code
        if any(c.isspace() for c in code):
            raise forms.ValidationError(
                "Use no spaces in the code: letters, numbers and hyphens, like ROT-01"
            )
        if rotation_code_taken(code, excluding=self.rotation):
            raise forms.ValidationError(f"{code} is the code of another rotation: each has its own")
        return code

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "code", "capacity", "description")}


# --- the rows of posts --------------------------------------------------------------------------------------

ROW_FIELDS = ("training_year", "start_month", "months", "post")
KIND_GROUPS = {
    PostCategory.Kind.GP: "GP placements",
    PostCategory.Kind.INNOVATIVE: "Innovative posts",
    PostCategory.Kind.HOSPITAL: "Hospital and community posts",
}


def post_choices(posts: Sequence[Post]) -> list:
    """The scheme's posts grouped by kind, each named as the timeline names it, with its number."""
    groups = {label: [] for label in KIND_GROUPS.values()}
    for post in posts:
        wte = "" if post.wte == 1 else f", {post.wte.normalize()} WTE"
        groups[KIND_GROUPS[post.category.kind]].append(
            (str(post.pk), f"{post_label(post)} ({post.post_number}{wte})")
        )
    return [("", "Choose a post"), *((label, choices) for label, choices in groups.items() if choices)]


class SlotForm(forms.Form):
    """One post of the rotation: its training year, the month it starts (from 1) and how long it lasts."""

    training_year = forms.ChoiceField(label="Training year", choices=RotationSlot.TrainingYear.choices)
    start_month = forms.IntegerField(
        label="Starts in month",
        required=False,
        min_value=1,
        max_value=36,
        error_messages={
            "invalid": "Enter the start month as a number from 1 to 36",
            "min_value": "The start month is from 1 to 36",
            "max_value": "The start month is from 1 to 36: GP training is 36 months",
        },
    )
    months = forms.IntegerField(
        label="Months",
        required=False,
        min_value=1,
        max_value=36,
        error_messages={
            "invalid": "Enter the months as a number, for example 6",
            "min_value": "A post lasts at least 1 month",
            "max_value": "A post lasts at most 36 months",
        },
    )
    post = forms.ChoiceField(label="Post", required=False)

    def __init__(self, *args, posts: Sequence[Post], number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number  # as people count the rows: 1, 2, 3
        self.fields["post"] = RecordChoiceField(
            records=posts,
            choices=post_choices(posts),
            label="Post",
            required=False,
            error_messages={"invalid_choice": "Choose one of the scheme's posts"},
        )

    def is_blank(self) -> bool:
        """No months and no post (the year and start month may be the ones a new row suggests): the row
        is left out."""
        return not any(str(self[name].data or "").strip() for name in ("months", "post"))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        needed = {
            "start_month": f"Enter the month post {self.number} starts, from 1 to 36",
            "months": f"Enter how many months post {self.number} lasts",
            "post": f"Choose post {self.number}: one of the scheme's posts",
        }
        for name, message in needed.items():
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, message)
        return data

    def slot_values(self) -> SlotValues:
        data = self.cleaned_data
        return SlotValues(data["training_year"], data["start_month"], data["months"], data["post"])


@dataclass
class RotationChecks:
    """What the engine says of the complete rows: errors, warnings, why it counts as HEFT."""

    slots: list[Slot]
    findings: list[Finding]
    reasons: list[str]
    rows: dict[int, int]  # a slot's order in the checks -> the index of its row on the page
    incomplete: list[int] = field(default_factory=list)  # numbers of the rows left out, not yet complete

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def error_orders(self) -> set[int]:
        return {order for f in self.errors for order in f.slots}

    def row_of(self, finding: Finding) -> int | None:
        """The index of the first row a finding is about (None: about the rotation as a whole)."""
        return self.rows.get(finding.slots[0]) if finding.slots else None


class SlotRows:
    """The rows of posts on the builder's page: always bound (to what was posted, or to the saved or blank
    rows), so that they can be checked; the page shows their errors only once they are checked or saved."""

    def __init__(self, data, posts: Sequence[Post]):
        try:
            count = min(max(int(data.get("rows", "0")), 0), MAX_ROWS)
        except ValueError:
            count = 0
        self.posts = posts
        self.forms = [SlotForm(data, prefix=f"slot-{i}", posts=posts, number=i + 1) for i in range(count)]

    @classmethod
    def of(cls, rows: list[dict], posts: Sequence[Post]) -> "SlotRows":
        data = {"rows": str(len(rows))}
        for i, row in enumerate(rows):
            data |= {
                f"slot-{i}-{name}": "" if row.get(name) is None else str(row[name]) for name in ROW_FIELDS
            }
        return cls(data, posts)

    @classmethod
    def saved(cls, slots: Sequence[RotationSlot], posts: Sequence[Post]) -> "SlotRows":
        rows = [
            {"training_year": s.training_year, "start_month": s.start_offset_months + 1, "months": s.months,
             "post": s.post_id}
            for s in slots
        ]  # fmt: skip
        return cls.of(rows, posts)

    @classmethod
    def blank(cls, posts: Sequence[Post]) -> "SlotRows":
        return cls.of([{"training_year": f"ST{n + 1}"} for n in range(NEW_ROTATION_ROWS)], posts)

    def __iter__(self):
        return iter(self.forms)

    def __len__(self):
        return len(self.forms)

    @property
    def full(self) -> bool:
        return len(self.forms) >= MAX_ROWS

    def _raws(self) -> list[dict]:
        return [{name: row[name].data for name in ROW_FIELDS} for row in self.forms]

    def with_row_added(self) -> "SlotRows":
        """The same rows and a blank one, starting where the last post ends (none past MAX_ROWS)."""
        if len(self.forms) >= MAX_ROWS:
            return self
        raws = self._raws()
        ends = [
            _int(r["start_month"]) + _int(r["months"])
            for r in raws
            if _int(r["start_month"]) and _int(r["months"])
        ]
        start = max(ends, default=1)
        new = {"training_year": f"ST{min((start - 1) // MONTHS_PER_YEAR, 2) + 1}"}
        if ends and start <= 36:
            new["start_month"] = start
        return SlotRows.of([*raws, new], self.posts)

    def without_row(self, index: int) -> "SlotRows":
        return SlotRows.of([r for i, r in enumerate(self._raws()) if i != index], self.posts)

    def is_valid(self) -> bool:
        return all(row.is_valid() for row in self.forms)

    def complete(self) -> list[tuple[int, SlotForm]]:
        """The rows filled in and valid, with their index on the page."""
        return [(i, row) for i, row in enumerate(self.forms) if row.is_valid() and not row.is_blank()]

    def slot_values(self) -> list[SlotValues]:
        return [row.slot_values() for _, row in self.complete()]

    def checks(self) -> RotationChecks:
        """The engine's findings for the complete rows; rows still being filled in are left out."""
        complete = self.complete()
        slots = [row.slot_values().as_check(order) for order, (_, row) in enumerate(complete, start=1)]
        return RotationChecks(
            slots=slots,
            findings=rotation_findings(slots),
            reasons=heft_reasons(slots),
            rows={order: i for order, (i, _) in enumerate(complete, start=1)},
            incomplete=[row.number for row in self.forms if not row.is_blank() and not row.is_valid()],
        )


def _int(value) -> int:
    return int(value) if str(value or "").strip().isdigit() else 0


# --- the yearly copy ----------------------------------------------------------------------------------------


class IntakeCopyForm(forms.Form):
    scheme = forms.ChoiceField(
        label="Scheme", error_messages={"required": "Choose the scheme whose rotations to copy"}
    )
    from_intake = forms.ChoiceField(
        label="Copy the rotations of intake",
        error_messages={
            "required": "Choose the intake to copy from",
            "invalid_choice": "Choose an intake from the list",
        },
    )
    to_intake = intake_field("To intake")

    def __init__(self, *args, schemes: Sequence[TrainingScheme], intakes: Sequence[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = scheme_choices(schemes)
        self.fields["scheme"].error_messages["invalid_choice"] = "Choose a scheme you manage"
        self.fields["from_intake"].choices = [("", "Choose an intake"), *((i, i) for i in intakes)]

    def clean(self):
        data = super().clean()
        if data.get("from_intake") and data.get("from_intake") == data.get("to_intake"):
            self.add_error("to_intake", "Choose an intake other than the one copied from")
        return data


def next_intake(intake: str) -> str:
    """The same month a year later: the intake the yearly copy usually goes to."""
    year, month = intake.split("-")
    return f"{int(year) + 1}-{month}"
