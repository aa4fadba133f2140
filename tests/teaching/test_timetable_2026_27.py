"""Done when: a planned 2026/27 national + regional timetable for the East of England places no session on
a bank holiday, keeps the order, and its ICS feeds parse (icalendar and vobject) and show 14:00 local time
before and after the clock changes. Planned and published through the pages, read back through the feeds."""

import datetime
from types import SimpleNamespace

import holidays
import pytest
from django.urls import reverse
from faker import Faker

from heft.accounts.models import Role
from heft.demo import teaching as demo
from heft.teaching.models import TeachingSession
from tests import factories as f
from tests.conftest import give_totp
from tests.engines.timetable.calendars import (
    LONDON,
    assert_14_00_local_both_sides_of_the_clock_changes,
    icalendar_events,
    vobject_events,
)
from tests.engines.timetable.specs import TOPICS

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=[2026, 2027])
PLAN = {
    "year_start": "2026-08-05",
    "year_end": "2027-08-03",
    "topics": "\n".join(TOPICS),
    "weekday": "thursday",
    "start_time": "14:00",
    "end_time": "16:00",
    "blackouts": "2026-12-21 to 2027-01-01 Christmas break",
    "conference_date": "2027-06-17",
    "conference_title": "HEFT annual conference",
    "conference_venue": "Demo Conference Centre",
}
REGIONAL_PLAN = {
    "weekday": "friday",
    "start_time": "14:00",
    "end_time": "16:00",
    "every_weeks": "8",
    "blackouts": "",
}


@pytest.fixture
def east_of_england(db):
    return f.RegionFactory(code="east-of-england", name="East of England")


@pytest.fixture
def eoe_lead(east_of_england):
    lead = f.RoleFactory(role=Role.REGIONAL_LEAD, region=east_of_england).user
    give_totp(lead)
    return lead


@pytest.fixture
def feeds(client, world, east_of_england, eoe_lead, before_2026_27):
    """Plan and publish through the pages as the national admin, then the East of England lead."""
    client.force_login(world.user("national_admin"))
    response = client.post(reverse("teaching:plan_national"), {**PLAN, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    year = TeachingSession.objects.get(kind="conference").year
    client.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": ""})

    client.force_login(eoe_lead)
    region_url = reverse("teaching:plan_region", kwargs={"region_code": "east-of-england"})
    preview = client.post(region_url, {**REGIONAL_PLAN, "year": year.pk, "action": "preview"})
    assert preview.status_code == 200
    assert b"Save as draft sessions" in preview.content
    assert client.post(region_url, {**REGIONAL_PLAN, "year": year.pk, "action": "save"}).status_code == 302
    client.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": "east-of-england"})
    client.logout()

    national = client.get(reverse("teaching:feed_national"))
    regional = client.get(reverse("teaching:feed_region", kwargs={"region_code": "east-of-england"}))
    assert national["Content-Type"] == regional["Content-Type"] == "text/calendar; charset=utf-8"
    return national.content, regional.content


def assert_the_timetable_rules(national: list[dict], regional: list[dict]) -> None:
    everything = sorted(national + regional, key=lambda e: e["start"])
    days = [e["start"].astimezone(LONDON).date() for e in everything]
    assert not [d for d in days if d in ENGLAND], "a session on a bank holiday"
    assert not [d for d in days if datetime.date(2026, 12, 21) <= d <= datetime.date(2027, 1, 1)]
    national_topics = [e["summary"].removeprefix("National session: ") for e in everything if e in national]
    assert [t for t in national_topics if t in TOPICS] == TOPICS, "the national topics are out of order"
    assert everything[0]["summary"] == "East of England regional welcome"
    # Each later regional session comes after at least one national session it reflects on.
    since_last = 0
    for event in everything[1:]:
        if event in regional:
            assert since_last > 0, f"{event['summary']} on {event['start']} reflects on nothing"
            since_last = 0
        elif event["summary"].startswith("National session"):
            since_last += 1
    for event in regional:
        assert event["start"].astimezone(LONDON).weekday() == 4
    for event in national:
        if event["summary"].startswith("National session"):
            assert event["start"].astimezone(LONDON).weekday() == 3
    assert_14_00_local_both_sides_of_the_clock_changes(everything)
    by_day = {e["start"].astimezone(LONDON).date(): e["start"] for e in everything}
    before_autumn = max(d for d in by_day if d < datetime.date(2026, 10, 25))
    after_autumn = min(d for d in by_day if d > datetime.date(2026, 10, 25))
    before_spring = max(d for d in by_day if d < datetime.date(2027, 3, 28))
    after_spring = min(d for d in by_day if d > datetime.date(2027, 3, 28))
    for day, offset in ((before_autumn, 1), (after_autumn, 0), (before_spring, 0), (after_spring, 1)):
        start = by_day[day]
        assert start.astimezone(LONDON).strftime("%H:%M") == "14:00", day
        assert start.utcoffset() == datetime.timedelta(hours=offset), day


def test_the_planned_timetable_keeps_the_rules_in_icalendar(feeds):
    national, regional = (icalendar_events(data) for data in feeds)
    assert len(national) == len(TOPICS) + 1  # and the conference
    assert len(regional) >= 5
    assert_the_timetable_rules(national, regional)


@pytest.mark.parametrize("own_timezone", [False, True], ids=["tzid", "vtimezone-only"])
def test_the_planned_timetable_keeps_the_rules_in_an_independent_parser(feeds, own_timezone):
    national, regional = (vobject_events(data, own_timezone=own_timezone) for data in feeds)
    assert_the_timetable_rules(national, regional)


def test_the_demo_timetable_keeps_the_rules(client, east_of_england):
    world = SimpleNamespace(
        regions={"east-of-england": east_of_england, "south-west": f.RegionFactory(code="south-west")},
        users={},
    )
    demo.build_timetable(Faker("en_GB"), world)
    demo.build_timetable(Faker("en_GB"), world)  # loading twice changes nothing
    national = icalendar_events(client.get(reverse("teaching:feed_national")).content)
    regional = icalendar_events(
        client.get(reverse("teaching:feed_region", kwargs={"region_code": "east-of-england"})).content
    )
    assert len(national) == len(TOPICS) + 1
    assert len({e["uid"] for e in national + regional}) == len(national + regional)
    assert_the_timetable_rules(national, regional)
