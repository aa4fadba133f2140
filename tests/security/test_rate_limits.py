"""Sign-in throttling and the rate limits on exports, calendar feeds, check-in codes and the API.

Each test sets a small limit of its own (the test settings put the limits out of reach of the rest of the
suite), hits it, and checks that someone else is not held back by it.
"""

import json
import math
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from heft.accounts.permissions import STAFF_ROLES
from heft.accounts.services import api_token_create
from heft.core.ratelimit import rate_limit_hit
from heft.teaching.services import calendar_token_create
from tests import factories as f
from tests.conftest import give_totp
from tests.security.access_matrix import MATRIX
from tests.security.matrix_rules import ROLES

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "a-long-test-password"  # tests/factories.py
THROTTLED = "too many failed attempts to sign in to this account"
# Windows a day long: a test never straddles two of them, so its counts never start again part way.
DAY = 24 * 60 * 60


def limits(**scopes: tuple[int, int]):
    return override_settings(HEFT_RATE_LIMITS={**settings.HEFT_RATE_LIMITS, **scopes})


def assert_429_page(response, *, period: int):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= period
    body = response.content.decode()
    assert "nhsuk-header" in body
    assert "too many requests" in body
    minutes = math.ceil(int(response["Retry-After"]) / 60)
    assert f"Wait {minutes} minute" in body


def same_role_as(world, role: str):
    """Another user holding `role` over the same scope as the world's one (with an authenticator)."""
    original = world.user(role).role_assignments.get()
    user = f.UserFactory()
    f.RoleFactory(user=user, role=role, region=original.region, scheme=original.scheme)
    if role in STAFF_ROLES:
        give_totp(user)
    return user


# --- the counter ------------------------------------------------------------------------------------------


def test_fixed_windows_count_each_caller_apart_and_start_again(db):
    with limits(exports=(2, 60)):
        start = 6_000_000.0  # the start of a window: 100,000 whole minutes
        assert rate_limit_hit("exports", "user:1", now=start) is None
        assert rate_limit_hit("exports", "user:1", now=start + 10) is None
        assert rate_limit_hit("exports", "user:1", now=start + 15) == 45  # until the window ends
        assert rate_limit_hit("exports", "user:2", now=start + 15) is None  # someone else
        assert rate_limit_hit("exports", "user:1", now=start + 60) is None  # the next window


# --- sign-in throttling (django-allauth) ------------------------------------------------------------------


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in(client) -> bool:
    return client.get(reverse("programmes:rotation_list")).status_code == 200


def test_five_wrong_passwords_lock_the_account_for_a_while(db, client):
    trainee = f.RoleFactory(role="trainee").user
    for _ in range(5):
        response = sign_in(client, trainee.email, "not-the-password")
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode().lower()
    response = sign_in(client, trainee.email)  # the right password, too late
    assert THROTTLED in response.content.decode().lower()
    assert not signed_in(client)

    other = f.RoleFactory(role="trainee").user  # another account from the same address
    assert sign_in(Client(), other.email).status_code == 302


def test_five_wrong_authenticator_codes_lock_the_second_step(db, client):
    lead = f.RoleFactory(role="regional_lead", region=f.RegionFactory()).user
    secret = give_totp(lead)
    assert sign_in(client, lead.email)["Location"] == reverse("mfa_authenticate")
    for _ in range(5):
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert response.status_code == 200
        assert THROTTLED not in response.content.decode().lower()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert THROTTLED in response.content.decode().lower()
    assert not signed_in(client)


def test_too_many_sign_in_requests_from_one_address_get_the_service_page(db, client):
    with override_settings(ACCOUNT_RATE_LIMITS={**settings.ACCOUNT_RATE_LIMITS, "login": "2/d/ip"}):
        for _ in range(2):
            assert sign_in(client, "nobody@example.org", "not-the-password").status_code == 200
        response = sign_in(client, "nobody@example.org", "not-the-password")
    body = response.content.decode()
    assert response.status_code == 429
    assert "nhsuk-header" in body
    assert "too many requests" in body


