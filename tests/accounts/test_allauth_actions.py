"""django-allauth's pages (sign-in, password reset, two-factor) end their forms as the NHS design system does:
the primary action is the button, first; "Cancel" is a link after it, never a button of its own and never
what Enter in a field does. Each page the flows reach is checked as a person reaches it."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from heft.accounts.models import Role
from tests import factories as f
from tests.conftest import give_totp
from tests.markup_checks import markup_problems

PASSWORD = "a-long-test-password"  # tests/factories.py
TYPED = {"text", "email", "password", "number", "tel", "url", "search", ""}
SECONDARY = ("nhsuk-button--secondary", "nhsuk-button--warning", "nhsuk-button--reverse")


@dataclass
class Action:
    text: str
    classes: set[str]
    form: str | None  # the id of the form it submits (None: a link, or a button outside any form)


@dataclass
class Form:
    id: str | None
    typed: bool = False  # holds a field in which Enter submits it
    submits: list[Action] = field(default_factory=list)


class Actions(HTMLParser):
    """The buttons and links of <main> in order, and each form's submit buttons as the browser owns them (a
    button's form attribute wins over the form it sits in)."""

    def __init__(self):
        super().__init__()
        self.in_main, self.forms, self.actions = False, {}, []
        self.open_form, self.current = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag == "form":
            key = attrs.get("id") or f"form-{len(self.forms)}"
            self.forms[key] = Form(attrs.get("id"))
            self.open_form = key
        elif tag == "input" and self.open_form and attrs.get("type", "") in TYPED:
            self.forms[self.open_form].typed = True
        elif self.in_main and (tag == "button" or (tag == "a" and "href" in attrs)):
            owner = attrs.get("form") or (self.open_form if tag == "button" else None)
            self.current = Action("", set((attrs.get("class") or "").split()), owner)
            self.actions.append(self.current)
            if tag == "button" and attrs.get("type", "submit") == "submit" and owner:
                self.forms.setdefault(owner, Form(owner)).submits.append(self.current)

    def handle_endtag(self, tag):
        if tag == "form":
            self.open_form = None
        elif tag in ("button", "a"):
            self.current = None
        elif tag == "main":
            self.in_main = False

    def handle_data(self, data):
        if self.current is not None:
            self.current.text = (self.current.text + " " + data.strip()).strip()


def problems_with_actions(html: str) -> list[str]:
    reader = Actions()
    reader.feed(html)
    problems = []
    for form in (form for form in reader.forms.values() if form.typed):
        first = form.submits[0] if form.submits else None
        if first is None or "nhsuk-button" not in first.classes or first.classes & set(SECONDARY):
            problems.append(f"Enter in form {form.id or ''} does not take its primary button: {first}")
    primary = next((i for i, a in enumerate(reader.actions) if "nhsuk-button" in a.classes), None)
    for index, action in enumerate(reader.actions):
        if action.text.lower().startswith("cancel"):
            if "nhsuk-link" not in action.classes or "nhsuk-button" in action.classes:
                problems.append(f'"{action.text}" is drawn as a button, not a link: {action.classes}')
            if primary is None or index < primary:
                problems.append(f'"{action.text}" comes before the primary button')
    return problems + markup_problems(html)


@pytest.fixture
def staff(db):
    """A scheme administrator with an authenticator."""
    user = f.RoleFactory(role=Role.SCHEME_ADMIN, scheme=f.SchemeFactory()).user
    give_totp(user)
    return user


@pytest.fixture
def trainee(db):
    return f.RoleFactory(role=Role.TRAINEE).user


def reauthenticated(client, user):
    """Signed in, and just confirmed their password: the two-factor settings ask for that first."""
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def reset_link(user) -> str:
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


def page_for(name: str, client, staff, trainee) -> str:
    """The page as the person who meets it sees it."""
    if name == "mfa_authenticate":
        client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
        return reverse("mfa_authenticate")
    if name == "account_reset_password_from_key":
        return reset_link(trainee)
    if name == "mfa_activate_totp":
        reauthenticated(client, trainee)
    elif name in ("mfa_deactivate_totp", "mfa_generate_recovery_codes"):
        reauthenticated(client, staff)
    elif name in ("account_reauthenticate", "mfa_reauthenticate", "account_change_password", "mfa_index"):
        client.force_login(staff)
    return reverse(name)


PAGES = [
    "account_login",
    "account_reset_password",
    "account_reset_password_from_key",
    "mfa_authenticate",
    "account_reauthenticate",
    "mfa_reauthenticate",
    "account_change_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_generate_recovery_codes",
]


@pytest.mark.parametrize("name", PAGES)
def test_the_primary_action_is_the_button_and_cancel_a_link_after_it(client, staff, trainee, name):
    response = client.get(page_for(name, client, staff, trainee), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [] or name == "account_reset_password_from_key", response.redirect_chain
    html = response.content.decode()
    assert "<form" in html or name == "mfa_index"
    assert problems_with_actions(html) == []


@pytest.mark.parametrize("name", ["mfa_authenticate", "account_reset_password_from_key"])
def test_cancel_ends_the_half_finished_sign_in(client, staff, trainee, name):
    html = client.get(page_for(name, client, staff, trainee), follow=True).content.decode()
    reader = Actions()
    reader.feed(html)
    [cancel] = [a for a in reader.actions if a.text == "Cancel"]
    assert cancel.form == "logout-from-stage"
    assert 'id="logout-from-stage"' in html


@pytest.mark.parametrize("name", ["mfa_deactivate_totp", "mfa_generate_recovery_codes"])
def test_a_page_that_asks_are_you_sure_has_a_way_back(client, staff, trainee, name):
    html = client.get(page_for(name, client, staff, trainee)).content.decode()
    assert f'<a class="nhsuk-link" href="{reverse("mfa_index")}">Cancel</a>' in html


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_reset_password",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_change_password",
    ],
)
def test_a_form_sent_back_with_errors_points_each_field_at_its_message(client, staff, trainee, name):
    """Django describes a field by its error's id (id_password_error): the message must carry that id."""
    html = client.post(page_for(name, client, staff, trainee), {}).content.decode()
    assert "nhsuk-error-message" in html
    assert markup_problems(html) == []
