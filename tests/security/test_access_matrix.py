"""Every route x every role x method gives the status the access matrix in docs/security.md says.

Each row is tried on the records the app's matrix_<app>.py makes, every role in turn (a POST that succeeds
changes what the next role meets, as in life), then put back as it was: a savepoint is rolled back after
each row, and before each second pass (a bearer token on the API, the htmx header where a page answers
htmx requests).
"""

import functools
import inspect
import json
import re
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from heft.accounts.permissions import STAFF_ROLES
from heft.accounts.services import api_token_create
from tests.security.access_matrix import ADMIN_ALLOWED, ADMIN_LOGIN, BODIES, ROWS, URL_KWARGS, url_parameters
from tests.security.matrix_doc import (
    START,
    Row,
    api_line,
    api_operations,
    missing_rows,
    missing_text,
    page_line,
    project_routes,
)
from tests.security.matrix_rules import ANON, EVERYONE, FormData
from tests.security.urls import all_routes

WHERE = f"the access matrix in docs/security.md (after {START})"
SECTIONS = sorted({row.section for row in ROWS})
STAFF = [role for role in EVERYONE if role in STAFF_ROLES]  # in the table's order: it matters for writes
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# --- the table holds every route, and only routes that exist --------------------------------------------


def test_every_route_has_a_row():
    missing = missing_rows(ROWS)
    assert not missing, (
        f"These routes have no row in {WHERE}. Add them under their headings with the status each role"
        f" gets (`python -m tests.security.matrix_doc --missing` prints them):\n\n{missing_text(missing)}"
    )


def test_every_route_has_a_name():
    unnamed = [route for name, route, _ in project_routes() if not name]
    assert unnamed == [], f"Name these routes (name=...) so the access matrix can list them: {unnamed}"


def test_no_row_names_a_route_that_is_gone():
    names = {name for name, _, _ in all_routes()}
    gone = [f"line {row.line}: `{row.name}`" for row in ROWS if row.name not in names]
    assert gone == [], f"Remove these rows from {WHERE}: no such route any more: {gone}"


def test_every_address_says_which_records_it_names():
    lacking = [
        f"{name} takes {sorted(params - set(URL_KWARGS.get(name, {})))}"
        for name, pattern, _ in project_routes()
        if (params := url_parameters(pattern)) - set(URL_KWARGS.get(name, {}))
    ]
    assert lacking == [], (
        "Say which record each argument names, in URL_KWARGS of tests/security/matrix_<app>.py (and make the"
        f" record in its kwargs(world)): {lacking}"
    )


def test_api_rows_say_the_method_and_path_of_their_operation():
    operations = api_operations()
    wrong = [
        f"line {row.line}: {api_line(row.name, *operations[row.name][:2], row.statuses, row.token)}"
        for row in ROWS
        if row.name in operations and (row.method, row.path) != operations[row.name][:2]
    ]
    misplaced = [f"line {row.line}: `{row.name}`" for row in ROWS if row.is_api != (row.name in operations)]
    assert wrong == [], f"In {WHERE}, these API rows should read:\n" + "\n".join(wrong)
    assert misplaced == [], (
        f"In {WHERE}, these rows are in the wrong kind of table (pages have GET and POST columns; API"
        f" operations, a method and a path): {misplaced}"
    )


def test_routes_that_answer_htmx_are_marked():
    """A view that reads the HX-Request header answers htmx differently: its row says (htmx)."""
    marked = {row.name for row in ROWS if row.htmx}
    answering = {
        name
        for name, _, view in project_routes()
        if view.__module__.startswith("heft.") and "HX-Request" in inspect.getsource(inspect.unwrap(view))
    }
    assert sorted(answering - marked) == [], f"In {WHERE}, add (htmx) after the route name of these rows"
    assert sorted(marked - answering) == [], f"In {WHERE}, these rows say (htmx) but the view ignores htmx"


# --- the statuses ------------------------------------------------------------------------------------------


