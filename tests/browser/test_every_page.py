"""Every page of HEFT Hub meets WCAG 2.2 AA in a real browser, at phone (375 px) and desktop (1280 px) widths.

The pages come from the access matrix (tests/security/access_matrix.py and each app's matrix_<app>.py), so
a new route is covered as soon as it has its entry: every GET route that answers some role 200 with an HTML
page is opened as the least privileged role that may see it (anonymous for the public site). On each:
axe-core with the WCAG 2.0/2.1/2.2 A and AA rules; target size (2.5.8) from bounding boxes; no sideways
scrolling at 375 px; and the keyboard: focus visible, in order and not obscured at every stop, every
control reachable (at 375 px, the first 15 stops), and the skip link (tests/browser/wcag.py). Forms that
refuse an empty submission are submitted empty, and the page with its error messages is checked the same way.

One test per role, with its pages in one signed-in browser context: a failure lists every problem on every
page at once. Then journeys done with the keyboard alone: ranking rotations (the ranking updated in place by
htmx, checked at both widths), accepting an offer, taking a register and checking in.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from heft.preferencing.models import Offer, Preference
from heft.teaching.models import Attendance, TeachingSession
from tests.browser.conftest import DESKTOP, PHONE, WCAG_TAGS, axe_violations, sign_in, wait_until
from tests.browser.wcag import check_keyboard, check_page, check_target_size, horizontal_scroll
from tests.preferencing import conftest as preferencing_fixtures
from tests.security import conftest as security_fixtures
from tests.security import matrix_preferencing, matrix_teaching
from tests.security.access_matrix import MATRIX
from tests.security.matrix_rules import ANON, EDUCATOR, MENTOR, NATIONAL, REGIONAL, TPD, TRAINEE, Route

pytestmark = pytest.mark.browser
kwarg_values = security_fixtures.kwarg_values  # the records the matrix's URLs name
allocation = preferencing_fixtures.allocation  # scheme A's open window, rotations and ranked trainees

LEAST_PRIVILEGED_FIRST = [ANON, TRAINEE, MENTOR, EDUCATOR, TPD, REGIONAL, NATIONAL]
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
ERROR_SHOWN = ".nhsuk-error-summary, .nhsuk-error-message"
ERROR_WAIT_MS = 10_000


def least_privileged_role(entry: Route) -> str | None:
    return next((role for role in LEAST_PRIVILEGED_FIRST if entry.get[role] == 200), None)


def routes_seen_first_by(role: str) -> list[str]:
    return [name for name, entry in MATRIX.items() if least_privileged_role(entry) == role]


@dataclass(frozen=True)
class PageVisit:
    name: str
    url: str


# Pages drawn by a third-party widget, left out of the walk (docs/accessibility.md says what they fail).
# None at present: the API reference (`api:openapi-view`) is a page of our own, walked like the rest.
NOT_WALKED: set[str] = set()


def html_pages(page, live_server, role: str, values: dict) -> tuple[list[PageVisit], list[str]]:
    """The role's routes that answer with an HTML page (feeds, charts, exports and the API do not)."""
    pages, problems = [], []
    for name in routes_seen_first_by(role):
        if name in NOT_WALKED:
            continue
        url = reverse(name, kwargs={k: values[v] for k, v in MATRIX[name].kwargs.items()})
        response = page.request.get(live_server.url + url, max_redirects=0)
        if response.status != 200:
            problems.append(
                f"{name} {url}: the matrix says 200 for {role}, the browser got {response.status}"
            )
        elif response.headers.get("content-type", "").startswith("text/html"):
            pages.append(PageVisit(name, url))
    return pages, problems


def sign_in_as(page, live_server, world, role: str):
    if role != ANON:
        sign_in(page, live_server, world.user(role), totp_secret=world.totp_secrets.get(role))
        expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa)/"))


# --- forms submitted empty ----------------------------------------------------------------------------------

