"""Between the planning forms, the database and the timetable engine: specs in, engine sessions out."""

from django.utils import timezone

from heft.engines.timetable import (
    CONFERENCE,
    NATIONAL,
    BlackoutCalendar,
    Plan,
    PlanSpec,
    Session,
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


def preview_region(year: TeachingYear, spec_data: dict) -> tuple[PlanSpec, Plan]:
    """A region's sessions around the year's national programme. Raises SpecError for a bad spec."""
    nationals = national_sessions_of(year)
    topics = [s.topic for s in nationals if s.kind == TeachingSession.Kind.NATIONAL] or ["(none yet)"]
    spec = parse_spec({**spec_data, "national": {"topics": list(dict.fromkeys(topics))}})
    fixed = [_engine_session(s) for s in nationals]
    return spec, plan_regional(spec, fixed)


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