# Run in a process of its own: wrong passwords, then maybe the right one.
ATTEMPTS = """
import json, sys
import django
django.setup()
from django.test import Client
from django.urls import reverse
email, wrong, then_right = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "yes"
client = Client()
for _ in range(wrong):
    client.post(reverse("account_login"), {"login": email, "password": "not-the-password"})
result = {}
if then_right:
    response = client.post(reverse("account_login"), {"login": email, "password": "a-long-test-password"})
    result = {"status": response.status_code, "signed_in": "_auth_user_id" in client.session}
print(json.dumps(result))
"""


@pytest.fixture
def shared_database_url(transactional_db, tmp_path):
    """Gives the address of this test's database as it stands, for other processes: PostgreSQL's test
    database itself, or a copy of SQLite's in-memory one in a file."""
    db = connection.settings_dict

    def url() -> str:
        if connection.vendor != "sqlite":
            credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
            return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"

    yield url
    cache.clear()  # the other processes' counts were committed: leave none for later tests


def run_process(database_url: str, *args: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HEFT_", "DATABASE_URL"))}
    env |= {
        "HEFT_ENVIRONMENT": "test",
        "DJANGO_SETTINGS_MODULE": "heft.settings",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", ATTEMPTS, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_sign_in_limit_holds_across_app_processes(shared_database_url):
    """Three wrong passwords in one app process and two in another lock the account for both: the counts
    live in the database cache, not in any one process's memory."""
    user = f.RoleFactory(role="trainee").user
    url = shared_database_url()
    assert run_process(url, user.email, "3", "no") == {}
    assert run_process(url, user.email, "2", "yes") == {"status": 200, "signed_in": False}


def test_one_process_alone_signs_in_after_fewer_failures(shared_database_url):
    """The same with four failures in all: the fifth attempt, right this time, gets in."""
    user = f.RoleFactory(role="trainee").user
    url = shared_database_url()
    assert run_process(url, user.email, "2", "no") == {}
    assert run_process(url, user.email, "2", "yes") == {"status": 302, "signed_in": True}


# --- exports ----------------------------------------------------------------------------------------------

EXPORTS = ["reports:equity_export", "preferencing:window_export", "practices:import_problems"]


def url_for(name: str, kwarg_values: dict) -> str:
    return reverse(name, kwargs={k: kwarg_values[v] for k, v in MATRIX[name].kwargs.items()})


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_are_limited_per_user(name, world, client_for, kwarg_values):
    url = url_for(name, kwarg_values)
    role = next(r for r in ROLES if MATRIX[name].get[r] == 200)
    with limits(exports=(3, DAY)):
        client = client_for(role)
        for _ in range(3):
            assert client.get(url).status_code == 200
        assert_429_page(client.get(url), period=DAY)

        other = Client()
        other.force_login(same_role_as(world, role))
        assert other.get(url).status_code == 200


# --- calendar feeds ---------------------------------------------------------------------------------------


def test_a_private_feed_is_limited_per_feed_token(world, client, kwarg_values):
    mine = reverse("teaching:feed_trainee", kwargs={"token": kwarg_values["teaching_feed_token"]})
    trainee_b_user = f.RoleFactory(role="trainee").user
    world.trainee_b.user = trainee_b_user
    world.trainee_b.save()
    theirs = reverse(
        "teaching:feed_trainee",
        kwargs={"token": calendar_token_create(trainee=world.trainee_b, by=trainee_b_user)},
    )
    with limits(calendar_feeds=(2, DAY)):
        for _ in range(2):
            assert client.get(mine).status_code == 200
        assert_429_page(client.get(mine), period=DAY)
        assert client.get(theirs).status_code == 200  # same address, another feed


def test_public_feeds_are_limited_per_address(db, world, kwarg_values):
    national = reverse("teaching:feed_national")
    region = reverse("teaching:feed_region", kwargs={"region_code": kwarg_values["teaching_region_a_code"]})
    busy, quiet = Client(REMOTE_ADDR="192.0.2.10"), Client(REMOTE_ADDR="192.0.2.20")
    with limits(public_calendar_feeds=(3, DAY)):
        for url in (national, region, national):
            assert busy.get(url).status_code == 200
        assert_429_page(busy.get(region), period=DAY)
        response = quiet.get(national)
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]


def test_a_communitys_calendar_is_limited_per_user(world, client_for, kwarg_values):
    url = url_for("community:group_calendar", kwarg_values)
    with limits(calendar_feeds=(2, DAY)):
        trainee = client_for("trainee")
        for _ in range(2):
            assert trainee.get(url).status_code == 200
        assert_429_page(trainee.get(url), period=DAY)
        mentor = Client()
        mentor.force_login(world.user("mentor"))  # the group's lead
        assert mentor.get(url).status_code == 200


# --- check-in codes ---------------------------------------------------------------------------------------


def test_check_in_codes_are_limited_per_user_on_the_page_and_the_api(world, client_for, kwarg_values):
    pk = kwarg_values["teaching_session_pk"]
    page = reverse("teaching:check_in", kwargs={"pk": pk})
    api = f"/api/v1/teaching/sessions/{pk}/check-in"
    with limits(check_in=(3, DAY)):
        trainee = client_for("trainee")
        for _ in range(3):
            assert trainee.post(page, {"code": "WRONG1"}).status_code == 302  # "that code is not right"
        assert_429_page(trainee.post(page, {"code": "WRONG1"}), period=DAY)
        response = trainee.post(api, {"code": "WRONG1"}, content_type="application/json")
        assert response.status_code == 429
        assert "Retry-After" in response

        other_user = same_role_as(world, "trainee")
        world.trainee_a2.user = other_user
        world.trainee_a2.save()
        other = Client()
        other.force_login(other_user)
        assert other.post(page, {"code": "WRONG1"}).status_code == 302


# --- the API ----------------------------------------------------------------------------------------------


def test_the_api_is_limited_per_token_holder(world):
    _, token = api_token_create(name="reporting", by=world.user("regional_lead"))
    _, other_token = api_token_create(name="reporting", by=world.user("national_admin"))
    client = Client()
    with limits(api=(3, DAY)):
        for path in ("/api/v1/regions", "/api/v1/schemes", "/api/v1/rotations"):  # one limit for them all
            assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        response = client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 429
        assert response.json() == {"detail": "Too many requests."}
        assert 1 <= int(response["Retry-After"]) <= DAY
        assert client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {other_token}").status_code == 200


def test_the_api_counts_a_browser_session_as_its_user(world, client_for):
    _, token = api_token_create(name="reporting", by=world.user("regional_lead"))
    with limits(api=(2, DAY)):
        browser = client_for("regional_lead")
        assert browser.get("/api/v1/regions").status_code == 200
        assert Client().get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        assert browser.get("/api/v1/regions").status_code == 429  # the token's call counted too


def test_the_public_content_api_is_limited_per_address(db):
    busy, quiet = Client(REMOTE_ADDR="192.0.2.30"), Client(REMOTE_ADDR="192.0.2.40")
    with limits(api=(2, DAY)):
        for _ in range(2):
            assert busy.get("/api/v1/content/news").status_code == 200
        assert busy.get("/api/v1/content/news").status_code == 429
        assert quiet.get("/api/v1/content/news").status_code == 200


def test_every_role_has_an_api_limit_applied(world):
    """Nobody is exempt: each role's own token is refused past the limit."""
    with limits(api=(1, DAY)):
        for role in sorted(STAFF_ROLES):
            _, token = api_token_create(name="t", by=world.user(role.value))
            client = Client()
            assert client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
            assert client.get("/api/v1/regions", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 429
