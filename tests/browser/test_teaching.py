"""Teaching in a real browser, with axe on each page: a lead plans and publishes; a trainee subscribes,
checks in and reflects; an educator takes a register."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from heft.engines.timetable import parse_spec, plan_national
from heft.teaching.models import Attendance, Reflection, TeachingSession, TeachingYear
from heft.teaching.services import sessions_publish_drafts, timetable_save_plan
from tests.browser.conftest import PHONE, assert_no_horizontal_scroll, check_accessibility, sign_in
from tests.engines.timetable.calendars import icalendar_events

pytestmark = pytest.mark.browser
HOUR = datetime.timedelta(hours=1)


def sign_in_as(page, live_server, world, role):
    return sign_in(page, live_server, world.user(role), totp_secret=world.totp_secrets.get(role))


def open_teaching(page):
    """The header's Teaching link, opening the More menu first when the header has folded it there."""
    header = page.locator("header.nhsuk-header")
    links = header.get_by_role("link", name="Teaching", exact=True)
    if not links.locator("visible=true").count():
        header.get_by_role("button", name=re.compile("More")).click()
    links.locator("visible=true").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teaching")


def national_programme(world) -> TeachingYear:
    """This academic year's national programme, planned by the engine and published."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=30)
    spec_data = {
        "academic_year": {
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(days=363)).isoformat(),
        },
        "national": {"topics": ["Introduction to Health Inequalities", "Women's Health", "Street Drugs"]},
    }
    spec = parse_spec(spec_data)
    admin = world.user("national_admin")
    plan = timetable_save_plan(
        spec=spec, spec_data=spec_data, result=plan_national(spec), region=None, by=admin
    )
    sessions_publish_drafts(year=plan.year, region=None, by=admin)
    return plan.year


def session_under_way(year, **fields) -> TeachingSession:
    now = timezone.now()
    return TeachingSession.objects.create(
        year=year,
        kind="national",
        title="National session: Inclusion Health",
        topic="Inclusion Health",
        start=now - HOUR / 2,
        end=now + HOUR,
        status="published",
        published_at=now - 24 * HOUR,
        online_link="https://meet.heft.invalid/inclusion",
        **fields,
    )


def test_a_lead_plans_and_publishes(page, live_server, browser_world):
    world = browser_world
    national_programme(world)
    sign_in_as(page, live_server, world, "regional_lead")
    open_teaching(page)
    check_accessibility(page)
    page.get_by_role("link", name="Plan and publish the timetable").click()
    page.get_by_role("link", name="Plan the Region A sessions").click()
    expect(page.get_by_label("About every how many weeks")).to_have_value("8")
    check_accessibility(page)

    page.get_by_label("Dates to avoid (optional)").fill("not a date")
    page.get_by_role("button", name="Preview the plan").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Line 1: write a date like")
    check_accessibility(page)

    page.get_by_label("Dates to avoid (optional)").fill("")
    page.get_by_role("button", name="Preview the plan").click()
    expect(page.get_by_role("heading", name="The planned sessions")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Region A regional welcome")
    check_accessibility(page)
    page.get_by_role("button", name="Save as draft sessions").click()

    expect(page.locator("[role=status]")).to_contain_text("draft sessions")
    expect(page.get_by_role("heading", name=re.compile("^Region A"))).to_be_visible()
    check_accessibility(page)
    drafts = TeachingSession.objects.filter(region=world.region_a, status="draft").count()
    assert drafts >= 2
    page.get_by_role("button", name=re.compile(f"Publish {drafts} draft sessions")).click()
    expect(page.locator("[role=status]")).to_contain_text(f"Published {drafts} sessions")
    assert not TeachingSession.objects.filter(region=world.region_a, status="draft").exists()

    # Anyone can now read the region's timetable.
    page.goto(f"{live_server.url}/teaching/timetable/{world.region_a.code}/")
    expect(page.get_by_role("table")).to_contain_text("Region A regional welcome")
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    check_accessibility(page)
    assert_no_horizontal_scroll(page)


def test_a_trainee_subscribes_checks_in_and_reflects(page, live_server, browser_world):
    world = browser_world
    year = national_programme(world)
    session = session_under_way(year)
    sign_in_as(page, live_server, world, "trainee")
    open_teaching(page)
    check_accessibility(page)

    # Subscribe: the secret address is shown once, and serves the trainee's sessions.
    page.get_by_role("link", name="Subscribe to your teaching calendar").click()
    page.get_by_role("button", name="Make my calendar address").click()
    expect(page.get_by_role("heading", name="Your calendar address")).to_be_visible()
    address = page.get_by_label("Or copy the address into your calendar").input_value()
    assert re.match(rf"^{re.escape(live_server.url)}/teaching/calendar/trainee/[\w-]+\.ics$", address)
    check_accessibility(page)
    feed = page.request.get(address)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    uids = {e["uid"] for e in icalendar_events(feed.body())}
    assert session.ical_uid in uids and len(uids) == 4

    # Check in with the code during the session.
    open_teaching(page)
    page.get_by_role("link", name=re.compile("Check in now")).click()
    page.get_by_label("Session code").fill("WRONG9")
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("[role=status]")).to_contain_text("That code is not right")
    check_accessibility(page)
    page.get_by_label("Session code").fill(session.check_in_code.lower())
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("[role=status]")).to_contain_text("You are checked in")
    assert Attendance.objects.get(session=session, trainee=world.trainee_a).source == "check_in"

    # Reflect.
    page.get_by_role("link", name="Write a reflection").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reflect on")
    check_accessibility(page)
    page.get_by_role("button", name="Save reflection").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write your reflection")
    check_accessibility(page)
    page.get_by_label("Your reflection").fill("Ask every patient where they are sleeping tonight.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.locator("[role=status]")).to_contain_text("Saved")
    assert Reflection.objects.get(trainee=world.trainee_a).text.startswith("Ask every patient")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/teaching/")
    check_accessibility(page)
    assert_no_horizontal_scroll(page)


def test_an_educator_takes_a_register(page, live_server, browser_world):
    world = browser_world
    session = session_under_way(national_programme(world))
    sign_in_as(page, live_server, world, "educator")
    open_teaching(page)
    page.get_by_role("link", name=session.title).first.click()
    expect(page.locator("#check-in-code")).to_have_text(session.check_in_code)
    check_accessibility(page)
    page.get_by_role("link", name="Take the register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    check_accessibility(page)

    page.get_by_role("group", name=world.trainee_a.full_name).get_by_label("Attended").check()
    page.get_by_role("group", name=world.trainee_a2.full_name).get_by_label("Sent apologies").check()
    expect(page.get_by_role("group", name=world.trainee_b.full_name)).to_have_count(0)  # region B
    page.get_by_role("button", name="Save the register").click()
    expect(page.locator("[role=status]")).to_contain_text("Register saved: 2 changes")
    expect(page.get_by_role("group", name=world.trainee_a.full_name).get_by_label("Attended")).to_be_checked()
    statuses = dict(Attendance.objects.filter(session=session).values_list("trainee_id", "status"))
    assert statuses == {world.trainee_a.pk: "attended", world.trainee_a2.pk: "apologies"}
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    check_accessibility(page)
    assert_no_horizontal_scroll(page)


def test_a_lead_reads_attendance_with_its_chart(page, live_server, browser_world):
    world = browser_world
    session = session_under_way(national_programme(world))
    Attendance.objects.create(session=session, trainee=world.trainee_a, status="attended", source="register")
    sign_in_as(page, live_server, world, "regional_lead")
    page.goto(f"{live_server.url}/teaching/attendance/")
    chart = page.get_by_role("img", name=re.compile("Bar chart of attendance by session"))
    expect(chart).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", chart.element_handle()) > 0
    expect(page.get_by_role("table")).to_contain_text("100%")
    check_accessibility(page)
