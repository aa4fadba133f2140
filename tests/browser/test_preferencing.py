"""Preferencing in a real browser, with axe on every page: a trainee ranks (keyboard only for the moves,
with htmx and without JavaScript) and submits; a regional lead imports trainees, runs two mechanisms,
compares and publishes; the trainee accepts; a rotation is withdrawn and the reallocation published."""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from heft.preferencing import services
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList
from heft.trainees.models import ProgrammeMembership, Trainee
from tests import factories as f
from tests.browser.conftest import (
    NOT_LOCAL,
    PHONE,
    TIMEOUT_MS,
    assert_no_horizontal_scroll,
    check_accessibility,
    sign_in,
)
from tests.preferencing import conftest as preferencing_fixtures
from tests.preferencing.test_services import SOON, ranked_everyone

pytestmark = pytest.mark.browser
allocation = preferencing_fixtures.allocation  # scheme A's window, rotations and ranked trainees

SAMPLE = Path(settings.BASE_DIR) / "docs" / "samples" / "recruitment-export.csv"


@pytest.fixture
def page_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(NOT_LOCAL, lambda route: route.abort())
    yield context.new_page()
    context.close()


def sign_in_staff(page, live_server, world, role: str = "regional_lead"):
    # allauth takes only the current 30-second code (no tolerance): on a busy machine a code read in the
    # last seconds of its period can expire before the server checks it, so begin with time to spare.
    seconds_left = 30 - time.time() % 30
    if seconds_left < 8:
        time.sleep(seconds_left + 0.1)
    sign_in(page, live_server, world.user(role), totp_secret=world.totp_secrets[role])
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def follow_menu_link(page, live_server, label: str):
    """Open a header menu item. The NHS header folds items that do not fit under "More" (how many depends on
    when its script runs), so follow the link's address rather than click what may be folded away."""
    link = page.locator("header nav a.nhsuk-header__navigation-link", has_text=label).first
    page.goto(live_server.url + link.get_attribute("href"))


def reply_deadline() -> str:
    """A week ahead, as a datetime-local field takes it (UK time)."""
    return timezone.localtime(SOON).strftime("%Y-%m-%dT%H:%M")


def publish(page):
    """Publishing asks once more, with the numbers, before anything is sent."""
    page.get_by_role("button", name="Check before publishing").click()
    check_accessibility(page)
    page.get_by_role("button", name=re.compile(r"^Publish run \d+ and email the trainees$")).click()


def stored_list(window, trainee) -> list[str]:
    prefs = Preference.objects.filter(window=window, trainee=trainee).order_by("rank")
    return list(prefs.values_list("rotation__code", flat=True))


# --- a trainee ranks and submits ----------------------------------------------------------------------------


