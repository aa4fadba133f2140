"""Forms of the structure pages. They check what a person typed and say what is wrong in plain words;
who may change what, and the rules the records keep, are heft.programmes.services' to enforce."""

from django import forms

from heft.programmes.models import (
    INTAKE_PATTERN,
    PostCategory,
    PostSubtype,
    Region,
    School,
    TrainingScheme,
)
from heft.programmes.services import REGION_CONTACT_FIELDS
from heft.setup.selectors import is_taken

CODE_HELP = "Lower-case letters, numbers and hyphens, for example {example}. It appears in web addresses."
CODE_ERRORS = {
    "required": "Enter a code for the {what}",
    "invalid": "Use only lower-case letters, numbers and hyphens in the code, for example {example}",
}


class CodeField(forms.SlugField):
    """A code as it appears in web addresses: lower case, whatever case it was typed in."""

    def to_python(self, value):
        return super().to_python(value).lower()


def code_field(what: str, example: str) -> CodeField:
    errors = {key: message.format(what=what, example=example) for key, message in CODE_ERRORS.items()}
    return CodeField(
        label="Code", max_length=40, help_text=CODE_HELP.format(example=example), error_messages=errors
    )


def name_field(what: str) -> forms.CharField:
    return forms.CharField(
        label="Name", max_length=120, error_messages={"required": f"Enter the {what}'s name"}
    )


class UniqueFieldsMixin:
    """Refuses a value another record of `model` already has: `unique` maps each field to its message."""

    model: type
    unique: dict[str, str] = {}
    widths: dict[str, int] = {"code": 20}  # the NHS input width class of short fields

    def clean(self):
        data = super().clean()
        for name, message in self.unique.items():
            value = data.get(name)
            if value and is_taken(self.model, excluding=self.instance, **{name: value}):
                self.add_error(name, message.format(value=value))
        return data


# --- regions and schools ----------------------------------------------------------------------------------


