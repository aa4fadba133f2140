"""The public programme site in a real browser: every page accessible (axe) at desktop and phone widths,
readable without JavaScript, and a regional lead writing, previewing and publishing news."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from heft.home.navigation import PUBLIC_NAVIGATION
from heft.programmes.models import PostCategory
from tests import factories as f
from tests.browser.conftest import (
    DESKTOP,
    NOT_LOCAL,
    PHONE,
    TIMEOUT_MS,
    assert_no_horizontal_scroll,
    check_accessibility,
    sign_in,
)
from tests.content.factories import NewsFactory, PageFactory, TestimonialFactory, days_from_today

pytestmark = pytest.mark.browser


@pytest.fixture
def site(browser_world):
    """Published content of every kind, and a scheme with a HEFT rotation through a Deep End practice."""
    world = browser_world
    school = world.region_a.schools.create(name="Fictional School")
    world.scheme_a.school = school
    world.scheme_a.save()
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind=PostCategory.Kind.GP)
    f.SlotFactory(
        rotation=world.rotation_a, order=50, training_year="ST3", start_offset_months=24, months=12,
        post__category=gp, post__practice=world.practice,
    )  # fmt: skip
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    f.SlotFactory(rotation__scheme=world.scheme_a, rotation__name="Plain rotation", post__category=hospital)
    body = "## What we offer\n\nSessions, [a timetable](/teaching/timetable/) and:\n\n- mentors\n- groups"
    return {
        "page": PageFactory(region=world.region_a, slug="region-a-offer", title="Region A offer", body=body),
        "contact": PageFactory(region=None, slug="contact", title="Contact", body="Email **us**."),
        "news": NewsFactory(region=world.region_a, slug="teaching-day", title="Teaching day", body=body),
        "testimonial": TestimonialFactory(
            region=world.region_a, attribution="Dr A. Example (fictional), ST2"
        ),
        "world": world,
    }


def public_paths(site) -> list[str]:
    world = site["world"]
    return [
        reverse("home"),
        reverse("content:what_is_heft"),
        reverse("content:region_list"),
        reverse("content:region_detail", args=[world.region_a.code]),
        reverse("content:scheme_detail", args=[world.region_a.code, world.scheme_a.code]),
        reverse("content:testimonial_list"),
        reverse("content:news_list"),
        reverse("content:news_detail", args=[site["news"].slug]),
        reverse("content:page_detail", args=[site["page"].slug]),
        reverse("content:contact"),
    ]


def test_every_public_page_is_accessible_at_desktop_and_phone_widths(page, live_server, site):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for path in public_paths(site):
            response = page.goto(live_server.url + path)
            assert response.ok, f"{path} answered {response.status}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert page.title().endswith("– HEFT Hub")
            check_accessibility(page)
            if size == PHONE:
                assert_no_horizontal_scroll(page)


def test_visitors_find_the_public_sections_from_the_header(page, live_server, site):
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Menu")
    for item in PUBLIC_NAVIGATION:
        expect(menu.get_by_role("link", name=item.label, exact=True)).to_have_count(1)
    menu.get_by_role("link", name="Regions and schemes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regions and schemes")
    page.get_by_role("link", name=site["world"].region_a.name).click()
    page.get_by_role("link", name=site["world"].scheme_a.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{site['world'].scheme_a.name} rotations")
    heft_section = page.get_by_role("list", name=f"Posts in {site['world'].rotation_a.name}")
    expect(heft_section).to_contain_text("(innovative post)")
    expect(heft_section).to_contain_text("IMD decile 1 of 10 (most deprived) · Deep End")


def test_the_public_site_reads_without_javascript(browser, live_server, site):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(
        NOT_LOCAL, lambda route: route.abort()
    )  # as the `context` fixture: no waiting on the network
    try:
        page = context.new_page()
        for path in public_paths(site):
            response = page.goto(live_server.url + path)
            assert response.ok, path
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            expect(page.get_by_role("link", name="Contact", exact=True).first).to_be_visible()
    finally:
        context.close()


def test_a_regional_lead_writes_previews_and_publishes_news(page, live_server, site):
    world = site["world"]
    sign_in(page, live_server, world.user("regional_lead"), totp_secret=world.totp_secrets["regional_lead"])
    # The header folds what does not fit under "More": follow the item's address, wherever it is.
    page.goto(
        live_server.url + page.locator("header nav a", has_text="Site content").first.get_attribute("href")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Public site content")
    check_accessibility(page)

    page.get_by_role("button", name="Add a news item").click()
    page.get_by_label("Title").fill("Regional teaching day")
    page.get_by_label("Summary").fill("A day of regional teaching for HEFT trainees.")
    page.get_by_label("Body").fill("Join us.\n\n[Bad link](javascript:alert(1)) <script>alert(2)</script>")
    today = days_from_today(0).strftime("%d/%m/%Y")
    page.get_by_label("Publish date").fill(today)
    page.get_by_label("Show from").fill(today)
    page.get_by_label("Show until").fill(days_from_today(10).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview: as the public will see it")
    expect(preview).to_contain_text("Join us.")
    expect(preview.locator("a:not([href])", has_text="Bad link")).to_have_count(1)  # no address left
    expect(preview.locator("script")).to_have_count(0)
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("It is a draft")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Draft")
    check_accessibility(page)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("published")
    expect(page.get_by_role("table")).to_contain_text("Published")
    check_accessibility(page)
    page.get_by_role("link", name="see it on the public site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional teaching day")


def test_bad_input_shows_an_accessible_error_summary(page, live_server, site):
    world = site["world"]
    sign_in(page, live_server, world.user("national_admin"), totp_secret=world.totp_secrets["national_admin"])
    page.goto(live_server.url + reverse("content:testimonial_create"))
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter the words of the testimonial")
    expect(summary).to_contain_text("Say who said it")
    check_accessibility(page)
    summary.get_by_role("link", name="Enter the words of the testimonial").click()
    expect(page.get_by_label("Quote")).to_be_focused()
