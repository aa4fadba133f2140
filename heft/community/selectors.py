"""Reads for communities of practice, mentors, the directory, opportunities and outcomes.

Programme teams reach what their MANAGE_COMMUNITY roles cover (England, a region, or a scheme and its
region's mentors and opportunities); trainees and mentors reach their own group, their own mentor or
mentees, the directory (only those who opted in) and open opportunities once eligible.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from heft.accounts.permissions import Perm, has_perm, scope_for
from heft.community.models import (
    CareerOutcome,
    CommunityGroup,
    CommunityProfile,
    ExpressionOfInterest,
    GroupMember,
    GroupNote,
    InterestArea,
    Mentor,
    MentorAssignment,
    Opportunity,
)
from heft.engines.dates import add_months
from heft.engines.grouping import Member
from heft.engines.grouping import Mentor as MentorIn
from heft.practices.models import Practice
from heft.programmes.models import Region, TrainingScheme
from heft.teaching.models import TeachingSession
from heft.trainees.models import ProgrammeMembership, Trainee
from heft.trainees.selectors import trainees_visible_to, training_year_for

HEFT_MODES = (ProgrammeMembership.HeftMode.ROTATION, ProgrammeMembership.HeftMode.ENROLMENT_ONLY)
RECENT_GRADUATE_MONTHS = 24  # graduates see opportunities for two years after their CCT
OUTCOME_WINDOW = (9, 15)  # months after CCT: the record nearest 12 months in this window is "one year on"


# --- what a programme team reaches --------------------------------------------------------------------------


def regions_managed_by(user) -> QuerySet[Region]:
    scope = scope_for(user, Perm.MANAGE_COMMUNITY)
    if scope.england:
        return Region.objects.all()
    scheme_regions = TrainingScheme.objects.filter(pk__in=scope.scheme_ids).values("region_id")
    return Region.objects.filter(Q(pk__in=scope.region_ids) | Q(pk__in=scheme_regions))


def schemes_in_community_scope(user) -> QuerySet[TrainingScheme]:
    """The schemes whose communities the user manages (MANAGE_COMMUNITY); programmes' schemes_managed_by
    is the schemes whose programmes they manage."""
    scope = scope_for(user, Perm.MANAGE_COMMUNITY)
    if scope.england:
        return TrainingScheme.objects.all()
    return TrainingScheme.objects.filter(Q(region_id__in=scope.region_ids) | Q(pk__in=scope.scheme_ids))


@dataclass(frozen=True)
class Patch:
    """Where groups are formed or mentors matched: a whole region, or one scheme."""

    region: Region
    scheme: TrainingScheme | None = None

    @property
    def key(self) -> str:
        return f"scheme:{self.scheme.code}" if self.scheme else f"region:{self.region.code}"

    @property
    def label(self) -> str:
        return f"{self.scheme.name} ({self.region.name})" if self.scheme else self.region.name


def patches_managed_by(user) -> list[Patch]:
    """Whole regions for national and regional leads; single schemes for everyone with the permission."""
    scope = scope_for(user, Perm.MANAGE_COMMUNITY)
    regions = Region.objects.all() if scope.england else Region.objects.filter(pk__in=scope.region_ids)
    patches = [Patch(region) for region in regions.order_by("name")]
    schemes = schemes_in_community_scope(user).select_related("region").order_by("region__name", "name")
    return patches + [Patch(scheme.region, scheme) for scheme in schemes]


def patch_managed_by(user, key: str) -> Patch:
    patch = next((p for p in patches_managed_by(user) if p.key == key), None)
    if patch is None:
        raise Http404("No such region or scheme in your scope.")
    return patch


def groups_managed_by(user) -> QuerySet[CommunityGroup]:
    scope = scope_for(user, Perm.MANAGE_COMMUNITY)
    groups = active_groups()
    if scope.england:
        return groups
    return groups.filter(Q(region_id__in=scope.region_ids) | Q(scheme_id__in=scope.scheme_ids))


def group_managed_by(user, pk: int) -> CommunityGroup:
    return get_object_or_404(groups_managed_by(user), pk=pk)


def groups_with_members_managed_by(user) -> QuerySet[CommunityGroup]:
    """The groups in the user's scope, each with `member_count`: its current members."""
    return groups_managed_by(user).annotate(
        member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True))
    )


