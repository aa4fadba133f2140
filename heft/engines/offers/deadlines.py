"""Reply deadlines in working hours: a clock that stops on weekends and England's bank holidays.

Every hour of a working day counts (so 48 working hours from 15:00 on a Friday end at 15:00 on the
Tuesday), and no hour of a Saturday, a Sunday or a bank holiday does. Days are those of the wall clock in
London, so a deadline keeps its time of day across the change to or from summer time (which happens on a
Sunday, when the clock is stopped anyway).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
DAY = datetime.timedelta(days=1)
MIDNIGHT = datetime.time()
SATURDAY = 5
# More days off in a row than this means the calendar given is wrong: stop rather than walk for ever.
LONGEST_BREAK_DAYS = 31

WorkingDay = Callable[[datetime.date], bool]


@lru_cache(maxsize=32)
def _england_bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]))


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, and not one of England's bank holidays."""
    return day.weekday() < SATURDAY and day not in _england_bank_holidays(day.year)


def working_hours_after(
    start: datetime.datetime, hours: float, *, working_day: WorkingDay = is_working_day, tz=LONDON
) -> datetime.datetime:
    """The moment `hours` working hours after `start` (aware). Begun on a day off, the clock starts at
    midnight at the beginning of the next working day."""
    remaining = _duration(hours)
    cursor, days_off = _wall_clock(start, tz), 0
    while True:
        day = cursor.date()
        following_midnight = datetime.datetime.combine(day + DAY, MIDNIGHT)
        if working_day(day):
            days_off = 0
            available = following_midnight - cursor
            if remaining <= available:
                return _aware(cursor + remaining, tz, start)
            remaining -= available
        else:
            days_off = _one_more_day_off(days_off, day)
        cursor = following_midnight


def working_hours_before(
    end: datetime.datetime, hours: float, *, working_day: WorkingDay = is_working_day, tz=LONDON
) -> datetime.datetime:
    """The moment `hours` working hours before `end` (aware): the inverse of working_hours_after."""
    remaining = _duration(hours)
    cursor, days_off = _wall_clock(end, tz), 0
    while True:
        # The hours just before midnight belong to the day before it.
        day = cursor.date() - DAY if cursor.time() == MIDNIGHT else cursor.date()
        day_start = datetime.datetime.combine(day, MIDNIGHT)
        if working_day(day):
            days_off = 0
            available = cursor - day_start
            if remaining <= available:
                return _aware(cursor - remaining, tz, end)
            remaining -= available
        else:
            days_off = _one_more_day_off(days_off, day)
        cursor = day_start


def _duration(hours: float) -> datetime.timedelta:
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    return datetime.timedelta(hours=hours)


def _wall_clock(moment: datetime.datetime, tz) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("the moment must be timezone-aware")
    return moment.astimezone(tz).replace(tzinfo=None)


def _aware(wall: datetime.datetime, tz, like: datetime.datetime) -> datetime.datetime:
    """The wall-clock time in `tz`, given back in the time zone the caller used."""
    return wall.replace(tzinfo=tz).astimezone(like.tzinfo)


def _one_more_day_off(days_off: int, day: datetime.date) -> int:
    if days_off >= LONGEST_BREAK_DAYS:
        raise ValueError(f"more than {LONGEST_BREAK_DAYS} days off in a row before {day}: no working day")
    return days_off + 1
