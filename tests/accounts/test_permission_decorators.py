"""The any-of-permissions check, on pages (`requires_any`) and in the API (`require_any`).

The two perms below split the roles cleanly: educators run sessions but rank nothing, trainees rank
rotations but run no sessions, and mentors hold neither.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from ninja.errors import HttpError

from heft.accounts.access import requires_any
from heft.accounts.permissions import Perm
from heft.api_common.auth import require_any
from heft.community.models import CommunityGroup

EITHER = (Perm.RUN_SESSIONS, Perm.RANK_ROTATIONS)


def passed_through(request):
    return request


# --- pages --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["educator", "trainee"])
def test_requires_any_lets_in_a_holder_of_either_permission(rf, world, role):
    request = rf.get("/")
    request.user = world.user(role)

    returned = requires_any(*EITHER)(passed_through)(request)

    assert returned is request


def test_requires_any_refuses_a_user_holding_neither_permission(rf, world):
    request = rf.get("/")
    request.user = world.user("mentor")

    with pytest.raises(PermissionDenied):
        requires_any(*EITHER)(passed_through)(request)


def test_requires_any_refuses_an_anonymous_request(rf):
    request = rf.get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied):
        requires_any(*EITHER)(passed_through)(request)


def test_requires_any_refuses_a_deactivated_account_whatever_its_roles(rf, world):
    educator = world.user("educator")
    educator.is_active = False
    request = rf.get("/")
    request.user = educator

    with pytest.raises(PermissionDenied):
        requires_any(*EITHER)(passed_through)(request)


def test_requires_any_says_which_permissions_the_view_needs():
    view = requires_any(*EITHER)(passed_through)

    assert view.heft_access == "run_sessions or rank_rotations"


def test_a_page_behind_requires_any_sends_the_anonymous_to_sign_in(client_for):
    response = client_for("anonymous").get(reverse("teaching:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_page_behind_requires_any_refuses_a_user_holding_none_of_its_permissions(client_for):
    response = client_for("mentor").get(reverse("teaching:home"))

    assert response.status_code == 403


# --- the API ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["educator", "trainee"])
def test_require_any_lets_in_a_holder_of_either_permission(rf, world, role):
    request = rf.get("/")
    request.auth = world.user(role)

    assert require_any(request, *EITHER) is None


def test_require_any_answers_403_to_a_user_holding_neither_permission(rf, world):
    request = rf.get("/")
    request.auth = world.user("mentor")

    with pytest.raises(HttpError) as refused:
        require_any(request, *EITHER)

    assert refused.value.status_code == 403


@pytest.fixture
def communities(world):
    """One community of practice on each side of the scope line."""
    return {
        "a": CommunityGroup.objects.create(region=world.region_a, scheme=world.scheme_a, name="Scheme A 1"),
        "b": CommunityGroup.objects.create(region=world.region_b, scheme=world.scheme_b, name="Scheme B 1"),
    }


def test_an_operation_behind_require_any_answers_401_to_the_anonymous(client_for, communities):
    response = client_for("anonymous").get("/api/v1/communities")

    assert response.status_code == 401


def test_an_operation_behind_require_any_answers_403_to_a_user_holding_neither(client_for, communities):
    # Communities need MANAGE_COMMUNITY or JOIN_COMMUNITY; an educator holds neither.
    response = client_for("educator").get("/api/v1/communities")

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["regional_lead", "mentor"])
def test_an_operation_behind_require_any_answers_a_holder_of_either(client_for, communities, role):
    response = client_for(role).get("/api/v1/communities")

    assert response.status_code == 200


def test_passing_require_any_does_not_widen_the_callers_scope(client_for, communities):
    # Region A's lead manages communities, but only those of region A.
    response = client_for("regional_lead").get("/api/v1/communities")

    assert [group["id"] for group in response.json()] == [communities["a"].pk]
