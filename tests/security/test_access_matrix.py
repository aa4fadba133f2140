"""Every route x every role x GET/POST gives the status the access matrix says."""

import re

import pytest
from django.urls import reverse

from tests.security.access_matrix import ADMIN_ALLOWED, ADMIN_LOGIN, MATRIX
from tests.security.matrix_rules import EVERYONE
from tests.security.urls import all_routes


def is_admin_route(name: str) -> bool:
    return (name or "").startswith("admin:")


def test_every_route_is_in_the_matrix():
    missing = [name or route for name, route, _ in all_routes() if not route.startswith("admin/")]
    missing = [name for name in missing if name not in MATRIX]
    assert missing == [], f"Routes missing from tests/security/access_matrix.py: {missing}"


def test_every_route_has_a_name():
    unnamed = [route for name, route, _ in all_routes() if not name and not route.startswith("admin/")]
    assert unnamed == []


def test_the_matrix_lists_no_route_that_is_gone():
    names = {name for name, _, _ in all_routes()}
    assert sorted(set(MATRIX) - names) == []


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_route_access(name, client_for, kwarg_values):
    entry = MATRIX[name]
    url = reverse(name, kwargs={k: kwarg_values[v] for k, v in entry.kwargs.items()})
    wrong = []
    for role in EVERYONE:
        for method, expected in (("get", entry.get[role]), ("post", entry.post[role])):
            response = getattr(client_for(role), method)(url)
            if response.status_code != expected:
                wrong.append(
                    f"{role} {method.upper()} {url}: expected {expected}, got {response.status_code}"
                )
            if role == "anonymous" and response.status_code == 302 and not name.startswith("account_"):
                assert response["Location"].startswith("/accounts/login/"), (name, response["Location"])
    assert wrong == []


def admin_url(name: str, route: str) -> str:
    """Any path parameter gets a value: the rule below holds whether the object exists or not."""
    params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    kwargs = {a or b: "programmes" if (a or b) == "app_label" else "1" for a, b in params}
    return reverse(name, kwargs=kwargs or None)


ADMIN_ROUTES = [(n, r) for n, r, _ in all_routes() if is_admin_route(n)]


@pytest.mark.parametrize("name,route", ADMIN_ROUTES)
def test_admin_route_is_closed_to_all_but_national_admins(name, route, client_for):
    url = admin_url(name, route)
    for role in EVERYONE:
        if role in ADMIN_ALLOWED and name != ADMIN_LOGIN:
            continue
        for method in ("get", "post"):
            response = getattr(client_for(role), method)(url)
            assert response.status_code in {302, 403, 405}, (role, method, url, response.status_code)
            if response.status_code == 302:
                # Signing out through the admin only ends one's own session.
                allowed_redirect = role in ADMIN_ALLOWED or name == "admin:logout"
                assert "/login/" in response["Location"] or allowed_redirect, (role, url)


@pytest.mark.parametrize(
    "name", [n for n, _ in ADMIN_ROUTES if n == "admin:index" or n.endswith("_changelist")]
)
def test_national_admins_reach_every_admin_list(name, client_for):
    assert client_for(ADMIN_ALLOWED[0]).get(reverse(name)).status_code == 200
