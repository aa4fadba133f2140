"""Reads of trainee records, always limited to what the user's role and scope allow."""

import datetime
from dataclasses import dataclass, replace
from fractions import Fraction

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from heft.accounts.permissions import Perm, scope_for
from heft.engines.cct import (
    MONTHS_WTE,
    NOTICE_WEEKS,
    STANDARD_WTES,
    CctSpec,
    CurriculumCheck,
    Estimate,
    LtftChange,
    PostTime,
    Progress,
    Requirement,
    Step,
    TimeOut,
    curriculum_check,
    estimate,
    progress,
)
from heft.programmes.models import PostCategory
from heft.trainees.models import CurriculumRequirement, Interruption, Placement, ProgrammeMembership, Trainee
from heft.trainees.models import LtftChange as LtftChangeRecord

DAY = datetime.timedelta(days=1)


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


def trainee_list_for(user, *, search: str = "", scheme_code: str = "", among=None) -> QuerySet[Trainee]:
    """`among`: only these trainee ids (e.g. those waiting for a decision, from decisions_waiting)."""
    trainees = trainees_visible_to(user)
    if among is not None:
        trainees = trainees.filter(pk__in=among)
    if search:
        trainees = trainees.filter(
            Q(surname__icontains=search) | Q(forenames__icontains=search) | Q(gmc_number=search)
        )
    if scheme_code:
        in_scheme = ProgrammeMembership.objects.filter(scheme__code=scheme_code).values("trainee_id")
        trainees = trainees.filter(pk__in=in_scheme)
    # Each condition is a subquery of ids, never a join, so no trainee comes twice and no DISTINCT is needed
    # (a DISTINCT over every trainee in England, sorted, cost the list a tenth of a second).
    return trainees.prefetch_related("memberships__scheme").order_by("surname", "forenames", "pk")


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


def trainee_visible_or_none(user, pk: int) -> Trainee | None:
    """One trainee the user may see, with their programmes' schemes; None when there is none in scope."""
    return trainees_visible_to(user).prefetch_related("memberships__scheme").filter(pk=pk).first()


def current_membership(trainee: Trainee) -> ProgrammeMembership | None:
    memberships = list(trainee.memberships.all())
    active = [m for m in memberships if m.status == ProgrammeMembership.Status.ACTIVE]
    return (active or memberships or [None])[0]


def trainees_managed_by(user) -> QuerySet[Trainee]:
    """Trainees whose records the user may change: in the regions or schemes of MANAGE_TRAINEES roles."""
    ids = _trainee_ids_managed_by(user)
    return Trainee.objects.all() if ids is None else Trainee.objects.filter(pk__in=ids)


def _trainee_ids_managed_by(user) -> QuerySet | None:
    """As a subquery of ids (from their memberships, no join to the trainees); None for all of England."""
    scope = scope_for(user, Perm.MANAGE_TRAINEES)
    if scope.england:
        return None
    condition = Q(scheme__region_id__in=scope.region_ids) | Q(scheme_id__in=scope.scheme_ids)
    return ProgrammeMembership.objects.filter(condition).values("trainee_id")


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


def ltft_change_managed_by(user, trainee_pk: int, pk: int) -> LtftChangeRecord:
    membership = membership_managed_by(user, trainee_pk)
    return get_object_or_404(membership.ltft_changes.all(), pk=pk)


# --- the CCT estimate and the curriculum check ------------------------------------------------------------


