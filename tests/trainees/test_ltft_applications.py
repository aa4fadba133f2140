"""LTFT as a workflow: the trainee applies on My training, the notice is measured to the start of the
placement the change falls in, and the programme team approves or declines with a note. Only an approved
change moves the CCT estimate and the placements; the trainee is emailed the decision."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.trainees import services
from heft.trainees.models import LtftChange
from heft.trainees.placements import rotation_placements_create
from heft.trainees.selectors import cct_estimate_for, ltft_notice
from tests import factories as f
from tests.pages import page_text
from tests.trainees.test_heft_place import accepted_offer

D = datetime.date
FULL_TIME_CCT = D(2029, 8, 4)
ST2 = D(2027, 8, 5)
AT_80_FROM_ST2 = D(2030, 2, 3)  # 80% from 5 August 2027 (see test_services.py)


@pytest.fixture
def membership(world):
    return world.trainee_a.memberships.get()  # signed in as the "trainee" user


@pytest.fixture
def lead(world):
    return world.user("regional_lead")


def apply(world, membership, wte="0.8", start=ST2, reason="category_1") -> LtftChange:
    return services.ltft_apply(
        membership=membership, wte=Decimal(wte), start_date=start, reason=reason, by=world.user("trainee")
    )


def test_applying_moves_nothing_until_the_team_approves(
    world, membership, lead, django_capture_on_commit_callbacks
):
    change = apply(world, membership)
    membership.refresh_from_db()
    assert (change.status, change.requested_on) == ("applied", timezone.localdate())
    assert cct_estimate_for(membership).cct == FULL_TIME_CCT
    assert AuditEvent.objects.get(verb="ltft_change.applied").after["flags"] == []
    with django_capture_on_commit_callbacks(execute=True):
        services.ltft_change_approve(change=change, note="Enjoy ST2.", by=lead)
    membership.refresh_from_db()
    change.refresh_from_db()
    assert (change.status, change.approved_by, change.decision_note) == ("approved", lead, "Enjoy ST2.")
    assert membership.cct_estimate == AT_80_FROM_ST2
    assert {"ltft_change.approved", "membership.cct_estimated"} <= set(
        AuditEvent.objects.values_list("verb", flat=True)
    )
    (email,) = mail.outbox
    assert email.subject == "Your less than full time application was approved"
    assert "work 80% of full time from 5 August 2027" in email.body
    assert "Their note: Enjoy ST2." in email.body
    assert "HEFT Hub" in email.body
    assert "/trainees/me/" in email.body


def test_a_declined_application_changes_nothing(world, membership, lead, django_capture_on_commit_callbacks):
    change = apply(world, membership)
    with pytest.raises(ValidationError, match="Say why"):
        services.ltft_change_decline(change=change, note="", by=lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.ltft_change_decline(change=change, note="The post cannot be shared.", by=lead)
    membership.refresh_from_db()
    assert cct_estimate_for(membership).cct == FULL_TIME_CCT
    assert membership.cct_estimate is None
    assert LtftChange.objects.get().status == "declined"
    event = AuditEvent.objects.get(verb="ltft_change.declined")
    assert event.before == {"status": "applied"}
    assert event.after["note"] == "The post cannot be shared."
    (email,) = mail.outbox
    assert "declined" in email.subject
    assert "Their note: The post cannot be shared." in email.body
    with pytest.raises(ValidationError, match="already declined"):
        services.ltft_change_approve(change=change, by=lead)


def test_only_approved_changes_count(world, membership, lead):
    apply(world, membership, start=D(2027, 8, 5))
    LtftChange.objects.create(
        membership=membership,
        wte="0.5",
        start_date=D(2028, 2, 5),
        requested_on=D(2027, 1, 4),
        status="declined",
    )
    assert cct_estimate_for(membership).cct == FULL_TIME_CCT


def test_the_notice_is_measured_to_the_start_of_the_placement_the_change_falls_in(
    world, client_for, rotation_placements
):
    today = timezone.localdate()
    client = client_for("trainee")
    data = {"apply-percent": "60", "apply-start_date": "2027-05-03", "apply-reason": "category_2"}
    response = client.post(reverse("trainees:ltft_apply"), data, follow=True)
    assert response.status_code == 200
    change = LtftChange.objects.get()
    notice = ltft_notice(rotation_placements, change.start_date, today)
    assert notice.measured_to == D(2027, 2, 5)  # the Deep End practice placement it falls in starts then
    assert notice.short  # 8 weeks and 4 days to the slot, though 21 weeks to the change itself
    assert AuditEvent.objects.get(verb="ltft_change.applied").after["flags"] == ["short_notice"]
    own = page_text(response)
    assert "Short notice" in own
    assert "to the start of the placement it falls in (5 Feb 2027)" in own
    assert "waiting for your programme team's decision" in own
    assert "Apply to change your working pattern" not in own
    staff = page_text(
        client_for("scheme_admin").get(reverse("trainees:trainee_detail", args=[world.trainee_a.pk]))
    )
    assert "Waiting for a decision" in staff
    assert "less than the 16 weeks expected" in staff
    assert f'name="ltft-{change.pk}-decision"' in staff


def test_the_team_decides_from_the_record(world, client_for, membership):
    change = apply(world, membership)
    client = client_for("scheme_admin")
    url = reverse("trainees:ltft_change_decide", args=[world.trainee_a.pk, change.pk])
    refused = client.post(url, {f"ltft-{change.pk}-decision": "decline"})
    assert refused.status_code == 400
    assert "Say why it is declined" in page_text(refused)
    approved = client.post(url, {f"ltft-{change.pk}-decision": "approve", f"ltft-{change.pk}-note": ""})
    assert approved.status_code == 302
    change.refresh_from_db()
    assert change.status == "approved"
    body = page_text(client_for("trainee").get(reverse("trainees:me")))
    assert "Approved" in body
    assert "30 January 2030" not in body  # the estimate moved to 3 Feb 2030
    assert "3 February 2030" in body


def test_a_trainee_applies_only_for_themself_once_at_a_time_and_ahead(world, membership, lead):
    with pytest.raises(PermissionDenied):
        services.ltft_apply(
            membership=membership, wte=Decimal("0.8"), start_date=D(2027, 8, 5), reason="category_1", by=lead
        )
    with pytest.raises(ValidationError, match="start after today"):
        apply(world, membership, start=timezone.localdate())
    with pytest.raises(ValidationError, match="category"):
        apply(world, membership, reason="because")
    apply(world, membership)
    with pytest.raises(ValidationError, match="already have an application waiting"):
        apply(world, membership, start=D(2028, 2, 5))


def test_the_apply_form_explains_its_errors(world, client_for):
    response = client_for("trainee").post(reverse("trainees:ltft_apply"), {"apply-percent": "80"})
    assert response.status_code == 400
    body = page_text(response)
    assert "There is a problem" in body
    assert "Give the date the change starts." in body
    assert "Choose the category of your reason." in body
    assert 'href="#id_apply-reason"' in body


def test_staff_cannot_use_the_trainees_form(client_for):
    assert client_for("regional_lead").post(reverse("trainees:ltft_apply"), {}).status_code == 403


def test_placements_move_only_on_approval(world, membership, lead):

    rotation = f.RotationFactory(scheme=world.scheme_a)
    for order, start in enumerate((0, 12, 24)):
        f.SlotFactory(rotation=rotation, order=order, start_offset_months=start, months=12)
    accepted_offer(world, rotation)
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)

    def dates():
        return list(membership.placements.order_by("start_date").values_list("start_date", "end_date"))

    before = dates()
    change = apply(world, membership)  # 80% from 5 August 2027, when the second slot starts
    assert dates() == before
    services.ltft_change_approve(change=change, by=lead)
    after = dates()
    assert after[0] == before[0]
    assert after[-1][1] > before[-1][1]
    assert after[-1][1] == AT_80_FROM_ST2  # the last slot ends with training
