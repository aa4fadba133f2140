"""The rotation builder in a real browser: built with the keyboard, checked in place by htmx as the posts are
chosen, Enter in a field checking rather than saving, then saved."""

import pytest
from playwright.sync_api import expect

from heft.programmes.models import Rotation
from tests.browser.conftest import sign_in, wait_until
from tests.setup.test_rotations import TPD, new_url, posts, three_years

pytestmark = pytest.mark.browser
__all__ = ["posts"]  # the fixture, shared with the page tests

HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"


def test_a_rotation_is_built_in_a_browser_with_the_keyboard(page, live_server, browser_world, posts):
    world = browser_world
    sign_in(page, live_server, world.user(TPD), totp_secret=world.totp_secrets[TPD])
    page.goto(live_server.url + new_url())
    page.evaluate("window.heftMarker = 'still here'")
    page.get_by_label("Name").fill("Inclusion and Deep End")
    for i, (year, start, months, post) in enumerate(three_years(posts)[:3]):
        page.select_option(f"#id_slot-{i}-training_year", year)
        page.fill(f"#id_slot-{i}-start_month", str(start))
        page.fill(f"#id_slot-{i}-months", str(months))
        page.select_option(f"#id_slot-{i}-post", str(post.pk))
    page.keyboard.press("Tab")  # the last change is made: htmx checks it in place
    checks = page.locator("#rotation-checks")
    expect(checks).to_contain_text("Months 19–36 have no post.")
    expect(checks).to_contain_text("ST2, months 13–18:")
    assert wait_until(page, HTMX_IDLE)
    assert page.evaluate("window.heftMarker") == "still here"
    expect(page.locator("#rotation-checks-status")).to_contain_text("Checked. No problems to fix")

    page.locator("#id_slot-2-months").focus()
    page.keyboard.press("Enter")  # Enter in a field presses the first button: Check, which saves nothing
    page.wait_for_load_state()
    expect(page.locator("#rotation-checks")).to_contain_text("1 warning")
    assert not Rotation.objects.filter(intake="2027-08").exists()

    page.get_by_role("button", name="Save rotation").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Rotation SCHEME-A-2027-08-01 saved, with 1 warning")
    assert Rotation.objects.get(code="SCHEME-A-2027-08-01").slots.count() == 3