def cct_spec(membership: ProgrammeMembership, today: datetime.date) -> CctSpec:
    """The membership as the CCT engine sees it: approved LTFT changes only (one applied for or declined
    changes nothing), and time out with no end yet counted up to today."""
    changes = tuple(
        LtftChange(Fraction(str(c.wte)), c.start_date, c.requested_on)
        for c in membership.ltft_changes.all()
        if c.status == LtftChangeRecord.Status.APPROVED
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
    months = MONTHS_WTE + membership.extension_months  # an extension adds training time
    return CctSpec(membership.start_date, months, Fraction(str(membership.wte)), changes, time_out)


def cct_estimate_for(membership: ProgrammeMembership, today: datetime.date | None = None) -> Estimate:
    """The estimate, with an extension as its own step: worked out first without it, then with it."""
    spec = cct_spec(membership, today or timezone.localdate())
    result = estimate(spec)
    if not membership.extension_months:
        return result
    without = estimate(replace(spec, months_wte=MONTHS_WTE))
    return replace(
        result, steps=(*without.steps, _extension_step(membership.extension_months, without, result))
    )


def _extension_step(months: int, without: Estimate, result: Estimate) -> Step:
    days = (result.cct - without.cct).days
    return Step(
        f"An extension of {months} month{'s' * (months != 1)} (whole-time equivalent) adds training time: "
        f"the estimate moves {days} day{'s' * (days != 1)} later, to {result.cct.day} {result.cct:%B %Y}.",
        result.cct,
    )


def progress_for(membership: ProgrammeMembership, today: datetime.date | None = None) -> Progress:
    """Months done and to go (an extension adds to those to go); the training year counts the usual 36."""
    today = today or timezone.localdate()
    spec = cct_spec(membership, today)
    done = progress(spec, today)
    if not membership.extension_months:
        return done
    return replace(done, training_year=progress(replace(spec, months_wte=MONTHS_WTE), today).training_year)


def training_year_for(membership: ProgrammeMembership, today: datetime.date | None = None) -> str:
    """The training year of the placement under way (ST1, ST2, ST3). Between placements, on time out or
    after the last, the year of the latest one begun; before any, the year by time done (whole-time
    equivalent)."""
    today = today or timezone.localdate()
    begun = [p for p in membership.placements.all() if p.training_year and p.start_date <= today]
    under_way = [p for p in begun if today <= p.end_date]
    latest = max(under_way or begun, key=lambda p: (p.start_date, p.training_year), default=None)
    return latest.training_year if latest else progress_for(membership, today).training_year


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


# --- HEFT places at risk from time out ---------------------------------------------------------------------


@dataclass(frozen=True)
class HeftPlaceRisk:
    """Time out that puts a HEFT place at risk, and why: the programme team keeps or releases the place."""

    interruption: Interruption
    reasons: tuple[str, ...]


def time_out_days(interruption: Interruption, today: datetime.date | None = None) -> int:
    """Calendar days of time out, first and last inclusive; with no end yet, up to today."""
    today = today or timezone.localdate()
    last = interruption.end_date or max(today, interruption.start_date)
    return (last - interruption.start_date).days + 1


def within_allowance(interruption: Interruption, today: datetime.date | None = None) -> bool:
    """Short time out a training year absorbs (HEFT_TIME_OUT_ALLOWANCE_DAYS): it never touches a HEFT place.
    Sick leave with no end yet is judged by the days so far; other time out with no end may run long."""
    if interruption.end_date is None and interruption.kind != Interruption.Kind.SICK:
        return False
    return time_out_days(interruption, today) <= settings.HEFT_TIME_OUT_ALLOWANCE_DAYS


def holds_heft_place(membership: ProgrammeMembership) -> bool:
    in_training = membership.status in (
        ProgrammeMembership.Status.ACTIVE,
        ProgrammeMembership.Status.INTERRUPTED,
    )
    return (
        in_training
        and membership.heft_mode == ProgrammeMembership.HeftMode.ROTATION
        and not membership.returning_heft_not_guaranteed
    )


def is_heft_post(post) -> bool:
    return post.category.is_innovative or bool(post.practice_id and post.practice.is_deep_end)


def heft_place_risk(interruption: Interruption, today: datetime.date | None = None) -> HeftPlaceRisk | None:
    """Why this time out puts the trainee's HEFT place at risk, or None: beyond the allowance, it overlaps or
    delays a HEFT post (an innovative post or a Deep End practice, including the future slots of an accepted
    HEFT rotation), or it runs more than HEFT_PLACE_AT_RISK_DAYS_BEYOND_ALLOWANCE days beyond the allowance.
    Nothing once the team has decided, or when there is no HEFT place to lose."""
    membership = interruption.membership
    if interruption.heft_place_decision or not holds_heft_place(membership):
        return None
    if within_allowance(interruption, today):
        return None
    reasons = [_post_reason(interruption, p) for p in membership.placements.all()]
    reasons = [reason for reason in reasons if reason]
    threshold = settings.HEFT_TIME_OUT_ALLOWANCE_DAYS + settings.HEFT_PLACE_AT_RISK_DAYS_BEYOND_ALLOWANCE
    if interruption.end_date is None and interruption.kind != Interruption.Kind.SICK:
        reasons.append("It has no end date yet, so it may run long.")
    elif (days := time_out_days(interruption, today)) > threshold:
        so_far = " so far" if interruption.end_date is None else ""
        reasons.append(
            f"It lasts {days} days{so_far}: more than {threshold}, the limit beyond the allowance."
        )
    return HeftPlaceRisk(interruption, tuple(reasons)) if reasons else None


def _post_reason(interruption: Interruption, placement: Placement) -> str:
    if not is_heft_post(placement.post) or placement.end_date < interruption.start_date:
        return ""
    post = f"{placement.post.category.name} – {placement.post.place}"
    when = f"{_short_day(placement.start_date)} to {_short_day(placement.end_date)}"
    last = interruption.end_date or datetime.date.max
    if placement.start_date <= last:
        return f"It overlaps the HEFT post {post} ({when})."
    if not interruption.counts_towards_training:
        return f"It does not count towards training, so it delays the HEFT post {post} ({when})."
    return ""


def _short_day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def heft_place_risks(
    membership: ProgrammeMembership, today: datetime.date | None = None
) -> list[HeftPlaceRisk]:
    risks = (heft_place_risk(i, today) for i in membership.interruptions.all())
    return [risk for risk in risks if risk]


def trainee_ids_with_heft_place_at_risk(
    trainees: QuerySet[Trainee], today: datetime.date | None = None
) -> set[int]:
    """Of these trainees, those whose HEFT place some undecided time out puts at risk."""
    undecided = (
        Interruption.objects.filter(
            membership__trainee__in=trainees.values("pk"),
            heft_place_decision="",
            membership__heft_mode=ProgrammeMembership.HeftMode.ROTATION,
            membership__returning_heft_not_guaranteed=False,
        )
        .select_related("membership")
        .prefetch_related("membership__placements__post__category", "membership__placements__post__practice")
    )
    return {i.membership.trainee_id for i in undecided if heft_place_risk(i, today)}


# --- LTFT applications and their notice ---------------------------------------------------------------------


@dataclass(frozen=True)
class LtftNotice:
    """The notice given for a change of working pattern, measured as NHS England's offices do: to the start
    of the rotation slot (placement) the change falls in, or to the change itself when none is recorded."""

    requested_on: datetime.date
    measured_to: datetime.date
    placement: Placement | None

    @property
    def short(self) -> bool:
        return self.measured_to - self.requested_on < datetime.timedelta(weeks=NOTICE_WEEKS)

    @property
    def text(self) -> str:
        weeks, days = divmod((self.measured_to - self.requested_on).days, 7)
        given = f"{weeks} week{'s' * (weeks != 1)} and {days} day{'s' * (days != 1)}' notice"
        to = _short_day(self.measured_to)
        target = f"the start of the placement it falls in ({to})" if self.placement else f"its start ({to})"
        short = f": less than the {NOTICE_WEEKS} weeks expected" if self.short else ""
        return f"{given}, to {target}{short}."


@dataclass(frozen=True)
class LtftRow:
    change: LtftChangeRecord
    notice: LtftNotice

    @property
    def standard(self) -> bool:
        return Fraction(str(self.change.wte)) in STANDARD_WTES


def ltft_notice(
    membership: ProgrammeMembership, start_date: datetime.date, requested_on: datetime.date
) -> LtftNotice:
    placement = max(
        (p for p in membership.placements.all() if p.start_date <= start_date <= p.end_date),
        key=lambda p: p.start_date,
        default=None,
    )
    return LtftNotice(requested_on, placement.start_date if placement else start_date, placement)


def ltft_rows(membership: ProgrammeMembership) -> list[LtftRow]:
    changes = sorted(membership.ltft_changes.all(), key=lambda c: c.start_date)
    return [LtftRow(c, ltft_notice(membership, c.start_date, c.requested_on)) for c in changes]


def trainee_ids_with_ltft_application(trainees: QuerySet[Trainee]) -> set[int]:
    applied = LtftChangeRecord.objects.filter(
        membership__trainee__in=trainees.values("pk"), status=LtftChangeRecord.Status.APPLIED
    )
    return set(applied.values_list("membership__trainee_id", flat=True))


@dataclass(frozen=True)
class Waiting:
    """The trainees (ids) in a user's scope waiting for a decision by the programme team."""

    heft_place_at_risk: frozenset[int]
    ltft_applied: frozenset[int]


def decisions_waiting(user, today: datetime.date | None = None) -> Waiting:
    visible = trainees_visible_to(user)
    return Waiting(
        frozenset(trainee_ids_with_heft_place_at_risk(visible, today)),
        frozenset(trainee_ids_with_ltft_application(visible)),
    )


def own_membership(user) -> ProgrammeMembership:
    """The signed-in trainee's current membership, or 404."""
    membership = current_membership(own_record_or_404(user))
    if membership is None:
        raise Http404("You have no programme membership.")
    return membership


def interruptions_of(membership: ProgrammeMembership) -> list[Interruption]:
    """With their membership, as heft_place_risk reads it."""
    return [_with_membership(i, membership) for i in membership.interruptions.order_by("start_date")]


def ltft_changes_of(membership: ProgrammeMembership) -> list[LtftChangeRecord]:
    """With their membership, as ltft_notice reads it."""
    return [_with_membership(c, membership) for c in membership.ltft_changes.order_by("start_date")]


def _with_membership(record, membership: ProgrammeMembership):
    record.membership = membership  # the one already read (and its placements), not one query each
    return record


# --- the signed-in trainee's own record, for every app ------------------------------------------------------

# A user has at most one trainee record. Read before every save of a preferences deadline rush, so in SQL:
# less than half the ORM's CPU for the same query.
OWN_RECORD_SQL = f"SELECT * FROM {Trainee._meta.db_table} WHERE user_id = %s"  # noqa: S608
OWN_HISTORY = ("memberships__scheme", "memberships__interruptions", "memberships__ltft_changes")


def own_record(user, *, with_history: bool = False) -> Trainee | None:
    """The signed-in trainee's own record; None for anyone without the trainee role or without a record.
    `with_history`: with their memberships, schemes, time out and LTFT changes read too."""
    if not scope_for(user, Perm.VIEW_OWN_RECORD).own:
        return None
    trainee = next(iter(Trainee.objects.raw(OWN_RECORD_SQL, [user.pk])), None)
    if trainee is not None and with_history:
        prefetch_related_objects([trainee], *OWN_HISTORY)
    return trainee


def own_record_or_404(user) -> Trainee:
    trainee = own_record(user)
    if trainee is None:
        raise Http404("No trainee record is linked to this sign-in.")
    return trainee


# --- for the home pages -------------------------------------------------------------------------------------

RETURNING_SOON = datetime.timedelta(weeks=12)


def returners_managed_by(user, *, today: datetime.date, from_intake: str) -> list[ProgrammeMembership]:
    """Trainees the user manages coming back from time out: time out ending within RETURNING_SOON (their
    `returns_on`), or back and joining the window of an intake from `from_intake` on. Soonest first."""
    soon = Interruption.objects.filter(end_date__gte=today, end_date__lte=today + RETURNING_SOON)
    ending = soon.filter(membership=OuterRef("pk")).order_by("end_date")
    # Narrowed first by the few memberships with time out ending soon or a later intake (a semi-join), and
    # only then given their return date: not a subquery run for every membership in scope.
    memberships = ProgrammeMembership.objects.filter(
        Q(pk__in=soon.values("membership_id")) | Q(returning_to_intake__gte=from_intake),
        status__in=[ProgrammeMembership.Status.ACTIVE, ProgrammeMembership.Status.INTERRUPTED],
    )
    managed = _trainee_ids_managed_by(user)
    if managed is not None:
        memberships = memberships.filter(trainee_id__in=managed)
    memberships = memberships.annotate(returns_on=Subquery(ending.values("end_date")[:1])).select_related(
        "trainee", "scheme"
    )
    return sorted(memberships, key=lambda m: (m.returns_on or datetime.date.max, m.trainee.surname, m.pk))


def attention_flags(user, trainee_ids, today: datetime.date | None = None) -> dict[int, list[str]]:
    """Of these trainees the user may see, why each needs attention: on time out, HEFT place at risk, or
    an LTFT application waiting. A few queries, however many trainees."""
    visible = trainees_visible_to(user).filter(pk__in=trainee_ids)
    flags: dict[int, list[str]] = {}
    interrupted = ProgrammeMembership.objects.filter(
        trainee__in=visible.values("pk"), status=ProgrammeMembership.Status.INTERRUPTED
    )
    for trainee_id in set(interrupted.values_list("trainee_id", flat=True)):
        flags.setdefault(trainee_id, []).append("on time out")
    for trainee_id in trainee_ids_with_heft_place_at_risk(visible, today):
        flags.setdefault(trainee_id, []).append("HEFT place at risk")
    for trainee_id in trainee_ids_with_ltft_application(visible):
        flags.setdefault(trainee_id, []).append("LTFT application waiting")
    return flags
