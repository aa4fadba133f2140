"""Invitations through the API: the same roles, scopes and checks as the pages, with documented errors."""

import pytest
from django.core import mail

from heft.accounts.models import Invitation, Role
from heft.accounts.services import api_token_create, invitation_create
from heft.community.models import Mentor
from tests import factories as f

BASE = "/api/v1/invitations"


@pytest.fixture
def lead(client_for):
    return client_for("regional_lead")


def post(client, url, body=None, **extra):
    return client.post(url, body or {}, content_type="application/json", **extra)


def test_a_lead_invites_lists_sends_again_and_revokes(world, lead, django_capture_on_commit_callbacks):
    body = {"email": "api.tpd@example.org", "role": "scheme_admin", "scheme": "scheme-a", "first_name": "Kit"}
    with django_capture_on_commit_callbacks(execute=True):
        response = post(lead, BASE, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["outcome"] == "invited"
    assert created["role"] is None
    invitation = created["invitation"]
    assert (invitation["email"], invitation["scheme"], invitation["status"]) == (
        "api.tpd@example.org",
        "scheme-a",
        "sent",
    )
    assert len(mail.outbox) == 1
    listed = lead.get(BASE).json()
    assert [row["email"] for row in listed["items"]] == ["api.tpd@example.org"]
    again = post(lead, f"{BASE}/{invitation['id']}/resend")
    assert again.status_code == 200
    assert again.json()["times_sent"] == 2
    revoked = post(lead, f"{BASE}/{invitation['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert post(lead, f"{BASE}/{invitation['id']}/resend").status_code == 400
    assert lead.get(BASE, {"status": "sent"}).json()["items"] == []


def test_a_mentor_is_invited_with_their_details(world, lead):
    body = {
        "email": "api.mentor@example.org",
        "role": "mentor",
        "mentor": {"kind": "deprivation_fellow", "scheme": "scheme-a", "capacity": 3},
    }
    response = post(lead, BASE, body)
    assert response.status_code == 201, response.content
    invitation = response.json()["invitation"]
    assert invitation["region"] == "region-a"
    assert invitation["mentor"]["kind"] == "deprivation_fellow"
    assert invitation["mentor"]["capacity"] == 3


def test_an_existing_sign_in_is_granted_at_once(world, lead):
    existing = f.UserFactory(email="api.peer@example.org")
    body = {"email": existing.email, "role": "mentor", "mentor": {"kind": "near_peer", "scheme": "scheme-a"}}
    response = post(lead, BASE, body)
    assert response.status_code == 201
    assert response.json()["outcome"] == "granted"
    assert response.json()["role"] == {
        "id": existing.role_assignments.get().pk,
        "email": existing.email,
        "role": "mentor",
        "region": "region-a",
        "scheme": None,
    }
    assert Mentor.objects.get(user=existing).kind == "near_peer"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "x@example.org", "role": "regional_lead", "region": "region-a"},
        {"email": "x@example.org", "role": "educator", "region": "region-b"},
        {"email": "x@example.org", "role": "scheme_admin", "scheme": "scheme-b"},
        {"email": "x@example.org", "role": "mentor", "mentor": {"kind": "pcn_lead", "scheme": "scheme-b"}},
        {"email": "x@example.org", "role": "educator", "region": "no-such-region"},
    ],
)
def test_what_a_lead_may_not_give_is_403(world, lead, body):
    response = post(lead, BASE, body)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"email": "x@example.org", "role": "scheme_admin"}, "Choose the scheme they run."),
        ({"email": "x@example.org", "role": "mentor"}, "Give the mentor's kind"),
        (
            {"email": "x@example.org", "role": "mentor", "mentor": {"kind": "pilot", "scheme": "scheme-a"}},
            "Choose the kind of mentor.",
        ),
        ({"email": "not an address", "role": "educator", "region": "region-a"}, "Enter an email address"),
        ({"email": "x@example.org", "role": "trainee"}, "Choose a staff role"),
    ],
)
def test_a_refused_invitation_is_400_with_the_reason(world, lead, body, detail):
    response = post(lead, BASE, body)
    assert response.status_code == 400, response.content
    assert detail in response.json()["detail"]


def test_another_region_s_invitation_is_404(world, lead):
    other = invitation_create(
        email="b@example.org", role=Role.EDUCATOR, region=world.region_b, by=world.user("national_admin")
    ).invitation
    for action in ("resend", "revoke"):
        assert post(lead, f"{BASE}/{other.pk}/{action}").status_code == 404
    assert lead.get(BASE).json()["items"] == []


def test_a_bearer_token_works_as_the_session_does(world, client):
    _, raw = api_token_create(name="people tool", by=world.user("national_admin"))
    body = {"email": "token.made@example.org", "role": "regional_lead", "region": "region-b"}
    response = post(client, BASE, body, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201, response.content
    assert Invitation.objects.get().role == Role.REGIONAL_LEAD