# What the API shows of a group's meetings (community.api.MeetingOut), and what finds their group.
API_MEETING_FIELDS = (
    "community_group", "uid", "kind", "topic", "start", "end", "venue", "online_link", "status",
    "sequence", "published_at",
)  # fmt: skip


def groups_listed_for(user) -> QuerySet[CommunityGroup]:
    """Programme teams: the groups in their scope. Trainees and mentors: the groups they belong to or lead."""
    groups = groups_managed_by(user) if has_perm(user, Perm.MANAGE_COMMUNITY) else groups_of(user)
    return groups.prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMember.objects.filter(left_at__isnull=True).only("group", "trainee", "left_at"),
        ),
        Prefetch(
            "sessions",
            queryset=TeachingSession.objects.filter(published_at__isnull=False).only(*API_MEETING_FIELDS),
        ),
    ).order_by("region__name", "name")


def mentors_managed_by(user) -> QuerySet[Mentor]:
    return (
        Mentor.objects.filter(region__in=regions_managed_by(user))
        .select_related("user", "region", "scheme")
        .annotate(
            mentees=Count("assignments", filter=Q(assignments__end_date__isnull=True), distinct=True),
        )
        .order_by("region__name", "user__last_name", "user__first_name")
    )


def mentor_managed_by(user, pk: int) -> Mentor:
    return get_object_or_404(mentors_managed_by(user), pk=pk)


def mentors_managed_in(user, region: Region) -> QuerySet[Mentor]:
    """The mentors of one region that `user` manages: those who may lead a group there."""
    return mentors_managed_by(user).filter(region=region)


def assignments_managed_by(user) -> QuerySet[MentorAssignment]:
    return (
        MentorAssignment.objects.filter(
            end_date__isnull=True, mentor__in=mentors_managed_by(user).values("pk")
        )
        .filter(trainee__in=trainees_visible_to(user).values("pk"))
        .select_related("mentor__user", "trainee")
        .order_by("mentor__user__last_name", "trainee__surname")
    )


def patch_trainees(patch: Patch) -> QuerySet[ProgrammeMembership]:
    """HEFT trainees (rotation or enrolment only) in training in the patch: their current memberships."""
    memberships = ProgrammeMembership.objects.filter(
        status=ProgrammeMembership.Status.ACTIVE, heft_mode__in=HEFT_MODES, scheme__region=patch.region
    )
    if patch.scheme:
        memberships = memberships.filter(scheme=patch.scheme)
    return memberships.select_related("trainee__user", "scheme__school").prefetch_related(
        "ltft_changes", "interruptions", "placements"
    )


def _names(trainees: QuerySet[Trainee]) -> list[tuple[int, str]]:
    """(trainee id, full name) pairs, reading only those columns: for choosing among thousands."""
    return [
        (pk, f"{forenames} {surname}")
        for pk, forenames, surname in trainees.values_list("pk", "forenames", "surname")
    ]


def community_trainee_choices(user) -> list[tuple[int, str]]:
    """community_trainees_managed_by as (trainee id, full name) pairs, to choose from."""
    return _names(community_trainees_managed_by(user))


def community_trainees_managed_by(user) -> QuerySet[Trainee]:
    """HEFT trainees in training in the schemes the user manages, by name."""
    memberships = ProgrammeMembership.objects.filter(
        status=ProgrammeMembership.Status.ACTIVE,
        heft_mode__in=HEFT_MODES,
        scheme__in=schemes_in_community_scope(user),
    )
    return Trainee.objects.filter(pk__in=memberships.values("trainee_id")).order_by("surname", "forenames")


def trainees_placeable_in(user, group: CommunityGroup) -> list[tuple[int, str]]:
    """Trainees a lead may place in the group, as (trainee id, full name) pairs: HEFT trainees of its
    region, in the lead's scope, not already in it; by name. One query, reading only names (a region has
    thousands of trainees)."""
    in_region = ProgrammeMembership.objects.filter(
        status=ProgrammeMembership.Status.ACTIVE, heft_mode__in=HEFT_MODES, scheme__region=group.region
    ).values("trainee_id")
    in_group = group.memberships.filter(left_at__isnull=True).values("trainee_id")
    trainees = (
        Trainee.objects.filter(pk__in=in_region)
        .filter(pk__in=trainees_visible_to(user).values("pk"))
        .exclude(pk__in=in_group)
        .order_by("surname", "forenames", "pk")
    )
    return _names(trainees)