# The visible forms posting something a person fills in: text to type, a file, or a choice not yet made.
# Forms of buttons alone (publish, close, remove) are actions, not forms to leave empty.
_POST_FORMS = """
() => [...document.querySelectorAll('main form')].map((form) => {
  const shown = (el) => el.checkVisibility({visibilityProperty: true});
  const typed = [...form.querySelectorAll('textarea, input:not([type=hidden]):not([type=radio])' +
    ':not([type=checkbox]):not([type=submit]):not([type=button])')].filter(shown);
  const unchosen = [...form.querySelectorAll('input[type=radio]')].filter(shown)
    .some((radio) => !form.querySelector(`input[type=radio][name="${radio.name}"]:checked`));
  const fillable = typed.length > 0 || unchosen;
  const wanted = form.method === 'post' && shown(form) && fillable;
  return wanted ? new URL(form.action, location.href).pathname : null;
})
"""

_EMPTY_AND_MARK = """
(index) => {
  const form = document.querySelectorAll('main form')[index];
  form.noValidate = true;  // the server's messages are what is being checked, not the browser's
  const typed = 'textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox])' +
    ':not([type=submit])';
  for (const field of form.querySelectorAll(typed)) field.value = '';
  const button = form.querySelector('button:not([type=button]):not([type=reset]), input[type=submit]');
  if (button) button.setAttribute('data-heft-submit', '');
  return Boolean(button);
}
"""


def refusing_forms(page, role: str, name: str) -> list[int]:
    """The forms in <main> whose route refuses an empty submission from this role (400 in the matrix; 200
    for django-allauth's own pages, which show their errors with 200), one per address."""
    chosen, seen = [], set()
    for index, path in enumerate(page.evaluate(_POST_FORMS)):
        if path is None or path in seen:
            continue
        try:
            target = resolve(path).view_name
        except Resolver404:
            continue
        entry = MATRIX.get(target)
        allauth_page = target == name and target.startswith(("account_", "mfa_"))
        if entry and (entry.post[role] == 400 or (allauth_page and entry.post[role] == 200)):
            chosen.append(index)
            seen.add(path)
    return chosen


def check_empty_submissions(page, live_server, visit: PageVisit, role: str, *, phone: bool) -> list[str]:
    problems = []
    for number, index in enumerate(refusing_forms(page, role, visit.name)):
        if number:
            page.goto(live_server.url + visit.url)
        if not page.evaluate(_EMPTY_AND_MARK, index):
            problems.append(f"form {index + 1} has no submit button")
            continue
        page.locator("[data-heft-submit]").click()
        try:
            page.locator(ERROR_SHOWN).first.wait_for(state="visible", timeout=ERROR_WAIT_MS)
            page.wait_for_load_state()  # the NHS scripts (which focus the error summary) have run
        except PlaywrightError:
            problems.append(f"form {index + 1} submitted empty shows no error message (now at {page.url})")
            continue
        summary_focused = page.evaluate("Boolean(document.activeElement.closest('.nhsuk-error-summary'))")
        if page.locator(".nhsuk-error-summary").count() and not summary_focused:
            problems.append(f"form {index + 1} submitted empty: the error summary does not take focus")
        found = check_page(page, phone=phone, from_top=False)
        problems += [f"form {index + 1} submitted empty: {problem}" for problem in found]
    return problems


def visit_and_check(page, live_server, visit: PageVisit, role: str, *, phone: bool) -> list[str]:
    """The page as served, then its forms submitted empty. A page the checks cannot finish on is reported
    and the run goes on to the next page."""
    try:
        page.goto(live_server.url + visit.url)
        found = check_page(page, phone=phone)
        return found + check_empty_submissions(page, live_server, visit, role, phone=phone)
    except PlaywrightError as error:
        return [f"the checks could not finish: {str(error).splitlines()[0]}"]


# --- every page, per role -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", LEAST_PRIVILEGED_FIRST)
def test_every_page_meets_wcag_22_aa(page, live_server, browser_world, kwarg_values, role):
    sign_in_as(page, live_server, browser_world, role)
    pages, problems = html_pages(page, live_server, role, kwarg_values)
    assert pages, f"no HTML page is seen first by {role}: the matrix or this test has changed"
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        for visit in pages:
            found = visit_and_check(page, live_server, visit, role, phone=width == "phone")
            problems += [f"[{width}] {visit.name} {visit.url}: {problem}" for problem in found]
    assert not problems, f"{len(problems)} problem(s) for {role}:\n" + "\n".join(problems)


