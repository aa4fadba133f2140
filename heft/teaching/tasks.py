"""Background work (django-tasks): emails that should not hold up a page."""

from django.core.mail import get_connection
from django.db.models import Exists, OuterRef

from heft.core.tasks import retried_task
from heft.teaching import emails
from heft.teaching.models import CalendarFeedToken, ReleaseNotice, TeachingSession
from heft.teaching.release_services import release_notice_deliver
from heft.teaching.selectors import trainees_for_session
from heft.teaching.services import reminders_send_due


def _subscribers(session: TeachingSession):
    """The session's trainees with a live calendar feed."""
    live_feed = CalendarFeedToken.objects.filter(trainee=OuterRef("pk"), revoked_at__isnull=True)
    return trainees_for_session(session).filter(Exists(live_feed))


@retried_task()
def notify_session_changed(session_id: int, changes: list[str]) -> int:
    """Tell the session's subscribers (trainees with a live calendar feed) what changed, with the new
    invitation attached: calendars refresh feeds only every few hours. Returns how many were told."""
    session = TeachingSession.objects.filter(pk=session_id).first()
    if session is None:
        return 0
    subscribers = list(_subscribers(session))
    with get_connection() as connection:
        connection.send_messages(
            [emails.session_changed(session, t, changes, connection) for t in subscribers]
        )
    return len(subscribers)


@retried_task()
def notify_link_changed(session_ids: list[int]) -> int:
    """Tell each subscriber once about all their sessions whose joining link changed together. Returns
    how many were told."""
    sessions = list(TeachingSession.objects.filter(pk__in=session_ids).order_by("start"))
    per_trainee: dict[int, tuple] = {}
    for session in sessions:
        for trainee in _subscribers(session):
            per_trainee.setdefault(trainee.pk, (trainee, []))[1].append(session)
    with get_connection() as connection:
        connection.send_messages(
            [emails.link_changed(trainee, listed, connection) for trainee, listed in per_trainee.values()]
        )
    return len(per_trainee)


@retried_task()
def send_release_notices(batch_id: int) -> dict:
    """Send a batch's queued release notices one by one, each recorded as it goes (the batch's page shows
    the progress). A notice that cannot be sent is marked so and the rest go on; a retry sends only what is
    still queued. Returns how many of each status the batch now has."""
    queued = ReleaseNotice.objects.filter(batch_id=batch_id, status=ReleaseNotice.Status.QUEUED)
    with get_connection() as connection:
        for notice_id in queued.order_by("pk").values_list("pk", flat=True):
            release_notice_deliver(notice_id=notice_id, connection=connection)
    statuses = ReleaseNotice.objects.filter(batch_id=batch_id).values_list("status", flat=True)
    return {status: list(statuses).count(status) for status in ReleaseNotice.Status.values}


@retried_task()
def send_due_reminders() -> int:
    """Reminders for sessions starting soon; run by `manage.py send_teaching_reminders` (e.g. hourly)."""
    return reminders_send_due()