def region_choices_for(user) -> QuerySet[Region]:
    """The regions a programme team posts opportunities in, by name."""
    return regions_managed_by(user).order_by("name")


def patch_groups(patch: Patch) -> QuerySet[CommunityGroup]:
    groups = active_groups().filter(region=patch.region)
    return groups.filter(scheme=patch.scheme) if patch.scheme else groups


# --- engine input -----------------------------------------------------------------------------------------


def interests_by_user(user_ids) -> dict[int, frozenset[str]]:
    rows = CommunityProfile.interests.through.objects.filter(
        communityprofile__user_id__in=user_ids
    ).values_list("communityprofile__user_id", "interestarea__name")
    result: dict[int, set[str]] = {}
    for user_id, name in rows:
        result.setdefault(user_id, set()).add(name)
    return {k: frozenset(v) for k, v in result.items()}


def engine_members(
    patch: Patch, today: datetime.date | None = None
) -> tuple[list[Member], dict[str, Trainee]]:
    """The patch's trainees as the grouping engine sees them, and the trainees by engine id."""
    today = today or timezone.localdate()
    memberships = list(patch_trainees(patch))
    interests = interests_by_user([m.trainee.user_id for m in memberships if m.trainee.user_id])
    leads = dict(
        GroupMember.objects.filter(
            left_at__isnull=True, group__archived_at__isnull=True, group__lead__isnull=False
        ).values_list("trainee_id", "group__lead_id")
    )
    members, trainees = [], {}
    for membership in memberships:
        trainee = membership.trainee
        year = training_year_for(membership, today)
        members.append(
            Member(
                id=str(trainee.pk),
                locality=membership.scheme.name,
                area=membership.scheme.school.name if membership.scheme.school_id else "",
                year=int(year[2]) if year.startswith("ST") else 0,
                mode=membership.heft_mode,
                interests=interests.get(trainee.user_id, frozenset()),
                preferred_mentor=str(leads[trainee.pk]) if trainee.pk in leads else None,
                label=trainee.full_name,
            )
        )
        trainees[str(trainee.pk)] = trainee
    return members, trainees


def engine_mentors(patch: Patch, *, room_for: str) -> tuple[list[MentorIn], dict[str, Mentor]]:
    """The region's mentors with the room they have left: for leading groups (members of groups they lead
    outside the patch count) or for mentees (current mentees count)."""
    mentors = list(Mentor.objects.filter(region=patch.region).select_related("user", "scheme__school"))
    interests = interests_by_user([m.user_id for m in mentors])
    if room_for == "groups":
        in_use = dict(
            GroupMember.objects.filter(left_at__isnull=True)
            .filter(group__in=active_groups().exclude(pk__in=patch_groups(patch).values("pk")))
            .values("group__lead_id")
            .annotate(n=Count("pk"))
            .values_list("group__lead_id", "n")
        )
    else:
        in_use = dict(
            MentorAssignment.objects.filter(end_date__isnull=True)
            .values("mentor_id")
            .annotate(n=Count("pk"))
            .values_list("mentor_id", "n")
        )
    result = [
        MentorIn(
            id=str(m.pk),
            locality=m.scheme.name if m.scheme_id else "",
            area=m.scheme.school.name if m.scheme_id and m.scheme.school_id else "",
            capacity=max(0, m.capacity - in_use.get(m.pk, 0)),
            interests=interests.get(m.user_id, frozenset()),
            label=m.user.get_full_name() or m.user.email,
        )
        for m in mentors
    ]
    return result, {str(m.pk): m for m in mentors}


def trainees_without_mentor(members: list[Member]) -> list[Member]:
    mentored = set(
        MentorAssignment.objects.filter(
            end_date__isnull=True, trainee_id__in=[int(m.id) for m in members]
        ).values_list("trainee_id", flat=True)
    )
    return [m for m in members if int(m.id) not in mentored]


# --- what a trainee or mentor reaches -----------------------------------------------------------------------


def active_groups() -> QuerySet[CommunityGroup]:
    return CommunityGroup.objects.filter(archived_at__isnull=True).select_related(
        "region", "scheme", "lead__user"
    )


def current_group_membership(trainee: Trainee) -> GroupMember | None:
    return (
        GroupMember.objects.filter(trainee=trainee, left_at__isnull=True, group__archived_at__isnull=True)
        .select_related("group__lead__user", "group__scheme")
        .first()
    )