# --- the checks themselves find what they look for ----------------------------------------------------------

FLAWED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Flawed</title><style>
  header { position: fixed; top: 0; left: 0; right: 0; height: 100px; background: #005eb8; z-index: 2; }
  #under { position: absolute; top: 40px; left: 200px; z-index: 1; }
  button:focus { outline: none; }
  .tiny { display: inline-block; width: 10px; height: 10px; margin: 0; }
  .wide { width: 600px; }
</style></head><body>
  <header><a class="nhsuk-skip-link" href="#main">Skip to main content</a></header>
  <a id="under" href="/under">Under the header</a>
  <main id="main" style="padding-top: 120px">
    <button type="button">No focus style</button>
    <a class="tiny" href="/one"></a><a class="tiny" href="/two"></a>
    <a href="/first" tabindex="1">Jumps the queue</a>
    <div class="wide">Wider than a phone</div>
  </main>
</body></html>"""


def test_the_checks_find_each_kind_of_failure(page):
    page.set_viewport_size(PHONE)
    page.set_content(FLAWED_PAGE)
    assert horizontal_scroll(page)
    violations = "\n".join(axe_violations(page, tags=WCAG_TAGS))
    assert "- link-name (serious)" in violations
    assert "- target-size (serious)" in violations
    assert [p for p in check_target_size(page) if "10x10 px and too close to" in p]
    problems = "\n".join(check_keyboard(page))
    assert 'the first Tab reaches <a> "Jumps the queue", not the skip link' in problems
    assert '<button> "No focus style" shows no focus indicator' in problems
    assert '<a#under> "Under the header" is hidden behind other content when focused' in problems
    assert "comes before it on the page" in problems  # the positive tabindex


# --- journeys with the keyboard alone -----------------------------------------------------------------------


FOCUS_IN_RANKING = "() => Boolean(document.querySelector('#ranking')?.contains(document.activeElement))"
# htmx has finished: no request in flight, and the swapped content settled (only then has the new form
# its htmx handler; layout.jinja makes that immediate).
HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"


def press_enter_in_place(page, step: str):
    """Enter on a button that htmx handles: wait until htmx has settled, and prove the page never reloaded."""
    page.keyboard.press("Enter")
    assert wait_until(page, HTMX_IDLE), f"htmx never settled after: {step}"
    assert page.evaluate("window.heftMarker") == "still here", f"the page reloaded at: {step}"


def tab_to(page, selector: str, *, limit: int = 80):
    """Press Tab until the focused element matches `selector`, as someone without a mouse would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => Boolean(document.activeElement?.matches(s))", selector):
            return
    pytest.fail(f"{limit} presses of Tab never reached {selector} on {page.url}")


def shift_tab_to(page, selector: str, *, limit: int = 20):
    """Press Shift+Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("(s) => Boolean(document.activeElement?.matches(s))", selector):
            return
    pytest.fail(f"{limit} presses of Shift+Tab never reached {selector} on {page.url}")


def arrow_to(page, value: str, *, limit: int = 5):
    """In a radio group, move with the arrow keys to the option with `value` (arrows also select it)."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"the arrow keys never reached the option {value} on {page.url}")


def press_enter_and_load(page):
    """Enter on a link or a form's button: wait for the next page before pressing anything else."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def ranking_status(page):
    return page.locator("#ranking-status[role='status']")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_trainee_ranks_rotations_with_the_keyboard_alone(
    page, live_server, browser_world, allocation, width
):
    page.set_viewport_size(WIDTHS[width])
    trainee = allocation.trainees[0]
    sign_in(page, live_server, trainee.user)
    page.goto(live_server.url + reverse("preferencing:my_rotations"))
    tab_to(page, "a[href$='/rank/']")
    press_enter_and_load(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rank rotations")
    page.evaluate("window.heftMarker = 'still here'")  # gone if any step reloads the page

    for number, code in enumerate(["R3", "ROT-A"], start=1):
        tab_to(page, f"button[value='add:{code}']")
        press_enter_in_place(page, f"add {code}")
        expect(ranking_status(page)).to_contain_text(f"{code} added at number {number}.")
        # The page then puts focus just before the next Add (the Add before, or the Adds' heading).
        assert wait_until(page, FOCUS_IN_RANKING), "focus left the ranking after an Add"
    shift_tab_to(page, "#ranking button[value='up:ROT-A']")
    press_enter_in_place(page, "move ROT-A up")
    expect(ranking_status(page)).to_contain_text("ROT-A moved to number 1.")

    # The ranking as htmx left it.
    problems = axe_violations(page, tags=WCAG_TAGS) + check_target_size(page)
    problems += horizontal_scroll(page) if width == "phone" else []
    assert not problems, "\n".join(problems)

    tab_to(page, "#ranking button[value='submit']")
    press_enter_in_place(page, "submit")
    expect(page.locator("#ranking h2 .nhsuk-tag")).to_have_text("Submitted")
    ranked = Preference.objects.filter(window=allocation.window, trainee=trainee).order_by("rank")
    assert list(ranked.values_list("rotation__code", flat=True)) == ["ROT-A", "R3"]
    problems = axe_violations(page, tags=WCAG_TAGS)
    if width == "desktop":
        page.locator("a.nhsuk-skip-link").focus()  # Tab through the updated page from its first control
        problems += check_keyboard(page, from_top=False)
    assert not problems, "\n".join(problems)


def test_a_trainee_accepts_an_offer_with_the_keyboard_alone(page, live_server, browser_world):
    offer = Offer.objects.get(pk=matrix_preferencing.kwargs(browser_world)["offer_pk"])
    sign_in(page, live_server, browser_world.user(TRAINEE))
    page.goto(live_server.url + reverse("preferencing:my_rotations"))
    tab_to(page, f"a[href$='{reverse('preferencing:offer_detail', args=[offer.pk])}']")
    press_enter_and_load(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your offer")

    tab_to(page, "input[name='decision']")
    arrow_to(page, "accept")
    page.keyboard.press("Space")
    expect(page.get_by_label("Accept this rotation")).to_be_checked()
    tab_to(page, "form[action$='/respond/'] button[type='submit']")
    press_enter_and_load(page)
    expect(page.get_by_role("status")).to_contain_text(f"You have accepted {offer.rotation.name}.")
    offer.refresh_from_db()
    assert offer.status == "accepted"


def test_an_educator_takes_a_register_with_the_keyboard_alone(page, live_server, browser_world):
    world = browser_world
    session = TeachingSession.objects.get(pk=matrix_teaching.kwargs(world)["teaching_session_pk"])
    sign_in_as(page, live_server, world, EDUCATOR)
    page.goto(live_server.url + reverse("teaching:session_detail", kwargs={"pk": session.pk}))
    tab_to(page, "a[href$='/register/']")
    press_enter_and_load(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register")

    for trainee, status in ((world.trainee_a, "attended"), (world.trainee_a2, "apologies")):
        group = page.get_by_role("group", name=trainee.full_name)
        name = group.locator("input[type='radio']").first.get_attribute("name")
        tab_to(page, f"input[name='{name}']")
        arrow_to(page, status)
        page.keyboard.press("Space")
    tab_to(page, "main form button[type='submit']")
    press_enter_and_load(page)
    expect(page.get_by_role("status")).to_contain_text("Register saved: 2 changes")
    recorded = dict(Attendance.objects.filter(session=session).values_list("trainee_id", "status"))
    assert recorded == {world.trainee_a.pk: "attended", world.trainee_a2.pk: "apologies"}


def test_a_trainee_checks_in_with_the_keyboard_alone(page, live_server, browser_world):
    world = browser_world
    session = TeachingSession.objects.get(pk=matrix_teaching.kwargs(world)["teaching_session_pk"])
    sign_in(page, live_server, world.user(TRAINEE))
    page.goto(live_server.url + reverse("teaching:home"))
    tab_to(page, f"a[href$='/sessions/{session.pk}/#check-in']")
    press_enter_and_load(page)
    tab_to(page, "input[name='code']")
    page.keyboard.type(session.check_in_code)
    press_enter_and_load(page)  # Enter in a text field submits its form
    expect(page.locator("[role=status]")).to_contain_text("You are checked in")
    assert Attendance.objects.get(session=session, trainee=world.trainee_a).source == "check_in"
