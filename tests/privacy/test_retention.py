"""Retention: records past their date are queued for review and nothing else happens until a national admin
approves; approval erases or anonymises, and its audit event names the record by id only."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.privacy.backups import _row_digest
from heft.privacy.models import RetentionKind, RetentionReview
from heft.privacy.retention import ANONYMISED_DOMAIN, years_after
from heft.privacy.services import retention_approve, retention_queue, retention_reject
from heft.teaching.models import Attendance, CalendarFeedToken, Feedback, Reflection
from heft.trainees.models import Placement, ProgrammeMembership
from tests import factories as f
from tests.privacy.conftest import give_every_kind_of_record

TEN_YEARS = datetime.timedelta(days=3653)
GROWS_WHEN_QUEUEING = {"privacy_retentionreview", "audit_auditevent"}


@pytest.fixture
def old_records(world):
    """Trainee B finished training nine and a half years ago; every kind of their record is old."""
    trainee = world.trainee_b
    trainee.user = f.RoleFactory(role="trainee").user
    trainee.save()
    records = give_every_kind_of_record(trainee, at=timezone.now() - TEN_YEARS, tag="old")
    membership = trainee.memberships.get()
    membership.status = ProgrammeMembership.Status.COMPLETED
    membership.start_date = timezone.localdate() - TEN_YEARS - datetime.timedelta(days=900)
    membership.cct_estimate = timezone.localdate() - TEN_YEARS + datetime.timedelta(days=200)
    membership.save()
    return records


def table_digests() -> dict[str, tuple[int, str]]:
    """Row count and checksum of every table, read through the test's own connection."""
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            digests[table] = _row_digest(cursor.fetchall())
    return digests


def review_of(kind: str) -> RetentionReview:
    return RetentionReview.objects.get(kind=kind, status=RetentionReview.Status.PENDING)


def test_queueing_erases_and_changes_nothing(old_records, records_a):
    before = table_digests()
    queued = retention_queue()
    after = table_digests()
    assert {key: count > 0 for key, count in queued.items()} == dict.fromkeys(RetentionKind.values, True)
    unchanged = {t: d for t, d in before.items() if t not in GROWS_WHEN_QUEUEING}
    assert {t: after[t] for t in unchanged} == unchanged
    assert after["privacy_retentionreview"][0] == sum(queued.values())
    # The audit trail only grows: one event per queued review.
    assert after["audit_auditevent"][0] == before["audit_auditevent"][0] + sum(queued.values())


def test_only_records_past_their_date_are_queued(old_records, records_a):
    retention_queue()
    trainee_reviews = RetentionReview.objects.filter(kind=RetentionKind.TRAINEE)
    assert list(trainee_reviews.values_list("target_id", flat=True)) == [old_records.trainee.pk]
    session_ids = set(
        RetentionReview.objects.filter(kind=RetentionKind.ATTENDANCE).values_list("target_id", flat=True)
    )
    assert session_ids == {old_records.session.pk}


def test_queueing_again_queues_nothing_new(old_records):
    first = retention_queue()
    assert sum(first.values()) > 0
    assert sum(retention_queue().values()) == 0


def test_a_queued_summary_holds_no_personal_data(old_records):
    retention_queue()
    trainee = old_records.trainee
    summaries = " ".join(RetentionReview.objects.values_list("summary", flat=True))
    for value in (trainee.surname, trainee.forenames, trainee.email, trainee.gmc_number):
        assert value not in summaries


def test_the_period_comes_from_settings(old_records, settings):
    settings.HEFT_RETENTION_YEARS = {"trainee": 20, "attendance": 20}
    queued = retention_queue()
    assert queued["trainee"] == 0
    assert queued["attendance"] == 0
    assert queued["reflections"] == 1


def test_approval_anonymises_the_trainee(old_records, world):
    trainee, admin = old_records.trainee, world.user("national_admin")
    personal = [trainee.surname, trainee.forenames, trainee.email, trainee.gmc_number, trainee.user.email]
    user_pk, attendance_before = trainee.user_id, Attendance.objects.filter(trainee=trainee).count()
    retention_queue()
    counts = retention_approve(review=review_of(RetentionKind.TRAINEE), by=admin)
    trainee.refresh_from_db()
    assert trainee.email == f"trainee-{trainee.pk}@{ANONYMISED_DOMAIN}"
    assert (trainee.forenames, trainee.surname, trainee.phone) == ("Erased", f"trainee {trainee.pk}", "")
    assert trainee.gmc_number.startswith("X")
    assert len(trainee.gmc_number) == 7
    assert trainee.user is None
    assert not get_user_model().objects.filter(pk=user_pk).exists()
    assert not Reflection.objects.filter(trainee=trainee).exists()
    assert not CalendarFeedToken.objects.filter(trainee=trainee).exists()
    assert Feedback.objects.get(trainee=trainee).what_worked == ""
    # The training history stays for the programme's figures.
    assert Placement.objects.filter(membership__trainee=trainee).exists()
    assert Attendance.objects.filter(trainee=trainee).count() == attendance_before
    assert counts["trainee record"] == 1
    assert counts["sign-in account"] == 1
    event = AuditEvent.objects.get(verb="retention.anonymised")
    assert event.actor == admin
    text = json.dumps([event.target_type, event.target_id, event.before, event.after])
    assert all(value not in text for value in personal)
    assert event.after["target_id"] == trainee.pk


