"""Between the planning forms, the database and the timetable engine: specs in, engine sessions out.

A region's timetable can be planned again after some of it is published or past: those sessions stay as
they are, and only the days after the last of them (and after today) are planned anew.
"""

import dataclasses
import datetime

from django.utils import timezone

from heft.engines.timetable import (
    CONFERENCE,
    NATIONAL,
    BlackoutCalendar,
    Plan,
    PlanSpec,
    Session,
    SpecError,
    parse_spec,
    plan_national,
    plan_regional,
)
from heft.programmes.models import Region
from heft.teaching.models import TeachingSession, TeachingYear, TimetablePlan

KIND_TO_ENGINE = {TeachingSession.Kind.NATIONAL: NATIONAL, TeachingSession.Kind.CONFERENCE: CONFERENCE}


def preview_national(spec_data: dict) -> tuple[PlanSpec, Plan]:
    """Raises SpecError when the spec cannot be planned."""
    spec = parse_spec(spec_data)
    return spec, plan_national(spec)


def national_sessions_of(year: TeachingYear) -> list[TeachingSession]:
    """The national sessions and conference a region plans around (drafts too: the region may plan early)."""
    sessions = year.sessions.filter(kind__in=KIND_TO_ENGINE).exclude(status=TeachingSession.Status.CANCELLED)
    return list(sessions.order_by("start"))


@dataclasses.dataclass
class RegionalPreview:
    """A region's plan as the planner shows it: the new sessions beside what stays and the national ones."""

    spec: PlanSpec  # the whole year's, as the plan is saved
    result: Plan  # the new sessions, all on or after `first_day`
    first_day: datetime.date  # the first day planned anew
    kept: list[TeachingSession]  # the region's sessions left as they are: published, cancelled or past
    nationals: list[TeachingSession]
    replaced: int  # the drafts saving replaces

    @property
    def replanning(self) -> bool:
        return bool(self.kept)

    def timeline(self) -> list[dict]:
        """Every session of the year in date order, each saying what saving does to it."""
        rows = [_row(s, "new") for s in self.result.sessions]
        now = planning_now()
        rows += [_row(s, "kept_past" if s.start <= now else f"kept_{s.status}") for s in self.kept]
        rows += [_row(s, "national") for s in self.nationals]
        return sorted(rows, key=lambda row: row["start"])


def _row(session, state: str) -> dict:
    start, end = timezone.localtime(session.start), timezone.localtime(session.end)
    return {"start": start, "end": end, "title": session.title, "topic": session.topic, "state": state}


def planning_now() -> datetime.datetime:
    """The moment planning counts from: what has begun by then is never planned again. (Tests of a year
    now under way plan it as before it began by replacing this.)"""
    return timezone.now()


def kept_and_replaced(
    year: TeachingYear, region: Region, now: datetime.datetime | None = None
) -> tuple[list[TeachingSession], list[TeachingSession], datetime.date]:
    """The region's sessions of the year that a new plan keeps (published, cancelled, or begun) and the
    drafts it replaces, and the first day it may plan: after today and after the last session kept."""
    now = now or planning_now()
    sessions = list(year.sessions.filter(kind=TeachingSession.Kind.REGIONAL, region=region).order_by("start"))
    kept = [s for s in sessions if s.status != TeachingSession.Status.DRAFT or s.start <= now]
    replaced = [s for s in sessions if s not in kept]
    first = max(year.start, timezone.localdate(now) + datetime.timedelta(days=1))
    if kept:
        first = max(first, timezone.localtime(kept[-1].end).date() + datetime.timedelta(days=1))
    return kept, replaced, first


def preview_region(
    year: TeachingYear, region: Region, spec_data: dict, now: datetime.datetime | None = None
) -> RegionalPreview:
    """A region's sessions around the year's national programme, planned only where nothing is kept.
    Raises SpecError for a bad spec or a year with no days left to plan."""
    nationals = national_sessions_of(year)
    topics = [s.topic for s in nationals if s.kind == TeachingSession.Kind.NATIONAL] or ["(none yet)"]
    spec = parse_spec({**spec_data, "national": {"topics": list(dict.fromkeys(topics))}})
    kept, replaced, first = kept_and_replaced(year, region, now)
    if first > year.end:
        raise SpecError(f"Nothing is left of the {year} year to plan: its last day is {_fmt(year.end)}.")
    # The national sessions a new regional session may still reflect on: those since the last one kept.
    since = kept[-1].start if kept else timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    fixed = [_engine_session(s) for s in nationals if s.end > since]
    result = plan_regional(dataclasses.replace(spec, year_start=first), fixed)
    if kept:
        result = _without_welcome(result)
    return RegionalPreview(spec, result, first, kept, nationals, len(replaced))


def _without_welcome(result: Plan) -> Plan:
    """A region whose year is under way has had its welcome: drop the one the engine plans first."""
    sessions = [s for s in result.sessions if s.topic != "Welcome"]
    warnings = [w for w in result.warnings if "regional welcome" not in w.message]
    return Plan(sessions, warnings)


def _fmt(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def blackouts_for(year: TeachingYear, region: Region | None) -> BlackoutCalendar:
    """Bank holidays, Christmas and the dates the latest plans of this scope (and the national one) avoid."""
    plans = [p for p in (_latest(year, None), _latest(year, region) if region else None) if p]
    spec_data = {"academic_year": {"start": year.start.isoformat(), "end": year.end.isoformat()}}
    blackouts = [b for p in plans for b in p.spec.get("blackouts", [])]
    spec = parse_spec({**spec_data, "national": {"topics": ["-"]}, "blackouts": blackouts})
    return BlackoutCalendar.for_spec(spec)


def _latest(year: TeachingYear, region: Region | None) -> TimetablePlan | None:
    return TimetablePlan.objects.filter(year=year, region=region).first()


def _engine_session(session: TeachingSession) -> Session:
    start, end = timezone.localtime(session.start), timezone.localtime(session.end)
    return Session(KIND_TO_ENGINE[session.kind], session.title, session.topic, start, end)
