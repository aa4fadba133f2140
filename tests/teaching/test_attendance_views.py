"""Leads' attendance views: by session, region and trainee, in scope, with an SVG chart and its table."""

from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.teaching.models import Attendance
from tests import factories as f
from tests.pages import page_text


def record(session, trainee, status):
    return Attendance.objects.create(session=session, trainee=trainee, status=status, source="register")


def test_attendance_by_session_region_and_trainee(client_for, world, teaching):
    record(teaching.past, world.trainee_a, "attended")
    record(teaching.past, world.trainee_a2, "absent")
    record(teaching.past, world.trainee_b, "attended")
    admin = client_for("national_admin")
    by_session = admin.get(reverse("teaching:attendance")).content.decode()
    assert "Street Drugs" in by_session
    assert "67%" in by_session  # 2 of 3
    by_region = admin.get(reverse("teaching:attendance"), {"by": "region"}).content.decode()
    assert "Region A" in by_region
    assert "Region B" in by_region
    assert "50%" in by_region
    by_trainee = admin.get(reverse("teaching:attendance"), {"by": "trainee"}).content.decode()
    assert reverse("teaching:trainee_attendance", kwargs={"trainee_id": world.trainee_b.pk}) in by_trainee


def test_a_regional_lead_sees_only_their_trainees(client_for, world, teaching):
    record(teaching.past, world.trainee_a, "attended")
    record(teaching.past, world.trainee_b, "absent")
    page = page_text(client_for("regional_lead").get(reverse("teaching:attendance"), {"by": "trainee"}))
    assert world.trainee_a.full_name in page
    assert world.trainee_b.full_name not in page
    out_of_scope = reverse("teaching:trainee_attendance", kwargs={"trainee_id": world.trainee_b.pk})
    assert client_for("regional_lead").get(out_of_scope).status_code == 404


def test_a_scheme_administrator_sees_their_scheme(client_for, world, teaching):
    other_scheme = f.SchemeFactory(region=world.region_a)
    other = f.MembershipFactory(scheme=other_scheme).trainee
    record(teaching.past, world.trainee_a, "attended")
    record(teaching.past, other, "attended")
    page = page_text(client_for("scheme_admin").get(reverse("teaching:attendance"), {"by": "trainee"}))
    assert world.trainee_a.full_name in page
    assert other.full_name not in page


def test_the_chart_is_svg_with_the_same_rows(client_for, world, teaching):
    record(teaching.past, world.trainee_a, "attended")
    response = client_for("national_admin").get(reverse("teaching:attendance_chart"), {"by": "session"})
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "Attendance by session" in svg
    assert "Street Drugs" in svg
    page = client_for("national_admin").get(reverse("teaching:attendance")).content.decode()
    assert 'alt="Bar chart of attendance by session: the numbers are in the table below."' in page


def test_one_trainees_attendance_and_reflections(client_for, world, teaching):
    record(teaching.past, world.trainee_a, "apologies")
    url = reverse("teaching:trainee_attendance", kwargs={"trainee_id": world.trainee_a.pk})
    page = client_for("regional_lead").get(url).content.decode()
    assert "Sent apologies" in page
    assert teaching.future.title not in page
    viewed = AuditEvent.objects.get(verb="viewed", target_id=str(world.trainee_a.pk))
    assert viewed.actor == world.user("regional_lead")
    assert viewed.after == {"page": "attendance"}
