"""Reads for release notices: who a placement's supervisor is, and which trainees' supervisors need a
notice once a timetable is published. Always within the user's attendance scope."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from heft.accounts.permissions import Perm, scope_for
from heft.programmes.models import Region
from heft.teaching.models import (
    PlacementSupervisor,
    ReleaseNotice,
    ReleaseNoticeBatch,
    TeachingSession,
    TeachingYear,
)
from heft.teaching.selectors import (
    published_sessions,
    region_ids_of,
    teaching_trainee_ids,
    trainees_with_attendance_visible_to,
)
from heft.trainees.models import Placement, Trainee


def recent_release_notices(trainee: Trainee) -> list[ReleaseNotice]:
    return list(trainee.release_notices.all()[:5])


# --- placement supervisors and release notices in bulk ----------------------------------------------------

SUPERVISOR_SOURCES = {
    "corrected": "corrected by the programme team",
    "clinical": "the placement's clinical supervisor",
    "educational": "the placement's educational supervisor",
    "typed": "typed with an earlier notice",
}


@dataclass(frozen=True)
class Supervisor:
    """Who a placement's release notice goes to, and where that came from (a SUPERVISOR_SOURCES key)."""

    name: str
    email: str
    source: str

    @property
    def source_label(self) -> str:
        return SUPERVISOR_SOURCES[self.source]


def placement_own_supervisor(placement: Placement) -> Supervisor | None:
    """The supervisor the placement carries (copied from its post). The clinical supervisor oversees the
    trainee's work in the post, so releases them from it; else the educational supervisor."""
    for role in ("clinical", "educational"):
        email = getattr(placement, f"{role}_supervisor_email")
        if email:
            return Supervisor(getattr(placement, f"{role}_supervisor_name") or email, email, role)
    return None


def supervisor_record(placement: Placement) -> PlacementSupervisor | None:
    try:
        return placement.teaching_supervisor
    except ObjectDoesNotExist:
        return None


def supervisor_for(placement: Placement | None) -> Supervisor | None:
    """A lead's correction first, then the placement's own supervisor, then one typed with a notice."""
    if placement is None:
        return None
    return _supervisor_from(placement, supervisor_record(placement))


def _supervisor_from(placement: Placement, record: PlacementSupervisor | None) -> Supervisor | None:
    if record and record.corrects_placement:
        return Supervisor(record.name, record.email, "corrected")
    own = placement_own_supervisor(placement)
    if own:
        return own
    return Supervisor(record.name, record.email, "typed") if record else None


@dataclass
class ReleaseRow:
    """One placement that coincides with coming sessions: the notice its supervisor should have."""

    trainee: Trainee
    placement: Placement
    sessions: list[TeachingSession]
    supervisor: Supervisor | None
    last_notice: ReleaseNotice | None = None

    @property
    def state(self) -> str:
        """not_sent, queued, failed, changed (sessions since the last notice) or sent."""
        notice = self.last_notice
        if notice is None:
            return "not_sent"
        if notice.status != ReleaseNotice.Status.SENT:
            return notice.status
        listed = {(s["title"], s["start"]) for s in notice.sessions}
        current = {(s.title, s.start.isoformat()) for s in self.sessions}
        return "sent" if current <= listed else "changed"

    @property
    def needs_notice(self) -> bool:
        return self.state in {"not_sent", "changed", "failed"}


@dataclass
class ReleaseOverview:
    rows: list[ReleaseRow]
    sessions: list[TeachingSession]  # the coming sessions of the year, any region's
    without_placement: list[Trainee] = field(default_factory=list)  # in scope, no placement at those dates


def release_sessions_in(year: TeachingYear, now: datetime.datetime | None = None) -> list[TeachingSession]:
    """The year's published sessions still to come that trainees are released for (not community
    meetings, which their groups arrange around work)."""
    now = now or timezone.now()
    sessions = published_sessions().filter(year=year, status=TeachingSession.Status.PUBLISHED, end__gte=now)
    return list(sessions.exclude(kind=TeachingSession.Kind.COMMUNITY).order_by("start"))


