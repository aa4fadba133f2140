"""Reading iCalendar feeds back in tests, with icalendar and with an independent parser (vobject)."""

import datetime
import io
from zoneinfo import ZoneInfo

import icalendar
import vobject
from dateutil import tz

LONDON = ZoneInfo("Europe/London")
OWN_ZONE = "HEFT-Test-Zone"  # a name no parser knows: only the feed's VTIMEZONE defines it


def icalendar_events(data: bytes) -> list[dict]:
    calendar = icalendar.Calendar.from_ical(data)
    return [
        {
            "uid": str(event["UID"]),
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "sequence": int(event.get("SEQUENCE", 0)),
            "status": str(event.get("STATUS", "")),
            "categories": [str(c) for c in event.get("CATEGORIES").cats] if event.get("CATEGORIES") else [],
        }
        for event in calendar.walk("VEVENT")
    ]


def vobject_events(data: bytes, *, own_timezone: bool = False) -> list[dict]:
    """Events as vobject reads them. vobject looks a well-known TZID up by name; with own_timezone the
    TZID is renamed first, so that the times can only be read through the feed's own VTIMEZONE."""
    text = data.decode("utf-8")
    if own_timezone:
        text = text.replace("Europe/London", OWN_ZONE)
        begin, end = text.index("BEGIN:VTIMEZONE"), text.index("END:VTIMEZONE") + len("END:VTIMEZONE")
        timezones = vobject.readOne(f"BEGIN:VCALENDAR\r\n{text[begin:end]}\r\nEND:VCALENDAR\r\n")
        vobject.icalendar.registerTzid(OWN_ZONE, timezones.vtimezone.gettzinfo())
    calendar = vobject.readOne(text)
    return [
        {
            "uid": event.uid.value,
            "summary": event.summary.value,
            "start": event.dtstart.value,
            "end": event.dtend.value,
            "status": event.status.value if hasattr(event, "status") else "",
        }
        for event in getattr(calendar, "vevent_list", [])
    ]


def vtimezone_tzinfo(data: bytes) -> datetime.tzinfo:
    """The feed's VTIMEZONE read by dateutil, an implementation separate from zoneinfo's."""
    calendar = icalendar.Calendar.from_ical(data)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    text = "BEGIN:VCALENDAR\r\n" + vtimezone.to_ical().decode() + "END:VCALENDAR\r\n"
    return tz.tzical(io.StringIO(text)).get()


def local_times(events: list[dict]) -> dict[datetime.date, tuple[str, str]]:
    """Each event's day -> (start, end) as the wall clock in London shows them, and the UTC offset seen."""
    return {
        e["start"].astimezone(LONDON).date(): (
            e["start"].astimezone(LONDON).strftime("%H:%M"),
            e["start"].utcoffset(),
        )
        for e in events
    }


def assert_14_00_local_both_sides_of_the_clock_changes(events: list[dict]) -> None:
    """Sessions either side of a clock change start at 14:00 on the wall clock, at different UTC times."""
    starts = [e["start"] for e in events if e["start"].astimezone(LONDON).strftime("%H:%M") == "14:00"]
    assert starts, "no 14:00 sessions"
    summer = [s for s in starts if s.utcoffset() == datetime.timedelta(hours=1)]
    winter = [s for s in starts if s.utcoffset() == datetime.timedelta(0)]
    assert summer, "sessions are not on both sides of a clock change"
    assert winter, "sessions are not on both sides of a clock change"
    assert {s.strftime("%H:%M") for s in starts} == {"14:00"}  # as written in the feed
    assert {s.astimezone(datetime.UTC).strftime("%H:%M") for s in summer} == {"13:00"}
    assert {s.astimezone(datetime.UTC).strftime("%H:%M") for s in winter} == {"14:00"}
