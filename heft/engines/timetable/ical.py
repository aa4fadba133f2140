"""iCalendar (RFC 5545) feeds and invitations, with the time zone spelt out in a VTIMEZONE.

Times are written as local times with a TZID, so a session at 14:00 stays at 14:00 on either side of a
clock change in every calendar. The VTIMEZONE is built here from the tz database rather than with
icalendar's `add_missing_timezones`, whose rules (icalendar 7.3) start summer time an hour late:
RFC 5545 wants each observance's DTSTART as the local time before the change (01:00 in March in London).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//HEFT Hub//Teaching timetable//EN"
REFRESH = datetime.timedelta(hours=6)
UTC = datetime.UTC


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable for the life of the session: calendars match updates by it
    summary: str
    start: datetime.datetime  # aware
    end: datetime.datetime
    sequence: int = 0  # goes up with every change calendars should notice
    cancelled: bool = False
    categories: tuple[str, ...] = ()
    description: str = ""
    location: str = ""
    url: str = ""
    last_modified: datetime.datetime | None = None


def render_calendar(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    timezone: str = "Europe/London",
    stamp: datetime.datetime | None = None,
) -> bytes:
    """A whole calendar (METHOD:PUBLISH): a feed to subscribe to, or a file to import."""
    events = list(events)
    zone = ZoneInfo(timezone)
    stamp = (stamp or datetime.datetime.now(UTC)).astimezone(UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    if events:
        first = min(e.start for e in events).date()
        last = max(e.end for e in events).date()
        calendar.add_component(vtimezone(timezone, first, last))
    for event in events:
        calendar.add_component(_vevent(event, zone, stamp))
    return calendar.to_ical()


def _vevent(event: CalendarEvent, zone: ZoneInfo, stamp: datetime.datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("summary", event.summary)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    if event.categories:
        vevent.add("categories", list(event.categories))
    for key, value in (("description", event.description), ("location", event.location), ("url", event.url)):
        if value:
            vevent.add(key, value)
    if event.last_modified:
        vevent.add("last-modified", event.last_modified.astimezone(UTC))
    return vevent


def vtimezone(timezone: str, first: datetime.date, last: datetime.date) -> icalendar.Timezone:
    """The zone's offsets from the start of `first`'s year to the end of `last`'s, as a VTIMEZONE.

    One STANDARD or DAYLIGHT observance per kind of change, its later dates as RDATEs.
    """
    zone = ZoneInfo(timezone)
    begin = datetime.datetime(first.year, 1, 1, tzinfo=UTC)
    finish = datetime.datetime(last.year + 1, 1, 1, tzinfo=UTC)
    initial = begin.astimezone(zone)
    observances: dict[tuple, list[datetime.datetime]] = {
        _observance(initial, initial): [(begin + initial.utcoffset()).replace(tzinfo=None)]
    }
    for instant, before, after in _transitions(zone, begin, finish):
        local = (instant + before.utcoffset()).replace(tzinfo=None)  # the wall clock before the change
        observances.setdefault(_observance(before, after), []).append(local)
    component = icalendar.Timezone()
    component.add("tzid", timezone)
    for (daylight, offset_from, offset_to, name), starts in observances.items():
        observance = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
        observance.add("dtstart", starts[0])
        if starts[1:]:
            observance.add("rdate", starts[1:])
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        observance.add("tzname", name)
        component.add_component(observance)
    return component


def _observance(before: datetime.datetime, after: datetime.datetime) -> tuple:
    return (bool(after.dst()), before.utcoffset(), after.utcoffset(), after.tzname())


def _transitions(zone: ZoneInfo, begin: datetime.datetime, finish: datetime.datetime):
    """(UTC instant, local time just before, local time from then on) for each change of offset or name."""
    previous = begin
    while previous < finish:
        current = min(previous + datetime.timedelta(days=1), finish)
        if _state(previous, zone) != _state(current, zone):
            low, high = previous, current  # the change is after low and at or before high
            while high - low > datetime.timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _state(middle, zone) == _state(low, zone) else (low, middle)
            instant = high.replace(microsecond=0)
            yield instant, previous.astimezone(zone), instant.astimezone(zone)
        previous = current


def _state(instant: datetime.datetime, zone: ZoneInfo) -> tuple:
    local = instant.astimezone(zone)
    return local.utcoffset(), local.tzname()
