"""Reads of trainee records, always limited to what the user's role and scope allow."""

import datetime
from fractions import Fraction

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from heft.accounts.permissions import Perm, scope_for
from heft.engines.cct import (
    MONTHS_WTE,
    CctSpec,
    CurriculumCheck,
    Estimate,
    LtftChange,
    PostTime,
    Progress,
    Requirement,
    TimeOut,
    curriculum_check,
    estimate,
    progress,
)
from heft.programmes.models import PostCategory
from heft.trainees.models import CurriculumRequirement, Interruption, ProgrammeMembership, Trainee


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
        "memberships__ltft_changes",
    )
    return get_object_or_404(trainees, pk=pk)


def current_membership(trainee: Trainee) -> ProgrammeMembership | None:
    memberships = list(trainee.memberships.all())
    active = [m for m in memberships if m.status == ProgrammeMembership.Status.ACTIVE]
    return (active or memberships or [None])[0]


def trainees_managed_by(user) -> QuerySet[Trainee]:
    """Trainees whose records the user may change: in the regions or schemes of MANAGE_TRAINEES roles."""
    scope = scope_for(user, Perm.MANAGE_TRAINEES)
    if scope.england:
        return Trainee.objects.all()
    condition = Q(memberships__scheme__region_id__in=scope.region_ids) | Q(
        memberships__scheme_id__in=scope.scheme_ids
    )
    return Trainee.objects.filter(pk__in=Trainee.objects.filter(condition).values("pk"))


def can_manage(user, trainee: Trainee) -> bool:
    return trainees_managed_by(user).filter(pk=trainee.pk).exists()


def membership_managed_by(user, trainee_pk: int) -> ProgrammeMembership:
    """The current membership of a trainee the user manages, or 404."""
    trainee = get_object_or_404(trainees_managed_by(user), pk=trainee_pk)
    membership = current_membership(trainee)
    if membership is None:
        raise Http404("This trainee has no programme membership.")
    return membership


def interruption_managed_by(user, trainee_pk: int, pk: int) -> Interruption:
    membership = membership_managed_by(user, trainee_pk)
    return get_object_or_404(membership.interruptions.all(), pk=pk)


def ltft_change_managed_by(user, trainee_pk: int, pk: int) -> LtftChange:
    membership = membership_managed_by(user, trainee_pk)
    return get_object_or_404(membership.ltft_changes.all(), pk=pk)


# --- the CCT estimate and the curriculum check ------------------------------------------------------------


def cct_spec(membership: ProgrammeMembership, today: datetime.date) -> CctSpec:
    """The membership as the CCT engine sees it. Time out with no end yet is counted up to today."""
    changes = tuple(
        LtftChange(Fraction(str(c.wte)), c.start_date, c.requested_on) for c in membership.ltft_changes.all()
    )
    time_out = tuple(
        TimeOut(
            i.kind,
            i.start_date,
            i.end_date or max(today, i.start_date),
            i.counts_towards_training,
            open_ended=i.end_date is None,
        )
        for i in membership.interruptions.all()
    )
    return CctSpec(membership.start_date, MONTHS_WTE, Fraction(str(membership.wte)), changes, time_out)


def cct_estimate_for(membership: ProgrammeMembership, today: datetime.date | None = None) -> Estimate:
    return estimate(cct_spec(membership, today or timezone.localdate()))


def progress_for(membership: ProgrammeMembership, today: datetime.date | None = None) -> Progress:
    today = today or timezone.localdate()
    return progress(cct_spec(membership, today), today)


def training_year_for(membership: ProgrammeMembership, today: datetime.date | None = None) -> str:
    """The training year of the placement under way, else the year by time done (whole-time equivalent)."""
    today = today or timezone.localdate()
    current = next((p for p in membership.placements.all() if p.start_date <= today <= p.end_date), None)
    if current is not None and current.training_year:
        return current.training_year
    return progress_for(membership, today).training_year


def curriculum_requirement(region_id: int) -> Requirement:
    rule = CurriculumRequirement.objects.filter(region_id=region_id).first()
    if rule is None:
        return Requirement()
    return Requirement(rule.gp_months_minimum, rule.final_year_gp_months_minimum)


def curriculum_for(membership: ProgrammeMembership) -> CurriculumCheck:
    posts = [
        PostTime(p.start_date, p.end_date, Fraction(str(p.wte)), p.post.category.kind == PostCategory.Kind.GP)
        for p in membership.placements.all()
    ]
    return curriculum_check(posts, curriculum_requirement(membership.scheme.region_id))