@pytest.fixture
def tokens(world) -> dict[str, dict]:
    """A bearer token for each staff role (trainees cannot hold one): the headers to send it."""
    headers = {}
    for role in STAFF:
        _, raw = api_token_create(name="access matrix", by=world.user(role))
        headers[role] = {"Authorization": f"Bearer {raw}"}
    return headers


@pytest.mark.parametrize("section", SECTIONS)
def test_every_role_gets_the_status_the_table_says(section, client_for, kwarg_values, tokens):
    wrong = []
    for row in (row for row in ROWS if row.section == section):
        try:
            wrong += check_row(row, client_for, kwarg_values, tokens)
        except Exception as error:  # one broken route must not hide the rest of the section
            wrong.append(f"line {row.line} `{row.name}`: raised {error!r}")
    assert wrong == [], f"{WHERE}, section '{section}':\n\n" + "\n\n".join(wrong)


def rolled_back(observe):
    """What `observe` sees, with the database put back as it was afterwards."""
    with transaction.atomic():
        seen = observe()
        transaction.set_rollback(True)
    return seen


def check_row(row: Row, client_for, values: dict, tokens: dict) -> list[str]:
    url = reverse(row.name, kwargs={k: values[v] for k, v in URL_KWARGS.get(row.name, {}).items()})
    if row.is_api:
        body = functools.partial(
            BODIES.get(row.name, lambda values: None), values
        )  # made afresh for each request
        seen = rolled_back(lambda: observe_api(url, row.method, body, client_for))
        by_token = rolled_back(lambda: observe_api(url, row.method, body, client_for, tokens))
        token = {role: status for role, status in by_token.items() if status != seen[role]}
        if (seen, token) == (row.statuses, row.token):
            return []
        return [differences(row, url, {row.method: (row.statuses, seen)}, row.token, token)]
    get, post = rolled_back(lambda: observe_page(url, row.name, client_for))
    problems = []
    if (get, post) != (row.get, row.post):
        problems.append(differences(row, url, {"GET": (row.get, get), "POST": (row.post, post)}))
    if row.htmx:
        hx = rolled_back(lambda: observe_page(url, row.name, client_for, {"HX-Request": "true"}))
        problems += [
            f"line {row.line} `{row.name}`: {role} {method} with the HX-Request header got {hx_seen[role]},"
            f" without it {seen[role]}: an htmx request must get what a plain one gets"
            for method, seen, hx_seen in (("GET", get, hx[0]), ("POST", post, hx[1]))
            for role in EVERYONE
            if hx_seen[role] != seen[role]
        ]
    return problems


def observe_page(url: str, name: str, client_for, headers=None) -> tuple[dict, dict]:
    get, post = {}, {}
    for role in EVERYONE:
        client = client_for(role)
        for method, seen in (("get", get), ("post", post)):
            response = getattr(client, method)(url, headers=headers)
            seen[role] = response.status_code
            sent_away = role == ANON and response.status_code == 302 and not name.startswith("account_")
            assert not sent_away or response["Location"].startswith("/accounts/login/"), (
                f"{url} sends anonymous users to {response['Location']}, not to sign in"
            )
    return get, post


def observe_api(
    url: str, method: str, body: Callable, client_for, tokens: dict | None = None
) -> dict[str, int]:
    """Each role's status for the operation through its session; or, given `tokens`, each staff role's
    through its bearer token alone."""
    seen = {}
    for role in tokens or EVERYONE:
        client = client_for(ANON if tokens else role)
        seen[role] = send_api(client, method, url, body(), tokens[role] if tokens else None).status_code
    return seen


def send_api(client, method: str, url: str, body, headers=None):
    if isinstance(body, FormData):
        return client.generic(method, url, **_multipart(body), headers=headers)
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, url, data, content_type="application/json", headers=headers)


def _multipart(body: FormData) -> dict:
    boundary = "matrixboundary"
    return {
        "data": encode_multipart(boundary, dict(body)),
        "content_type": f"{MULTIPART_CONTENT}; boundary={boundary}",
    }