def groups_of(user) -> QuerySet[CommunityGroup]:
    """The groups a trainee belongs to or a mentor leads."""
    condition = Q(lead__user=user) | Q(memberships__trainee__user=user, memberships__left_at__isnull=True)
    ids = CommunityGroup.objects.filter(condition).values("pk")
    return active_groups().filter(pk__in=ids)


def group_for_member(user, pk: int) -> CommunityGroup:
    return get_object_or_404(groups_of(user), pk=pk)


def group_notes(group: CommunityGroup, limit: int = 50) -> QuerySet[GroupNote]:
    return group.notes.select_related("author")[:limit]


def own_note_or_404(user, group: CommunityGroup, pk: int) -> GroupNote:
    """A note the user wrote in the group: only its author may delete it."""
    return get_object_or_404(GroupNote, pk=pk, group=group, author=user)


def group_members(group: CommunityGroup) -> QuerySet[GroupMember]:
    return (
        group.memberships.filter(left_at__isnull=True)
        .select_related("trainee")
        .order_by("trainee__surname", "trainee__forenames")
    )


def can_schedule_meetings(user, group: CommunityGroup | None) -> bool:
    """Who adds, moves and cancels a group's meetings: its lead mentor, or a programme team whose community
    scope covers it. An archived group holds no more meetings."""
    if group is None or group.archived_at is not None:
        return False
    if group.lead_id is not None and group.lead.user_id == getattr(user, "pk", None):
        return True
    return groups_managed_by(user).filter(pk=group.pk).exists()


def group_meetings(group: CommunityGroup) -> QuerySet[TeachingSession]:
    """The group's meetings (teaching sessions of kind community), cancelled ones too, by date."""
    return TeachingSession.objects.filter(
        kind=TeachingSession.Kind.COMMUNITY, community_group=group, published_at__isnull=False
    ).order_by("start", "pk")


def group_meeting(group: CommunityGroup, pk: int) -> TeachingSession:
    return get_object_or_404(group_meetings(group), pk=pk)


def mentor_assignments_of(trainee: Trainee) -> QuerySet[MentorAssignment]:
    return MentorAssignment.objects.filter(trainee=trainee, end_date__isnull=True).select_related(
        "mentor__user"
    )


def mentor_of(user) -> Mentor | None:
    return Mentor.objects.filter(user=user).select_related("region", "scheme").first()


def mentees_of(user) -> QuerySet[MentorAssignment]:
    return (
        MentorAssignment.objects.filter(mentor__user=user, end_date__isnull=True)
        .filter(trainee__in=trainees_visible_to(user).values("pk"))
        .select_related("trainee")
        .order_by("trainee__surname")
    )


# The name community's pages, API and services call; the one lookup of a trainee's own record is trainees'.


def profile_of(user) -> CommunityProfile | None:
    return CommunityProfile.objects.filter(user=user).prefetch_related("interests").first()


def has_interests(user) -> bool:
    return CommunityProfile.objects.filter(user=user, interests__isnull=False).exists()


def interest_areas(*, grouped: bool = True) -> QuerySet[InterestArea]:
    """Every area of interest: by group then name, as the checkboxes show them, or by name alone."""
    return InterestArea.objects.order_by(*(("group", "name") if grouped else ("name",)))


def interest_areas_with_codes(codes) -> list[InterestArea]:
    """The areas of interest named by `codes`; unknown codes are passed over."""
    return list(InterestArea.objects.filter(code__in=codes))


def all_regions() -> QuerySet[Region]:
    """Every region by name: the directory lists members across England."""
    return Region.objects.order_by("name")


# --- the directory ----------------------------------------------------------------------------------------


def directory(*, region_code: str = "", interest_code: str = "") -> QuerySet[CommunityProfile]:
    """Only people who chose to be listed, and only while they are."""
    profiles = CommunityProfile.objects.filter(listed=True, user__is_active=True)
    if region_code:
        profiles = profiles.filter(
            Q(user__trainee__memberships__scheme__region__code=region_code)
            | Q(user__mentor__region__code=region_code)
        )
    if interest_code:
        profiles = profiles.filter(interests__code=interest_code)
    ids = profiles.values("pk")
    return (
        CommunityProfile.objects.filter(pk__in=ids)
        .select_related("user__mentor__region")
        .prefetch_related(
            "interests",
            Prefetch(
                "user__trainee__memberships",
                queryset=ProgrammeMembership.objects.select_related("scheme__region").order_by("-start_date"),
            ),
        )
        .order_by("user__last_name", "user__first_name")
    )