def open_ranking_page(page, live_server, allocation, check=check_accessibility):
    sign_in(page, live_server, allocation.trainees[0].user)
    follow_menu_link(page, live_server, "My rotations")
    expect(page.get_by_role("heading", level=1)).to_have_text("My rotations")
    check(page)
    page.get_by_role("link", name=re.compile(r"^Rank rotations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rank rotations")
    expect(page.get_by_text("We cannot guarantee the specific HEFT rotation")).to_be_visible()
    check(page)


def status(page):
    """The live region that announces each move: it stays in the page while the form is swapped."""
    return page.locator("#ranking-status[role='status'][aria-live='polite']")


def add(page, code: str, number: int):
    page.locator(f"#ranking button[value='add:{code}']").click()
    expect(status(page)).to_contain_text(f"{code} added at number {number}.")
    assert_focus_just_before_the_next_add(page)


def assert_focus_just_before_the_next_add(page):
    """After an Add, focus is on the Add before it, or on the heading of the Adds when it was the first: one
    Tab on is the next Add."""
    expect(page.locator("#add-a-rotation:focus, #ranking button[value^='add:']:focus")).to_have_count(1)


def move_up_with_keyboard(page, code: str, to: int):
    """From the page heading, Tab to the rotation's "Move up" and press Enter: no mouse."""
    page.get_by_role("heading", level=1).click()  # where sequential focus starts, as a reader's cursor
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == f"up:{code}":
            break
    else:
        pytest.fail(f'Tab never reached "Move up" for {code}')
    page.keyboard.press("Enter")
    expect(status(page)).to_contain_text(f"{code} moved to number {to}.")


def assert_focus_on_controls_of(page, code: str):
    focused_item = page.locator("#ranking li.heft-ranking__item:focus-within input[name='ranked']")
    expect(focused_item).to_have_value(code)


def ranked_on_page(page) -> list[str]:
    return page.locator("#ranking input[name='ranked']").evaluate_all("inputs => inputs.map(i => i.value)")


def set_number(page, code: str, number: int):
    page.locator(f"#position-{code}").fill(str(number))
    page.locator(f"#ranking button[value='rank:{code}']").click()
    expect(status(page)).to_contain_text(f"{code} moved to number {number}.")


def submit_list(page, count: int):
    page.get_by_role("button", name="Submit my list").click()
    expect(status(page)).to_have_text(
        f"Your list of {count} rotations was submitted. We have emailed you a receipt."
    )
    expect(page.locator("#ranking h2 .nhsuk-tag")).to_have_text("Submitted")
    expect(page.locator("#ranking-confirmation")).to_be_focused()  # not the top of the page


def test_trainee_ranks_with_the_keyboard_and_submits_without_a_page_reload(
    page, live_server, browser_world, allocation, mailoutbox
):
    open_ranking_page(page, live_server, allocation)
    page.evaluate("window.heftMarker = 'still here'")  # lost if any step reloads the whole page
    # Screen readers announce changes to a live region they already know: it must never be replaced.
    status(page).evaluate("region => { region.dataset.original = 'yes'; }")

    for number, code in enumerate(["R3", "R2", "ROT-A"], start=1):
        add(page, code, number)
    move_up_with_keyboard(page, "ROT-A", to=2)
    expect(status(page)).to_have_attribute("data-original", "yes")
    assert_focus_on_controls_of(page, "ROT-A")
    page.keyboard.press("Space")  # the focus stayed: the same key moves it again
    expect(status(page)).to_contain_text("ROT-A moved to number 1.")
    assert_focus_on_controls_of(page, "ROT-A")
    check_accessibility(page)

    set_number(page, "R3", 3)
    assert ranked_on_page(page) == ["ROT-A", "R2", "R3"]
    submit_list(page, 3)
    check_accessibility(page)

    assert page.evaluate("window.heftMarker") == "still here"
    trainee = allocation.trainees[0]
    assert stored_list(allocation.window, trainee) == ["ROT-A", "R2", "R3"]
    assert PreferenceList.objects.get(window=allocation.window, trainee=trainee).status == "submitted"
    receipt = next(m for m in mailoutbox if m.to == [trainee.email])
    assert receipt.body.index("ROT-A") < receipt.body.index("R2") < receipt.body.index("R3")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#ranking h2 .nhsuk-tag")).to_have_text("Submitted")
    check_accessibility(page)
    assert_no_horizontal_scroll(page)


def check_accessibility_as_served(page_without_javascript, checker):
    """axe-core needs JavaScript: run it in `checker` on exactly the HTML the JavaScript-free page got,
    served at the same address so the styles load."""
    url, html = page_without_javascript.url, page_without_javascript.content()

    def serve(route):
        route.fulfill(body=html, content_type="text/html")

    checker.route(lambda address: address == url, serve)
    checker.goto(url)
    check_accessibility(checker)
    checker.unroute_all()


def test_the_ranking_form_works_as_plain_posts_without_javascript(
    page_without_javascript, page, live_server, browser_world, allocation
):
    def check(served):
        check_accessibility_as_served(served, checker=page)

    no_js = page_without_javascript
    open_ranking_page(no_js, live_server, allocation, check)
    for number, code in enumerate(["R2", "R3"], start=1):
        with no_js.expect_request(lambda request: request.is_navigation_request()) as navigation:
            add(no_js, code, number)
        assert navigation.value.method == "POST"  # a whole page, as forms have always worked
    with no_js.expect_request(lambda request: request.is_navigation_request()) as navigation:
        move_up_with_keyboard(no_js, "R3", to=1)
    assert navigation.value.method == "POST"
    assert_focus_on_controls_of(no_js, "R3")
    check(no_js)
    set_number(no_js, "R3", 2)
    submit_list(no_js, 2)
    check(no_js)

    assert stored_list(allocation.window, allocation.trainees[0]) == ["R2", "R3"]


class Keys:
    """The keyboard, counting every key pressed."""

    def __init__(self, page):
        self.page, self.pressed = page, 0

    def press(self, key: str):
        self.pressed += 1
        self.page.keyboard.press(key)

    def type(self, text: str):
        for character in text:
            self.press(character)

    def until(self, key: str, selector: str, limit: int = 20):
        """Press `key` until the focused element matches `selector`, or fail."""
        for _ in range(limit):
            self.press(key)
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        pytest.fail(f"{key} never reached {selector}")


def test_four_rotations_are_ranked_and_one_moved_up_two_places_in_thirty_key_presses(
    page, live_server, browser_world, allocation
):
    for code in ("R4", "R5"):
        f.SlotFactory(rotation__scheme=allocation.window.scheme, rotation__code=code, rotation__capacity=1)
    sign_in(page, live_server, allocation.trainees[0].user)
    page.goto(f"{live_server.url}/preferences/windows/{allocation.window.pk}/rank/")
    offered = page.locator("#ranking button[value^='add:']").evaluate_all(
        "bs => bs.map(b => b.value.slice(4))"
    )
    keys = Keys(page)

    keys.press("Tab")  # the skip link
    keys.press("Enter")  # into the page's main content
    for number, code in enumerate(offered[:4], start=1):
        keys.until("Tab", f"#ranking button[value='add:{code}']")
        keys.press("Enter")
        expect(status(page)).to_contain_text(f"{code} added at number {number}.")
        assert_focus_just_before_the_next_add(page)
    moved = offered[3]
    keys.until("Shift+Tab", f"#ranking button[value='up:{moved}']")
    keys.press("Enter")
    expect(status(page)).to_contain_text(f"{moved} moved to number 3.")
    keys.press("Enter")  # focus stayed on its Move up
    expect(status(page)).to_contain_text(f"{moved} moved to number 2.")

    assert ranked_on_page(page) == [offered[0], moved, offered[1], offered[2]]
    assert keys.pressed <= 30, f"{keys.pressed} key presses"
    check_accessibility(page)

    # Enter in a number box sets that number.
    keys.until("Tab", f"#position-{offered[2]}", limit=40)
    keys.type("1")  # replaces the number: Tab selects a box's text
    keys.press("Enter")
    expect(status(page)).to_contain_text(f"{offered[2]} moved to number 1.")
    keys.until("Tab", "#ranking button[value='submit']", limit=40)
    keys.press("Enter")
    expect(page.locator("#ranking-confirmation")).to_be_focused()
    assert stored_list(allocation.window, allocation.trainees[0]) == [
        offered[2],
        offered[0],
        moved,
        offered[1],
    ]


# --- a programme team imports, runs, compares and publishes; the trainee accepts ------------------------


def test_a_lead_imports_the_recruitment_export(page, live_server, browser_world):
    world = browser_world
    for code in ("gloucestershire", "bristol"):  # the schemes the sample file names, in the lead's region
        f.SchemeFactory(code=code, name=code.title(), region=world.region_a)
    sign_in_staff(page, live_server, world)
    follow_menu_link(page, live_server, "Allocation")
    check_accessibility(page)
    page.get_by_role("link", name="Import trainees from the recruitment export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import trainees")
    check_accessibility(page)

    rows = len(SAMPLE.read_text(encoding="utf-8-sig").splitlines()) - 1
    page.get_by_label("Recruitment export (.csv or .xlsx)").set_input_files(SAMPLE)
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    expect(page.locator(".nhsuk-card[role='status']")).to_contain_text(f"{rows} rows read.")
    check_accessibility(page)
    imported = ProgrammeMembership.objects.filter(scheme__code__in=["gloucestershire", "bristol"])
    assert imported.count() == rows
    assert Trainee.objects.get(gmc_number="9050003").forenames == "Siân"

    page.get_by_label("Recruitment export (.csv or .xlsx)").set_input_files(SAMPLE)
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".nhsuk-card[role='status']")).to_contain_text("Nothing changed")
    assert imported.count() == rows


