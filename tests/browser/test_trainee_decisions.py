"""The decisions on a trainee's record in a real browser, with axe, the keyboard and the phone's width: a
trainee applies to train less than full time; the programme team keeps a HEFT place that time out puts at
risk, approves the application and records completion. (The access-matrix walk opens the record as a mentor,
who sees none of these forms.)

HEFT_SCREENSHOTS=/some/folder keeps a screenshot of each page at each width, to look at."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from heft.programmes.models import PostCategory
from heft.trainees import services
from tests import factories as f
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.wcag import check_page

pytestmark = pytest.mark.browser

D = datetime.date
SHOTS = os.environ.get("HEFT_SCREENSHOTS")


# Focus back to the top of the page, as if it had just loaded, for the keyboard check.
FOCUS_TOP = "() => { const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }"


def checked(page, name: str, *, errors: bool = False) -> list[str]:
    """Every check at both widths, and a screenshot of each if asked. A page that came back with errors is
    tabbed from its error summary, which takes focus; any other from the top."""
    problems = []
    if errors:
        page.wait_for_load_state()  # the NHS scripts, which focus the error summary, have run
        focused = page.evaluate("Boolean(document.activeElement.closest('.nhsuk-error-summary'))")
        problems += [] if focused else [f"{name}: the error summary does not take focus"]
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        if errors:
            page.locator(".nhsuk-error-summary").focus()
        else:
            page.evaluate(FOCUS_TOP)
        found = check_page(page, phone=width == "phone", from_top=not errors)
        problems += [f"{name} ({width}): {problem}" for problem in found]
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    return problems


def placements(world):
    """Trainee A now in a hospital post, then an inclusion health post (HEFT) from 5 February 2027."""
    membership = world.trainee_a.memberships.get()
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    for year, start, end, category in [
        ("ST1", D(2026, 8, 5), D(2027, 2, 4), hospital),
        ("ST1", D(2027, 2, 5), D(2027, 8, 4), f.CategoryFactory()),
    ]:
        post = f.PostFactory(category=category, scheme=world.scheme_a)
        f.PlacementFactory(
            membership=membership, post=post, start_date=start, end_date=end, training_year=year
        )
    return membership


def test_ltft_application_heft_place_and_completion(page, live_server, browser_world):
    world = browser_world
    membership = placements(world)
    problems = []

    sign_in(page, live_server, world.user("trainee"))
    page.goto(f"{live_server.url}/trainees/me/")
    page.get_by_text("Apply to change your working pattern").click()
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    problems += checked(page, "ltft-apply-errors", errors=True)
    page.get_by_label("Percentage of full time you want to work").fill("80")
    page.get_by_label("From").fill("2027-05-03")
    page.get_by_label("Category 1").check()
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_text("Short notice:", exact=False).first).to_be_visible()
    problems += checked(page, "ltft-applied-trainee")
    page.context.clear_cookies()

    lead = world.user("regional_lead")
    services.interruption_record(
        membership=membership, kind="OOPT", start_date=D(2027, 3, 1), end_date=D(2027, 4, 30), by=lead
    )
    sign_in(page, live_server, lead, totp_secret=world.totp_secrets["regional_lead"])
    page.goto(f"{live_server.url}/trainees/?show=heft_place_at_risk")
    expect(
        page.get_by_role("link", name=f"{world.trainee_a.surname}, {world.trainee_a.forenames}")
    ).to_be_visible()
    problems += checked(page, "list-at-risk")

    page.goto(f"{live_server.url}/trainees/{world.trainee_a.pk}/")
    expect(page.get_by_role("heading", name="Important: HEFT place at risk")).to_be_visible()
    problems += checked(page, "record-decisions")
    callout = page.locator(".nhsuk-warning-callout", has_text="HEFT place at risk")
    callout.get_by_label("Keep the HEFT place").check()
    callout.get_by_label("Reason").fill("Back before most of the post.")
    callout.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("HEFT place kept; the trainee is being emailed why.")).to_be_visible()

    decision = page.locator("form[action$='/decision/']")
    decision.get_by_label("Approve").check()
    decision.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("approved; the trainee is being emailed.")).to_be_visible()

    page.get_by_text("Record completion of training (CCT)").click()
    page.get_by_role("button", name="Record completion").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    problems += checked(page, "record-completion-errors", errors=True)
    assert not problems, "\n".join(problems)
