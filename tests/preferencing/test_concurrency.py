"""Saves and publishes racing each other, on real connections in threads.

Row locks are PostgreSQL's: SQLite lets one writer at a time through, so these run on PostgreSQL only.
Each test holds a lock from its own connection to make the race happen at the worst moment, rather than
hoping threads collide.
"""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from heft.preferencing import services
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.preferencing.services import PreferencingError, WindowClosedError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks under concurrency: PostgreSQL only"
    ),
]

LISTS = [["ROT-A", "R2", "R3"], ["R3", "R2", "ROT-A"], ["R2"], ["R3", "ROT-A"], ["ROT-A"], ["R2", "R3"]]


def in_thread(fn, *args, **kwargs):
    """Run fn on a connection of its own, closing it afterwards so the test database can be dropped."""

    def call():
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    return ThreadPoolExecutor(max_workers=1).submit(call)


def save(window, trainee, codes, **kwargs):
    return services.preferences_save(
        window_id=window.pk, trainee=trainee, rotation_codes=codes, submit=True, by=trainee.user, **kwargs
    )


def stored_codes(window, trainee) -> list[str]:
    rows = Preference.objects.filter(window=window, trainee=trainee).order_by("rank")
    return [p.rotation.code for p in rows.select_related("rotation")]


def test_concurrent_saves_of_one_trainee_never_interleave(allocation):
    window, trainee = allocation.window, allocation.trainees[0]
    barrier = threading.Barrier(len(LISTS))

    def racing_save(codes):
        barrier.wait()
        return save(window, trainee, codes).version

    futures = [in_thread(racing_save, codes) for codes in LISTS]
    versions = {f.result(timeout=30): codes for f, codes in zip(futures, LISTS, strict=True)}

    plist = PreferenceList.objects.get(window=window, trainee=trainee)
    assert sorted(versions) == list(range(1, len(LISTS) + 1))  # every save applied once, in turn
    assert plist.version == len(LISTS)
    assert stored_codes(window, trainee) == versions[len(LISTS)]  # the last whole list, nothing mixed in


def test_a_save_waiting_while_the_window_is_closed_is_refused(allocation):
    window, trainee = allocation.window, allocation.trainees[0]
    with transaction.atomic():  # a lead closing the window: the exclusive lock is held
        PreferenceWindow.objects.select_for_update().get(pk=window.pk)
        pending = in_thread(save, window, trainee, ["R2"])
        time.sleep(0.5)  # the save is now queued on the lock
        assert not pending.done()
        window.closes_at = timezone.now()
        window.save(update_fields=["closes_at"])
    with pytest.raises(WindowClosedError):
        pending.result(timeout=30)
    assert not Preference.objects.filter(trainee=trainee).exists()


def test_a_save_in_flight_when_the_deadline_passes_is_refused(allocation):
    window, trainee = allocation.window, allocation.trainees[0]
    save(window, trainee, ["ROT-A"])
    window.closes_at = timezone.now() + datetime.timedelta(seconds=1)
    window.save(update_fields=["closes_at"])
    with transaction.atomic():  # hold the trainee's list so the next save stalls after checking the window
        PreferenceList.objects.select_for_update().get(window=window, trainee=trainee)
        pending = in_thread(save, window, trainee, ["R2", "R3"])
        time.sleep(1.5)  # past the deadline, the save still waiting
    with pytest.raises(WindowClosedError):
        pending.result(timeout=30)
    assert stored_codes(window, trainee) == ["ROT-A"]
    assert PreferenceList.objects.get(window=window, trainee=trainee).version == 1


def test_saves_of_different_trainees_run_side_by_side(allocation):
    """Saves share the window's lock: one trainee's stalled save does not hold up another's."""
    window, first, second = allocation.window, allocation.trainees[0], allocation.trainees[1]
    save(window, first, ["ROT-A"])
    with transaction.atomic():
        PreferenceList.objects.select_for_update().get(window=window, trainee=first)
        stalled = in_thread(save, window, first, ["R2"])
        time.sleep(0.3)
        other = in_thread(save, window, second, ["R3"])
        assert other.result(timeout=10).version == 1  # done while the first is still waiting
        assert not stalled.done()
    assert stalled.result(timeout=30).version == 2


def test_two_staff_publishing_at_once_make_one_set_of_offers(allocation):
    window = allocation.window
    window.opens_at = timezone.now() - datetime.timedelta(days=2)
    window.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    window.save()
    for trainee, codes in zip(allocation.trainees, LISTS[:4], strict=True):
        PreferenceList.objects.create(window=window, trainee=trainee, status=PreferenceList.Status.SUBMITTED)
        Preference.objects.bulk_create(
            Preference(window=window, trainee=trainee, rotation=r, rank=rank)
            for rank, r in enumerate((x for x in allocation.rotations if x.code in codes), start=1)
        )
    lead = allocation.lead
    runs = [
        services.run_create(window=window, mechanism=m, by=lead)
        for m in ("serial-dictatorship", "rank-maximal")
    ]
    barrier = threading.Barrier(2)
    respond_by = timezone.now() + datetime.timedelta(days=7)

    def racing_publish(run):
        barrier.wait()
        try:
            return services.run_publish(run=run, respond_by=respond_by, by=lead, notify=False).pk
        except PreferencingError:
            return None

    outcomes = [f.result(timeout=60) for f in [in_thread(racing_publish, run) for run in runs]]
    published = [pk for pk in outcomes if pk is not None]
    assert len(published) == 1
    assert AllocationRun.objects.filter(window=window, status=AllocationRun.Status.PUBLISHED).count() == 1
    offers = Offer.objects.filter(window=window)
    assert set(offers.values_list("run_id", flat=True)) == set(published)
    assert offers.count() == len(set(offers.values_list("trainee_id", flat=True)))