def directory_entry(profile: CommunityProfile) -> dict:
    """What the directory shows of someone listed: name, how they are involved, region, interests, email."""
    user = profile.user
    trainee = getattr(user, "trainee", None)
    mentor = getattr(user, "mentor", None)
    if trainee is not None:
        memberships = list(trainee.memberships.all())
        latest = memberships[0] if memberships else None
        alumni = latest is not None and latest.status == ProgrammeMembership.Status.COMPLETED
        return {
            "name": trainee.full_name,
            "role": "HEFT alumnus" if alumni else "HEFT trainee",
            "region": latest.scheme.region.name if latest else "",
            "email": trainee.email,
            "about": profile.about,
            "interests": [i.name for i in profile.interests.all()],
        }
    return {
        "name": user.get_full_name() or user.email,
        "role": mentor.get_kind_display() if mentor else "HEFT community",
        "region": mentor.region.name if mentor else "",
        "email": user.email,
        "about": profile.about,
        "interests": [i.name for i in profile.interests.all()],
    }


# --- opportunities ----------------------------------------------------------------------------------------


def open_opportunities(today: datetime.date) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(closes_on__gte=today)
        .select_related("region")
        .prefetch_related("interests")
        .order_by("closes_on", "title")
    )


def opportunity_eligibility(trainee: Trainee, today: datetime.date) -> str | None:
    """Why the trainee sees post-CCT opportunities ("ST3" or "recent graduate"), or None if not yet."""
    for membership in trainee.memberships.all():
        completed = membership.status == ProgrammeMembership.Status.COMPLETED and membership.cct_estimate
        if completed and add_months(membership.cct_estimate, RECENT_GRADUATE_MONTHS) >= today:
            return "recent graduate"
        active = membership.status == ProgrammeMembership.Status.ACTIVE
        if active and training_year_for(membership, today) == "ST3":
            return "ST3"
    return None


def opportunities_for_trainee(trainee: Trainee, today: datetime.date) -> list[dict] | None:
    """Open opportunities for an eligible trainee (None if not eligible): their region's first, then those
    matching their interests, then by closing date."""
    if opportunity_eligibility(trainee, today) is None:
        return None
    mine = set(interests_by_user([trainee.user_id]).get(trainee.user_id, frozenset()))
    regions = {m.scheme.region_id for m in trainee.memberships.select_related("scheme")}
    interested = set(trainee.expressions_of_interest.values_list("opportunity_id", flat=True))
    rows = []
    for opportunity in open_opportunities(today):
        matches = sorted(i.name for i in opportunity.interests.all() if i.name in mine)
        rows.append(
            {
                "opportunity": opportunity,
                "matches": matches,
                "in_region": opportunity.region_id in regions,
                "interested": opportunity.pk in interested,
            }
        )
    rows.sort(key=lambda r: (not r["in_region"], not r["matches"]))
    return rows


def opportunity_for_trainee(trainee: Trainee, pk: int, today: datetime.date) -> Opportunity:
    if opportunity_eligibility(trainee, today) is None:
        raise Http404
    return get_object_or_404(open_opportunities(today), pk=pk)


def opportunities_managed_by(user) -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(region__in=regions_managed_by(user))
        .select_related("region", "posted_by")
        .annotate(interested=Count("interest"))
        .order_by("-closes_on", "title")
    )


def opportunity_managed_by(user, pk: int) -> Opportunity:
    return get_object_or_404(opportunities_managed_by(user), pk=pk)


def open_opportunities_managed_by(user, today: datetime.date) -> QuerySet[Opportunity]:
    return opportunities_managed_by(user).filter(closes_on__gte=today)


def opportunities_with_interests_managed_by(user) -> QuerySet[Opportunity]:
    return opportunities_managed_by(user).prefetch_related("interests")


def interest_expressed(trainee: Trainee, opportunity: Opportunity) -> ExpressionOfInterest | None:
    """The trainee's expression of interest in the opportunity, if they made one."""
    return opportunity.interest.filter(trainee=trainee).first()


