"""Dates for a year of teaching: the national programme, then a region's sessions around it.

Hard rules, never broken: no session on a blackout day (bank holidays, Christmas, dates a lead adds) or on
a day another session already holds; each series keeps its weekday and local times; the national topics
keep their order; a region's welcome comes before the first national session and each later regional
session comes after the national session(s) it reflects on. Soft rules, kept where the calendar allows
and explained in a warning where it does not: national sessions spread evenly across the year, regional
sessions about every `every_weeks` weeks.
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from heft.engines.timetable.blackouts import BlackoutCalendar
from heft.engines.timetable.spec import PlanSpec, SeriesRule

NATIONAL, REGIONAL, CONFERENCE = "national", "regional", "conference"
KINDS = (NATIONAL, REGIONAL, CONFERENCE)
WEEK = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Session:
    kind: str
    title: str
    topic: str
    start: datetime.datetime  # aware, in the plan's time zone
    end: datetime.datetime
    reflects_on: tuple[str, ...] = ()  # a regional session: the national topics it looks back on
    venue: str = ""

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end.date() - self.start.date()).days + 1
        return [self.start.date() + datetime.timedelta(days=n) for n in range(count)]

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "topic": self.topic,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "reflects_on": list(self.reflects_on),
            "venue": self.venue,
        }


@dataclass(frozen=True)
class PlanWarning:
    """A soft rule the plan could not keep, or something asked for that could not be placed, and why."""

    rule: str  # even_spacing, regional_cadence, blackout, capacity, order
    message: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "message": self.message}


@dataclass
class Plan:
    sessions: list[Session] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)

    def warn(self, rule: str, message: str) -> None:
        self.warnings.append(PlanWarning(rule, message))

    def to_dict(self) -> dict:
        return {
            "sessions": [s.to_dict() for s in self.sessions],
            "warnings": [w.to_dict() for w in self.warnings],
        }


def plan(spec: PlanSpec) -> Plan:
    """The national programme (with the conference) and, when the spec names a region, its sessions."""
    blackouts = BlackoutCalendar.for_spec(spec)
    national = plan_national(spec, blackouts)
    if spec.regional is None:
        return national
    regional = plan_regional(spec, national.sessions, blackouts)
    sessions = sorted([*national.sessions, *regional.sessions], key=lambda s: s.start)
    return Plan(sessions, [*national.warnings, *regional.warnings])


def plan_national(spec: PlanSpec, blackouts: BlackoutCalendar | None = None) -> Plan:
    days = _Days(spec, blackouts)
    result = Plan()
    if spec.conference:
        conference = _conference(spec, days.blackouts, result)
        if conference:
            result.sessions.append(conference)
            days.take(conference, "the annual conference")
    free = days.free(spec.national)
    chosen = _spread(len(spec.topics), free, spec.year_start, spec.year_end)
    for topic, (day, ideal) in zip(spec.topics, chosen, strict=False):
        title = f"National session: {topic}"
        result.sessions.append(_session(spec.zone, NATIONAL, title, topic, day, spec.national))
        if day != ideal:
            why = days.why_not(ideal) or "to keep the topics in order"
            result.warn(
                "even_spacing",
                f"National session {topic!r} is on {_fmt(day)} instead of {_fmt(ideal)} ({why}), "
                "so the gaps either side of it are uneven.",
            )
    missing = spec.topics[len(chosen) :]
    if missing:
        result.warn(
            "capacity",
            f"Only {len(free)} {spec.national.weekday_name}s in the academic year are free: "
            f"{', '.join(repr(t) for t in missing)} could not be placed. Shorten the topic list, "
            "lengthen the year or remove blackouts.",
        )
    result.sessions.sort(key=lambda s: s.start)
    return result


def plan_regional(spec: PlanSpec, fixed: list[Session], blackouts: BlackoutCalendar | None = None) -> Plan:
    """A region's welcome and reflective sessions around sessions already fixed (national, conference)."""
    regional, result = spec.regional, Plan()
    days = _Days(spec, blackouts)
    for session in fixed:
        days.take(session, session.title)
    free = days.free(regional.rule)
    unreflected = sorted((s for s in fixed if s.kind == NATIONAL), key=lambda s: s.start)
    welcome = _welcome(spec, free, unreflected, days, result)
    last = welcome
    every = regional.every_weeks * WEEK
    reach = datetime.timedelta(days=regional.every_weeks * 7 // 2)
    ideal = (welcome or _next_weekday(spec.year_start, regional.rule.weekday)) + every
    while ideal <= spec.year_end:
        day = _regional_day(spec, free, ideal, reach, last, unreflected)
        if day is None:
            result.warn("regional_cadence", _no_regional_reason(spec, ideal, reach, unreflected, days))
        else:
            start = _at(day, regional.rule.start, spec.zone)
            topics = tuple(n.topic for n in unreflected if n.end <= start)
            unreflected = [n for n in unreflected if n.end > start]
            topic = "Reflecting on: " + "; ".join(topics)
            title = f"{regional.name} regional session"
            result.sessions.append(_session(spec.zone, REGIONAL, title, topic, day, regional.rule, topics))
            if day != ideal:
                why = days.why_not(ideal) or "to follow the national session it reflects on"
                result.warn(
                    "regional_cadence", f"{title} is on {_fmt(day)} instead of {_fmt(ideal)} ({why})."
                )
            last = day
        ideal += every
    if welcome:
        title = f"{regional.name} regional welcome"
        result.sessions.insert(0, _session(spec.zone, REGIONAL, title, "Welcome", welcome, regional.rule))
    return result


# --- the pieces -------------------------------------------------------------------------------------------


class _Days:
    """Which days of a plan's year are free, and why a day is not."""

    def __init__(self, spec: PlanSpec, blackouts: BlackoutCalendar | None):
        self.spec = spec
        self.blackouts = blackouts or BlackoutCalendar.for_spec(spec)
        self.taken: dict[datetime.date, str] = {}

    def take(self, session: Session, by: str) -> None:
        self.taken.update(dict.fromkeys(session.days, by))

    def free(self, rule: SeriesRule) -> list[datetime.date]:
        """The days of the rule's weekday in the year that are neither blacked out nor taken."""
        day, days = _next_weekday(self.spec.year_start, rule.weekday), []
        while day <= self.spec.year_end:
            if not self.why_not(day) and not _clock_change_problem(day, rule, self.spec.zone):
                days.append(day)
            day += WEEK
        return days

    def why_not(self, day: datetime.date) -> str | None:
        """Why a day cannot hold a session, or None when it could."""
        if not self.spec.year_start <= day <= self.spec.year_end:
            return "outside the academic year"
        return self.blackouts.reason(day) or (f"taken by {self.taken[day]}" if day in self.taken else None)


def _conference(spec: PlanSpec, blackouts: BlackoutCalendar, result: Plan) -> Session | None:
    conference, zone = spec.conference, spec.zone
    start = _at(conference.date, conference.start, zone)
    end = _at(conference.end_date, conference.end, zone)
    session = Session(CONFERENCE, conference.title, conference.title, start, end, venue=conference.venue)
    for day in session.days:
        if day in blackouts:
            result.warn(
                "blackout",
                f"The conference was not placed: {_fmt(day)} is a blackout ({blackouts.reason(day)}). "
                "Choose other dates.",
            )
            return None
    return session


def _welcome(spec: PlanSpec, free, nationals, days: _Days, result: Plan) -> datetime.date | None:
    """The first free day on or after the year's start that ends before the first national session."""
    rule, zone, name = spec.regional.rule, spec.zone, spec.regional.name
    first = nationals[0].start if nationals else None
    welcome = next((d for d in free if first is None or _at(d, rule.end, zone) <= first), None)
    expected = _next_weekday(spec.year_start, rule.weekday)
    if welcome is None:
        result.warn(
            "order",
            f"No {rule.weekday_name} is free before the first national session "
            f"({_fmt(first.date()) if first else 'none'}): the {name} regional welcome could not be placed.",
        )
    elif welcome != expected:
        result.warn(
            "regional_cadence",
            f"The {name} regional welcome is on {_fmt(welcome)} instead of {_fmt(expected)} "
            f"({days.why_not(expected)}).",
        )
    return welcome


def _regional_day(spec: PlanSpec, free, ideal, reach, last, unreflected) -> datetime.date | None:
    """The free day nearest `ideal` (within `reach`), after the last regional session and after at least
    one national session not yet reflected on."""
    if not unreflected:
        return None
    options = [
        day
        for day in _window(free, ideal - reach, ideal + reach)
        if (last is None or day > last)
        and _at(day, spec.regional.rule.start, spec.zone) >= unreflected[0].end
    ]
    return min(options, key=lambda d: (abs((d - ideal).days), d), default=None)


def _no_regional_reason(spec: PlanSpec, ideal, reach, unreflected, days: _Days) -> str:
    regional = spec.regional
    if not unreflected or unreflected[0].end.date() > ideal + reach:
        why = "there is no national session since the last regional session to reflect on"
    else:
        reasons, day = set(), ideal - reach
        while day <= ideal + reach:
            if day.weekday() == regional.rule.weekday and (reason := days.why_not(day)):
                reasons.add(reason)
            day += datetime.timedelta(days=1)
        weekday = regional.rule.weekday_name
        why = f"no {weekday} within {reach.days} days is free ({'; '.join(sorted(reasons))})"
    return f"No {regional.name} regional session around {_fmt(ideal)}: {why}."


def _spread(count: int, days: list[datetime.date], first: datetime.date, last: datetime.date):
    """Up to `count` of `days`, in order, each the nearest free day to its evenly spaced ideal date.

    Returns (day, ideal day of the right weekday) pairs. Each pick leaves enough later days for the rest.
    """
    placed = min(count, len(days))
    span = (last - first).days
    chosen, low = [], 0
    for index in range(placed):
        ideal = first + datetime.timedelta(days=round(span * (index + 1) / (count + 1)))
        high = len(days) - (placed - index)  # the last index this pick may take
        position = min(max(bisect.bisect_left(days, ideal), low), high)
        candidates = [i for i in (position - 1, position) if low <= i <= high]
        best = min(candidates, key=lambda i: (abs((days[i] - ideal).days), i))
        weekday = days[best].weekday()
        chosen.append((days[best], _nearest_weekday(ideal, weekday)))
        low = best + 1
    return chosen


def _clock_change_problem(day: datetime.date, rule: SeriesRule, zone: ZoneInfo) -> bool:
    """True when a start or end time happens twice, or not at all, because the clocks change that day."""
    for time in (rule.start, rule.end):
        naive = datetime.datetime.combine(day, time)
        if naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset():
            return True
    return False


def _window(days: list[datetime.date], low: datetime.date, high: datetime.date) -> list[datetime.date]:
    return days[bisect.bisect_left(days, low) : bisect.bisect_right(days, high)]


def _session(zone, kind, title, topic, day, rule: SeriesRule, reflects_on=()) -> Session:
    return Session(kind, title, topic, _at(day, rule.start, zone), _at(day, rule.end, zone), reflects_on)


def _at(day: datetime.date, time: datetime.time, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=zone)


def _next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _nearest_weekday(day: datetime.date, weekday: int) -> datetime.date:
    offset = (weekday - day.weekday()) % 7
    return day + datetime.timedelta(days=offset if offset <= 3 else offset - 7)


def _fmt(day: datetime.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
