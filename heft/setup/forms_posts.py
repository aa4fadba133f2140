"""The post form of set-up. It checks what a person typed and says what is wrong in plain words, using the
rules heft.programmes.services shares with the bulk upload and the API (post_problems); who may change
what is the service's to enforce.

The choices come from the view (schemes the person manages in one region, the catalogue, that region's
open practices), so that a choice can only name a record the person may use."""

from collections.abc import Sequence
from decimal import Decimal

from django import forms

from heft.programmes.models import Post, PostCategory, TrainingScheme
from heft.programmes.selectors import post_number_taken
from heft.programmes.services import POST_FIELDS, post_problems

EMAIL_ERROR = "Enter the {who}'s email address in the correct format, like name@example.org"


def _by_pk(records) -> dict[str, object]:
    return {str(record.pk): record for record in records}


class RecordChoiceField(forms.ChoiceField):
    """A choice of one of the records given, shown by pk (grouped choices allowed), cleaned to the record."""

    def __init__(self, *, records, choices, **kwargs):
        self.records = _by_pk(records)
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.records.get(value) if value else None


class PostForm(forms.Form):
    scheme = forms.ChoiceField(
        label="Scheme", error_messages={"required": "Choose the scheme the post is in"}
    )
    post_number = forms.CharField(
        label="National post number",
        max_length=Post._meta.get_field("post_number").max_length,
        help_text="As NHS England numbers it, for example SWE/RDZ01/001/F1/001",
        error_messages={"required": "Enter the national post number"},
    )
    category = forms.ChoiceField(
        label="Kind of post",
        help_text="A GP placement, an innovative post, or a hospital or community specialty",
        error_messages={"required": "Choose the kind of post"},
    )
    subtype = forms.ChoiceField(
        label="Group served (inclusion health posts)",
        required=False,
        help_text="Only for categories with groups, such as inclusion health: who the post serves",
    )
    practice = forms.ChoiceField(
        label="GP practice (GP placements)",
        required=False,
        help_text="The practices in the list for the scheme's region",
    )
    site = forms.CharField(
        label="Site (other posts)",
        required=False,
        max_length=Post._meta.get_field("site").max_length,
        help_text="The hospital, service or organisation, for example Riverside Liaison Service",
    )
    wte = forms.DecimalField(
        label="Whole-time equivalent (WTE)",
        max_digits=3,
        decimal_places=2,
        help_text="1 for a full-time post; 0.5 for half of a split post",
        error_messages={
            "required": "Enter the whole-time equivalent, for example 1 or 0.5",
            "invalid": "Enter the whole-time equivalent as a number, for example 1 or 0.5",
            "max_digits": "The whole-time equivalent is at most 1, for example 1 or 0.5",
            "max_decimal_places": "Give the whole-time equivalent to at most two decimal places, like 0.75",
            "max_whole_digits": "The whole-time equivalent is at most 1, for example 1 or 0.5",
        },
    )
    educational_supervisor_name = forms.CharField(
        label="Educational supervisor's name", required=False, max_length=200
    )
    educational_supervisor_email = forms.EmailField(
        label="Educational supervisor's email",
        required=False,
        error_messages={"invalid": EMAIL_ERROR.format(who="educational supervisor")},
    )
    clinical_supervisor_name = forms.CharField(
        label="Clinical supervisor's name", required=False, max_length=200
    )
    clinical_supervisor_email = forms.EmailField(
        label="Clinical supervisor's email",
        required=False,
        error_messages={"invalid": EMAIL_ERROR.format(who="clinical supervisor")},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the programme team: not shown to trainees",
    )

    widths = {"post_number": 20, "wte": 4}  # the NHS input width classes of short fields

    def __init__(
        self,
        *args,
        schemes: Sequence[TrainingScheme],
        categories: Sequence[PostCategory],
        practices: Sequence,
        post: Post | None = None,
        **kwargs,
    ):
        if post is not None:
            kwargs["initial"] = {**(kwargs.get("initial") or {}), **self.initial_from(post)}
        super().__init__(*args, **kwargs)
        self.post = post
        subtypes = [s for c in categories for s in c.subtypes.all()]
        practice_choices = [(str(p.pk), f"{p.name} ({p.ods_code})") for p in practices]
        self._choose("scheme", schemes, [(str(s.pk), s.name) for s in schemes], "Choose a scheme you manage")
        self._choose(
            "category",
            categories,
            [("", "Choose the kind of post"), *_category_groups(categories)],
            "Choose a kind of post from the list",
        )
        self._choose(
            "subtype", subtypes, [("", "None"), *_subtype_groups(categories)], "Choose a group from the list"
        )
        self._choose(
            "practice",
            practices,
            [("", "Not a GP placement"), *practice_choices],
            "Choose a practice in the scheme's region",
        )

    def _choose(self, name: str, records, choices, invalid: str) -> None:
        """The field chooses one of `records` (cleaned to the record itself)."""
        old = self.fields[name]
        self.fields[name] = RecordChoiceField(
            records=records,
            choices=choices,
            label=old.label,
            required=old.required,
            help_text=old.help_text,
            error_messages={**old.error_messages, "invalid_choice": invalid},
        )

    @staticmethod
    def initial_from(post: Post) -> dict:
        initial = {name: getattr(post, name) for name in POST_FIELDS}
        for name in ("scheme", "category", "subtype", "practice"):
            initial[name] = getattr(post, f"{name}_id") or ""
        initial["wte"] = post.wte.normalize() if isinstance(post.wte, Decimal) else post.wte
        return initial

    def clean(self):
        data = super().clean()
        number = (data.get("post_number") or "").strip()
        if number and post_number_taken(number, excluding=self.post):
            self.add_error("post_number", f"{number} is the number of another post: each post has its own")
        values = {name: data.get(name) for name in POST_FIELDS if name not in self.errors}
        for name, message in post_problems(values).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data

    def values(self) -> dict:
        """The post's values as post_save takes them: a GP placement has no site, other posts no practice."""
        values = {name: self.cleaned_data[name] for name in POST_FIELDS}
        if values["category"].kind == PostCategory.Kind.GP:
            values["site"] = ""
        return values


def _category_groups(categories: Sequence[PostCategory]) -> list:
    """The categories grouped by kind, in the catalogue's order: GP placement, innovative, hospital."""
    groups: dict[str, list] = {}
    for category in categories:
        groups.setdefault(category.get_kind_display(), []).append((str(category.pk), category.name))
    return list(groups.items())


def _subtype_groups(categories: Sequence[PostCategory]) -> list:
    return [
        (category.name, [(str(s.pk), s.name) for s in category.subtypes.all()])
        for category in categories
        if category.subtypes.all()
    ]


class PostFilterForm(forms.Form):
    """Which scheme's posts to list: one of those the person manages, or all of them."""

    scheme = forms.ChoiceField(label="Scheme", required=False)

    def __init__(self, *args, schemes: Sequence[TrainingScheme], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", "All your schemes"), *((s.code, s.name) for s in schemes)]


class SchemeChoiceForm(forms.Form):
    """The first step of a new post when the person manages schemes in several regions: which scheme."""

    scheme = forms.ChoiceField(
        label="Scheme", error_messages={"required": "Choose the scheme the post is in"}
    )

    def __init__(self, *args, schemes: Sequence[TrainingScheme], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [
            ("", "Choose a scheme"),
            *((s.code, f"{s.name} ({s.region.name})") for s in schemes),
        ]
        self.fields["scheme"].error_messages["invalid_choice"] = "Choose a scheme you manage"