def interest_in(opportunity: Opportunity) -> QuerySet[ExpressionOfInterest]:
    return opportunity.interest.select_related("trainee").order_by("created_at")


# --- outcomes ---------------------------------------------------------------------------------------------


def graduates_visible_to(user) -> QuerySet[ProgrammeMembership]:
    return (
        ProgrammeMembership.objects.filter(
            status=ProgrammeMembership.Status.COMPLETED,
            cct_estimate__isnull=False,
            trainee__in=trainees_visible_to(user).values("pk"),
        )
        .select_related("trainee", "scheme__region")
        .order_by("-cct_estimate", "trainee__surname")
    )


class _OutcomeWindows:
    """For a CCT date: the start of the one-year-on window, one year on, and the window's end (graduates
    share a few CCT dates, so each is worked out once)."""

    def __init__(self):
        self._known: dict[datetime.date, tuple[datetime.date, datetime.date, datetime.date]] = {}

    def of(self, cct: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date]:
        if cct not in self._known:
            first, last = (add_months(cct, m) for m in OUTCOME_WINDOW)
            self._known[cct] = (first, add_months(cct, 12), last)
        return self._known[cct]


def outcomes_report(user, today: datetime.date) -> dict:
    """Graduates a year or more past their CCT, by CCT year: how many have a record one year on, and how
    many of those work in a Deep End practice. Reads only the columns it counts (a national report covers
    thousands of graduates)."""
    visible = ProgrammeMembership.objects.filter(
        status=ProgrammeMembership.Status.COMPLETED,
        cct_estimate__isnull=False,
        trainee__in=trainees_visible_to(user).values("pk"),
    )
    window = _OutcomeWindows()
    graduates = [
        (trainee_id, cct)
        for trainee_id, cct in visible.values_list("trainee_id", "cct_estimate")
        if window.of(cct)[1] <= today
    ]
    outcomes: dict[int, list[tuple[datetime.date, bool]]] = {}
    recorded = CareerOutcome.objects.filter(trainee__in=visible.values("trainee_id")).order_by()
    for trainee_id, as_at, deep_end in recorded.values_list("trainee_id", "as_at", "deep_end"):
        outcomes.setdefault(trainee_id, []).append((as_at, deep_end))
    rows: dict[int, dict] = {}
    for trainee_id, cct in graduates:
        row = rows.setdefault(cct.year, {"year": cct.year, "graduates": 0, "known": 0, "deep_end": 0})
        row["graduates"] += 1
        records = outcomes.get(trainee_id)
        if not records:
            continue
        first, target, last = window.of(cct)
        near = [o for o in records if first <= o[0] <= last]
        outcome = min(near, key=lambda o: abs((o[0] - target).days), default=None)
        if outcome:
            row["known"] += 1
            row["deep_end"] += int(outcome[1])
    ordered = [rows[year] for year in sorted(rows)]
    totals = {key: sum(r[key] for r in ordered) for key in ("graduates", "known", "deep_end")}
    return {"rows": ordered, "totals": totals}


def graduate_choices(user) -> list[tuple[int, str]]:
    """The graduates an outcome may be recorded for, as (membership id, label) pairs: the latest CCT first."""
    rows = graduates_visible_to(user).values_list(
        "pk", "trainee__forenames", "trainee__surname", "cct_estimate"
    )
    return [(pk, f"{forenames} {surname}, CCT {cct:%-d %b %Y}") for pk, forenames, surname, cct in rows]


def practice_with_ods_code(code: str) -> Practice | None:
    """Any practice known by this ODS code (open or closed: a graduate may have worked at either)."""
    return Practice.objects.filter(ods_code=code).first()


def outcomes_recorded(user) -> QuerySet[CareerOutcome]:
    return (
        CareerOutcome.objects.filter(trainee__in=trainees_visible_to(user).values("pk"))
        .select_related("trainee", "practice")
        .order_by("-as_at")
    )


def meetings_led_by(user, now: datetime.datetime, limit: int = 3) -> list[TeachingSession]:
    """The coming meetings of the communities of practice the user leads, soonest first."""
    meetings = TeachingSession.objects.filter(
        kind=TeachingSession.Kind.COMMUNITY,
        community_group__in=active_groups().filter(lead__user=user).values("pk"),
        status=TeachingSession.Status.PUBLISHED,
        end__gte=now,
    )
    return list(meetings.select_related("community_group").order_by("start")[:limit])
