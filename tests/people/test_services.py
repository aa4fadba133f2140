"""The people service: staff invitations with a mentor's details, taken up through the link, and changes of
role; each write audited."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from heft.accounts.models import Invitation, Role, RoleAssignment
from heft.accounts.services import invitation_from_token
from heft.audit.models import AuditEvent
from heft.community.models import Mentor
from heft.people import services
from heft.people.services import MentorDetails
from tests import factories as f
from tests.people.conftest import link_path


def mentor_details(world, locality=None, **changes):
    values = {"kind": Mentor.Kind.PCN_LEAD, "scheme": world.scheme_a, "locality": locality, "capacity": 4}
    return MentorDetails(**{**values, **changes})


def token_of(message) -> str:
    return link_path(message).rsplit("/", 2)[-2]


def test_a_mentor_invitation_keeps_their_details_until_accepted(world, committed, locality_a):
    lead = world.user("regional_lead")
    outcome = committed(
        services.person_invite,
        email="new.mentor@example.org",
        role=Role.MENTOR,
        mentor=mentor_details(world, locality_a),
        by=lead,
    )
    invitation = outcome.invitation
    assert (invitation.region, invitation.scheme) == (world.region_a, None), "held in the scheme's region"
    assert invitation.details == {
        "kind": "pcn_lead",
        "scheme": world.scheme_a.pk,
        "locality": locality_a.pk,
        "capacity": 4,
    }
    assert not Mentor.objects.filter(user=invitation.user).exists()

    invitation = invitation_from_token(token_of(mail.outbox[0]))
    role = services.invitation_take_up(invitation=invitation, password="a-new-long-password")
    mentor = Mentor.objects.get(user=role.user)
    assert (mentor.kind, mentor.region, mentor.scheme, mentor.locality, mentor.capacity) == (
        "pcn_lead",
        world.region_a,
        world.scheme_a,
        locality_a,
        4,
    )
    event = AuditEvent.objects.get(verb="mentor.profile_saved")
    assert event.actor == role.user
    assert event.after["capacity"] == 4


def test_someone_who_signs_in_already_is_made_a_mentor_at_once(world, committed):
    existing = f.UserFactory(email="near.peer@example.org")
    outcome = committed(
        services.person_invite,
        email=existing.email,
        role=Role.MENTOR,
        mentor=mentor_details(world, kind=Mentor.Kind.NEAR_PEER),
        by=world.user("regional_lead"),
    )
    assert outcome.granted.role == Role.MENTOR
    assert outcome.granted.region == world.region_a
    assert Mentor.objects.get(user=existing).kind == "near_peer"
    verbs = AuditEvent.objects.filter(actor=world.user("regional_lead")).values_list("verb", flat=True)
    assert sorted(verbs) == ["mentor.profile_saved", "role.granted"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"kind": "astronaut"}, "kind"), ({"capacity": 0}, "capacity"), ({"capacity": 31}, "capacity")],
)
def test_a_mentor_s_details_are_checked_before_anything_is_sent(world, committed, changes, field):
    with pytest.raises(ValidationError) as refused:
        committed(
            services.person_invite,
            email="new.mentor@example.org",
            role=Role.MENTOR,
            mentor=mentor_details(world, **changes),
            by=world.user("regional_lead"),
        )
    assert field in refused.value.message_dict
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_a_locality_must_be_of_the_mentor_s_scheme(world, committed, locality_a):
    other_scheme = f.SchemeFactory(region=world.region_a)
    with pytest.raises(ValidationError) as refused:
        committed(
            services.person_invite,
            email="new.mentor@example.org",
            role=Role.MENTOR,
            mentor=mentor_details(world, locality_a, scheme=other_scheme),
            by=world.user("regional_lead"),
        )
    assert "locality" in refused.value.message_dict


def test_a_lead_cannot_make_a_mentor_in_another_region(world, committed):
    with pytest.raises(PermissionDenied):
        committed(
            services.person_invite,
            email="new.mentor@example.org",
            role=Role.MENTOR,
            mentor=mentor_details(world, scheme=world.scheme_b),
            by=world.user("regional_lead"),
        )


def test_people_pages_invite_staff_only(world, committed):
    with pytest.raises(ValidationError):
        committed(
            services.person_invite,
            email="someone@example.org",
            role=Role.TRAINEE,
            scheme=world.scheme_a,
            by=world.user("national_admin"),
        )
    with pytest.raises(ValidationError):
        committed(
            services.person_invite,
            email="someone@example.org",
            role=Role.MENTOR,
            by=world.user("national_admin"),
        )


def test_changing_a_role_to_mentor_saves_the_profile(world):
    lead = world.user("regional_lead")
    educator = world.user("educator").role_assignments.get()
    changed = services.person_role_change(
        assignment=educator, role=Role.MENTOR, mentor=mentor_details(world), by=lead
    )
    assert (changed.role, changed.region) == (Role.MENTOR, world.region_a)
    assert Mentor.objects.get(user=world.user("educator")).capacity == 4
    # The same role and scope again: only the mentor's details change.
    services.person_role_change(
        assignment=changed, role=Role.MENTOR, mentor=mentor_details(world, capacity=8), by=lead
    )
    assert Mentor.objects.get(user=world.user("educator")).capacity == 8
    assert RoleAssignment.objects.filter(user=world.user("educator")).count() == 1


def test_a_change_that_changes_nothing_is_refused(world):
    educator = world.user("educator").role_assignments.get()
    with pytest.raises(ValidationError):
        services.person_role_change(
            assignment=educator, role=Role.EDUCATOR, region=world.region_a, by=world.user("regional_lead")
        )
