"""Response headers: nothing shown to a signed-in user (or sent by the API) is kept by a browser or proxy,
and the security headers production sends are all on its pages."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from heft.accounts.services import api_token_create
from tests.accounts.test_sessions import production_settings
from tests.security.access_matrix import ADMIN_ALLOWED, MATRIX
from tests.security.matrix_rules import ROLES
from tests.security.urls import all_routes


def not_stored(response) -> bool:
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_page_a_signed_in_user_gets_is_not_stored(name, client_for, kwarg_values):
    """Every route of the access matrix, as every role it answers 200."""
    entry = MATRIX[name]
    url = reverse(name, kwargs={k: kwarg_values[v] for k, v in entry.kwargs.items()})
    stored = []
    for role in ROLES:
        if entry.get[role] != 200:
            continue
        response = client_for(role).get(url)
        if response.status_code == 200 and not not_stored(response):
            stored.append(f"{role}: {response.get('Cache-Control')!r}")
    assert stored == []


ADMIN_LISTS = [n for n, _, _ in all_routes() if n and n.startswith("admin:") and n.endswith("_changelist")]


def test_the_admin_site_is_not_stored(client_for):
    client = client_for(ADMIN_ALLOWED[0])
    for name in ["admin:index", *ADMIN_LISTS]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert not_stored(response), name


def test_api_answers_are_not_stored_whoever_asks(world, client):
    _, token = api_token_create(name="reporting", by=world.user("national_admin"))
    answers = [
        client.get("/api/v1/trainees", HTTP_AUTHORIZATION=f"Bearer {token}"),
        client.get("/api/v1/trainees"),  # 401
        client.get("/api/v1/content/news"),  # public content, anonymous
        client.get("/api/v1/openapi.json"),
    ]
    assert [r.status_code for r in answers] == [200, 401, 200, 200]
    assert all(not_stored(r) for r in answers)


def test_public_answers_to_anonymous_visitors_keep_their_caching(world, client):
    """The rule is about personal data: the public calendar stays cacheable for everyone it is public to."""
    response = client.get(reverse("teaching:feed_national"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


def test_the_same_public_page_is_not_stored_once_signed_in(world, client_for):
    response = client_for("trainee").get(reverse("teaching:feed_national"))
    assert response.status_code == 200
    assert not_stored(response)


# --- the security headers, as production sends them --------------------------------------------------------

SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SECURE_SSL_REDIRECT",
]


@pytest.fixture(scope="module")
def production_security_settings() -> dict:
    return production_settings(SECURITY_SETTINGS)


@pytest.mark.parametrize("role", ["anonymous", "trainee", "national_admin"])
def test_pages_carry_every_security_header(role, production_security_settings, client_for):
    values = production_security_settings
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    with override_settings(**values):
        response = client_for(role).get(reverse("home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip())
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"]
    nonce = re.search(r"'nonce-([^']+)'", csp["script-src"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    inline = [s for s in scripts if "src=" not in s]
    assert inline
    assert all(f'nonce="{nonce}"' in s for s in inline)


def test_the_csp_nonce_changes_with_every_response(db):
    client = Client()
    nonces = {
        re.search(r"'nonce-([^']+)'", client.get(reverse("home"))["Content-Security-Policy"]).group(1)
        for _ in range(3)
    }
    assert len(nonces) == 3
