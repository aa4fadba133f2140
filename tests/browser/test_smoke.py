"""Smoke tests in a real browser: sign-in, navigation per role, accessibility (axe) and phone widths."""

import re

import pytest
from playwright.sync_api import expect

from heft.accounts.models import Role
from heft.accounts.permissions import ROLE_PERMISSIONS, STAFF_ROLES
from heft.home.navigation import NAVIGATION
from tests.browser.conftest import (
    PHONE,
    assert_no_horizontal_scroll,
    check_accessibility,
    enter_totp,
    sign_in,
    totp_code,
    wait_until,
)

pytestmark = pytest.mark.browser

ROLES = [r.value for r in Role]
HEADER_NAV_LINKS = "header nav.nhsuk-header__navigation a.nhsuk-header__navigation-link"


def expected_navigation(role: str) -> list[str]:
    permissions = ROLE_PERMISSIONS[role]
    return [item.label for item in NAVIGATION if item.shown_for(permissions)]


def header_navigation(page) -> dict[str, str]:
    """Label -> href of every header navigation link, including any the menu folds under "More"."""
    links = page.locator(HEADER_NAV_LINKS)
    return {
        " ".join(links.nth(i).text_content().split()): links.nth(i).get_attribute("href")
        for i in range(links.count())
    }


def sign_in_as(page, live_server, world, role: str):
    return sign_in(page, live_server, world.user(role), totp_secret=world.totp_secrets.get(role))


# Anonymous visitors


def test_home_page_for_anonymous_visitors(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.locator("header.nhsuk-header")).to_be_visible()
    expect(page.locator("header .nhsuk-header__logo, header svg[aria-label='NHS']").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health Equity Focussed Training")
    check_accessibility(page)

    # The skip link is the first thing a keyboard reaches, and it moves focus to the main content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    page.keyboard.press("Enter")
    wait_until(
        page,
        "() => document.activeElement && document.activeElement.id === 'maincontent'"
        " || location.hash === '#maincontent'",
    )
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "maincontent" or page.url.endswith("#maincontent")

    page.set_viewport_size(PHONE)
    page.reload()
    check_accessibility(page)
    assert_no_horizontal_scroll(page)


def test_sign_in_page_is_accessible(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to HEFT Hub")
    expect(page.get_by_label("Email")).to_be_visible()
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    page.reload()  # the header folds its menu for the new width on the next frame: load it at that width
    assert_no_horizontal_scroll(page)


def test_protected_page_sends_anonymous_visitors_to_sign_in(page, live_server):
    page.goto(live_server.url + "/practices/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/practices/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to HEFT Hub")


# Each role, signed in through the real forms


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_and_reaches_its_pages(page, live_server, browser_world, role):
    sign_in_as(page, live_server, browser_world, role)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_text("You are signed in as:")).to_contain_text(Role(role).label)

    navigation = header_navigation(page)
    assert list(navigation) == expected_navigation(role)
    # Sanity checks that do not depend on the tables above.
    if role == Role.TRAINEE:
        assert "My training" in navigation
        assert "Trainees" not in navigation
        assert "Admin" not in navigation
    if role == Role.NATIONAL_ADMIN:
        assert {"Admin", "Audit", "Trainees"} <= set(navigation)
    if role in STAFF_ROLES:
        assert "My training" not in navigation
    check_accessibility(page)

    for label, href in navigation.items():
        response = page.goto(live_server.url + href)
        assert response.ok, f"{label} ({href}) answered {response.status} for {role}"
        if label == "Admin":
            # Django's own admin: only check that it opens.
            expect(page.locator("#site-name")).to_contain_text("HEFT Hub administration")
            continue
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page)

    # At phone width: the home page and a list page, without sideways scrolling.
    page.set_viewport_size(PHONE)
    list_label = next(label for label in ("Trainees", "Practices", "Rotations") if label in navigation)
    for path in ("/", navigation[list_label]):
        page.goto(live_server.url + path)
        check_accessibility(page)
        assert_no_horizontal_scroll(page)


def test_wrong_authenticator_code_does_not_sign_staff_in(page, live_server, browser_world):
    user = browser_world.user("regional_lead")
    sign_in(page, live_server, user)  # email and password only
    right = totp_code(browser_world.totp_secrets["regional_lead"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    enter_totp(page, wrong)

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.locator(".nhsuk-error-message, .nhsuk-error-summary").first).to_be_visible()
    check_accessibility(page)
    page.goto(live_server.url + "/practices/")
    expect(page).not_to_have_url(re.compile(r"/practices/$"))


# A programme team changes a rotation's availability


def test_programme_team_changes_rotation_availability(page, live_server, browser_world):
    sign_in_as(page, live_server, browser_world, "regional_lead")
    rotation = browser_world.rotation_a
    page.goto(f"{live_server.url}/programmes/rotations/{rotation.code}/")
    form = page.locator("form[action$='/availability/']")
    expect(form).to_be_visible()
    check_accessibility(page)

    form.get_by_label("Availability").select_option(label="Withdrawn")
    form.get_by_role("button", name="Save availability").click()
    page.wait_for_load_state()
    summary_link = page.locator(".nhsuk-error-summary a[href='#id_reason']")
    expect(summary_link).to_have_text("Say why the availability is changing: trainees will see it.")
    expect(page.locator("#reason-error")).to_contain_text("Say why the availability is changing")
    check_accessibility(page)

    form.get_by_label("Availability").select_option(label="Withdrawn")
    form.get_by_label("Reason").fill("The practice has closed its list to new trainees.")
    form.get_by_role("button", name="Save availability").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Withdraw {rotation.name}?")  # it asks first
    check_accessibility(page)
    page.get_by_role("button", name=f"Withdraw {rotation.code}").click()
    expect(page).to_have_url(f"{live_server.url}/programmes/rotations/{rotation.code}/")
    expect(page.get_by_role("status")).to_contain_text(f"{rotation.code} is now")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Withdrawn")
    check_accessibility(page)


def test_detail_pages_are_accessible(page, live_server, browser_world):
    """The pages one level below the navigation, with their back links, for a national admin."""
    from django.urls import reverse

    world = browser_world
    sign_in_as(page, live_server, world, "national_admin")
    paths = [
        reverse("programmes:scheme_detail", args=[world.scheme_a.code]),
        reverse("programmes:rotation_detail", args=[world.rotation_a.code]),
        reverse("practices:practice_detail", args=[world.practice.ods_code]),
        reverse("trainees:trainee_detail", args=[world.trainee_a.pk]),
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.ok, f"{path} answered {response.status}"
        expect(page.get_by_role("navigation", name="Back").get_by_role("link")).to_be_visible()
        check_accessibility(page)


def test_availability_message_names_the_new_availability(page, live_server, browser_world):
    sign_in_as(page, live_server, browser_world, "scheme_admin")
    rotation = browser_world.rotation_a
    page.goto(f"{live_server.url}/programmes/rotations/{rotation.code}/")
    page.get_by_label("Availability").select_option(label="Withdrawn")
    page.get_by_label("Reason").fill("The practice has closed its list to new trainees.")
    page.get_by_role("button", name="Save availability").click()
    page.get_by_role("button", name=f"Withdraw {rotation.code}").click()
    expect(page.get_by_role("status")).to_have_text(f"{rotation.code} is now withdrawn.", timeout=2_000)
