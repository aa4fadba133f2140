"""The year's end: completion with its CCT date makes the trainee an alumnus (the outcomes report picks them
up); an extension adds training time and moves the CCT estimate."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.community.selectors import graduates_visible_to, outcomes_report
from heft.trainees import services
from heft.trainees.models import ProgrammeMembership
from heft.trainees.selectors import cct_estimate_for
from tests import factories as f
from tests.pages import page_text

D = datetime.date
FULL_TIME_CCT = D(2029, 8, 4)


@pytest.fixture
def lead(world):
    return world.user("regional_lead")


def test_completion_makes_the_trainee_an_alumnus_in_the_outcomes_report(
    world, lead, django_capture_on_commit_callbacks
):
    membership = f.MembershipFactory(scheme=world.scheme_a, intake="2021-08", start_date=D(2021, 8, 4))
    today = timezone.localdate()
    assert outcomes_report(lead, today)["totals"]["graduates"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.training_complete(membership=membership, cct_date=D(2024, 8, 3), by=lead)
    membership.refresh_from_db()
    assert membership.status == ProgrammeMembership.Status.COMPLETED
    assert membership.cct_date == membership.cct_estimate == D(2024, 8, 3)
    assert list(graduates_visible_to(lead)) == [membership]
    report = outcomes_report(lead, today)
    assert report["rows"] == [{"year": 2024, "graduates": 1, "known": 0, "deep_end": 0}]
    event = AuditEvent.objects.get(verb="membership.completed")
    assert event.before["status"] == "active"
    assert event.after["cct_date"] == "2024-08-03"
    (email,) = mail.outbox
    assert email.subject == "Your GP training is complete"
    assert "3 August 2024" in email.body
    assert "HEFT Hub" in email.body
    assert "/trainees/me/" in email.body


def test_a_completed_cct_date_stays_when_the_estimate_is_worked_out_again(world, lead):
    membership = world.trainee_a2.memberships.get()
    services.training_complete(membership=membership, cct_date=timezone.localdate(), by=lead)
    services.cct_estimate_update(membership=membership, by=lead)
    membership.refresh_from_db()
    assert membership.cct_estimate == membership.cct_date == timezone.localdate()
    assert graduates_visible_to(lead).filter(pk=membership.pk).exists()  # outcomes can be recorded


@pytest.mark.parametrize(
    "cct_date,message",
    [
        (D(2026, 8, 1), "must come after training began"),
        (timezone.localdate() + datetime.timedelta(days=200), "at most 6 months before"),
    ],
)
def test_impossible_completions_are_refused(world, lead, cct_date, message):
    membership = world.trainee_a2.memberships.get()
    with pytest.raises(ValidationError, match=message):
        services.training_complete(membership=membership, cct_date=cct_date, by=lead)


def test_completion_waits_for_the_return_from_time_out_and_comes_once(world, lead):
    membership = world.trainee_a2.memberships.get()
    services.interruption_record(membership=membership, kind="OOPC", start_date=D(2026, 11, 2), by=lead)
    with pytest.raises(ValidationError, match="record their return first"):
        services.training_complete(membership=membership, cct_date=timezone.localdate(), by=lead)
    services.training_return(interruption=membership.interruptions.get(), return_date=D(2026, 12, 1), by=lead)
    services.training_complete(membership=membership, cct_date=timezone.localdate(), by=lead)
    with pytest.raises(ValidationError, match="already ended"):
        services.training_complete(membership=membership, cct_date=timezone.localdate(), by=lead)
    with pytest.raises(ValidationError, match="already ended"):
        services.training_extend(membership=membership, months=6, reason="ARCP outcome 3", by=lead)


def test_an_extension_moves_the_cct_estimate(world, lead):
    membership = world.trainee_a2.memberships.get()
    services.training_extend(membership=membership, months=6, reason="ARCP outcome 3, June 2027", by=lead)
    membership.refresh_from_db()
    assert membership.extension_months == 6
    assert membership.cct_estimate == D(2030, 2, 4)  # 42 months from 5 August 2026
    result = cct_estimate_for(membership)
    assert result.steps[-1].text == (
        "An extension of 6 months (whole-time equivalent) adds training time: the estimate moves 184 days "
        "later, to 4 February 2030."
    )
    event = AuditEvent.objects.get(verb="membership.extended")
    assert event.after == {"extension_months": 6, "months": 6, "reason": "ARCP outcome 3, June 2027"}
    services.training_extend(membership=membership, months=3, reason="ARCP outcome 3, again", by=lead)
    membership.refresh_from_db()
    assert membership.extension_months == 9


@pytest.mark.parametrize("months,reason,message", [(0, "ARCP", "from 1 to 24"), (6, " ", "Give the reason")])
def test_bad_extensions_are_refused(world, lead, months, reason, message):
    with pytest.raises(ValidationError, match=message):
        services.training_extend(
            membership=world.trainee_a2.memberships.get(), months=months, reason=reason, by=lead
        )


def test_a_return_from_time_out_still_moves_the_cct(world, lead):
    membership = world.trainee_a2.memberships.get()
    today = timezone.localdate()
    interruption = services.interruption_record(
        membership=membership, kind="OOPE", start_date=today - datetime.timedelta(days=30), by=lead
    )
    services.training_return(interruption=interruption, return_date=today, by=lead)
    membership.refresh_from_db()
    assert membership.cct_estimate == FULL_TIME_CCT + datetime.timedelta(days=30)


def test_the_record_takes_extensions_and_completion(world, client_for):
    client = client_for("scheme_admin")
    detail = reverse("trainees:trainee_detail", args=[world.trainee_a2.pk])
    extend = reverse("trainees:training_extend", args=[world.trainee_a2.pk])
    refused = client.post(extend, {"extension-months": "6"})
    assert refused.status_code == 400
    assert "Give the reason, for example the ARCP outcome." in page_text(refused)
    assert (
        client.post(extend, {"extension-months": "6", "extension-reason": "ARCP outcome 3"}).status_code
        == 302
    )
    body = page_text(client.get(detail))
    assert "6 months added to training" in body
    assert "of 42 months" in body
    complete = reverse("trainees:training_complete", args=[world.trainee_a2.pk])
    today = timezone.localdate()
    assert client.post(complete, {"completion-cct_date": str(today)}).status_code == 302
    body = page_text(client.get(detail))
    assert "Completed (CCT)" in body
    assert "is a HEFT alumnus" in body
    assert "Record completion" not in body
    assert "Record time out of training" not in body


def test_the_api_records_completion_and_extensions(world, client_for):
    client = client_for("regional_lead")
    base = f"/api/v1/trainees/{world.trainee_a2.pk}"
    extended = client.post(
        f"{base}/extensions", {"months": 6, "reason": "ARCP outcome 3"}, content_type="application/json"
    )
    assert extended.status_code == 200
    assert extended.json()["extension_months"] == 6
    assert extended.json()["cct_estimate"] == "2030-02-04"
    today = str(timezone.localdate())
    completed = client.post(f"{base}/completion", {"cct_date": today}, content_type="application/json")
    assert completed.status_code == 200, completed.content
    assert completed.json()["status"] == "completed"
    assert completed.json()["cct_date"] == today
    again = client.post(f"{base}/completion", {"cct_date": today}, content_type="application/json")
    assert again.status_code == 400
    mentor = client_for("mentor")
    assert (
        mentor.post(f"{base}/completion", {"cct_date": today}, content_type="application/json").status_code
        == 403
    )


def test_an_alumnus_sees_their_cct_date_and_no_application_form(world, client_for, lead):
    membership = world.trainee_a.memberships.get()
    services.training_complete(membership=membership, cct_date=D(2026, 12, 1), by=lead)
    body = page_text(client_for("trainee").get(reverse("trainees:me")))
    assert "Date of CCT" in body
    assert "1 December 2026" in body
    assert "Estimated CCT date" not in body
    assert "Apply to change your working pattern" not in body
