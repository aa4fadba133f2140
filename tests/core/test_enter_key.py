"""Enter in a form's field submits it with its first submit button (HTML's implicit submission): on every
page, as every role that may see it, that button is never a destructive or irreversible one."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from heft.preferencing.models import PreferenceWindow
from heft.preferencing.services import preferences_save
from tests.security.access_matrix import APP_MATRICES, MATRIX
from tests.security.matrix_rules import ROLES

# Buttons whose action removes, ends, closes, releases or sends something, or cannot be taken back.
DESTRUCTIVE = re.compile(
    r"\b(remove|delete|withdraw|unpublish|revoke|cancel|close|release|decline|give up|discard|"
    r"deactivate|archive|reject|clear|publish|send|email|lapse|end)\b",
    re.IGNORECASE,
)
# Fields in which Enter submits the form (not a textarea, where it starts a new line).
TYPED = {"text", "email", "number", "date", "datetime-local", "time", "search", "password", "url", "tel", ""}


class Forms(HTMLParser):
    """Each form's submit buttons (label, classes, disabled) in document order, and whether a field in it
    submits the form when Enter is pressed."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.button = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {"action": attrs.get("action", ""), "buttons": [], "typed": False}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("type", "") in TYPED:
            self.form["typed"] = True
        elif tag == "input" and attrs.get("type") == "submit":
            self.form["buttons"].append([attrs.get("value", ""), attrs.get("class", ""), "disabled" in attrs])
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self.button = ["", attrs.get("class", ""), "disabled" in attrs]
            self.form["buttons"].append(self.button)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "button":
            self.button = None

    def handle_data(self, data):
        if self.button is not None:
            self.button[0] += data


def enter_takes(html: str) -> list[str]:
    """The forms with a field in which Enter submits, whose default button (what Enter presses) is
    destructive, or disabled (then Enter does nothing at all). A form's one button may be destructive by
    name (typing is how it is used: a reason, then Withdraw) but not a warning button, which asks first."""
    parser = Forms()
    parser.feed(html)
    found = []
    for form in parser.forms:
        buttons = form["buttons"]
        if not form["typed"] or not buttons:
            continue
        label, classes, disabled = buttons[0]
        label = " ".join(label.split())
        where = f"form {form['action'] or '(this page)'}"
        if disabled and len(buttons) > 1:
            found.append(f"{where}: Enter does nothing (its first button, “{label}”, is disabled)")
        elif "warning" in classes or (len(buttons) > 1 and DESTRUCTIVE.search(label)):
            found.append(f"{where}: Enter means “{label}”")
    return found


def test_enter_in_a_field_never_takes_a_destructive_action(client_for, world):
    values = {key: value for matrix in APP_MATRICES for key, value in matrix.kwargs(world).items()}
    # A ranked list on the trainee's ranking page: its number boxes are fields in which Enter submits.
    window = PreferenceWindow.objects.get(pk=values["window_pk"])
    trainee = world.trainee_a
    codes = [world.rotation_a.code]
    preferences_save(
        window_id=window.pk, trainee=trainee, rotation_codes=codes, submit=False, by=trainee.user
    )
    problems = []
    for name, route in MATRIX.items():
        role = next((role for role in ROLES if route.get[role] == 200), None)
        if route.method or role is None or name.startswith("api:"):
            continue
        url = reverse(name, kwargs={k: values[v] for k, v in route.kwargs.items()})
        response = client_for(role).get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            problems += [f"{name} as {role}: {p}" for p in enter_takes(response.content.decode())]
    assert not problems, "\n".join(problems)


def test_the_check_finds_a_destructive_or_dead_default_button():
    form = '<form action="/x">{}<input type="text" name="n"><button class="{}">{}</button>{}</form>'
    safe = '<button class="nhsuk-button" type="submit">Save</button>'
    assert enter_takes(form.format("", "nhsuk-button", "Remove post 1", safe))
    assert enter_takes(form.format("", "nhsuk-button nhsuk-button--warning", "Go", safe))
    assert enter_takes(form.format('<button type="submit" disabled>Move up</button>', "b", "Save", ""))
    assert not enter_takes(form.format("", "nhsuk-button", "Check", safe))
    assert not enter_takes(form.format("", "nhsuk-button", "Remove", ""))  # the form's one action
    assert enter_takes(form.format("", "nhsuk-button nhsuk-button--warning", "Release the place", ""))
    assert not enter_takes(form.replace('<input type="text" name="n">', "").format("", "b", "Remove", safe))
