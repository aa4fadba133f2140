"""Calendar feeds: what each feed holds, stable UIDs, SEQUENCE, cancellations, and the private token."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.teaching.services import calendar_token_create, calendar_token_revoke, session_update
from tests.engines.timetable.calendars import icalendar_events, vobject_events


def feed(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def titles(data):
    return sorted(e["summary"] for e in icalendar_events(data))


def test_the_national_feed_holds_published_national_sessions_and_the_conference(client, teaching):
    data = feed(client, "teaching:feed_national")
    expected = [teaching.past, teaching.now, teaching.future, teaching.conference]
    assert titles(data) == sorted(s.title for s in expected)
    assert b"BEGIN:VTIMEZONE" in data
    assert b"TZID:Europe/London" in data
    assert len(vobject_events(data)) == 4


def test_a_region_feed_holds_only_that_region_and_no_drafts(client, world, teaching):
    data = feed(client, "teaching:feed_region", region_code=world.region_a.code)
    (event,) = icalendar_events(data)
    assert event["uid"] == teaching.regional_a.ical_uid
    assert event["categories"] == ["regional"]


def test_public_feeds_leave_out_joining_links(client, teaching):
    assert b"meet.heft.invalid" not in feed(client, "teaching:feed_national")


def test_an_unknown_region_is_404(client, db):
    assert client.get(reverse("teaching:feed_region", kwargs={"region_code": "nowhere"})).status_code == 404


def test_uids_stay_and_the_sequence_rises_with_each_change(client, world, teaching):
    before = {e["uid"]: e for e in icalendar_events(feed(client, "teaching:feed_national"))}
    by = world.user("national_admin")
    session_update(session=teaching.future, title="Renamed", by=by)
    session_update(session=teaching.future, venue="Room 1", by=by)
    after = {e["uid"]: e for e in icalendar_events(feed(client, "teaching:feed_national"))}
    assert set(after) == set(before)
    changed = after[teaching.future.ical_uid]
    assert (changed["summary"], changed["sequence"]) == ("Renamed", 2)
    assert after[teaching.past.ical_uid]["sequence"] == 0


def test_the_private_feed_holds_the_trainees_sessions_with_links_until_revoked(client, world, teaching):
    trainee_user = world.user("trainee")
    token = calendar_token_create(trainee=world.trainee_a, by=trainee_user)
    url = reverse("teaching:feed_trainee", kwargs={"token": token})
    data = client.get(url).content
    uids = {e["uid"] for e in icalendar_events(data)}
    mine = [teaching.past, teaching.now, teaching.future, teaching.regional_a, teaching.conference]
    assert uids == {s.ical_uid for s in mine}  # not region B's, not the draft
    assert b"meet.heft.invalid/now" in data
    assert client.get(url)["Cache-Control"].startswith("max-age=0")

    calendar_token_revoke(trainee=world.trainee_a, by=trainee_user)
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(verb="calendar_token.revoked").count() == 1


def test_a_new_feed_address_ends_the_old_one(client, world, teaching):
    first = calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))
    second = calendar_token_create(trainee=world.trainee_a, by=world.user("trainee"))
    assert client.get(reverse("teaching:feed_trainee", kwargs={"token": first})).status_code == 404
    assert client.get(reverse("teaching:feed_trainee", kwargs={"token": second})).status_code == 200


def test_wrong_tokens_are_404(client, db):
    for token in ("nothing", "x" * 200):
        assert client.get(reverse("teaching:feed_trainee", kwargs={"token": token})).status_code == 404


def test_only_the_trainee_makes_their_feed(world, teaching):
    with pytest.raises(PermissionDenied):
        calendar_token_create(trainee=world.trainee_a, by=world.user("national_admin"))


def test_subscribing_through_the_page(client_for, world, teaching):
    client = client_for("trainee")
    page = client.post(reverse("teaching:calendar")).content.decode()
    assert "webcal://testserver/teaching/calendar/trainee/" in page
    assert "Stop my calendar address working" in page
    client.post(reverse("teaching:calendar_revoke"))
    assert "Make my calendar address" in client.get(reverse("teaching:calendar")).content.decode()


def test_the_public_pages_list_the_programme_and_link_the_feeds(client, world, teaching):
    page = client.get(reverse("teaching:public_timetable")).content.decode()
    assert teaching.future.title in page
    assert teaching.regional_a.title not in page
    assert "webcal://testserver/teaching/calendar/national.ics" in page
    assert reverse("teaching:public_region_timetable", kwargs={"region_code": world.region_a.code}) in page
    region_page = client.get(reverse("teaching:public_region_timetable", kwargs={"region_code": "region-a"}))
    assert "/teaching/calendar/region/region-a.ics" in region_page.content.decode()