def differences(row: Row, url: str, by_method: dict, token=None, seen_token=None) -> str:
    """Which cells are wrong, and the row as it would read if the code is right."""
    lines = [f"line {row.line} `{row.name}` ({url}):"]
    for method, (expected, seen) in by_method.items():
        lines += [
            f"  {role} {method}: the table says {expected[role]}, the response was {seen[role]}"
            for role in EVERYONE
            if expected[role] != seen[role]
        ]
    if token != seen_token:
        lines.append(
            f"  with a bearer token: the table says {token or 'the same'}, seen {seen_token or 'the same'}"
        )
    if row.is_api:
        ((_, seen),) = by_method.values()
        fixed = api_line(row.name, row.method, row.path, seen, seen_token)
    else:
        fixed = page_line(row.name, by_method["GET"][1], by_method["POST"][1], htmx=row.htmx)
    lines.append(f"  Fix the code, or, if the code is right, make the row read:\n{fixed}")
    return "\n".join(lines)


# --- what the table does not list ---------------------------------------------------------------------------


def test_methods_an_api_address_does_not_take_answer_405(client_for, kwarg_values):
    """The API's rows give each operation's own method; every other method on its address is 405."""
    taken: dict[str, set[str]] = {}
    for row in ROWS:
        if row.is_api:
            kwargs = {k: kwarg_values[v] for k, v in URL_KWARGS.get(row.name, {}).items()}
            taken.setdefault(reverse(row.name, kwargs=kwargs), set()).add(row.method)
    wrong = []
    for role in (ANON, ADMIN_ALLOWED[0]):
        client = client_for(role)
        for url, methods in taken.items():
            for method in set(API_METHODS) - methods:
                status = client.generic(method, url).status_code
                if status != 405:
                    wrong.append(f"{role} {method} {url}: {status}")
    assert wrong == []


ADMIN_ROUTES = [(n, r) for n, r, _ in all_routes() if (n or "").startswith("admin:")]


def admin_app(route: str) -> str:
    """The app whose models a route's pages are about ('site' for the admin's own pages)."""
    return route.split("/")[1] if route.count("/") > 2 else "site"


ADMIN_APPS = sorted({admin_app(route) for _, route in ADMIN_ROUTES})


def admin_url(name: str, route: str) -> str:
    """Any path parameter gets a value: the rule below holds whether the object exists or not."""
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    kwargs = {a or b: "programmes" if (a or b) == "app_label" else "1" for a, b in params}
    return reverse(name, kwargs=kwargs or None)


@pytest.mark.parametrize("app", ADMIN_APPS)
def test_the_admin_is_closed_to_all_but_national_admins(app, client_for):
    """The Django admin's generated routes, GET and POST, for everyone else: to sign-in, 403 or 405."""
    wrong = []
    for name, route in ADMIN_ROUTES:
        if admin_app(route) != app:
            continue
        url = admin_url(name, route)
        for role in EVERYONE:
            if role in ADMIN_ALLOWED and name != ADMIN_LOGIN:
                continue
            for method in ("get", "post"):
                response = getattr(client_for(role), method)(url)
                # Signing out through the admin only ends one's own session.
                elsewhere = response.status_code == 302 and not (
                    "/login/" in response["Location"] or role in ADMIN_ALLOWED or name == "admin:logout"
                )
                if response.status_code not in {302, 403, 405} or elsewhere:
                    wrong.append(f"{role} {method.upper()} {url}: {response.status_code}")
    assert wrong == []


def test_national_admins_reach_every_admin_list(client_for):
    admin = client_for(ADMIN_ALLOWED[0])
    lists = [n for n, _ in ADMIN_ROUTES if n == "admin:index" or n.endswith("_changelist")]
    closed = [name for name in lists if admin.get(reverse(name)).status_code != 200]
    assert closed == []
