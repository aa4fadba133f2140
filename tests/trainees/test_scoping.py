"""Trainee records are visible only within the user's role and scope; anything else is 404."""

import pytest
from django.urls import reverse

from heft.trainees.selectors import trainees_visible_to
from tests import factories as f


def visible(world, role):
    return set(trainees_visible_to(world.user(role)))


def test_national_admin_sees_every_trainee(world):
    assert visible(world, "national_admin") == {world.trainee_a, world.trainee_a2, world.trainee_b}


def test_regional_lead_sees_their_region_only(world):
    assert visible(world, "regional_lead") == {world.trainee_a, world.trainee_a2}


def test_scheme_admin_sees_their_scheme_only(world):
    other_scheme_same_region = f.SchemeFactory(region=world.region_a)
    outsider = f.MembershipFactory(scheme=other_scheme_same_region).trainee
    seen = visible(world, "scheme_admin")
    assert seen == {world.trainee_a, world.trainee_a2}
    assert outsider not in seen


def test_mentor_sees_only_current_mentees(world):
    assert visible(world, "mentor") == {world.trainee_a2}


def test_mentor_loses_sight_when_the_assignment_ends(world):
    world.trainee_a2.mentor_assignments.update(end_date="2027-01-01")
    assert visible(world, "mentor") == set()


def test_trainee_sees_only_themself(world):
    assert visible(world, "trainee") == {world.trainee_a}


def test_educator_sees_no_trainee_records(world):
    assert visible(world, "educator") == set()


@pytest.mark.parametrize("role", ["regional_lead", "scheme_admin", "mentor"])
def test_another_scope_trainee_is_404(world, client_for, role):
    response = client_for(role).get(reverse("trainees:trainee_detail", args=[world.trainee_b.pk]))
    assert response.status_code == 404


def test_trainee_list_shows_only_scope(world, client_for):
    response = client_for("regional_lead").get(reverse("trainees:trainee_list"))
    body = response.content.decode()
    assert world.trainee_a.gmc_number in body
    assert world.trainee_b.gmc_number not in body


def test_trainee_page_shows_own_record(world, client_for):
    response = client_for("trainee").get(reverse("trainees:me"))
    assert response.status_code == 200
    assert world.trainee_a.gmc_number in response.content.decode()


def test_user_with_two_roles_sees_the_union(world):
    f.RoleFactory(user=world.user("scheme_admin"), role="scheme_admin", scheme=world.scheme_b)
    assert visible(world, "scheme_admin") == {world.trainee_a, world.trainee_a2, world.trainee_b}


def test_inactive_user_sees_nothing(world):
    user = world.user("national_admin")
    user.is_active = False
    user.save()
    user.refresh_from_db()
    assert set(trainees_visible_to(user)) == set()
