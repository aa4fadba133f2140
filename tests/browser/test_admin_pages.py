"""The Django admin, which only national admins reach, checked like every other page: axe-core with the
WCAG 2.2 A and AA rules, target size, reflow and the keyboard, at desktop and phone widths.

Unlike the project's own pages, a script in the admin (Django's bundled jQuery, on forms) has a few inline
styles refused by the Content Security Policy, which keeps styles to the site's own files. Nothing shown
changes, so this test uses a page of its own that fails on script errors but not on those refusals."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_every_page import sign_in_as
from tests.browser.wcag import check_page, check_skip_link
from tests.security.matrix_rules import NATIONAL

pytestmark = pytest.mark.browser

ADMIN_PAGES = [
    "/admin/",
    "/admin/trainees/trainee/",
    "/admin/programmes/region/add/",
    "/admin/audit/auditevent/",
]


def test_the_admin_meets_wcag_22_aa(context, live_server, browser_world):
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))
    sign_in_as(page, live_server, browser_world, NATIONAL)
    for width, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
        page.set_viewport_size(viewport)
        for path in ADMIN_PAGES:
            page.goto(live_server.url + path)
            # Django's add forms put focus on their first field as they load: Tab goes on from there, and
            # the skip link is checked on its own.
            focused = page.evaluate("document.activeElement !== document.body")
            found = check_page(page, phone=width == "phone", from_top=not focused)
            found += check_skip_link(page) if focused else []
            problems += [f"[{width}] {path}: {problem}" for problem in found]
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
