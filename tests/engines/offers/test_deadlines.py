"""Reply deadlines in working hours: weekends and England's bank holidays do not count."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heft.engines.offers import LONDON, is_working_day, working_hours_after, working_hours_before

UTC = datetime.UTC


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "hours", "end"),
    [
        # Published on a Friday afternoon: the weekend does not count.
        (london(2026, 6, 5, 15), 48, london(2026, 6, 9, 15)),
        # The late summer bank holiday Monday (31 August 2026) pushes it to the Wednesday.
        (london(2026, 8, 28, 15), 48, london(2026, 9, 2, 15)),
        # Christmas Day and Boxing Day observed on the Monday: Wednesday 23 December to Tuesday 29.
        (london(2026, 12, 23, 12), 48, london(2026, 12, 29, 12)),
        # Easter: Good Friday and Easter Monday 2027.
        (london(2027, 3, 25, 9, 30), 24, london(2027, 3, 30, 9, 30)),
        # Within a day.
        (london(2026, 6, 2, 9), 5, london(2026, 6, 2, 14)),
        # Begun on a Saturday, the clock starts on Monday at midnight.
        (london(2026, 6, 6, 11), 48, london(2026, 6, 10, 0)),
        # Ending exactly at the end of a Friday.
        (london(2026, 6, 5, 15), 9, london(2026, 6, 6, 0)),
        # Across the change to winter time (Sunday 25 October 2026): the time of day is kept.
        (london(2026, 10, 23, 15), 48, london(2026, 10, 27, 15)),
        # And to summer time (Sunday 29 March 2026).
        (london(2026, 3, 27, 15), 24, london(2026, 3, 30, 15)),
    ],
)
def test_working_hours_after(start, hours, end):
    assert working_hours_after(start, hours) == end


def test_the_answer_is_in_the_time_zone_given():
    start = datetime.datetime(2026, 6, 5, 14, tzinfo=UTC)  # 15:00 in London
    end = working_hours_after(start, 48)
    assert end.tzinfo is UTC
    assert end == datetime.datetime(2026, 6, 9, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    ("end", "hours", "start"),
    [
        (london(2026, 6, 9, 15), 24, london(2026, 6, 8, 15)),
        # A Monday deadline is reminded on the Friday, not on the Sunday.
        (london(2026, 6, 8, 15), 24, london(2026, 6, 5, 15)),
        # A Tuesday after a bank holiday Monday: the Friday before.
        (london(2026, 9, 1, 10), 24, london(2026, 8, 28, 10)),
    ],
)
def test_working_hours_before(end, hours, start):
    assert working_hours_before(end, hours) == start


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(datetime.date(2026, 8, 31))  # late summer bank holiday
    assert not is_working_day(datetime.date(2026, 12, 28))  # Boxing Day, observed
    assert not is_working_day(datetime.date(2026, 6, 6))  # a Saturday
    assert is_working_day(datetime.date(2026, 6, 8))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        working_hours_after(datetime.datetime(2026, 6, 5, 15), 48)
    with pytest.raises(ValueError, match="negative"):
        working_hours_after(london(2026, 6, 5, 15), -1)
    with pytest.raises(ValueError, match="days off in a row"):
        working_hours_after(london(2026, 6, 5, 15), 48, working_day=lambda day: False)


moments = st.datetimes(
    min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2030, 12, 31), timezones=st.just(UTC)
)
hours = st.integers(min_value=0, max_value=24 * 15).map(lambda h: h / 2)


def working_time_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    """Counted an independent way: the overlap of [start, end) with each working day, on the wall clock."""
    a, b = start.astimezone(LONDON).replace(tzinfo=None), end.astimezone(LONDON).replace(tzinfo=None)
    total, day = datetime.timedelta(0), a.date()
    while day <= b.date():
        if is_working_day(day):
            lo = max(a, datetime.datetime.combine(day, datetime.time()))
            hi = min(b, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
            total += max(hi - lo, datetime.timedelta(0))
        day += datetime.timedelta(days=1)
    return total


@settings(max_examples=200, deadline=None)
@given(moments, hours)
def test_exactly_that_many_working_hours_pass(start, hours):
    end = working_hours_after(start, hours)
    assert end >= start
    assert working_time_between(start, end) == datetime.timedelta(hours=hours)
    back = working_hours_before(end, hours)
    assert working_time_between(back, end) == datetime.timedelta(hours=hours)
    assert working_time_between(start, back) == datetime.timedelta(0)  # back where the clock started


@settings(max_examples=100, deadline=None)
@given(moments, hours, hours)
def test_later_or_longer_never_ends_sooner(start, first, second):
    low, high = sorted([first, second])
    assert working_hours_after(start, low) <= working_hours_after(start, high)
    assert working_hours_after(start, low) <= working_hours_after(start + datetime.timedelta(hours=1), low)
