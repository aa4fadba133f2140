"""Community of practice meetings in a real browser, with axe: the lead mentor adds, moves and cancels a
meeting from the group page (on a phone too); a member finds it on the group page and in their teaching."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from heft.community.models import CommunityGroup, GroupMember
from heft.teaching.models import TeachingSession, TeachingYear
from tests.browser.conftest import PHONE, assert_no_horizontal_scroll, check_accessibility, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def group(browser_world):
    world = browser_world
    today = timezone.localdate()
    TeachingYear.objects.create(
        label="this year", start=today - datetime.timedelta(days=60), end=today + datetime.timedelta(days=300)
    )
    group = CommunityGroup.objects.create(
        region=world.region_a, scheme=world.scheme_a, name="Scheme A 1", lead=world.user("mentor").mentor
    )
    GroupMember.objects.create(group=group, trainee=world.trainee_a)
    return group


def test_the_lead_mentor_adds_moves_and_cancels_a_meeting(page, live_server, browser_world, group):
    world = browser_world
    day = timezone.localdate() + datetime.timedelta(days=21)
    sign_in(page, live_server, world.user("mentor"), totp_secret=world.totp_secrets["mentor"])
    page.goto(f"{live_server.url}/community/groups/{group.pk}/")
    page.get_by_text("Add a meeting").click()
    page.get_by_label("Topic").fill("Case discussion")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts").fill("18:30")
    page.get_by_label("Ends").fill("20:00")
    page.get_by_label("Online joining link").fill("https://meet.heft.invalid/scheme-a-1")
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting added")
    meeting = TeachingSession.objects.get(community_group=group)
    expect(page.get_by_text(meeting.check_in_code)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Change or cancel Case discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case discussion")
    check_accessibility(page)
    page.get_by_label("Starts").fill("19:00")
    page.get_by_label("Ends").fill("20:30")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting saved")
    expect(page.get_by_text(re.compile(r"19:00 to 20:30"))).to_be_visible()

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Change or cancel Case discussion").click()
    page.get_by_role("button", name="Cancel the meeting").click()  # no reason: refused
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say why the meeting is cancelled")
    check_accessibility(page)
    assert_no_horizontal_scroll(page)
    page.get_by_label("Why is the meeting cancelled?").fill("The room is not available")
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting cancelled")
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == ("cancelled", 2)


def test_a_member_finds_the_meeting_and_its_session_page(page, live_server, browser_world, group):
    world = browser_world
    start = timezone.now() + datetime.timedelta(days=10)
    TeachingSession.objects.create(
        year=TeachingYear.objects.get(), kind="community", community_group=group,
        title="Scheme A 1: Journal club", topic="Journal club", start=start,
        end=start + datetime.timedelta(hours=1), venue="The library", status="published",
        published_at=timezone.now(),
    )  # fmt: skip
    sign_in(page, live_server, world.user("trainee"))
    page.goto(f"{live_server.url}/community/groups/{group.pk}/")
    expect(page.get_by_text("Journal club", exact=False).first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Check in, reflect or give feedback for Journal club").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheme A 1: Journal club")
    expect(page.get_by_text("Community of practice · Scheme A 1")).to_be_visible()
    check_accessibility(page)
    page.goto(f"{live_server.url}/teaching/")
    expect(page.get_by_role("link", name="Scheme A 1: Journal club")).to_be_visible()
    check_accessibility(page)
