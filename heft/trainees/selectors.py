"""Reads of trainee records, always limited to what the user's role and scope allow."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from heft.accounts.permissions import Perm, scope_for
from heft.trainees.models import ProgrammeMembership, Trainee


def trainees_visible_to(user) -> QuerySet[Trainee]:
    """Trainees the user may see: in their region or scheme, assigned to them as a mentor, or themself."""
    scope = scope_for(user, Perm.VIEW_TRAINEES)
    own = scope_for(user, Perm.VIEW_OWN_RECORD).own
    if scope.england:
        return Trainee.objects.all()
    condition = Q(pk__in=[])
    if scope.region_ids:
        condition |= Q(memberships__scheme__region_id__in=scope.region_ids)
    if scope.scheme_ids:
        condition |= Q(memberships__scheme_id__in=scope.scheme_ids)
    if scope.mentees:
        condition |= Q(mentor_assignments__mentor__user=user, mentor_assignments__end_date__isnull=True)
    if own:
        condition |= Q(user=user)
    ids = Trainee.objects.filter(condition).values("pk")
    return Trainee.objects.filter(pk__in=ids)


def trainee_list_for(user, *, search: str = "", scheme_code: str = "") -> QuerySet[Trainee]:
    trainees = trainees_visible_to(user)
    if search:
        trainees = trainees.filter(
            Q(surname__icontains=search) | Q(forenames__icontains=search) | Q(gmc_number=search)
        )
    if scheme_code:
        trainees = trainees.filter(memberships__scheme__code=scheme_code)
    return trainees.prefetch_related("memberships__scheme").order_by("surname", "forenames").distinct()


def trainee_for(user, pk: int) -> Trainee:
    """One trainee the user may see, or 404: a record out of scope is indistinguishable from none."""
    trainees = trainees_visible_to(user).prefetch_related(
        "memberships__scheme__region",
        "memberships__placements__post__category",
        "memberships__placements__post__practice",
        "memberships__interruptions",
    )
    return get_object_or_404(trainees, pk=pk)


def current_membership(trainee: Trainee) -> ProgrammeMembership | None:
    memberships = list(trainee.memberships.all())
    active = [m for m in memberships if m.status == ProgrammeMembership.Status.ACTIVE]
    return (active or memberships or [None])[0]
