"""Teaching timetable planning: dated sessions from a year, topics, weekday rules and blackouts; iCalendar.

Framework-free (no Django). `python -m heft.engines.timetable plan SPEC.json [--format json|ics]`.
"""

from heft.engines.timetable.blackouts import BlackoutCalendar, bank_holidays
from heft.engines.timetable.ical import CalendarEvent, render_calendar, vtimezone
from heft.engines.timetable.planner import (
    CONFERENCE,
    KINDS,
    NATIONAL,
    REGIONAL,
    Plan,
    PlanWarning,
    Session,
    plan,
    plan_national,
    plan_regional,
)
from heft.engines.timetable.spec import (
    WEEKDAYS,
    Blackout,
    ConferenceSpec,
    PlanSpec,
    RegionalSpec,
    SeriesRule,
    SpecError,
    parse_spec,
)

__all__ = [
    "CONFERENCE",
    "KINDS",
    "NATIONAL",
    "REGIONAL",
    "WEEKDAYS",
    "Blackout",
    "BlackoutCalendar",
    "CalendarEvent",
    "ConferenceSpec",
    "Plan",
    "PlanSpec",
    "PlanWarning",
    "RegionalSpec",
    "SeriesRule",
    "Session",
    "SpecError",
    "bank_holidays",
    "parse_spec",
    "plan",
    "plan_national",
    "plan_regional",
    "render_calendar",
    "vtimezone",
]