class RegionForm(UniqueFieldsMixin, forms.Form):
    """National admins give every field; a regional lead (contacts_only) the public summary and contacts."""

    model = Region
    unique = {
        "code": "Another region already has the code {value}. Choose another.",
        "name": "Another region is already called {value}. Choose another name.",
    }
    widths = {"code": 20, "contact_phone": 20}

    name = name_field("region")
    code = code_field("region", "south-west")
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One or two sentences about HEFT in the region, shown on its public page.",
    )
    contact_email = forms.EmailField(
        label="Contact email (optional)",
        required=False,
        help_text="Where applicants and trainees write, for example heft.southwest@example.org",
        error_messages={"invalid": "Enter an email address like heft.team@example.org"},
    )
    contact_phone = forms.CharField(
        label="Contact phone (optional)",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel"}),
        help_text="For example 0117 496 0000",
    )
    contact_url = forms.URLField(
        label="Contact web page (optional)",
        required=False,
        assume_scheme="https",
        help_text="A page about the region's programme, for example https://example.org/heft",
        error_messages={"invalid": "Enter a web address like https://example.org/heft"},
    )

    def __init__(self, *args, region: Region | None = None, contacts_only: bool = False, **kwargs):
        self.instance = region
        if region is not None:
            kwargs.setdefault("initial", {name: getattr(region, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        if contacts_only:
            for name in set(self.fields) - set(REGION_CONTACT_FIELDS):
                del self.fields[name]


class SchoolForm(forms.Form):
    widths: dict[str, int] = {}

    name = name_field("school")

    def __init__(self, *args, region: Region, school: School | None = None, **kwargs):
        self.region, self.instance = region, school
        if school is not None:
            kwargs.setdefault("initial", {"name": school.name})
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if is_taken(School, excluding=self.instance, region=self.region, name=name):
            raise forms.ValidationError(f"{self.region.name} already has a school called {name}.")
        return name


# --- schemes ----------------------------------------------------------------------------------------------


class SchemeForm(UniqueFieldsMixin, forms.Form):
    """A new scheme chooses its region among those the person leads, and a school of that region; an
    existing one keeps its region. Localities are typed one name per line."""

    model = TrainingScheme
    unique = {"code": "Another scheme already has the code {value}. Choose another."}

    name = name_field("scheme")
    code = code_field("scheme", "bristol")
    region = forms.ModelChoiceField(
        label="Region",
        queryset=None,  # the regions the person leads: set in __init__
        empty_label="Choose a region",
        error_messages={
            "required": "Choose the region the scheme belongs to",
            "invalid_choice": "Choose a region you lead",
        },
    )
    school = forms.ChoiceField(
        label="School (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose one of the region's schools, or none"},
    )
    localities = forms.CharField(
        label="Localities (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One name on each line, for example North Bristol. Mentors and communities of practice are "
        "matched within a locality.",
    )

    def __init__(self, *args, regions, schools: list[School], scheme: TrainingScheme | None = None, **kwargs):
        self.instance = scheme
        self.schools = {str(school.pk): school for school in schools}
        if scheme is not None:
            kwargs.setdefault("initial", self._initial(scheme))
        super().__init__(*args, **kwargs)
        if scheme is not None:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = regions
            if len(regions) == 1:  # a regional lead's own region: nothing to choose
                self.fields["region"].initial = regions[0].pk
        self.fields["school"].choices = self._school_choices(schools, grouped=scheme is None)

    @staticmethod
    def _initial(scheme: TrainingScheme) -> dict:
        return {
            "name": scheme.name,
            "code": scheme.code,
            "school": scheme.school_id or "",
            "localities": "\n".join(locality.name for locality in scheme.localities.all()),
        }

    @staticmethod
    def _school_choices(schools: list[School], *, grouped: bool) -> list:
        """Schools under their region's name when the person may choose the region too."""
        choices: list = [("", "No school")]
        if not grouped:
            return choices + [(str(s.pk), s.name) for s in schools]
        by_region: dict[str, list] = {}
        for school in schools:
            by_region.setdefault(school.region.name, []).append((str(school.pk), school.name))
        return choices + list(by_region.items())

    def clean_school(self) -> School | None:
        return self.schools.get(self.cleaned_data["school"]) if self.cleaned_data["school"] else None

    def clean_localities(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["localities"].splitlines() if line.strip()]

    def values(self) -> dict:
        """The scheme's own fields, as scheme_save takes them."""
        names = ["name", "code", "school", "region"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


# --- the HEFT offer for an intake -------------------------------------------------------------------------


class IntakeOfferForm(forms.Form):
    widths = {"intake": 10}

    intake = forms.RegexField(
        label="Intake",
        regex=INTAKE_PATTERN,
        max_length=7,
        help_text="The year and month training starts, for example 2027-08",
        error_messages={
            "required": "Enter the intake, for example 2027-08",
            "invalid": "Enter the intake as year and month, with a month from 01 to 12, for example 2027-08",
        },
    )
    offers_heft = forms.TypedChoiceField(
        label="Does the scheme offer HEFT for this intake?",
        choices=[("yes", "Yes, it offers HEFT rotations"), ("no", "No, it does not offer HEFT")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the scheme offers HEFT for this intake"},
    )
    note = forms.CharField(
        label="Note for the public page (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: two HEFT rotations, each with six months in inclusion health. Up to 300 "
        "characters.",
        error_messages={"max_length": "Keep the note to 300 characters or fewer"},
    )


# --- the post catalogue -----------------------------------------------------------------------------------


class CategoryForm(UniqueFieldsMixin, forms.Form):
    model = PostCategory
    unique = {
        "code": "Another category already has the code {value}. Choose another.",
        "name": "Another category is already called {value}. Choose another name.",
    }

    name = name_field("category")
    code = code_field("category", "homeless-health")
    kind = forms.ChoiceField(
        label="Kind of post",
        choices=PostCategory.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of post"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What trainees do in these posts. Innovative posts' descriptions are shown on the public "
        "site.",
    )

    def __init__(self, *args, category: PostCategory | None = None, **kwargs):
        self.instance = category
        if category is not None:
            kwargs.setdefault("initial", {name: getattr(category, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)


class SubtypeForm(UniqueFieldsMixin, forms.Form):
    model = PostSubtype
    unique = {"code": "Another subtype already has the code {value}. Choose another."}

    name = name_field("subtype")
    code = code_field("subtype", "migrant-health")

    def __init__(self, *args, category: PostCategory, subtype: PostSubtype | None = None, **kwargs):
        self.category, self.instance = category, subtype
        if subtype is not None:
            kwargs.setdefault("initial", {"name": subtype.name, "code": subtype.code})
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if is_taken(PostSubtype, excluding=self.instance, category=self.category, name=name):
            raise forms.ValidationError(f"{self.category.name} already has a subtype called {name}.")
        return name
