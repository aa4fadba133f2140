"""The trainee's record page (their journey) answers "where am I and what is next"; staff see the same
journey, and programme teams record time out, LTFT changes and returns from it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from heft.community.models import CommunityGroup, GroupMember
from heft.preferencing.models import Offer, PreferenceWindow
from heft.teaching.models import Attendance, TeachingSession, TeachingYear
from heft.trainees.models import CurriculumRequirement, ProgrammeMembership
from tests import factories as f
from tests.pages import page_text

D = datetime.date


def text(response) -> str:
    spaced = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_text(response)))
    return re.sub(r" ([,.;:)])", r"\1", spaced)


def test_the_timeline_shows_each_year_placement_and_heft_post(world, client_for, rotation_placements):
    body = text(client_for("trainee").get(reverse("trainees:me")))
    for heading in ("ST1", "ST2", "ST3", "What you need to do", "Where you are", "Curriculum check"):
        assert f" {heading} " in body
    assert "Paediatrics – Fictional General Hospital" in body
    assert "Inclusion health HEFT – Fictional Street Outreach" in body
    assert "IMD decile 1 of 10 (most deprived) · Deep End" in body  # the Deep End practice, marked HEFT
    assert "5 Aug 2026 to 4 Feb 2027 Now" in body  # the current placement, in November 2026
    assert "4 August 2029 (an estimate)" in body
    assert "Training started on 5 August 2026" in body  # how it was worked out


def test_the_curriculum_check_uses_the_regions_minimum(world, client_for, rotation_placements):
    body = text(client_for("trainee").get(reverse("trainees:me")))
    assert "Met 18.0 months in general practice posts" in body
    assert "Met 12.0 of the final 12 months are in general practice" in body
    CurriculumRequirement.objects.create(region=world.region_a, gp_months_minimum=24)
    body = text(client_for("scheme_admin").get(reverse("trainees:trainee_detail", args=[world.trainee_a.pk])))
    assert "Not met 18.0 months in general practice posts (whole-time equivalent); the minimum is 24." in body


def test_things_to_do_link_to_ranking_and_the_offer(world, client_for):
    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=world.scheme_a, intake="2026-08", opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=3),
    )  # fmt: skip
    body = client_for("trainee").get(reverse("trainees:me")).content.decode()
    assert reverse("preferencing:rank", args=[window.pk]) in body
    assert "Rank the rotations for Scheme A, 2026-08 intake" in body


def test_an_offer_to_answer_is_a_task_and_plans_the_timeline(world, client_for):
    from heft.preferencing.models import AllocationRun

    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=world.scheme_a, intake="2026-08", opens_at=now - datetime.timedelta(days=10),
        closes_at=now - datetime.timedelta(days=1),
    )  # fmt: skip
    run = AllocationRun.objects.create(
        window=window, mechanism="serial-dictatorship", engine_version="test", input_snapshot={},
        input_digest="0", assignments={}, metrics={}, explanations={},
        created_by=world.user("national_admin"),
    )  # fmt: skip
    Offer.objects.create(
        window=window, run=run, trainee=world.trainee_a, rotation=world.rotation_a,
        respond_by=now + datetime.timedelta(days=5),
    )  # fmt: skip
    body = text(client_for("trainee").get(reverse("trainees:me")))
    assert f"Accept or decline your offer of {world.rotation_a.name}" in body
    assert f"This plan comes from the rotation you were offered, {world.rotation_a.name}" in body
    assert "offered offer" not in body


def test_teaching_community_and_mentor_appear(world, client_for):
    year = TeachingYear.objects.create(label="2026/27", start=D(2026, 8, 5), end=D(2027, 8, 3))
    now = timezone.now()
    sessions = [
        TeachingSession.objects.create(
            year=year,
            kind="national",
            title=f"Session {i}",
            topic="Health inequalities",
            start=now + datetime.timedelta(days=days),
            end=now + datetime.timedelta(days=days, hours=2),
            status="published",
            published_at=now - datetime.timedelta(days=60),
            online_link="https://meet.heft.invalid/x",
        )  # fmt: skip
        for i, days in enumerate((-20, -10, 7, 14))
    ]
    Attendance.objects.create(
        session=sessions[0], trainee=world.trainee_a, status="attended", source="register"
    )
    mentor = world.user("mentor").mentor
    group = CommunityGroup.objects.create(
        region=world.region_a, scheme=world.scheme_a, name="Scheme A 1", lead=mentor
    )
    GroupMember.objects.create(group=group, trainee=world.trainee_a)
    f.MentorAssignmentFactory(mentor=mentor, trainee=world.trainee_a)
    body = text(client_for("trainee").get(reverse("trainees:me")))
    assert "You have attended 1 of the 2 HEFT teaching sessions so far." in body
    assert "Session 2" in body
    assert "Session 3" in body
    assert "Session 1 " not in body
    assert f"You are in Scheme A 1, led by {mentor.user.get_full_name()}." in body
    assert f"Mentor: {mentor.user.get_full_name()} (deprivation fellow)" in body
    assert "From ST3, and for two years after your CCT" in body  # opportunities come later


def test_a_mentor_reads_their_mentee_without_teaching_records_or_forms(world, client_for):
    body = text(client_for("mentor").get(reverse("trainees:trainee_detail", args=[world.trainee_a2.pk])))
    assert "Where they are" in body
    assert "Record time out of training" not in body
    assert "Teaching" not in body  # attendance is for programme teams and the trainee


def test_a_mentor_sees_only_assigned_trainees(world, client_for):
    url = reverse("trainees:trainee_detail", args=[world.trainee_a.pk])  # same scheme, not assigned
    assert client_for("mentor").get(url).status_code == 404


def test_a_programme_team_records_time_out_from_the_page(world, client_for):
    client = client_for("scheme_admin")
    url = reverse("trainees:interruption_add", args=[world.trainee_a2.pk])
    response = client.post(url, {"kind": "OOPE", "start_date": "2026-11-02", "counts": "usual"})
    assert response.status_code == 302
    membership = world.trainee_a2.memberships.get()
    assert membership.status == ProgrammeMembership.Status.INTERRUPTED
    body = text(client.get(reverse("trainees:trainee_detail", args=[world.trainee_a2.pk])))
    assert "at the earliest: time out with no end date is counted up to today" in body
    assert "Return to training" in body
    assert "HEFT place at risk" in body
    assert "It has no end date yet, so it may run long." in body
    assert "a HEFT rotation is not guaranteed on return" not in body  # nothing released by itself


def test_mistakes_come_back_with_an_error_summary(world, client_for):
    client = client_for("scheme_admin")
    url = reverse("trainees:interruption_add", args=[world.trainee_a2.pk])
    response = client.post(
        url, {"kind": "sick", "start_date": "2026-09-10", "end_date": "2026-09-01", "counts": "usual"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "The last day cannot come before the first." in body
    response = client.post(reverse("trainees:ltft_change_add", args=[world.trainee_a2.pk]), {"percent": "80"})
    assert response.status_code == 400
    assert "Give the date it starts." in response.content.decode()


def test_an_ltft_change_from_the_page_is_approved_at_once_and_shows_its_flags(world, client_for):
    client = client_for("regional_lead")
    url = reverse("trainees:ltft_change_add", args=[world.trainee_a2.pk])
    data = {"percent": "75", "start_date": "2027-08-05", "requested_on": "2027-07-01", "reason": ""}
    assert client.post(url, data).status_code == 302
    change = world.trainee_a2.memberships.get().ltft_changes.get()
    assert change.status == "approved"
    assert change.approved_by == world.user("regional_lead")
    body = text(client.get(reverse("trainees:trainee_detail", args=[world.trainee_a2.pk])))
    assert "75% is not one of the usual patterns (80, 70, 60 or 50%)." in body
    assert (
        "Short notice Asked for on 1 Jul 2027, 5 weeks and 0 days' notice, to its start (5 Aug 2027)" in body
    )


def test_returning_from_the_page(world, client_for):
    client = client_for("regional_lead")
    client.post(
        reverse("trainees:interruption_add", args=[world.trainee_a2.pk]),
        {"kind": "sick", "start_date": "2026-11-02", "counts": "usual"},
    )
    interruption = world.trainee_a2.memberships.get().interruptions.get()
    url = reverse("trainees:training_return", args=[world.trainee_a2.pk, interruption.pk])
    assert client.post(url, {"return_date": str(timezone.localdate())}).status_code == 302
    assert world.trainee_a2.memberships.get().status == ProgrammeMembership.Status.ACTIVE


@pytest.mark.parametrize("role", ["regional_lead", "scheme_admin"])
def test_a_trainee_in_another_region_cannot_be_changed(world, client_for, role):
    url = reverse("trainees:interruption_add", args=[world.trainee_b.pk])
    assert client_for(role).post(url, {"kind": "OOPE", "start_date": "2026-11-02"}).status_code == 404


def test_saving_a_stale_estimate(world, client_for):
    membership = world.trainee_a2.memberships.get()
    client = client_for("national_admin")
    body = text(client.get(reverse("trainees:trainee_detail", args=[world.trainee_a2.pk])))
    assert "Save the estimate of 4 August 2029" in body  # nothing stored yet
    assert client.post(reverse("trainees:cct_recalculate", args=[world.trainee_a2.pk])).status_code == 302
    membership.refresh_from_db()
    assert membership.cct_estimate == D(2029, 8, 4)
    assert "Save the estimate" not in text(
        client.get(reverse("trainees:trainee_detail", args=[world.trainee_a2.pk]))
    )
