"""The emails the teaching programme sends, each with the sessions attached as iCalendar."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from heft.core.links import site_url_for
from heft.teaching.calendars import ATTACHMENT_TYPE, calendar_for, invitation
from heft.teaching.models import TeachingSession


def _message(to: str, subject: str, template: str, context: dict, connection=None) -> EmailMultiAlternatives:
    body = render_to_string(f"teaching/email/{template}.txt.jinja", context)
    return EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], connection=connection
    )


def reminder(session: TeachingSession, trainee, connection=None) -> EmailMultiAlternatives:
    message = _message(
        trainee.email,
        f"Reminder: {session.title}",
        "reminder",
        {"session": session, "trainee": trainee, "link": site_url_for("teaching:session_detail", session.pk)},
        connection,
    )
    message.attach("invitation.ics", invitation(session), ATTACHMENT_TYPE)
    return message


def session_changed(session: TeachingSession, trainee, changes: list[str], connection=None):
    cancelled = session.status == TeachingSession.Status.CANCELLED
    subject = f"{'Cancelled' if cancelled else 'Changed'}: {session.title}"
    context = {
        "session": session,
        "trainee": trainee,
        "changes": changes,
        "cancelled": cancelled,
        "link": site_url_for("teaching:session_detail", session.pk),
    }
    message = _message(trainee.email, subject, "changed", context, connection)
    message.attach("invitation.ics", invitation(session), ATTACHMENT_TYPE)
    return message


def release_notice(notice, sessions: list[TeachingSession], connection=None) -> EmailMultiAlternatives:
    """The notice to a placement supervisor: plain text, the printable notice as HTML, and the sessions as
    a calendar file; copied to the trainee."""
    trainee = notice.trainee
    context = {"notice": notice, "trainee": trainee, "placement": notice.placement, "sessions": sessions}
    message = _message(
        notice.supervisor_email,
        f"Release from training: {trainee.full_name}",
        "release_notice",
        context,
        connection,
    )
    message.attach_alternative(
        render_to_string("teaching/email/release_notice.html.jinja", context), "text/html"
    )
    message.attach(
        "release-sessions.ics",
        calendar_for(sessions, name=f"{trainee.full_name}: HEFT teaching"),
        ATTACHMENT_TYPE,
    )
    if trainee.email:
        message.cc = [trainee.email]
    return message


def link_changed(trainee, sessions: list[TeachingSession], connection=None) -> EmailMultiAlternatives:
    """One email for all of a trainee's sessions whose joining link changed, with their invitations."""
    context = {"trainee": trainee, "sessions": sessions, "link": site_url_for("teaching:home")}
    subject = "New joining link: " + (
        sessions[0].title if len(sessions) == 1 else f"{len(sessions)} sessions"
    )
    message = _message(trainee.email, subject, "link_changed", context, connection)
    message.attach(
        "invitations.ics", calendar_for(sessions, name="HEFT teaching", private=True), ATTACHMENT_TYPE
    )
    return message
