"""The trainee's journey: everything their record page shows to answer "where am I and what is next".

A read-only assembly of selectors from the apps below this one (trainees, preferencing, teaching,
community), for a trainee the viewer is already allowed to see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.urls import reverse
from django.utils import timezone

from heft.accounts.permissions import Perm, has_perm
from heft.community import selectors as community
from heft.engines.cct import (
    CurriculumCheck,
    Estimate,
    Progress,
    ltft_flags,
    months_text,
)
from heft.engines.cct import LtftChange as LtftSpec
from heft.preferencing.selectors import offers_for_trainee, preference_list, windows_for_trainee
from heft.teaching.models import Attendance, TeachingSession
from heft.teaching.selectors import is_in_teaching, trainee_sessions_with_records
from heft.trainees.models import ProgrammeMembership, Trainee
from heft.trainees.placements import rotation_placements_planned
from heft.trainees.selectors import (
    cct_estimate_for,
    current_membership,
    curriculum_for,
    progress_for,
    training_year_for,
)

TRAINING_YEARS = ("ST1", "ST2", "ST3")
NEXT_SESSIONS = 3


@dataclass
class TimelineEntry:
    start: datetime.date
    end: datetime.date
    training_year: str
    post: object  # programmes.Post
    state: str  # "done", "now" or "next"
    wte: Decimal = Decimal(1)  # the trainee's share of full time in the post
    supervisors: tuple[tuple[str, str, str], ...] = ()  # (role, name, email), as recorded on the placement
    continued: str = ""  # more of the same slot: "after time out" or "at a new working pattern"

    @property
    def is_heft(self) -> bool:
        post = self.post
        return post.category.is_innovative or bool(post.practice_id and post.practice.is_deep_end)


@dataclass
class Task:
    text: str
    href: str
    due: str = ""


@dataclass
class Journey:
    trainee: Trainee
    membership: ProgrammeMembership | None
    today: datetime.date
    years: list[tuple[str, list[TimelineEntry]]] = field(default_factory=list)
    planned_from: object = None  # the offered rotation the timeline is planned from, when no placements yet
    estimate: Estimate | None = None
    progress: Progress | None = None
    training_year: str = ""
    curriculum: CurriculumCheck | None = None
    ltft_changes: list[tuple] = field(default_factory=list)  # (change, flags)
    interruptions: list = field(default_factory=list)
    teaching: dict | None = None
    group: object = None  # community.GroupMember
    mentors: list = field(default_factory=list)  # community.MentorAssignment
    opportunities: list | None = None  # None: not eligible yet
    tasks: list[Task] = field(default_factory=list)

    @property
    def months_done(self) -> str:
        return months_text(self.progress.months_done) if self.progress else ""

    @property
    def months_to_go(self) -> str:
        return months_text(self.progress.months_to_go) if self.progress else ""

    @property
    def open_interruption(self):
        return next((i for i in self.interruptions if i.end_date is None), None)

    @property
    def stored_estimate_differs(self) -> bool:
        return bool(self.membership and self.estimate and self.membership.cct_estimate != self.estimate.cct)


def journey_for(trainee: Trainee, *, viewer, own: bool, today: datetime.date | None = None) -> Journey:
    """`trainee` must come from trainee_for (scoped, with memberships prefetched)."""
    today = today or timezone.localdate()
    membership = current_membership(trainee)
    journey = Journey(trainee, membership, today)
    if membership is not None:
        _training(journey, membership)
        if own:
            journey.tasks = _tasks(trainee, today)
    if own or has_perm(viewer, Perm.VIEW_ATTENDANCE):
        journey.teaching = _teaching(trainee)
    journey.group = community.current_group_membership(trainee)
    journey.mentors = list(community.mentor_assignments_of(trainee))
    if own:
        journey.opportunities = community.opportunities_for_trainee(trainee, today)
        if not community.has_interests(viewer):
            journey.tasks.append(Task("Record your areas of interest", reverse("community:interests")))
    return journey


def _training(journey: Journey, membership: ProgrammeMembership) -> None:
    today = journey.today
    journey.estimate = cct_estimate_for(membership, today)
    journey.progress = progress_for(membership, today)
    journey.training_year = training_year_for(membership, today)
    journey.curriculum = curriculum_for(membership)
    journey.interruptions = list(membership.interruptions.all())
    journey.ltft_changes = [
        (c, ltft_flags(LtftSpec(Fraction(str(c.wte)), c.start_date, c.requested_on)))
        for c in membership.ltft_changes.all()
    ]
    placements = list(membership.placements.all())
    if not placements:
        placements, journey.planned_from = _planned_from_offer(membership, today)
    journey.years = _by_year(_timeline(placements, today))


def _timeline(placements: list, today: datetime.date) -> list[TimelineEntry]:
    entries, slot_ends = [], {}
    for p in sorted(placements, key=lambda p: p.start_date):
        slot = (p.rotation_id, p.slot_order)
        continued = _continued(slot_ends.get(slot), p.start_date) if p.slot_order is not None else ""
        slot_ends[slot] = p.end_date
        entries.append(
            TimelineEntry(
                p.start_date, p.end_date, p.training_year, p.post, _state(p.start_date, p.end_date, today),
                wte=p.wte, supervisors=_supervisors(p), continued=continued,
            )
        )  # fmt: skip
    return entries


def _continued(last_end: datetime.date | None, start: datetime.date) -> str:
    """How a slot split in two or more placements goes on: straight on at another WTE, or after time out."""
    if last_end is None:
        return ""
    return "at a new working pattern" if start - last_end == datetime.timedelta(days=1) else "after time out"


def _supervisors(p) -> tuple[tuple[str, str, str], ...]:
    named = [
        ("Educational supervisor", p.educational_supervisor_name, p.educational_supervisor_email),
        ("Clinical supervisor", p.clinical_supervisor_name, p.clinical_supervisor_email),
    ]
    return tuple((role, name, email) for role, name, email in named if name or email)


def _planned_from_offer(membership: ProgrammeMembership, today: datetime.date):
    """No placements yet: those the rotation they accepted (or were offered) would make, dated as accepting
    it would date them (not saved)."""
    offer = (
        offers_for_trainee(membership.trainee)
        .filter(
            window__scheme=membership.scheme,
            window__intake=membership.intake,
            status__in=["accepted", "offered"],
        )
        .order_by("status")  # accepted before offered
        .first()
    )
    if offer is None:
        return [], None
    return rotation_placements_planned(membership, offer.rotation, today), offer


def _state(start: datetime.date, end: datetime.date, today: datetime.date) -> str:
    if end < today:
        return "done"
    return "now" if start <= today else "next"


def _by_year(entries: list[TimelineEntry]) -> list[tuple[str, list[TimelineEntry]]]:
    if not entries:
        return []
    years = {year: [] for year in TRAINING_YEARS}
    for entry in sorted(entries, key=lambda e: e.start):
        years.setdefault(entry.training_year or "Other placements", []).append(entry)
    return [(year, items) for year, items in years.items() if items or year in TRAINING_YEARS]


def _tasks(trainee: Trainee, today: datetime.date) -> list[Task]:
    """What the trainee must do: rank rotations in an open window, reply to an offer."""
    tasks = []
    now = timezone.now()
    for window in windows_for_trainee(trainee):
        plist = preference_list(window, trainee)
        if window.is_open(now) and (plist is None or plist.status != plist.Status.SUBMITTED):
            closes = timezone.localtime(window.closes_at)
            tasks.append(
                Task(
                    f"Rank the rotations for {window.scheme.name}, {window.intake} intake",
                    reverse("preferencing:rank", args=[window.pk]),
                    f"by {closes:%H:%M} on {closes.day} {closes:%B %Y}",
                )
            )
    for offer in offers_for_trainee(trainee).filter(status="offered", respond_by__gt=now):
        due = timezone.localtime(offer.respond_by)
        tasks.append(
            Task(
                f"Accept or decline your offer of {offer.rotation.name}",
                reverse("preferencing:offer_detail", args=[offer.pk]),
                f"by {due:%H:%M} on {due.day} {due:%B %Y}",
            )
        )
    return tasks


def _teaching(trainee: Trainee) -> dict | None:
    """The next sessions and attendance so far, from the teaching app (None when not in HEFT teaching)."""
    if not is_in_teaching(trainee):
        return None
    now = timezone.now()
    rows = [
        r
        for r in trainee_sessions_with_records(trainee)
        if r["session"].status != TeachingSession.Status.CANCELLED
    ]
    past = [r for r in rows if r["session"].end < now]
    attended = sum(
        1 for r in past if r["attendance"] and r["attendance"].status == Attendance.Status.ATTENDED
    )
    return {
        "upcoming": [r["session"] for r in rows if r["session"].end >= now][:NEXT_SESSIONS],
        "past": len(past),
        "attended": attended,
    }
