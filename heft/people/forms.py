"""The invitation and change-of-role forms. Which roles, regions, schemes and localities are offered comes
from what the signed-in person may give (selectors.grant_choices); the services check it again."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError

from heft.accounts.invitations import ROLE_PHRASES
from heft.accounts.models import Role, RoleAssignment
from heft.community.models import Mentor
from heft.community.services import MENTOR_CAPACITY
from heft.people.selectors import GrantChoices
from heft.people.services import MentorDetails

ROLE_HINTS = {
    Role.NATIONAL_ADMIN: "Runs HEFT Hub for all England: regions, imports and every role",
    Role.REGIONAL_LEAD: "Runs HEFT in a region: rotations, allocation, teaching and its people",
    Role.SCHEME_ADMIN: "Runs a scheme: its trainees, rotations and allocation",
    Role.EDUCATOR: "Leads teaching sessions and takes their registers",
    Role.MENTOR: "Supports HEFT trainees and may lead a community of practice",
}

# The questions each role asks beyond itself, and the message when one is left unanswered.
ROLE_QUESTIONS = {
    Role.REGIONAL_LEAD: {"lead_region": "Choose the region they lead."},
    Role.SCHEME_ADMIN: {"admin_scheme": "Choose the scheme they run."},
    Role.EDUCATOR: {"educator_region": "Choose the region they teach in."},
    Role.MENTOR: {
        "mentor_kind": "Choose the kind of mentor.",
        "mentor_scheme": "Choose the scheme they work in.",
        "mentor_locality": "Choose one of the localities listed, or none.",
        "mentor_capacity": "Give how many trainees they can support, e.g. 6.",
    },
}


class RolePickForm(forms.Form):
    """The first question: which role. Its page then asks what that role needs (no hidden questions)."""

    role = forms.ChoiceField(
        label="Which role will they have?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role.", "invalid_choice": "Choose a role."},
    )

    def __init__(self, *args, choices: GrantChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in choices.roles]

    def role_items(self) -> list[dict]:
        """The radios, with a hint each, for the NHS radios component."""
        chosen = str(self["role"].value() or "")
        return [
            {"value": role, "text": label, "hint": {"text": ROLE_HINTS[role]}, "checked": role == chosen}
            for role, label in self.fields["role"].choices
        ]


class RoleForm(forms.Form):
    """What a chosen staff role needs: where it is held and, for a mentor, their details. Only the
    questions of that role are on the form, and each is required (a mentor's locality excepted)."""

    role = forms.ChoiceField(widget=forms.HiddenInput, error_messages={"required": "Choose a role."})
    lead_region = forms.ModelChoiceField(
        label="Region they lead", queryset=None, empty_label="Choose a region"
    )
    admin_scheme = forms.ModelChoiceField(
        label="Scheme they run", queryset=None, empty_label="Choose a scheme"
    )
    educator_region = forms.ModelChoiceField(
        label="Where they teach", queryset=None, empty_label="Choose a region"
    )
    mentor_kind = forms.ChoiceField(
        label="Kind of mentor", choices=[("", "Choose the kind of mentor"), *Mentor.Kind.choices]
    )
    mentor_scheme = forms.ModelChoiceField(
        label="Scheme they work in",
        queryset=None,
        empty_label="Choose a scheme",
        help_text="Trainees are matched with mentors near them: where they work keeps journeys short",
    )
    mentor_locality = forms.ModelChoiceField(
        label="Locality (optional)",
        queryset=None,
        required=False,
        empty_label="No locality",
        help_text="One of the localities of that scheme, if it has them",
    )
    mentor_capacity = forms.IntegerField(
        label="How many trainees they can support",
        min_value=MENTOR_CAPACITY[0],
        max_value=MENTOR_CAPACITY[1],
        initial=6,
    )
    always = ("role",)  # the fields every role's form keeps

    def __init__(self, *args, choices: GrantChoices, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.fields["role"].choices = [(value, Role(value).label) for value in choices.roles]
        self.fields["role"].initial = role
        self.fields["lead_region"].queryset = choices.regions
        self.fields["admin_scheme"].queryset = choices.schemes
        self.fields["educator_region"].queryset = choices.regions
        self.fields["mentor_scheme"].queryset = choices.schemes
        self.fields["mentor_locality"].queryset = choices.localities
        if choices.england:  # an educator may teach the national programme, in no one region
            self.fields["educator_region"].required = False
            self.fields["educator_region"].empty_label = "All England (national sessions)"
        questions = ROLE_QUESTIONS.get(role, {})
        for name in list(self.fields):
            if name in questions:
                self.fields[name].error_messages.update(
                    required=questions[name], invalid_choice=questions[name]
                )
            elif name not in self.always:
                del self.fields[name]

    # The services' names for what these fields answer, so that a refusal shows at its field.
    SERVICE_NAMES = {
        "kind": ("mentor_kind",),
        "capacity": ("mentor_capacity",),
        "locality": ("mentor_locality",),
        "region": ("lead_region", "educator_region"),
        "scheme": ("admin_scheme", "mentor_scheme"),
    }

    def with_field_names(self, error: ValidationError) -> ValidationError:
        """A service's refusal keyed by this form's field names where it names one of them."""
        if not hasattr(error, "error_dict"):
            return error
        renamed = {}
        for name, errors in error.error_dict.items():
            field = next((f for f in self.SERVICE_NAMES.get(name, ()) if f in self.fields), name)
            renamed[field] = errors
        return ValidationError(renamed)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def role_phrase(self) -> str:
        return ROLE_PHRASES[self.role]

    def service_arguments(self) -> dict:
        """role, region, scheme and mentor for the people services."""
        data, role = self.cleaned_data, self.cleaned_data["role"]
        mentor = None
        if role == Role.MENTOR:
            kind, capacity = data["mentor_kind"], data["mentor_capacity"]
            mentor = MentorDetails(kind, data["mentor_scheme"], data.get("mentor_locality"), capacity)
        return {
            "role": role,
            "region": data.get("lead_region") or data.get("educator_region"),
            "scheme": data.get("admin_scheme"),
            "mentor": mentor,
        }

    @classmethod
    def initial_for(cls, assignment: RoleAssignment, mentor: MentorDetails | None) -> dict:
        """The answers as the role is held now (for the same role; another role starts afresh)."""
        region, scheme = assignment.region_id, assignment.scheme_id
        initial = {"lead_region": region, "admin_scheme": scheme, "educator_region": region}
        if mentor is not None:
            initial.update(
                mentor_kind=mentor.kind,
                mentor_scheme=mentor.scheme.pk,
                mentor_locality=mentor.locality.pk if mentor.locality else None,
                mentor_capacity=mentor.capacity,
            )
        return initial


class InviteForm(RoleForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address they will sign in with: their NHS address where they have one",
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address, like name@example.nhs.uk.",
        },
    )
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)

    always = ("role", "email", "first_name", "last_name")
    field_order = ["role", "email", "first_name", "last_name"]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = {"email": data["email"], "first_name": data["first_name"], "last_name": data["last_name"]}
        return {**names, **super().service_arguments()}


class PasswordForm(SetPasswordForm):
    """The invited person's new password, checked by Django's validators (their messages as they are)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "Password", "Type the password again"
        first.help_text = GOOD_CHOICE_HINT
        first.error_messages["required"] = "Enter a password."
        second.error_messages["required"] = "Type the password again."
        self.error_messages = {**self.error_messages, "password_mismatch": MISMATCH}


# What Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) ask for, said before they refuse.
GOOD_CHOICE_HINT = (
    "At least 12 characters; not like your name or email address, not a common password and not only"
    " numbers. A few unrelated words make a good one."
)
MISMATCH = "The two passwords are different: type the same password in both boxes."
