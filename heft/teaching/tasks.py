"""Background work (django-tasks): emails that should not hold up a page."""

from django.core.mail import get_connection
from django.db.models import Exists, OuterRef

from heft.core.tasks import retried_task
from heft.teaching import emails
from heft.teaching.models import CalendarFeedToken, TeachingSession
from heft.teaching.selectors import trainees_for_session
from heft.teaching.services import reminders_send_due


@retried_task()
def notify_session_changed(session_id: int, changes: list[str]) -> int:
    """Tell the session's subscribers (trainees with a live calendar feed) what changed, with the new
    invitation attached: calendars refresh feeds only every few hours. Returns how many were told."""
    session = TeachingSession.objects.filter(pk=session_id).first()
    if session is None:
        return 0
    live_feed = CalendarFeedToken.objects.filter(trainee=OuterRef("pk"), revoked_at__isnull=True)
    subscribers = list(trainees_for_session(session).filter(Exists(live_feed)))
    with get_connection() as connection:
        connection.send_messages(
            [emails.session_changed(session, t, changes, connection) for t in subscribers]
        )
    return len(subscribers)


@retried_task()
def send_due_reminders() -> int:
    """Reminders for sessions starting soon; run by `manage.py send_teaching_reminders` (e.g. hourly)."""
    return reminders_send_due()
