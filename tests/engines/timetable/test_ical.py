"""iCalendar output: RFC 5545 feeds that icalendar and an independent parser read the same way."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from heft.engines.timetable import CalendarEvent, parse_spec, plan, render_calendar, vtimezone
from heft.engines.timetable.cli import main, plan_to_ics
from tests.engines.timetable.calendars import (
    assert_14_00_local_both_sides_of_the_clock_changes,
    icalendar_events,
    vobject_events,
    vtimezone_tzinfo,
)
from tests.engines.timetable.specs import EXAMPLE

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def example_ics():
    spec = parse_spec(EXAMPLE)
    return spec, plan(spec), plan_to_ics(spec, plan(spec))


def test_one_event_per_session_with_its_kind_in_categories(example_ics):
    _, result, data = example_ics
    events = icalendar_events(data)
    assert len(events) == len(result.sessions)
    assert [e["categories"] for e in events] == [[s.kind] for s in result.sessions]
    assert len({e["uid"] for e in events}) == len(events)


def test_uids_are_stable_between_runs(example_ics):
    spec, _, data = example_ics
    again = plan_to_ics(spec, plan(spec))
    assert [e["uid"] for e in icalendar_events(data)] == [e["uid"] for e in icalendar_events(again)]


def test_icalendar_reads_14_00_local_either_side_of_the_clock_changes(example_ics):
    events = icalendar_events(example_ics[2])
    assert_14_00_local_both_sides_of_the_clock_changes(events)
    by_day = {e["start"].date(): e["start"] for e in events}
    # The last session before and the first after each change (25 Oct 2026, 28 Mar 2027).
    assert by_day[datetime.date(2026, 10, 2)].utcoffset() == datetime.timedelta(hours=1)
    assert by_day[datetime.date(2026, 11, 19)].utcoffset() == datetime.timedelta(0)
    assert by_day[datetime.date(2027, 3, 19)].utcoffset() == datetime.timedelta(0)
    assert by_day[datetime.date(2027, 4, 22)].utcoffset() == datetime.timedelta(hours=1)


@pytest.mark.parametrize("own_timezone", [False, True])
def test_vobject_reads_the_same_times(example_ics, own_timezone):
    events = vobject_events(example_ics[2], own_timezone=own_timezone)
    assert len(events) == len(example_ics[1].sessions)
    assert_14_00_local_both_sides_of_the_clock_changes(events)
    expected = [s.start for s in example_ics[1].sessions]
    assert [e["start"] for e in events] == expected  # the same instants


def test_the_vtimezone_agrees_with_the_tz_database_at_every_hour_around_each_change():
    start, end = datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)
    data = render_calendar(
        [
            CalendarEvent(
                "a@test",
                "A",
                datetime.datetime(2020, 2, 1, 14, tzinfo=LONDON),
                datetime.datetime(2020, 2, 1, 16, tzinfo=LONDON),
            ),
            CalendarEvent(
                "b@test",
                "B",
                datetime.datetime(2030, 7, 1, 14, tzinfo=LONDON),
                datetime.datetime(2030, 7, 1, 16, tzinfo=LONDON),
            ),
        ],
        name="test",
    )
    theirs = vtimezone_tzinfo(data)
    instant = datetime.datetime.combine(start, datetime.time(), tzinfo=datetime.UTC)
    checked = 0
    while instant.date() <= end:
        ours = instant.astimezone(LONDON)
        if ours.month in (3, 10) and ours.day >= 24:
            assert instant.astimezone(theirs).utcoffset() == ours.utcoffset(), instant
            assert instant.astimezone(theirs).replace(tzinfo=None) == ours.replace(tzinfo=None), instant
            checked += 1
        instant += datetime.timedelta(minutes=30)
    assert checked > 1000


def test_summer_time_starts_at_one_in_the_morning_gmt():
    """RFC 5545: an observance's DTSTART is the local time before the change."""
    component = vtimezone("Europe/London", datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))
    daylight = next(c for c in component.subcomponents if c.name == "DAYLIGHT")
    standard = [c for c in component.subcomponents if c.name == "STANDARD"]
    assert daylight.decoded("DTSTART") == datetime.datetime(2027, 3, 28, 1, 0)
    assert datetime.datetime(2027, 10, 31, 2, 0) in [c.decoded("DTSTART") for c in standard]


def test_cancelled_events_and_sequence_are_written():
    start = datetime.datetime(2026, 11, 19, 14, tzinfo=LONDON)
    event = CalendarEvent(
        "x@test", "Cancelled", start, start + datetime.timedelta(hours=2), sequence=3, cancelled=True
    )
    (parsed,) = icalendar_events(render_calendar([event], name="test"))
    assert (parsed["status"], parsed["sequence"]) == ("CANCELLED", 3)
    calendar = icalendar.Calendar.from_ical(render_calendar([event], name="test"))
    assert str(calendar["X-WR-CALNAME"]) == "test"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT6H"


def test_an_empty_calendar_is_still_valid():
    data = render_calendar([], name="Nothing yet")
    assert icalendar_events(data) == []
    assert vobject_events(data) == []


def test_cli_writes_ics(tmp_path, capsys):
    import json

    path = tmp_path / "spec.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    assert main(["plan", str(path), "--format", "ics"]) == 0
    output = capsys.readouterr().out
    assert output.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VTIMEZONE" in output
    assert output.count("BEGIN:VEVENT") == len(plan(parse_spec(EXAMPLE)).sessions)
    assert "CATEGORIES:conference" in output
