"""Teaching in a real browser, with axe on each page: a lead plans and publishes; a trainee subscribes,
checks in and reflects; an educator takes a register, a big one too (all present, search, a meeting's
report); a lead sends release notices to everyone's supervisors, plans the rest of a year under way and
gives many sessions one joining link.

HEFT_SCREENSHOTS=<folder> saves a screenshot of each page these tests check, for a person to look at."""

import codecs
import datetime
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from heft.engines.timetable import parse_spec, plan_national
from heft.teaching.models import Attendance, Reflection, ReleaseNotice, TeachingSession, TeachingYear
from heft.teaching.services import sessions_publish_drafts, timetable_save_plan
from tests import factories as f
from tests.browser.conftest import (
    PHONE,
    assert_no_horizontal_scroll,
    check_accessibility,
    sign_in,
    wait_until,
)
from tests.engines.timetable.calendars import icalendar_events

pytestmark = pytest.mark.browser
HOUR = datetime.timedelta(hours=1)
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "teams-attendance-report.csv"
HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"


def look(page, name: str):
    """Check the page with axe and, when HEFT_SCREENSHOTS names a folder, keep a screenshot of it."""
    page.wait_for_load_state()  # a link just followed: the next page, not the last
    check_accessibility(page)
    folder = os.environ.get("HEFT_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def at_both_widths(page, name: str):
    look(page, name)
    page.set_viewport_size(PHONE)
    look(page, name)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})


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
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    uids = {e["uid"] for e in icalendar_events(feed.body())}
    assert session.ical_uid in uids
    assert len(uids) == 4

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


# --- big registers ----------------------------------------------------------------------------------------


def register_of(world, count: int) -> list:
    """Region A trainees: the sample report's four (one more who joined from another address) and others."""
    named = [
        ("Priya", "Example", "priya.example@example.org"),
        ("Tom", "Sample", "tom.sample@example.org"),
        ("Grace", "Placeholder", "grace.placeholder@example.org"),
        ("Olu", "Invented", "olu.invented@example.org"),
        ("Zoë", "Fictional", "zoe.fictional@example.org"),
    ]
    trainees = [
        f.MembershipFactory(
            scheme=world.scheme_a, trainee__forenames=a, trainee__surname=b, trainee__email=c
        ).trainee
        for a, b, c in named
    ]
    return trainees + [f.MembershipFactory(scheme=world.scheme_a).trainee for _ in range(count - len(named))]


def test_an_educator_runs_a_big_register(page, live_server, browser_world, tmp_path):
    world = browser_world
    session = session_under_way(national_programme(world))
    olu = register_of(world, 20)[3]  # with trainees A and A2: 22 on the register
    sign_in_as(page, live_server, world, "educator")
    page.goto(live_server.url + reverse("teaching:register", kwargs={"pk": session.pk}))
    look(page, "register")

    page.get_by_role("button", name="Mark all 22 unmarked trainees present").click()
    expect(page.locator("[role=status]").first).to_contain_text("Marked 22 trainees present")
    assert Attendance.objects.filter(session=session, status="attended").count() == 22

    # Search (htmx swaps the rows in place), mark Tom absent, clear the search: the mark is still there.
    page.evaluate("window.heftMarker = 'still here'")
    page.get_by_label("Search by name or email").fill("tom sam")
    expect(page.locator("#register-count")).to_have_text("Showing 1 of 22 trainees.")
    assert wait_until(page, HTMX_IDLE)
    page.get_by_role("group", name="Tom Sample").get_by_label("Absent").check()
    page.get_by_label("Search by name or email").fill("")
    expect(page.locator("#register-count")).to_contain_text("Showing all 22 trainees")
    assert wait_until(page, HTMX_IDLE)
    expect(page.get_by_role("group", name=re.compile("Tom Sample")).get_by_label("Absent")).to_be_checked()
    assert page.evaluate("window.heftMarker") == "still here", "the search reloaded the page"
    page.get_by_label("Search by name or email").fill("grace")
    expect(page.locator("#register-count")).to_have_text("Showing 1 of 22 trainees: 1 change not saved yet.")
    look(page, "register-searched")
    page.get_by_role("button", name="Save the register").click()
    expect(page.locator("[role=status]").first).to_contain_text("Register saved: 1 change")
    assert Attendance.objects.get(session=session, trainee__surname="Sample").status == "absent"

    # The meeting's report, as Teams writes it.
    page.get_by_role("link", name="Import the online meeting's attendance report").click()
    look(page, "register-import")
    report = tmp_path / "meetingAttendanceReport.csv"
    report.write_bytes(codecs.BOM_UTF16_LE + SAMPLE.read_text(encoding="utf-8").encode("utf-16-le"))
    page.get_by_label("Attendance report (.csv)").set_input_files(report)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Check before recording")).to_be_visible()
    expect(page.get_by_label("Who is Olu Invented?")).to_have_value(str(olu.pk))  # suggested by name
    at_both_widths(page, "register-import-preview")
    page.get_by_label("Select all 4").uncheck()  # the select-all box, shown by its script
    expect(page.get_by_role("checkbox", name="Priya Example")).not_to_be_checked()
    page.get_by_label("Select all 4").check()
    page.get_by_role("checkbox", name="Grace Placeholder").uncheck()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.locator("[role=status]").first).to_contain_text(
        "Attendance from the meeting's report recorded"
    )
    assert Attendance.objects.get(session=session, trainee__surname="Sample").status == "attended"
    assert Attendance.objects.get(session=session, trainee__surname="Sample").source == "meeting"


