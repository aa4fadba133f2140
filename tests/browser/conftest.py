"""Browser tests: headless Debian Chromium driven by Playwright, with axe-core for accessibility.

The app is served by pytest-django's `live_server` (in a thread of this process). Playwright's sync API
keeps an event loop running in this thread for as long as the browser is open, so Django would refuse
database access from the test thread with SynchronousOnlyOperation: the tests are synchronous code that
only looks async to Django, hence DJANGO_ALLOW_ASYNC_UNSAFE (the usual setting for Playwright + Django).

Chromium is Debian's (`apt install chromium`); Playwright downloads no browser. Without it these tests
are skipped, unless HEFT_REQUIRE_BROWSER=1 (as in CI), when its absence fails them.
"""

import os
import re
import time
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a-long-test-password"  # tests/factories.py UserFactory
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# Generous: CI runs the suite on a busy two-core machine, and a wait that times out fails the test.
TIMEOUT_MS = 20_000
# Anything not served by the live server (e.g. the NHS fonts on assets.nhs.uk): refused at once, so no
# test waits on a network this machine may not have.
NOT_LOCAL = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])[a-z]+://")


def _browser_missing_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (on Debian: apt install chromium)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        if os.environ.get("HEFT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"HEFT_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}")
        pytest.skip(f"Browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context.route(NOT_LOCAL, lambda route: route.abort())
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page in a fresh context; the test fails if a script on it throws or the CSP blocks something."""
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console on {page.url}: {message.text}")
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield page
    assert not problems, "\n".join(problems)


@pytest.fixture
def browser_world(transactional_db, world):
    """`world`, committed for the live server to see, with staff TOTP secrets the tests know.

    `world` gives staff an authenticator with a secret it keeps to itself: replace it with one whose
    secret is in `browser_world.totp_secrets[role]`.
    """
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.cache import cache

    from heft.accounts.permissions import STAFF_ROLES

    # The live server runs in this process and shares its cache: forget rate limits and the TOTP codes
    # earlier tests used (user ids repeat once the database is flushed).
    cache.clear()
    world.totp_secrets = {}
    for role in STAFF_ROLES:
        user = world.user(role.value)
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        world.totp_secrets[role.value] = secret
    return world


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page, live_server, user, password: str = PASSWORD, totp_secret: str | None = None):
    """Sign in through the real forms: email and password, then the authenticator code for staff."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if totp_secret is not None:
        enter_totp(page, totp_code(totp_secret))
    return page


def enter_totp(page, code: str):
    """On the two-factor page, enter `code` and submit it."""
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    form = page.locator("main form[action$='/accounts/2fa/authenticate/']")
    form.get_by_label("Code", exact=True).fill(code)
    form.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the NHS service standard asks for.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def check_accessibility(page, context=None):
    """Run axe-core on the page as it stands and fail listing every violation found."""
    lines = axe_violations(page, context=context)
    if lines:
        raise AssertionError("\n".join(lines))


# The NHS header script has run and its menu has settled: it folds the links that do not fit under "More"
# one frame after the list changes size (a ResizeObserver), and the list changes size again when the web
# font arrives, so on a busy machine the fold can come late. Run mid-way, axe sees links that wrapped onto a
# second line over the grey border below the header. Settled: fonts loaded, every link left on one line.
HEADER_READY = """() => {
  const header = document.querySelector('[data-module="nhsuk-header"]');
  if (!header) return true;
  if (!header.hasAttribute('data-nhsuk-header-init') || document.fonts.status !== 'loaded') return false;
  const list = header.querySelector('.nhsuk-header__navigation-list');
  if (!list) return true;
  const tops = [...list.children].filter((item) => !item.hidden).map((item) => item.offsetTop);
  return tops.every((top) => top === tops[0]);
}"""
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def wait_until(page, predicate: str, timeout_ms: int = TIMEOUT_MS) -> bool:
    """Polls a JavaScript predicate from the test side until it holds; False when time runs out.
    Playwright's own wait_for_function compiles the predicate inside the page with `new Function`, which
    our CSP (no 'unsafe-eval') refuses whenever it has to poll."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            return False
        page.evaluate(TWO_FRAMES)
    return True


def header_settled(page):
    # Twice, two frames apart: a fold still pending after the first look shows by the second.
    for _ in range(2):
        assert wait_until(page, HEADER_READY), f"the NHS header never settled on {page.url}"
        page.evaluate(TWO_FRAMES)


def axe_violations(page, context=None, tags: list[str] | None = None) -> list[str]:
    """axe-core's violations on the page as readable lines (none when it passes): every rule, or only those
    with one of `tags`. axe leaves its target-size rule (WCAG 2.2 2.5.8) off unless asked for."""
    from axe_playwright_python.sync_playwright import Axe

    header_settled(page)
    options = {"resultTypes": ["violations"]}
    if tags:
        options |= {"runOnly": {"type": "tag", "values": tags}, "rules": {"target-size": {"enabled": True}}}
    results = Axe().run(page, context=context, options=options)
    violations = results.response["violations"]
    if not violations:
        return []
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return lines


FITS_WIDTH = "() => document.documentElement.scrollWidth <= window.innerWidth"


def assert_no_horizontal_scroll(page):
    # After a resize the header folds its menu a few frames later: give the layout a moment to settle.
    header_settled(page)
    wait_until(page, FITS_WIDTH, timeout_ms=2_000)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: content {widths[0]}px, window {widths[1]}px"
