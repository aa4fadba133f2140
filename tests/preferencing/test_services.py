import datetime

import pytest
from django.core import mail
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.preferencing import services
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList
from heft.preferencing.selectors import window_with_membership
from heft.preferencing.services import PreferencingError, VersionConflictError, WindowClosedError
from tests import factories as f

SOON = timezone.now() + datetime.timedelta(days=7)


def submit(allocation, trainee, codes, **kwargs):
    return services.preferences_save(
        window_id=allocation.window.pk,
        trainee=trainee,
        rotation_codes=codes,
        submit=True,
        by=trainee.user,
        **kwargs,
    )


def close(allocation):
    window = allocation.window
    window.opens_at = timezone.now() - datetime.timedelta(days=2)
    window.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    window.save()


def test_save_replaces_the_whole_list_and_audits(allocation):
    trainee = allocation.trainees[0]
    submit(allocation, trainee, ["R2", "ROT-A"])
    plist = submit(allocation, trainee, ["R3"])
    ranked = list(Preference.objects.filter(trainee=trainee).values_list("rotation__code", "rank"))
    assert ranked == [("R3", 1)]
    assert plist.version == 2
    assert plist.status == PreferenceList.Status.SUBMITTED
    assert AuditEvent.objects.filter(verb="preferences.submitted").count() == 2


def test_receipt_email_lists_the_order(allocation, django_capture_on_commit_callbacks):
    trainee = allocation.trainees[0]
    with django_capture_on_commit_callbacks(execute=True):
        submit(allocation, trainee, ["R2", "ROT-A"])
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.index("1. ") < body.index("R2") < body.index("2. ") < body.index("ROT-A")
    assert mail.outbox[0].to == [trainee.email]


def test_out_of_date_save_is_refused(allocation):
    trainee = allocation.trainees[0]
    submit(allocation, trainee, ["R2"])
    with pytest.raises(VersionConflictError):
        submit(allocation, trainee, ["R3"], expected_version=0)
    assert list(Preference.objects.filter(trainee=trainee).values_list("rotation__code", flat=True)) == ["R2"]


def test_no_write_after_the_window_closes(allocation):
    close(allocation)
    with pytest.raises(WindowClosedError):
        submit(allocation, allocation.trainees[0], ["R2"])
    assert not Preference.objects.exists()


@pytest.mark.parametrize("codes", [["R2", "R2"], ["ROT-B"], ["NOPE"]])
def test_bad_lists_are_refused(allocation, codes):
    with pytest.raises(PreferencingError):
        submit(allocation, allocation.trainees[0], codes)
    assert not Preference.objects.exists()


def test_withdrawn_rotation_cannot_be_ranked(allocation):
    allocation.rotations[1].availability = "withdrawn"
    allocation.rotations[1].save()
    with pytest.raises(PreferencingError, match="R2"):
        submit(allocation, allocation.trainees[0], ["R2"])


def test_trainee_of_another_scheme_cannot_rank(allocation, world):
    with pytest.raises(PreferencingError):
        submit(allocation, world.trainee_b, ["R2"])


def test_only_members_of_the_window_s_scheme_and_intake_may_rank(allocation):
    scheme, window = allocation.window.scheme, allocation.window
    later_intake = f.MembershipFactory(scheme=scheme, intake="2027-02").trainee
    with pytest.raises(PreferencingError, match="not allocated"):
        submit(allocation, later_intake, ["R2"])
    assert not window_with_membership(later_intake, window.pk).trainee_is_member
    assert window_with_membership(allocation.trainees[0], window.pk).trainee_is_member
    assert window_with_membership(allocation.trainees[0], window.pk + 1000) is None
    assert window_with_membership(allocation.trainees[0], -(2**70)) is None  # beyond any id: not an error
    assert not PreferenceList.objects.filter(trainee=later_intake).exists()


def ranked_everyone(allocation):
    t = allocation.trainees
    submit(allocation, t[0], ["R2", "ROT-A"])
    submit(allocation, t[1], ["R2", "R3"])
    submit(allocation, t[2], ["R2", "ROT-A"])
    submit(allocation, t[3], ["R3", "R2"])
    close(allocation)


def test_serial_dictatorship_run_and_publish(allocation, django_capture_on_commit_callbacks):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    t = allocation.trainees
    assert run.assignments == {
        str(t[0].pk): "R2",
        str(t[1].pk): "R3",
        str(t[2].pk): "ROT-A",
        str(t[3].pk): None,
    }
    assert run.input_snapshot["version"] == 1
    assert run.engine_version
    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    run.refresh_from_db()
    assert run.status == AllocationRun.Status.PUBLISHED
    assert run.published_by == allocation.lead
    assert Offer.objects.filter(status="offered").count() == 3
    assert len(mail.outbox) == 3
    assert Offer.objects.get(trainee=t[2]).choice == 2


