"""Registers, check-in, reflections and feedback: scoped, validated, and every change audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.teaching import selectors, services
from heft.teaching.models import Attendance, Feedback, Reflection
from tests import factories as f
from tests.pages import page_text


def register_url(session):
    return reverse("teaching:register", kwargs={"pk": session.pk})


def test_the_register_lists_the_trainees_in_the_educators_scope(client_for, world, teaching):
    page = page_text(client_for("educator").get(register_url(teaching.now)))
    assert world.trainee_a.full_name in page
    assert world.trainee_a2.full_name in page
    assert world.trainee_b.full_name not in page  # region B
    assert teaching.now.check_in_code in page


def test_taking_the_register_records_and_audits_each_change(client_for, world, teaching):
    client = client_for("educator")
    data = {f"trainee_{world.trainee_a.pk}": "attended", f"trainee_{world.trainee_a2.pk}": "apologies"}
    assert client.post(register_url(teaching.now), data).status_code == 302
    records = {a.trainee_id: a for a in Attendance.objects.filter(session=teaching.now)}
    assert records[world.trainee_a.pk].status == "attended"
    assert records[world.trainee_a2.pk].source == "register"
    events = AuditEvent.objects.filter(verb="attendance.recorded")
    assert events.count() == 2
    assert {e.after["status"] for e in events} == {"attended", "apologies"}

    # Saving again with one change audits just that change, with the value before.
    data[f"trainee_{world.trainee_a2.pk}"] = "absent"
    client.post(register_url(teaching.now), data)
    latest = AuditEvent.objects.filter(verb="attendance.recorded").order_by("-pk").first()
    assert AuditEvent.objects.filter(verb="attendance.recorded").count() == 3
    assert (latest.before["status"], latest.after["status"]) == ("apologies", "absent")


def test_before_a_session_only_apologies_can_be_recorded(world, teaching):
    educator = world.user("educator")
    with pytest.raises(ValidationError, match="only apologies"):
        services.register_record(session=teaching.future, marks={world.trainee_a.pk: "attended"}, by=educator)
    services.register_record(session=teaching.future, marks={world.trainee_a.pk: "apologies"}, by=educator)
    assert Attendance.objects.get(session=teaching.future).status == "apologies"


def test_trainees_outside_the_register_are_refused(world, teaching):
    with pytest.raises(ValidationError, match="not on this register"):
        services.register_record(
            session=teaching.now, marks={world.trainee_b.pk: "attended"}, by=world.user("educator")
        )
    assert not Attendance.objects.exists()


def test_registers_of_other_regions_are_out_of_scope(client_for, world, teaching):
    assert client_for("educator").get(register_url(teaching.regional_b)).status_code == 404
    with pytest.raises(PermissionDenied):
        services.register_record(session=teaching.regional_b, marks={}, by=world.user("educator"))


def test_a_session_lead_takes_the_whole_register(world, teaching):
    lead = f.UserFactory()
    f.RoleFactory(user=lead, role="educator", region=world.region_b)
    teaching.now.leads.add(lead)
    names = set(selectors.register_trainees(lead, teaching.now))
    assert {world.trainee_a, world.trainee_b} <= names


def test_check_in_during_the_session_with_the_code(client_for, world, teaching):
    client = client_for("trainee")
    url = reverse("teaching:check_in", kwargs={"pk": teaching.now.pk})
    client.post(url, {"code": "WRONG1"})
    assert not Attendance.objects.exists()
    client.post(url, {"code": teaching.now.check_in_code.lower()})
    record = Attendance.objects.get()
    assert (record.trainee, record.status, record.source) == (world.trainee_a, "attended", "check_in")
    event = AuditEvent.objects.get(verb="attendance.checked_in")
    assert event.actor == world.user("trainee")


def test_check_in_is_closed_outside_the_session(world, teaching):
    for session in (teaching.past, teaching.future):
        with pytest.raises(ValidationError, match="Check-in is open"):
            services.attendance_check_in(
                session=session, code=session.check_in_code, by=world.user("trainee")
            )


def test_a_trainee_cannot_check_in_to_another_regions_session(client_for, world, teaching):
    teaching.regional_b.start = timezone.now() - datetime.timedelta(minutes=5)
    teaching.regional_b.save()
    with pytest.raises(PermissionDenied):
        services.attendance_check_in(
            session=teaching.regional_b, code=teaching.regional_b.check_in_code, by=world.user("trainee")
        )
    url = reverse("teaching:check_in", kwargs={"pk": teaching.regional_b.pk})
    assert client_for("trainee").post(url, {"code": "X"}).status_code == 404


def test_reflections_are_saved_and_audited_without_their_text(client_for, world, teaching):
    url = reverse("teaching:reflection", kwargs={"pk": teaching.past.pk})
    client = client_for("trainee")
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "I will ask about housing."}).status_code == 302
    assert Reflection.objects.get().text == "I will ask about housing."
    client.post(url, {"text": "I will ask about housing and debt."})
    assert Reflection.objects.count() == 1
    events = AuditEvent.objects.filter(target_type="teaching.reflection")
    assert [e.verb for e in events.order_by("pk")] == ["reflection.created", "reflection.updated"]
    assert "housing" not in str(events.last().after)
    # Not before a session starts.
    future = reverse("teaching:reflection", kwargs={"pk": teaching.future.pk})
    assert client.post(future, {"text": "Too early"}).status_code == 400


def test_feedback_is_aggregated_for_leads_without_names(client_for, world, teaching):
    for trainee, rating, worked in ((world.trainee_a, 5, "Stories"), (world.trainee_a2, 3, "")):
        Feedback.objects.create(session=teaching.past, trainee=trainee, rating=rating, what_worked=worked)
    url = reverse("teaching:feedback", kwargs={"pk": teaching.now.pk})
    assert client_for("trainee").post(url, {"rating": "4", "what_to_change": "More time"}).status_code == 302
    assert AuditEvent.objects.get(verb="feedback.submitted").after["rating"] == 4

    summary = client_for("educator").get(reverse("teaching:feedback_summary")).content.decode()
    assert "4.0" in summary
    assert "Street Drugs" in summary
    detail = client_for("educator").get(reverse("teaching:session_detail", kwargs={"pk": teaching.past.pk}))
    page = page_text(detail)
    assert "2 responses, average rating 4.0 out of 5" in page
    assert "Stories" in page
    assert world.trainee_a.full_name not in page


def test_feedback_ratings_must_be_1_to_5(client_for, teaching):
    url = reverse("teaching:feedback", kwargs={"pk": teaching.now.pk})
    response = client_for("trainee").post(url, {"rating": "9"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_trainees_see_their_own_attendance(client_for, world, teaching):
    Attendance.objects.create(
        session=teaching.past, trainee=world.trainee_a, status="apologies", source="register"
    )
    page = page_text(client_for("trainee").get(reverse("teaching:home")))
    assert "Sent apologies" in page
    assert teaching.regional_b.title not in page
