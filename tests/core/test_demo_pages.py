"""Every page the demo's people reach by following links shows its markup as markup, gives each id to one
element only, and has no label or ARIA reference that points nowhere (tests/markup_checks.py).

The demo holds what the test world lacks (sessions with joining links, completed trainees, news, every kind
of record a person opens), so each demo sign-in, and the public, follows the links of the pages they see,
from the home page, as far as a few addresses per kind of page.
"""

from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from heft.accounts.models import Role, User
from heft.demo import world as demo
from tests.core.test_demo import FAST_HASHERS
from tests.markup_checks import ESCAPED_TAG, markup_problems, read_page

PER_KIND = 2  # addresses opened per kind of page (per route): the rest of a list looks the same
# Not pages of HEFT Hub's own markup, or not pages at all.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/api/v1/docs", "/accounts/logout/")


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """Load the demo once for this module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def route_of(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def walk(client, start: str = "/") -> dict[str, list[str]]:
    """Follow the site's own links from `start`: each HTML page opened, with the problems found on it."""
    found, queue, seen, per_route = {}, deque([start]), {start}, Counter()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        found[url] = markup_problems(html)
        for href in read_page(html).links:
            target, _ = urldefrag(href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or target in seen:
                continue
            route = route_of(parts.path)
            if route is None or parts.path.startswith(SKIPPED_PREFIXES) or per_route[route] >= PER_KIND:
                continue
            seen.add(target)
            per_route[route] += 1
            queue.append(target)
    return found


WHO = ["public", *[sign_in.email for sign_in in demo.DEMO_SIGN_INS]]


@pytest.mark.parametrize("email", WHO)
def test_every_page_reached_shows_sound_markup(client, email):
    if email != "public":
        client.force_login(User.objects.get(email=email))
    pages = walk(client)
    assert len(pages) > 5, f"only {len(pages)} pages reached: is the demo loaded?"
    problems = [f"{url}: {problem}" for url, found in pages.items() for problem in found]
    assert not problems, f"{len(problems)} problem(s) on the pages {email} reaches:\n" + "\n".join(problems)


def test_each_session_a_trainee_opens_shows_its_joining_link_as_a_link(client):
    """ "Join online" once showed `<a href=...>` as text on every session with a joining link."""
    client.force_login(User.objects.get(email=demo.SIGN_IN_BY_ROLE[Role.TRAINEE].email))
    home = client.get(reverse("teaching:home")).content.decode()
    links = {urldefrag(link)[0] for link in read_page(home).links}
    sessions = {link for link in links if route_of(link) == "teaching:session_detail"}
    joining = []
    for url in sorted(sessions):
        html = client.get(url).content.decode()
        assert markup_problems(html) == [], url
        joining += [link for link in read_page(html).links if link.startswith("https://meet.heft.invalid/")]
    assert joining, f"none of the {len(sessions)} sessions on the trainee's teaching page has a joining link"


def test_the_check_finds_escaped_links():
    assert ESCAPED_TAG.search('Join online <a href="https://meet.example.org/x">')
    assert markup_problems("<p>Join online: &lt;a href=&quot;https://x.example&quot;&gt;x&lt;/a&gt;</p>")
    assert not markup_problems("<textarea>&lt;a href=x&gt;</textarea><code>&lt;strong&gt;</code>")