def test_runs_need_a_closed_window(allocation):
    with pytest.raises(PreferencingError, match="still open"):
        services.run_create(window=allocation.window, mechanism="stable", by=allocation.lead)


def test_second_publish_of_the_same_window_is_refused(allocation):
    ranked_everyone(allocation)
    first = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    second = services.run_create(window=allocation.window, mechanism="rank-maximal", by=allocation.lead)
    services.run_publish(run=first, respond_by=SOON, by=allocation.lead)
    with pytest.raises(PreferencingError):
        services.run_publish(run=second, respond_by=SOON, by=allocation.lead)
    assert Offer.objects.count() == 3
    assert AllocationRun.objects.filter(status="published").count() == 1


def test_decline_then_refill_keeps_accepted_places(allocation):
    ranked_everyone(allocation)
    t = allocation.trainees
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    services.offer_respond(offer=Offer.objects.get(trainee=t[0]), accept=False, by=t[0].user)
    services.offer_respond(offer=Offer.objects.get(trainee=t[1]), accept=True, by=t[1].user)
    refill = services.refill_run_create(window=allocation.window, by=allocation.lead)
    assert refill.assignments[str(t[0].pk)] is None if str(t[0].pk) in refill.assignments else True
    assert refill.assignments[str(t[1].pk)] == "R3"
    assert refill.assignments[str(t[3].pk)] == "R2"  # the freed place goes to the next in line
    services.run_publish(run=refill, respond_by=SOON, by=allocation.lead)
    assert Offer.objects.get(trainee=t[1], status="accepted").rotation.code == "R3"
    assert Offer.objects.get(trainee=t[3], status="offered").rotation.code == "R2"


def test_withdrawn_rotation_reallocation_moves_few(allocation, django_capture_on_commit_callbacks):
    ranked_everyone(allocation)
    t = allocation.trainees
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    allocation.rotations[1].availability = "withdrawn"  # R2, held by the first trainee
    allocation.rotations[1].save()
    realloc = services.reallocation_run_create(
        window=allocation.window, reason="R2's practice closed", by=allocation.lead
    )
    assert realloc.metrics["moved"] == 1
    assert realloc.assignments[str(t[0].pk)] == "ROT-A"
    assert realloc.assignments[str(t[2].pk)] == "ROT-A"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run=realloc, respond_by=SOON, by=allocation.lead)
    withdrawn = Offer.objects.get(trainee=t[0], status="withdrawn")
    assert withdrawn.status_reason == "R2's practice closed"
    assert any("R2's practice closed" in m.body for m in mail.outbox)


def test_offer_can_only_be_answered_by_its_trainee_before_the_deadline(allocation):
    ranked_everyone(allocation)
    t = allocation.trainees
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    offer = Offer.objects.get(trainee=t[0])
    with pytest.raises(PreferencingError):
        services.offer_respond(offer=offer, accept=True, by=t[1].user)
    Offer.objects.filter(pk=offer.pk).update(respond_by=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(PreferencingError, match="deadline"):
        services.offer_respond(offer=offer, accept=True, by=t[0].user)


def test_interruption_releases_the_place_and_flags_the_return(allocation):
    ranked_everyone(allocation)
    t = allocation.trainees
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    services.run_publish(run=run, respond_by=SOON, by=allocation.lead)
    membership = t[0].memberships.get()
    services.heft_place_release(membership=membership, reason="Interrupted training", by=allocation.lead)
    membership.refresh_from_db()
    assert membership.returning_heft_not_guaranteed
    assert Offer.objects.get(trainee=t[0]).status == "withdrawn"


def test_trainee_without_a_rank_is_named(allocation):
    ranked_everyone(allocation)
    membership = allocation.trainees[3].memberships.get()
    membership.national_rank = None
    membership.save()
    with pytest.raises(PreferencingError, match=f"Trainee {allocation.trainees[3].pk} has no national"):
        services.run_create(window=allocation.window, mechanism="stable", by=allocation.lead)


def test_publish_without_notice_sends_nothing(allocation, django_capture_on_commit_callbacks):
    ranked_everyone(allocation)
    run = services.run_create(window=allocation.window, mechanism="serial-dictatorship", by=allocation.lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_publish(run=run, respond_by=SOON, by=allocation.lead, notify=False)
    assert mail.outbox == []
    assert Offer.objects.count() == 3
