"""Recording time out of training and LTFT changes, returning to training, and the stored CCT estimate."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.engines.cct import OUT_KINDS
from heft.trainees import services
from heft.trainees.models import Interruption, LtftChange, ProgrammeMembership

D = datetime.date
FULL_TIME_CCT = D(2029, 8, 4)  # the world's memberships start on 5 August 2026


@pytest.fixture
def membership(world):
    return world.trainee_a2.memberships.get()


@pytest.fixture
def lead(world):
    return world.user("regional_lead")


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))


def test_the_engine_and_the_model_name_the_same_kinds_of_time_out():
    assert set(OUT_KINDS) == set(Interruption.Kind.values)


def test_time_out_under_way_interrupts_and_moves_the_cct_but_never_releases_the_heft_place(membership, lead):
    today = timezone.localdate()
    interruption = services.interruption_record(
        membership=membership, kind="parental", start_date=today - datetime.timedelta(days=10), by=lead
    )
    membership.refresh_from_db()
    assert membership.status == ProgrammeMembership.Status.INTERRUPTED
    assert not membership.returning_heft_not_guaranteed  # the programme team decides (test_heft_place.py)
    assert interruption.counts_towards_training is False  # parental leave extends training
    assert membership.cct_estimate > FULL_TIME_CCT  # counted up to today, so later than full time
    assert verbs() == ["interruption.recorded", "membership.interrupted", "membership.cct_estimated"]
    assert AuditEvent.objects.get(verb="interruption.recorded").after["heft_place_at_risk"] is True


def test_sick_leave_counts_by_default_and_a_past_absence_leaves_the_status_alone(membership, lead):
    services.interruption_record(
        membership=membership, kind="sick", start_date=D(2026, 9, 7), end_date=D(2026, 9, 11), by=lead
    )
    membership.refresh_from_db()
    assert membership.status == ProgrammeMembership.Status.ACTIVE
    assert not membership.returning_heft_not_guaranteed
    assert membership.interruptions.get().counts_towards_training is True
    assert membership.cct_estimate == FULL_TIME_CCT


def test_a_decision_on_counting_overrides_the_usual_rule(membership, lead):
    services.interruption_record(
        membership=membership, kind="OOPR", start_date=D(2026, 9, 1), end_date=D(2026, 9, 30),
        counts_towards_training=True, by=lead,
    )  # fmt: skip
    membership.refresh_from_db()
    assert membership.cct_estimate == FULL_TIME_CCT


@pytest.mark.parametrize(
    "start,end,message",
    [
        (D(2026, 9, 10), D(2026, 9, 1), "last day cannot come before the first"),
        (D(2026, 7, 1), D(2026, 7, 2), "cannot start before training did"),
        (D(2026, 9, 3), D(2026, 9, 20), "overlaps time out already recorded"),
    ],
)
def test_bad_periods_are_refused_and_nothing_is_written(membership, lead, start, end, message):
    services.interruption_record(
        membership=membership, kind="sick", start_date=D(2026, 9, 1), end_date=D(2026, 9, 4), by=lead
    )
    before = (Interruption.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match=message):
        services.interruption_record(
            membership=membership, kind="OOPE", start_date=start, end_date=end, by=lead
        )
    assert (Interruption.objects.count(), AuditEvent.objects.count()) == before


def test_returning_ends_the_time_out_the_day_before_and_works_the_date_out_again(membership, lead):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    interruption = services.interruption_record(membership=membership, kind="OOPE", start_date=start, by=lead)
    services.training_return(interruption=interruption, return_date=today, by=lead)
    interruption.refresh_from_db()
    membership.refresh_from_db()
    assert interruption.end_date == today - datetime.timedelta(days=1)
    assert membership.status == ProgrammeMembership.Status.ACTIVE
    assert not membership.returning_heft_not_guaranteed  # only a decision to release sets it
    assert membership.cct_estimate == FULL_TIME_CCT + datetime.timedelta(days=30)
    assert verbs()[-3:] == ["interruption.ended", "membership.returned", "membership.cct_estimated"]


@pytest.mark.parametrize("days,message", [(1, "once the trainee is back"), (-40, "after the time out began")])
def test_a_return_in_the_future_or_before_the_start_is_refused(membership, lead, days, message):
    today = timezone.localdate()
    interruption = services.interruption_record(
        membership=membership, kind="OOPE", start_date=today - datetime.timedelta(days=30), by=lead
    )
    with pytest.raises(ValidationError, match=message):
        services.training_return(
            interruption=interruption, return_date=today + datetime.timedelta(days=days), by=lead
        )


def test_time_out_that_is_over_cannot_be_returned_from(membership, lead):
    interruption = services.interruption_record(
        membership=membership, kind="sick", start_date=D(2026, 9, 1), end_date=D(2026, 9, 4), by=lead
    )
    with pytest.raises(ValidationError, match="already ended"):
        services.training_return(interruption=interruption, return_date=timezone.localdate(), by=lead)


def test_an_ltft_change_extends_training_pro_rata(membership, lead):
    services.ltft_change_record(
        membership=membership,
        wte=Decimal("0.8"),
        start_date=D(2027, 8, 5),
        requested_on=D(2027, 3, 1),
        by=lead,
    )
    membership.refresh_from_db()
    assert membership.cct_estimate == D(2030, 2, 3)  # see the worked cases: 80% from ST2
    event = AuditEvent.objects.get(verb="ltft_change.recorded")
    assert event.after["flags"] == []


def test_a_non_standard_pattern_at_short_notice_is_flagged(membership, lead):
    services.ltft_change_record(
        membership=membership,
        wte=Decimal("0.65"),
        start_date=D(2027, 8, 5),
        requested_on=D(2027, 6, 1),
        by=lead,
    )
    event = AuditEvent.objects.get(verb="ltft_change.recorded")
    assert event.after["flags"] == ["needs_approval", "short_notice"]


@pytest.mark.parametrize(
    "wte,start,requested,message",
    [
        (Decimal("1.2"), D(2027, 8, 5), D(2027, 1, 1), "above 0 and at most 1"),
        (Decimal("0.8"), D(2027, 8, 5), D(2027, 9, 1), "on or before the date the change starts"),
        (Decimal("0.8"), D(2026, 1, 5), D(2026, 1, 1), "cannot start before training did"),
        (Decimal("0.6"), D(2027, 2, 5), D(2026, 9, 1), "already starts on this date"),
    ],
)
def test_bad_ltft_changes_are_refused(membership, lead, wte, start, requested, message):
    services.ltft_change_record(
        membership=membership,
        wte=Decimal("0.8"),
        start_date=D(2027, 2, 5),
        requested_on=D(2026, 9, 1),
        by=lead,
    )
    with pytest.raises(ValidationError, match=message):
        services.ltft_change_record(
            membership=membership, wte=wte, start_date=start, requested_on=requested, by=lead
        )
    assert LtftChange.objects.count() == 1


def test_the_estimate_is_stored_and_audited_only_when_it_changes(membership, lead):
    services.cct_estimate_update(membership=membership, by=lead)
    services.cct_estimate_update(membership=membership, by=lead)
    membership.refresh_from_db()
    assert membership.cct_estimate == FULL_TIME_CCT
    assert verbs() == ["membership.cct_estimated"]
