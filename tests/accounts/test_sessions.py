"""Sessions: a new key at sign-in, deleted on the server at sign-out, idle and absolute timeouts, disabled
users signed out everywhere, and the cookie's flags as production sets them."""

import json
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from heft.accounts.middleware import LAST_ACTIVE_AT, SIGNED_IN_AT
from heft.accounts.models import User
from heft.accounts.models import UserSession as Session
from heft.accounts.services import user_sessions_end
from heft.accounts.sessions import SessionStore
from heft.audit.models import AuditEvent
from tests import factories as f
from tests.conftest import give_totp
from tests.core.test_settings import PRODUCTION_VARS, run_django

PASSWORD = "a-long-test-password"  # tests/factories.py
SIGNED_IN_PAGE = "programmes:rotation_list"


def session_key(client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def start_anonymous_session(client) -> str:
    """A session from before sign-in, as a visitor who has used a form already would have."""
    session = SessionStore()
    session["visited"] = True
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def is_signed_in(client) -> bool:
    return client.get(reverse(SIGNED_IN_PAGE)).status_code == 200


def test_signing_in_gives_a_new_session_key(db, client):
    trainee = f.RoleFactory(role="trainee").user
    before = start_anonymous_session(client)
    assert sign_in(client, trainee.email).status_code == 302
    after = session_key(client)
    assert after
    assert after != before
    assert not Session.objects.filter(pk=before).exists()
    assert is_signed_in(client)


def test_signing_in_with_two_factors_gives_a_new_session_key(db, client):
    lead = f.RoleFactory(role="regional_lead", region=f.RegionFactory()).user
    secret = give_totp(lead)
    before = start_anonymous_session(client)
    assert sign_in(client, lead.email)["Location"] == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert session_key(client) != before
    assert not Session.objects.filter(pk=before).exists()
    assert is_signed_in(client)


def test_signing_out_deletes_the_session_on_the_server(db, client):
    trainee = f.RoleFactory(role="trainee").user
    sign_in(client, trainee.email)
    old_key = session_key(client)
    assert client.post(reverse("account_logout")).status_code == 302
    assert not Session.objects.filter(pk=old_key).exists()

    replay = Client()  # someone who copied the cookie before sign-out
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(reverse(SIGNED_IN_PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def signed_in(db, client):
    """A trainee signed in through the sign-in form, with the session's timestamps recorded."""
    trainee = f.RoleFactory(role="trainee").user
    sign_in(client, trainee.email)
    assert is_signed_in(client)
    return client


def move_back(client, **seconds: int) -> str:
    """Moves the session's recorded times into the past, as if that much time had gone by."""
    session = client.session
    for name, delta in seconds.items():
        session[name] -= delta
    session.save()
    return session.session_key


def test_sign_in_and_activity_times_are_recorded(signed_in):
    session = signed_in.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 5
    assert abs(session[LAST_ACTIVE_AT] - time.time()) < 5


def test_a_session_idle_for_30_minutes_ends(signed_in):
    assert settings.HEFT_SESSION_IDLE_SECONDS == 30 * 60
    key = move_back(signed_in, **{LAST_ACTIVE_AT: 30 * 60 + 1, SIGNED_IN_AT: 30 * 60 + 1})
    response = signed_in.get(reverse(SIGNED_IN_PAGE), follow=True)
    assert response.redirect_chain[0][1] == 302
    assert response.request["PATH_INFO"] == reverse("account_login")
    assert "inactive for 30 minutes" in response.content.decode()
    assert not Session.objects.filter(pk=key).exists()


def test_activity_within_30_minutes_keeps_the_session_and_is_recorded(signed_in):
    move_back(signed_in, **{LAST_ACTIVE_AT: 29 * 60, SIGNED_IN_AT: 29 * 60})
    assert is_signed_in(signed_in)
    assert abs(signed_in.session[LAST_ACTIVE_AT] - time.time()) < 5


def test_a_session_ends_12_hours_after_sign_in_however_active(signed_in):
    assert settings.HEFT_SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    key = move_back(signed_in, **{SIGNED_IN_AT: 12 * 60 * 60 + 1})  # last active just now
    response = signed_in.get(reverse(SIGNED_IN_PAGE), follow=True)
    assert response.request["PATH_INFO"] == reverse("account_login")
    assert "over 12 hours ago" in response.content.decode()
    assert not Session.objects.filter(pk=key).exists()


def test_a_session_just_under_12_hours_old_still_works(signed_in):
    move_back(signed_in, **{SIGNED_IN_AT: 12 * 60 * 60 - 60})
    assert is_signed_in(signed_in)


def test_a_timed_out_session_gets_no_answer_from_the_api(signed_in):
    move_back(signed_in, **{LAST_ACTIVE_AT: 31 * 60})
    assert signed_in.get("/api/v1/regions").status_code == 401


def sessions_of(user) -> list[str]:
    """Found by decoding every session, apart from the user column the engine keeps."""
    return [s.pk for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


def test_each_session_row_names_its_signed_in_user_and_only_then(client, db):
    anonymous = start_anonymous_session(client)
    assert Session.objects.get(pk=anonymous).user is None
    trainee = f.RoleFactory(role="trainee").user
    sign_in(client, trainee.email)
    row = Session.objects.get(pk=session_key(client))
    assert row.user == trainee
    assert row.get_decoded()[SESSION_KEY] == str(trainee.pk)
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(user=trainee).exists()


def test_disabling_a_user_in_the_admin_ends_all_their_sessions(world, client_for):
    trainee = world.user("trainee")
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        sign_in(device, trainee.email)
    bystander = Client()
    sign_in(bystander, f.RoleFactory(role="trainee").user.email)
    assert len(sessions_of(trainee)) == 2

    admin = client_for("national_admin")
    roles = list(trainee.role_assignments.all())
    data = {
        "email": trainee.email,
        "first_name": trainee.first_name,
        "last_name": trainee.last_name,
        # is_active left out: the box is unticked.
        "role_assignments-TOTAL_FORMS": str(len(roles)),
        "role_assignments-INITIAL_FORMS": str(len(roles)),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for i, role in enumerate(roles):
        data |= {
            f"role_assignments-{i}-id": str(role.pk),
            f"role_assignments-{i}-user": str(trainee.pk),
            f"role_assignments-{i}-role": role.role,
        }
    response = admin.post(reverse("admin:accounts_user_change", args=[trainee.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    trainee.refresh_from_db()
    assert not trainee.is_active
    assert sessions_of(trainee) == []
    for device in (phone, laptop):
        assert not is_signed_in(device)
    event = AuditEvent.objects.get(verb="user.signed_out_everywhere")
    assert event.target_id == str(trainee.pk)
    assert event.after == {"sessions": 2}
    assert is_signed_in(admin)
    assert is_signed_in(bystander)  # nobody else's sessions end


def test_ending_a_users_sessions_leaves_everyone_elses(db):
    someone, other = f.UserFactory(), f.UserFactory()
    for user in (someone, other):
        for _device in range(2):
            Client().force_login(user)
    assert user_sessions_end(user=someone, by=other) == 2
    assert sessions_of(someone) == []
    assert len(sessions_of(other)) == 2
    assert user_sessions_end(user=someone, by=other) == 0


def test_a_user_disabled_behind_the_services_back_is_refused_on_the_next_request(signed_in):
    key = session_key(signed_in)
    user_id = signed_in.session[SESSION_KEY]
    User.objects.filter(pk=user_id).update(is_active=False)  # e.g. straight in the database
    response = signed_in.get(reverse(SIGNED_IN_PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Session.objects.filter(pk=key).exists()


SESSION_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_AGE",
    "SESSION_ENGINE",
    "CSRF_COOKIE_SECURE",
    "HEFT_SESSION_IDLE_SECONDS",
    "HEFT_SESSION_ABSOLUTE_SECONDS",
]


def production_settings(names: list[str]) -> dict:
    """The values of `names` in a process started with the production settings."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = run_django(["shell", "-c", code], {"HEFT_ENVIRONMENT": "production", **PRODUCTION_VARS})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_session_cookie_flags(db):
    values = production_settings(SESSION_SETTINGS)
    assert values["SESSION_ENGINE"] == "heft.accounts.sessions"  # server-side: database sessions
    assert values["SESSION_COOKIE_AGE"] == values["HEFT_SESSION_ABSOLUTE_SECONDS"] == 12 * 60 * 60
    assert values["HEFT_SESSION_IDLE_SECONDS"] == 30 * 60
    assert values["CSRF_COOKIE_SECURE"] is True

    # The cookie a production server sends at sign-in.
    cookie_settings = {k: v for k, v in values.items() if k.startswith("SESSION_COOKIE")}
    with override_settings(**cookie_settings):
        client = Client()
        trainee = f.RoleFactory(role="trainee").user
        sign_in(client, trainee.email)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""  # gone when the browser closes
    stored = Session.objects.get(pk=cookie.value)
    left = (stored.expire_date - timezone.now()).total_seconds()
    assert 12 * 60 * 60 - 60 < left <= 12 * 60 * 60  # and on the server after 12 hours at most
