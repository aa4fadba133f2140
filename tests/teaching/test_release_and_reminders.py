"""Release notices for placement supervisors, and reminder emails with the invitation attached."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from heft.audit.models import AuditEvent
from heft.teaching.models import PlacementSupervisor, ReleaseNotice, ReminderSent
from heft.teaching.services import reminders_send_due
from heft.teaching.tasks import send_due_reminders
from tests import factories as f
from tests.engines.timetable.calendars import icalendar_events

SUPERVISOR = {"supervisor_name": "Dr Ada Example", "supervisor_email": "supervisor@example.org"}


@pytest.fixture
def placement(world):
    today = timezone.localdate()
    membership = world.trainee_a.memberships.get()
    return f.PlacementFactory(
        membership=membership,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=10),
    )


def test_the_notice_lists_the_coming_sessions_of_the_current_placement(
    client_for, world, teaching, placement
):
    page = client_for("trainee").get(reverse("teaching:release_notice")).content.decode()
    assert "Release from training for HEFT teaching" in page
    assert escape(teaching.now.title) in page
    assert teaching.future.title in page
    assert teaching.regional_a.title in page
    assert teaching.past.title not in page  # over
    assert teaching.conference.title not in page  # after the placement ends
    assert teaching.regional_b.title not in page
    assert teaching.draft.title not in page
    assert "heft-no-print" in page  # the form is left off the printout


def test_emailing_the_notice_on_demand(client_for, world, teaching, placement, mailoutbox):
    response = client_for("trainee").post(reverse("teaching:release_notice"), SUPERVISOR)
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == ["supervisor@example.org"]
    assert message.cc == [world.trainee_a.email]
    assert world.trainee_a.full_name in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Dear Dr Ada Example" in html
    assert teaching.future.title in html
    name, content, _ = message.attachments[0]
    assert name == "release-sessions.ics"
    assert {e["uid"] for e in icalendar_events(content)} == {
        s.ical_uid for s in (teaching.now, teaching.future, teaching.regional_a)
    }
    notice = ReleaseNotice.objects.get()
    assert notice.placement == placement
    assert len(notice.sessions) == 3
    assert PlacementSupervisor.objects.get(placement=placement).email == "supervisor@example.org"
    assert AuditEvent.objects.get(verb="release_notice.sent").after["to"] == "supervisor@example.org"
    # Next time the supervisor is filled in.
    page = client_for("trainee").get(reverse("teaching:release_notice")).content.decode()
    assert 'value="Dr Ada Example"' in page


def test_a_lead_sends_the_notice_for_a_trainee_in_scope(client_for, world, teaching, placement, mailoutbox):
    lead = client_for("regional_lead")
    url = reverse("teaching:trainee_release_notice", kwargs={"trainee_id": world.trainee_a.pk})
    assert lead.post(url, SUPERVISOR).status_code == 302
    assert ReleaseNotice.objects.get().sent_by == world.user("regional_lead")
    out_of_scope = reverse("teaching:trainee_release_notice", kwargs={"trainee_id": world.trainee_b.pk})
    assert lead.get(out_of_scope).status_code == 404


def test_a_failed_send_keeps_nothing(client_for, teaching, placement, settings):
    settings.EMAIL_BACKEND = "tests.teaching.failing_email.DownEmailBackend"
    response = client_for("trainee").post(reverse("teaching:release_notice"), SUPERVISOR)
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert not ReleaseNotice.objects.exists()
    assert not PlacementSupervisor.objects.exists()
    assert not AuditEvent.objects.filter(verb="release_notice.sent").exists()


def test_bad_supervisor_details_are_refused(client_for, teaching, placement, mailoutbox):
    response = client_for("trainee").post(
        reverse("teaching:release_notice"), {"supervisor_name": "", "supervisor_email": "nope"}
    )
    assert response.status_code == 400
    assert not mailoutbox


# --- reminders --------------------------------------------------------------------------------------------


def test_reminders_go_to_each_trainee_once_with_the_invitation(world, teaching, mailoutbox):
    soon = timezone.now() + datetime.timedelta(hours=20)
    teaching.regional_a.start, teaching.regional_a.end = soon, soon + datetime.timedelta(hours=2)
    teaching.regional_a.online_link = "https://meet.heft.invalid/regional-a"
    teaching.regional_a.save()

    result = send_due_reminders.enqueue()
    assert result.status == "SUCCESSFUL", result.errors
    assert result.return_value == 2  # trainee_a and trainee_a2 (region A); the others start later
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.trainee_a.email, world.trainee_a2.email])
    message = mailoutbox[0]
    assert message.subject == f"Reminder: {teaching.regional_a.title}"
    assert "https://meet.heft.invalid/regional-a" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics"
    assert "method=PUBLISH" in mimetype
    (event,) = icalendar_events(content)
    assert event["uid"] == teaching.regional_a.ical_uid
    assert ReminderSent.objects.count() == 2
    assert AuditEvent.objects.get(verb="teaching_session.reminders_sent").after == {"trainees": 2}

    assert reminders_send_due() == 0  # nobody twice
    assert len(mailoutbox) == 2


def test_no_reminders_for_cancelled_or_draft_sessions(teaching, mailoutbox):
    now = timezone.now()
    teaching.draft.start = teaching.regional_b.start = now + datetime.timedelta(hours=3)
    teaching.draft.end = teaching.regional_b.end = now + datetime.timedelta(hours=5)
    teaching.draft.save()
    teaching.regional_b.status = "cancelled"
    teaching.regional_b.save()
    assert reminders_send_due() == 0
    assert not mailoutbox


def test_the_command_queues_the_reminders(teaching, capsys):
    call_command("send_teaching_reminders")
    assert "Queued the teaching reminders" in capsys.readouterr().out