def run_mechanism(page, live_server, window, label: str) -> AllocationRun:
    page.goto(f"{live_server.url}/preferences/manage/windows/{window.pk}/")
    page.get_by_label(label).check()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("is ready to review")
    return AllocationRun.objects.latest("pk")


def test_a_lead_runs_two_mechanisms_compares_publishes_and_the_trainee_accepts(
    page, live_server, browser_world, allocation
):
    ranked_everyone(allocation)  # every trainee has submitted; the window has closed
    window = allocation.window
    sign_in_staff(page, live_server, browser_world)
    follow_menu_link(page, live_server, "Allocation")
    page.get_by_role("link", name=f"{window.scheme.name} {window.intake}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(window.scheme.name)
    check_accessibility(page)

    serial = run_mechanism(page, live_server, window, "By national recruitment rank")
    check_accessibility(page)  # the draft run's page
    maximal = run_mechanism(page, live_server, window, "Most first choices, then most second choices")
    assert (serial.mechanism, maximal.mechanism) == ("serial-dictatorship", "rank-maximal")

    page.get_by_role("link", name="The window").click()
    expect(page.get_by_label(f"Compare run {maximal.pk}")).to_be_visible()
    check_accessibility(page)  # now with the runs to tick
    page.get_by_label(f"Compare run {serial.pk}").check()
    page.get_by_label(f"Compare run {maximal.pk}").check()
    with page.expect_response(re.compile(r"/compare\.svg\?")) as chart:
        page.get_by_role("button", name="Compare the runs ticked").click()
    assert chart.value.ok
    assert chart.value.headers["content-type"] == "image/svg+xml"
    image = page.get_by_role("img", name=re.compile("Bar chart of how many trainees get each choice"))
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    table = page.get_by_role("table", name="The runs side by side")
    expect(table.get_by_role("rowheader")).to_have_text(
        [f"Run {serial.pk}: serial-dictatorship", f"Run {maximal.pk}: rank-maximal"]
    )
    check_accessibility(page)

    table.get_by_role("link", name=f"Run {serial.pk}: serial-dictatorship").click()
    page.get_by_label("Trainees reply by (UK time)").fill(reply_deadline())
    publish(page)
    expect(page.get_by_role("status")).to_contain_text("Published: the offers are out")
    check_accessibility(page)
    serial.refresh_from_db()
    assert serial.status == "published"
    assert serial.published_by == allocation.lead
    assert Offer.objects.filter(run=serial, status="offered").count() == 3

    # The first trainee (top national rank) got their first choice, R2, and accepts it.
    trainee = allocation.trainees[0]
    offer = Offer.objects.get(trainee=trainee)
    assert offer.rotation.code == "R2"
    page.context.clear_cookies()
    sign_in(page, live_server, trainee.user)
    follow_menu_link(page, live_server, "My rotations")
    check_accessibility(page)
    page.get_by_role("link", name=offer.rotation.name, exact=True).click()
    expect(page.get_by_role("heading", name="Why you received this offer")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Accept this rotation").check()
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text(f"You have accepted {offer.rotation.name}.")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Accepted")
    check_accessibility(page)
    offer.refresh_from_db()
    assert offer.status == "accepted"


# --- a rotation withdrawn after publication -------------------------------------------------------------


def test_a_withdrawn_rotation_is_reallocated_and_the_trainee_told_why(
    page, live_server, browser_world, allocation
):
    ranked_everyone(allocation)
    window, lead = allocation.window, allocation.lead
    published = services.run_create(window=window, mechanism="serial-dictatorship", by=lead)
    services.run_publish(run=published, respond_by=SOON, by=lead)
    trainee = allocation.trainees[0]
    first = Offer.objects.get(trainee=trainee)
    assert first.rotation.code == "R2"
    reason = "The R2 practice has closed its list to new trainees."

    sign_in_staff(page, live_server, browser_world)
    page.goto(f"{live_server.url}/programmes/rotations/R2/")
    form = page.locator("form[action$='/availability/']")
    form.get_by_label("Availability").select_option(label="Withdrawn")
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name="Save availability").click()
    # It asks first, with what withdrawing touches: who ranked it, the offer it holds, its public page.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Withdraw {first.rotation.name}?")
    expect(page.get_by_role("heading", name="4 trainees have ranked it")).to_be_visible()
    expect(page.get_by_role("heading", name="1 offer is held in it")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Withdraw R2").click()
    expect(page.get_by_role("status")).to_have_text("R2 is now withdrawn.")
    check_accessibility(page)

    page.goto(f"{live_server.url}/preferences/manage/windows/{window.pk}/")
    check_accessibility(page)  # after publication: places left, re-offers, reallocation, exports
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Work out the reallocation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Run \d+: reallocate$"))
    moved = page.locator(".nhsuk-summary-list__row", has_text="Moved from the allocation in force")
    expect(moved.locator(".nhsuk-summary-list__value")).to_have_text("1")
    expect(page.get_by_text(f"Reason given to trainees: {reason}")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Trainees reply by (UK time)").fill(reply_deadline())
    publish(page)
    expect(page.get_by_role("status")).to_contain_text("Published")
    check_accessibility(page)

    page.context.clear_cookies()
    sign_in(page, live_server, trainee.user)
    follow_menu_link(page, live_server, "My rotations")
    new = Offer.objects.get(trainee=trainee, status="offered")
    assert new.rotation.code == "ROT-A"
    assert new.pk != first.pk
    cards = page.locator(".nhsuk-card--clickable")
    expect(cards.filter(has_text=first.rotation.name)).to_contain_text("Withdrawn")
    expect(cards.filter(has_text=new.rotation.name)).to_contain_text("Offered – reply by")
    check_accessibility(page)

    page.get_by_role("link", name=first.rotation.name, exact=True).click()
    expect(page.locator(".nhsuk-inset-text")).to_have_text(reason)
    check_accessibility(page)
    page.get_by_role("navigation", name="Back").get_by_role("link").click()
    page.get_by_role("link", name=new.rotation.name, exact=True).click()
    expect(page.get_by_role("button", name="Send reply")).to_be_visible()
    check_accessibility(page)


# --- closing early asks first; a closed window reopens until a run is made ---------------------------------


def test_a_lead_closes_a_window_early_after_seeing_who_has_not_submitted_then_reopens_it(
    page, live_server, browser_world, allocation
):
    services.preferences_save(
        window_id=allocation.window.pk, trainee=allocation.trainees[0], rotation_codes=["R2"], submit=True,
        by=allocation.trainees[0].user,
    )  # fmt: skip
    window = allocation.window
    sign_in_staff(page, live_server, browser_world)
    page.goto(f"{live_server.url}/preferences/manage/windows/{window.pk}/")
    page.get_by_role("button", name="Close the window early").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close the window now?")
    expect(page.locator(".nhsuk-warning-callout__label")).to_contain_text(
        "3 of 4 trainees have not submitted"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Close the window now").click()
    expect(page.get_by_role("status")).to_contain_text("The window is closed.")
    window.refresh_from_db()
    assert window.has_closed()

    page.get_by_role("link", name="reopen the window with a new closing date").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reopen the window")
    check_accessibility(page)
    page.get_by_label("Closes again (UK time)").press("Enter")  # the proposed date; Enter reopens
    expect(page.get_by_role("status")).to_contain_text("The window is open again until")
    window.refresh_from_db()
    assert window.is_open()


def test_enter_in_the_date_checks_an_interruption_and_only_the_button_releases_the_place(
    page, live_server, browser_world, allocation
):
    trainee = allocation.trainees[0]
    sign_in_staff(page, live_server, browser_world)
    page.goto(f"{live_server.url}/preferences/manage/windows/{allocation.window.pk}/")
    page.get_by_role("link", name=f"Record an interruption for {trainee.full_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Record an interruption for {trainee.full_name}"
    )
    check_accessibility(page)
    page.get_by_label("Kind of time out").select_option(label="Parental leave")
    page.get_by_label("From").fill("2026-12-01")
    page.get_by_label("From").press("Enter")
    expect(
        page.get_by_role("heading", level=2, name=f"Release {trainee.full_name}'s HEFT place?")
    ).to_be_visible()
    check_accessibility(page)
    if folder := os.environ.get("HEFT_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/interruption-confirm.png", full_page=True)
    membership = trainee.memberships.get()
    assert membership.status == ProgrammeMembership.Status.ACTIVE  # Enter only asked

    page.get_by_role("button", name="Record and release HEFT place").click()
    expect(page.get_by_role("status")).to_contain_text(f"Interruption recorded for {trainee.full_name}")
    membership.refresh_from_db()
    assert membership.status == ProgrammeMembership.Status.INTERRUPTED


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_run_made_in_the_background_shows_its_progress_and_then_the_run(
    page, live_server, browser_world, allocation, database_tasks
):
    from tests.preferencing.test_background_runs import run_worker

    ranked_everyone(allocation)
    sign_in_staff(page, live_server, browser_world)
    page.goto(f"{live_server.url}/preferences/manage/windows/{allocation.window.pk}/")
    page.get_by_label("By national recruitment rank").check()
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Waiting for the background worker: 0% done.")
    expect(page.get_by_label("Progress")).to_have_attribute("value", "0")
    check_accessibility(page)

    run_worker()  # the worker makes the run; the page, polling, shows it without a reload
    page.evaluate("window.heftMarker = 'still here'")
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Draft run \d+ is ready to review\."))
    assert page.evaluate("window.heftMarker") == "still here"
    check_accessibility(page)
    page.get_by_role("button", name=re.compile(r"^Review run \d+$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Run \d+: serial-dictatorship$"))