def release_overview(
    user,
    year: TeachingYear,
    *,
    region: Region | None = None,
    placement_id: int | None = None,
    now: datetime.datetime | None = None,
) -> ReleaseOverview:
    """Every HEFT trainee in the user's attendance scope (in `region`, when given; holding the placement
    `placement_id`, when given) whose placements coincide with the year's coming sessions: a row per
    placement with its sessions, supervisor and latest notice. A handful of queries, however many trainees."""
    sessions = release_sessions_in(year, now)
    trainees = trainees_with_attendance_visible_to(user)
    if region is not None:
        trainees = trainees.filter(pk__in=teaching_trainee_ids(Q(scheme__region=region)))
    placements = Placement.objects.all()
    if placement_id is not None:
        trainees = trainees.filter(memberships__placements=placement_id)
        placements = placements.filter(pk=placement_id)
    region_of = {t.pk: (t, t.teaching_region_id) for t in trainees}
    if not sessions or not region_of:
        return ReleaseOverview([], sessions)
    first, last = (timezone.localtime(sessions[0].start).date(), timezone.localtime(sessions[-1].end).date())
    placements = (
        placements.filter(
            membership__trainee_id__in=trainees.values("pk"), start_date__lte=last, end_date__gte=first
        )
        .select_related("membership", "post__category", "post__practice")
        .order_by("membership__trainee__surname", "membership__trainee__forenames", "start_date")
    )
    days = [(s, timezone.localtime(s.start).date(), timezone.localtime(s.end).date()) for s in sessions]
    # Read apart, not through select_related: a placement without one raises (and catches) an exception.
    placements = list(placements)
    found = PlacementSupervisor.objects.filter(placement_id__in=[p.pk for p in placements])
    records = {r.placement_id: r for r in found}
    rows = []
    for placement in placements:
        trainee, region_id = region_of[placement.membership.trainee_id]
        listed = [s for s, start, end in days if _released_for(s, start, end, placement, region_id)]
        if listed:
            supervisor = _supervisor_from(placement, records.get(placement.pk))
            rows.append(ReleaseRow(trainee, placement, listed, supervisor))
    _attach_last_notices(rows)
    placed = {row.trainee.pk for row in rows}
    without = sorted(
        (t for t, _ in region_of.values() if t.pk not in placed), key=lambda t: (t.surname, t.forenames)
    )
    return ReleaseOverview(rows, sessions, without)


def _released_for(
    session: TeachingSession, start: datetime.date, end: datetime.date, placement: Placement, region_id
) -> bool:
    """The session (on the days start to end) is the trainee's (national, or their region's) and falls
    within the placement."""
    if session.kind == TeachingSession.Kind.REGIONAL and session.region_id != region_id:
        return False
    return start <= placement.end_date and end >= placement.start_date


def _attach_last_notices(rows: list[ReleaseRow]) -> None:
    by_placement = {row.placement.pk: row for row in rows}
    notices = ReleaseNotice.objects.filter(placement_id__in=by_placement).order_by(
        "placement_id", "-queued_at", "-pk"
    )
    for notice in notices:
        row = by_placement[notice.placement_id]
        if row.last_notice is None:
            row.last_notice = notice


def regions_with_attendance_visible_to(user) -> list[Region]:
    """The regions whose trainees the user's attendance scope reaches (some of them, for a scheme)."""
    scope = scope_for(user, Perm.VIEW_ATTENDANCE)
    regions = Region.objects.order_by("name")
    return list(regions if scope.england else regions.filter(pk__in=region_ids_of(scope)))


def release_row_for(user, year: TeachingYear, placement_id: int) -> ReleaseRow:
    """One placement's row of the year's release notices, if the user's scope reaches its trainee."""
    rows = release_overview(user, year, placement_id=placement_id).rows
    if not rows:
        raise Http404("No coming sessions for this placement in your scope.")
    return rows[0]


def release_batches_for(user, year: TeachingYear) -> list[dict]:
    """The year's batches with at least one notice to a trainee in the user's scope, newest first, with
    how many of those notices are queued, sent and failed."""
    in_scope = trainees_with_attendance_visible_to(user).values("pk")
    counts = {
        status: Count("notices", filter=Q(notices__status=status, notices__trainee__in=in_scope))
        for status in ReleaseNotice.Status.values
    }
    batches = ReleaseNoticeBatch.objects.filter(year=year).annotate(**counts).select_related("region")
    return [
        {"batch": b, **{status: getattr(b, status) for status in counts}}
        for b in batches
        if any(getattr(b, status) for status in counts)
    ]


def release_batch_or_404(user, pk: int) -> tuple[ReleaseNoticeBatch, list[ReleaseNotice]]:
    """A batch and those of its notices whose trainees are in the user's scope (404 when none are)."""
    batch = get_object_or_404(ReleaseNoticeBatch.objects.select_related("year", "region"), pk=pk)
    in_scope = trainees_with_attendance_visible_to(user).values("pk")
    notices = list(
        batch.notices.filter(trainee__in=in_scope)
        .select_related("trainee", "sent_by")
        .order_by("trainee__surname", "trainee__forenames", "pk")
    )
    if not notices:
        raise Http404
    return batch, notices


def batch_progress(notices: list[ReleaseNotice]) -> dict:
    counts = dict.fromkeys(ReleaseNotice.Status.values, 0)
    for notice in notices:
        counts[notice.status] += 1
    total = len(notices)
    done = counts["sent"] + counts["failed"]
    return {**counts, "total": total, "done": done, "finished": counts["queued"] == 0}


def release_notices_due(user, year: TeachingYear, now: datetime.datetime | None = None) -> int:
    """How many placements in the user's attendance scope need a release notice for the year's coming
    sessions: none sent yet, sessions added since the last, or the last could not be sent."""
    return sum(1 for row in release_overview(user, year, now=now).rows if row.needs_notice)