# --- release notices, re-planning and joining links -------------------------------------------------------


def test_a_lead_sends_release_notices_to_everyones_supervisors(page, live_server, browser_world):
    world = browser_world
    year = national_programme(world)
    today = timezone.localdate()
    for trainee, name in ((world.trainee_a, "Dr Cleo Clinical"), (world.trainee_a2, "Dr Tia Typed")):
        f.PlacementFactory(
            membership=trainee.memberships.get(),
            start_date=today - 20 * datetime.timedelta(days=1),
            end_date=today + 300 * datetime.timedelta(days=1),
            clinical_supervisor_name=name,
            clinical_supervisor_email=name.lower().replace("dr ", "").replace(" ", ".") + "@example.org",
        )
    sign_in_as(page, live_server, world, "regional_lead")
    open_teaching(page)
    page.get_by_role("link", name=f"Release notices to placement supervisors, {year.label}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Release notices for placement supervisors")
    at_both_widths(page, "release-notices")

    page.get_by_role(
        "link", name=re.compile(f"Correct the supervisor for {world.trainee_a2.full_name}")
    ).click()
    look(page, "release-supervisor")
    page.get_by_label("Supervisor's name").fill("Dr Nia New")
    page.get_by_label("Supervisor's email address").fill("nia.new@example.org")
    page.get_by_role("button", name="Save the supervisor").click()
    expect(page.locator("[role=status]").first).to_contain_text("now go to nia.new@example.org")

    select_all = page.get_by_label("Select all 2")
    expect(select_all).to_be_checked()  # both need a notice: both ticked
    select_all.uncheck()
    page.get_by_role("button", name="Review and send").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose at least one trainee")
    look(page, "release-notices-error")
    page.get_by_label("Select all 2").check()
    page.get_by_role("button", name="Review and send").click()
    expect(page.get_by_role("heading", name=re.compile("Send 2 release notices"))).to_be_visible()
    at_both_widths(page, "release-notices-review")
    page.get_by_role("button", name="Send 2 release notices").click()
    expect(page.locator("#batch-status [role=status]")).to_contain_text("Finished: 2 of 2 sent.")
    at_both_widths(page, "release-batch")
    assert sorted(m.to[0] for m in mail.outbox) == ["cleo.clinical@example.org", "nia.new@example.org"]
    assert set(ReleaseNotice.objects.values_list("status", flat=True)) == {"sent"}


def test_a_lead_replans_the_rest_of_the_year_and_gives_it_one_link(page, live_server, browser_world):
    world = browser_world
    national_programme(world)
    sign_in_as(page, live_server, world, "regional_lead")
    page.goto(live_server.url + reverse("teaching:plan_region", kwargs={"region_code": world.region_a.code}))
    page.get_by_role("button", name="Preview the plan").click()
    page.get_by_role("button", name="Save as draft sessions").click()
    first = TeachingSession.objects.filter(region=world.region_a).order_by("start").first()
    first.status, first.published_at = "published", timezone.now()
    first.save()

    page.goto(live_server.url + reverse("teaching:plan_region", kwargs={"region_code": world.region_a.code}))
    page.get_by_role("button", name="Preview the plan").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Published: stays")
    expect(table).to_contain_text("National: stays")
    expect(table).to_contain_text("New draft")
    expect(page.get_by_text("of the region's sessions are published or past")).to_be_visible()
    at_both_widths(page, "plan-region-replan")
    page.get_by_role("button", name="Save as draft sessions").click()
    expect(page.locator("[role=status]").first).to_contain_text("draft sessions")
    first.refresh_from_db()
    assert first.status == "published"

    page.get_by_role("link", name=re.compile("Set the joining link of several sessions")).click()
    look(page, "online-links")
    link = "https://meet.heft.invalid/region-a"
    page.get_by_label("Online joining link").fill(link)
    page.get_by_label(re.compile("^Select all")).check()
    page.get_by_role("button", name="Continue").click()
    count = TeachingSession.objects.filter(region=world.region_a, end__gte=timezone.now()).count()
    expect(page.get_by_role("button", name=f"Set the link for {count} sessions")).to_be_visible()
    at_both_widths(page, "online-links-review")
    page.get_by_role("button", name=f"Set the link for {count} sessions").click()
    expect(page.locator("[role=status]").first).to_contain_text(f"Joining link set for {count} sessions")
    assert set(
        TeachingSession.objects.filter(region=world.region_a, end__gte=timezone.now()).values_list(
            "online_link", flat=True
        )
    ) == {link}


def test_join_online_is_a_link(page, live_server, browser_world):
    world = browser_world
    session = session_under_way(national_programme(world))
    sign_in_as(page, live_server, world, "trainee")
    page.goto(live_server.url + reverse("teaching:session_detail", kwargs={"pk": session.pk}))
    link = page.get_by_role("link", name="https://meet.heft.invalid/inclusion")
    expect(link).to_have_attribute("href", "https://meet.heft.invalid/inclusion")
    expect(page.get_by_text("<a href")).to_have_count(0)
    at_both_widths(page, "session-detail")
