"""Writes for people: inviting staff, taking up an invitation, changing and removing roles. Each gathers
accounts (the sign-in, the role, the invitation and its email) with what a role needs elsewhere: a mentor's
profile in community, made when the role is granted (at once for someone who already signs in, else when
the invitation is accepted: until then its details wait in Invitation.details). One transaction each; the
audit events are written by the services called."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from heft.accounts import services as accounts
from heft.accounts.models import Invitation, Role, RoleAssignment
from heft.community.models import Mentor
from heft.community.services import mentor_profile_check, mentor_profile_save
from heft.people.selectors import STAFF_ROLE_VALUES
from heft.programmes.models import Locality, TrainingScheme


@dataclass(frozen=True)
class MentorDetails:
    """What a mentor's role needs beyond its region: their kind, where they work and their capacity."""

    kind: str
    scheme: TrainingScheme
    locality: Locality | None = None
    capacity: int = 6

    def check(self) -> None:
        mentor_profile_check(
            kind=self.kind, scheme=self.scheme, locality=self.locality, capacity=self.capacity
        )

    def as_details(self) -> dict:
        """For Invitation.details, until the invitation is accepted."""
        return {
            "kind": self.kind,
            "scheme": self.scheme.pk,
            "locality": self.locality.pk if self.locality else None,
            "capacity": self.capacity,
        }

    @classmethod
    def from_details(cls, details: dict) -> "MentorDetails | None":
        """The details an invitation kept; None if its scheme has gone since (a lead then sets them)."""
        scheme = TrainingScheme.objects.filter(pk=details.get("scheme")).first()
        if scheme is None:
            return None
        locality = Locality.objects.filter(pk=details.get("locality"), scheme=scheme).first()
        return cls(details.get("kind", ""), scheme, locality, int(details.get("capacity", 6)))

    @classmethod
    def of(cls, mentor: Mentor | None) -> "MentorDetails | None":
        if mentor is None or mentor.scheme is None:
            return None
        return cls(mentor.kind, mentor.scheme, mentor.locality, mentor.capacity)


def person_invite(
    *,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    region=None,
    scheme=None,
    mentor: MentorDetails | None = None,
    by,
) -> accounts.InvitationOutcome:
    """Invite someone to a staff role (see accounts.invitation_create). A mentor's region is the region of
    the scheme they work in; their profile is saved now if they already sign in, else on acceptance."""
    region, scheme = _staff_scope(role, region, scheme, mentor)
    details = mentor.as_details() if role == Role.MENTOR else {}
    with transaction.atomic():
        outcome = accounts.invitation_create(
            email=email,
            role=role,
            first_name=first_name,
            last_name=last_name,
            region=region,
            scheme=scheme,
            details=details,
            by=by,
        )
        if outcome.granted is not None and role == Role.MENTOR:
            _save_mentor(outcome.granted.user, mentor, by=by)
    return outcome


def invitation_take_up(*, invitation: Invitation, password: str) -> RoleAssignment:
    """The invited person sets their password: the role is theirs, and a mentor's profile is made from the
    details kept with the invitation."""
    with transaction.atomic():
        assignment = accounts.invitation_accept(invitation=invitation, password=password)
        if assignment.role == Role.MENTOR:
            mentor = MentorDetails.from_details(invitation.details)
            if mentor is not None:
                _save_mentor(assignment.user, mentor, by=assignment.user)
    return assignment


def person_role_change(
    *,
    assignment: RoleAssignment,
    role: str,
    region=None,
    scheme=None,
    mentor: MentorDetails | None = None,
    by,
) -> RoleAssignment:
    """Change a staff role or where it is held (a mentor's details too). Only who may give both the old
    and the new role may; keeping the same role and scope changes only a mentor's details, if any."""
    region, scheme = _staff_scope(role, region, scheme, mentor)
    with transaction.atomic():
        same = (assignment.role, assignment.region_id, assignment.scheme_id) == (
            role,
            region.pk if region else None,
            scheme.pk if scheme else None,
        )
        if not same:
            assignment = accounts.role_change(
                assignment=assignment, role=role, region=region, scheme=scheme, by=by
            )
        elif role != Role.MENTOR:
            raise ValidationError("Nothing to change: they already hold this role here.")
        if role == Role.MENTOR:
            _save_mentor(assignment.user, mentor, by=by)
    return assignment


def _staff_scope(role: str, region, scheme, mentor: MentorDetails | None) -> tuple:
    """(region, scheme) the role is held in, after checking what a staff role of this kind needs."""
    if role not in STAFF_ROLE_VALUES:
        raise ValidationError({"role": "Choose a staff role. Trainees are invited from their record."})
    if role != Role.MENTOR:
        return region, scheme
    if mentor is None:
        raise ValidationError("Give the mentor's kind, where they work and how many trainees they support.")
    mentor.check()
    return mentor.scheme.region, None


def _save_mentor(user, mentor: MentorDetails, *, by) -> Mentor:
    return mentor_profile_save(
        user=user,
        kind=mentor.kind,
        scheme=mentor.scheme,
        locality=mentor.locality,
        capacity=mentor.capacity,
        by=by,
    )
