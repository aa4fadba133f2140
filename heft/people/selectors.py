"""Reads for the people pages: staff, their roles and their invitations, limited to what the user manages
(MANAGE_PEOPLE: all England for national admins, their regions for regional leads). A role or invitation
that the user may not give is answered 404 when asked for by id, like one outside their scope."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from heft.accounts.models import Invitation, Role, RoleAssignment, User
from heft.accounts.permissions import STAFF_ROLES, Perm, Scope, grantable_roles, may_grant, scope_for
from heft.community.models import Mentor
from heft.programmes.models import Locality, Region, TrainingScheme

# People pages handle staff: trainees come from the recruitment import and are invited from their record.
STAFF_ROLE_VALUES = [role.value for role in Role if role in STAFF_ROLES]
INVITATION_STATUSES = {"sent": "Sent", "expired": "Expired", "accepted": "Accepted", "revoked": "Revoked"}


def _within(scope: Scope) -> Q:
    if scope.england:
        return Q()
    return (
        Q(region_id__in=scope.region_ids)
        | Q(scheme__region_id__in=scope.region_ids)
        | Q(scheme_id__in=scope.scheme_ids)
    )


def staff_roles_visible_to(user) -> QuerySet[RoleAssignment]:
    scope = scope_for(user, Perm.MANAGE_PEOPLE)
    if not scope:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(_within(scope), role__in=STAFF_ROLE_VALUES).select_related(
        "user", "region", "scheme"
    )


def staff_visible_to(user, *, search: str = "") -> QuerySet[User]:
    """People holding a staff role in the user's scope, each with those roles as `roles_in_scope`."""
    roles = staff_roles_visible_to(user)
    people = User.objects.filter(pk__in=roles.values("user_id"))
    if search:
        people = people.filter(
            Q(email__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search)
        )
    ordered = roles.order_by("role", "region__name", "scheme__name")
    return people.order_by("last_name", "first_name", "email").prefetch_related(
        Prefetch("role_assignments", queryset=ordered, to_attr="roles_in_scope")
    )


def invitations_visible_to(user, *, search: str = "", status: str = "") -> QuerySet[Invitation]:
    """Invitations to staff roles in the user's scope, newest first; `status` one of INVITATION_STATUSES."""
    scope = scope_for(user, Perm.MANAGE_PEOPLE)
    if not scope:
        return Invitation.objects.none()
    invitations = Invitation.objects.filter(_within(scope), role__in=STAFF_ROLE_VALUES)
    if search:
        invitations = invitations.filter(
            Q(user__email__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    if status in INVITATION_STATUSES:
        invitations = invitations.filter(_status_is(status))
    return invitations.select_related("user", "region", "scheme", "invited_by").order_by("-sent_at", "-pk")


def _status_is(status: str) -> Q:
    now = timezone.now()
    waiting = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return {
        "sent": waiting & Q(expires_at__gt=now),
        "expired": waiting & Q(expires_at__lte=now),
        "accepted": Q(accepted_at__isnull=False),
        "revoked": Q(revoked_at__isnull=False),
    }[status]


def may_manage(user, record: RoleAssignment | Invitation) -> bool:
    """Whether `user` may change, remove, resend or revoke this role or invitation: only who may give it."""
    return may_grant(user, record.role, region_id=record.region_id, scheme=record.scheme)


def role_managed_by(user, pk: int) -> RoleAssignment:
    role = staff_roles_visible_to(user).filter(pk=pk).first()
    if role is None or not may_manage(user, role):
        raise Http404("No such role in your scope.")
    return role


def invitation_managed_by(user, pk: int) -> Invitation:
    invitation = invitations_visible_to(user).filter(pk=pk).first()
    if invitation is None or not may_manage(user, invitation):
        raise Http404("No such invitation in your scope.")
    return invitation


def mentor_profile_of(user) -> Mentor | None:
    return Mentor.objects.filter(user=user).select_related("scheme", "locality").first()


@dataclass(frozen=True)
class GrantChoices:
    """What `user` may offer in an invitation or a change of role: the staff roles they may give, and the
    regions, schemes and localities those roles can be held in or a mentor can work in."""

    roles: list[str]
    england: bool  # whether a role may cover all England (a national educator)
    regions: QuerySet[Region]
    schemes: QuerySet[TrainingScheme]
    localities: QuerySet[Locality]

    def region(self, code: str) -> Region | None:
        return self.regions.filter(code=code).first()

    def scheme(self, code: str) -> TrainingScheme | None:
        return self.schemes.filter(code=code).first()

    def locality(self, pk: int) -> Locality | None:
        return self.localities.filter(pk=pk).first()


def grant_choices(user) -> GrantChoices:
    scope = scope_for(user, Perm.MANAGE_PEOPLE)
    regions = Region.objects.all() if scope.england else Region.objects.filter(pk__in=scope.region_ids)
    schemes = TrainingScheme.objects.filter(region__in=regions).select_related("region")
    return GrantChoices(
        roles=[role for role in grantable_roles(user) if role in STAFF_ROLE_VALUES],
        england=scope.england,
        regions=regions.order_by("name"),
        schemes=schemes.order_by("region__name", "name"),
        localities=Locality.objects.filter(scheme__in=schemes)
        .select_related("scheme")
        .order_by("scheme__name", "name"),
    )