def test_a_trainee_who_is_also_staff_keeps_their_account(old_records, world):
    user = old_records.trainee.user
    f.RoleFactory(user=user, role="educator")
    retention_queue()
    counts = retention_approve(review=review_of(RetentionKind.TRAINEE), by=world.user("national_admin"))
    assert counts["trainee role"] == 1
    assert list(user.role_assignments.values_list("role", flat=True)) == ["educator"]


def test_an_anonymised_trainee_is_not_queued_again(old_records, world):
    retention_queue()
    retention_approve(review=review_of(RetentionKind.TRAINEE), by=world.user("national_admin"))
    assert retention_queue()["trainee"] == 0


def test_approval_of_attendance_erases_only_that_sessions_records(old_records, records_a, world):
    retention_queue()
    retention_approve(review=review_of(RetentionKind.ATTENDANCE), by=world.user("national_admin"))
    assert not Attendance.objects.filter(session=old_records.session).exists()
    assert Attendance.objects.filter(session=records_a.session).exists()
    assert AuditEvent.objects.get(verb="retention.erased").after["records"] == {"attendance records": 1}


@pytest.mark.parametrize(
    "kind", [RetentionKind.REFLECTIONS, RetentionKind.PREFERENCES, RetentionKind.INTEREST]
)
def test_approval_leaves_nothing_due(kind, old_records, world):
    from heft.privacy.retention import KINDS

    retention_queue()
    review = review_of(kind)
    target = KINDS[kind].model.objects.get(pk=review.target_id)
    assert any(KINDS[kind].preview(target).values())
    retention_approve(review=review, by=world.user("national_admin"))
    assert not any(KINDS[kind].preview(target).values())
    assert retention_queue()[kind] == 0


def test_approval_is_refused_when_the_record_is_no_longer_due(old_records, world):
    retention_queue()
    membership = old_records.trainee.memberships.get()
    membership.status = ProgrammeMembership.Status.ACTIVE  # back in training since it was queued
    membership.save()
    with pytest.raises(ValidationError):
        retention_approve(review=review_of(RetentionKind.TRAINEE), by=world.user("national_admin"))
    old_records.trainee.refresh_from_db()
    assert not old_records.trainee.email.endswith(ANONYMISED_DOMAIN)


def test_a_decided_review_cannot_be_decided_again(old_records, world):
    retention_queue()
    review = review_of(RetentionKind.INTEREST)
    retention_approve(review=review, by=world.user("national_admin"))
    with pytest.raises(ValidationError):
        retention_reject(
            review=review, by=world.user("national_admin"), reason="x", keep_until=datetime.date(2099, 1, 1)
        )


def test_a_rejected_record_is_kept_until_its_date(old_records, world):
    retention_queue()
    today = timezone.localdate()
    keep_until = today + datetime.timedelta(days=30)
    retention_reject(
        review=review_of(RetentionKind.TRAINEE),
        by=world.user("national_admin"),
        reason="A complaint about this training is still open",
        keep_until=keep_until,
    )
    assert retention_queue()["trainee"] == 0
    assert retention_queue(today=keep_until + datetime.timedelta(days=1))["trainee"] == 1
    event = AuditEvent.objects.get(verb="retention.kept")
    assert "complaint" not in json.dumps(event.after)


def test_rejection_needs_a_reason_and_a_future_date(old_records, world):
    retention_queue()
    review, admin = review_of(RetentionKind.TRAINEE), world.user("national_admin")
    with pytest.raises(ValidationError):
        retention_reject(review=review, by=admin, reason=" ", keep_until=datetime.date(2099, 1, 1))
    with pytest.raises(ValidationError):
        retention_reject(review=review, by=admin, reason="Kept", keep_until=timezone.localdate())


def test_the_review_page_approves_only_with_confirmation(old_records, client_for):
    retention_queue()
    review = review_of(RetentionKind.TRAINEE)
    client = client_for("national_admin")
    url = f"/privacy/retention/{review.pk}/"
    page = client.get(url).content.decode()
    assert "Reflections: 1" in page
    refused = client.post(url, {"decision": "approve"})
    assert refused.status_code == 400
    assert "cannot be undone" in refused.content.decode()
    assert client.post(url, {"decision": "approve", "confirm": "on"}).status_code == 302
    review.refresh_from_db()
    assert review.status == RetentionReview.Status.APPROVED
    assert "Approved" in client.get(url).content.decode()


def test_the_review_page_rejects_with_a_reason_and_date(old_records, client_for):
    retention_queue()
    review = review_of(RetentionKind.ATTENDANCE)
    client = client_for("national_admin")
    url = f"/privacy/retention/{review.pk}/"
    assert client.post(url, {"decision": "reject"}).status_code == 400
    keep_until = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = client.post(
        url, {"decision": "reject", "reason": "Evidence for an appeal", "keep_until": keep_until}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.keep_until.isoformat()) == (RetentionReview.Status.REJECTED, keep_until)


def test_the_queue_page_lists_pending_reviews(old_records, client_for):
    retention_queue()
    body = client_for("national_admin").get("/privacy/retention/").content.decode()
    assert f"Trainee {old_records.trainee.pk}: training ended" in body
    assert "Audit events" in body  # the policy table


def test_the_command_queues_and_its_dry_run_does_not(old_records, capsys):
    call_command("retention_queue", "--dry-run")
    assert RetentionReview.objects.count() == 0
    assert "would be queued" in capsys.readouterr().out
    call_command("retention_queue")
    assert RetentionReview.objects.filter(kind=RetentionKind.TRAINEE).count() == 1


def test_years_after_handles_29_february():
    assert years_after(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert years_after(datetime.date(2024, 2, 29), -6) == datetime.date(2018, 2, 28)
