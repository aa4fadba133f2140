"""Teaching sessions as iCalendar events: the feeds and the invitations attached to emails."""

from collections.abc import Iterable

from heft.engines.timetable import CalendarEvent, render_calendar
from heft.teaching.models import TeachingSession

CONTENT_TYPE = "text/calendar; charset=utf-8"
ATTACHMENT_TYPE = "text/calendar; method=PUBLISH; charset=utf-8"


def session_event(session: TeachingSession, *, private: bool) -> CalendarEvent:
    """An event for a session. Joining links go only into private feeds and emails: on a public feed
    anyone could join the meeting."""
    details = [session.topic]
    if session.speakers:
        details.append(f"Speakers: {session.speakers}")
    if session.description:
        details.append(session.description)
    if private and session.online_link:
        details.append(f"Join online: {session.online_link}")
    return CalendarEvent(
        uid=session.ical_uid,
        summary=session.title,
        start=session.start,
        end=session.end,
        sequence=session.sequence,
        cancelled=session.status == TeachingSession.Status.CANCELLED,
        categories=(session.kind,),
        description="\n\n".join(details),
        location=session.venue or ("Online" if session.online_link else ""),
        url=session.online_link if private else "",
        last_modified=session.updated_at,
    )


def calendar_for(sessions: Iterable[TeachingSession], *, name: str, private: bool = False) -> bytes:
    return render_calendar((session_event(s, private=private) for s in sessions), name=name)


def invitation(session: TeachingSession) -> bytes:
    """A one-event calendar to attach to an email, as a trainee would get it in their own feed."""
    return calendar_for([session], name=session.title, private=True)
