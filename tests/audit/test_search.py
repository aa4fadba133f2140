"""Searching the audit trail: each term narrows the events, terms combine, and pages keep the search."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.audit_log.selectors import audit_events_search


@pytest.fixture
def events(world):
    """Four events by two people about two records, one of them two days ago."""
    admin, lead = world.user("national_admin"), world.user("regional_lead")
    with transaction.atomic():
        made = [
            audit_record(
                by=admin, verb="rotation.withdrawn", target=world.rotation_a, after={"reason": "Closed"}
            ),
            audit_record(by=lead, verb="rotation.withdrawn", target=world.rotation_b),
            audit_record(by=lead, verb="viewed", target=world.trainee_a2, after={"page": "trainee record"}),
            audit_record(by=admin, verb="viewed", target=world.trainee_a2, after={"page": "trainee record"}),
        ]
    # Back-dated in SQL: the app itself refuses every change to an event.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET at = %s WHERE id = %s",
            [timezone.now() - datetime.timedelta(days=2), made[0].pk],
        )
    return made


def search(world, **terms) -> list[int]:
    return list(audit_events_search(world.user("national_admin"), **terms).values_list("pk", flat=True))


def test_each_term_narrows_the_search(world, events):
    first, second, third, fourth = (e.pk for e in events)
    assert search(world, actor="regional_lead") == [third, second]
    assert search(world, verb="rotation.") == [second, first]
    assert search(world, verb="VIEWED") == [fourth, third]
    assert search(world, target_type="trainees.trainee") == [fourth, third]
    assert search(world, target_type="programmes.rotation", target_id=str(world.rotation_b.pk)) == [second]
    assert search(world, q="closed") == [first]  # in the values after the change
    assert search(world, q="trainee record", actor="national_admin") == [fourth]


def test_dates_are_whole_days_in_uk_time(world, events):
    today = timezone.localdate()
    two_days_ago = today - datetime.timedelta(days=2)
    assert search(world, date_to=two_days_ago) == [events[0].pk]
    assert search(world, date_from=two_days_ago, date_to=two_days_ago) == [events[0].pk]
    assert len(search(world, date_from=today)) == 3


def test_only_england_wide_auditors_search(world, events):
    assert not audit_events_search(world.user("regional_lead")).exists()


def test_the_page_searches_and_keeps_the_search_across_pages(world, events, client_for):
    with transaction.atomic():
        for _ in range(60):
            audit_record(by=world.user("national_admin"), verb="viewed", target=world.trainee_b)
    client = client_for("national_admin")
    body = client.get("/audit/", {"verb": "viewed", "target_type": "trainees.trainee"}).content.decode()
    assert "62 events match" in body
    assert "?verb=viewed&amp;target_type=trainees.trainee&amp;page=2" in body
    second_page = client.get("/audit/", {"verb": "viewed", "target_type": "trainees.trainee", "page": 2})
    assert "Previous" in second_page.content.decode()
    assert "Page 1 of 2" in second_page.content.decode()


def test_a_bad_date_is_explained_not_a_failure(world, events, client_for):
    response = client_for("national_admin").get(
        "/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
