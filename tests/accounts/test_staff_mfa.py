"""Two-factor sign-in for every staff role: each is sent to set up an authenticator before anything else,
and once it has one, a password alone does not sign it in. Trainees sign in with a password."""

import pytest
from django.urls import reverse

from heft.accounts.models import Role
from heft.accounts.permissions import STAFF_ROLES
from tests import factories as f
from tests.conftest import give_totp

PASSWORD = "a-long-test-password"  # tests/factories.py
SCOPES = {
    Role.REGIONAL_LEAD: lambda: {"region": f.RegionFactory()},
    Role.SCHEME_ADMIN: lambda: {"scheme": f.SchemeFactory()},
}


def user_with(role: Role):
    return f.RoleFactory(role=role, **SCOPES.get(role, dict)()).user


def test_every_role_but_trainee_is_staff():
    assert set(Role) - STAFF_ROLES == {Role.TRAINEE}


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_staff_must_set_up_an_authenticator_first(role, db, client):
    client.force_login(user_with(role))
    for page in ("home", "programmes:rotation_list", "practices:practice_list"):
        response = client.get(reverse(page))
        assert response.status_code == 302, page
        assert response["Location"] == reverse("mfa_activate_totp"), page
    assert client.get("/api/v1/regions").status_code == 302


@pytest.mark.parametrize("role", sorted(STAFF_ROLES))
def test_staff_with_an_authenticator_need_its_code_to_sign_in(role, db, client):
    user = user_with(role)
    give_totp(user)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("programmes:rotation_list")).status_code == 302  # not signed in yet


def test_trainees_sign_in_with_a_password(db, client):
    user = user_with(Role.TRAINEE)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] != reverse("mfa_authenticate")
    assert client.get(reverse("programmes:rotation_list")).status_code == 200
