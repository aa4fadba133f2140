"""The home page in a real browser, as each role signs in: their tasks first, axe and the keyboard checks at
desktop and phone widths, and the first task acted on where it is done."""

import csv
import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.browser.test_preferencing import sign_in_staff
from tests.browser.wcag import check_page
from tests.home import conftest as home_fixtures

pytestmark = pytest.mark.browser
home = home_fixtures.home  # something for every role to do, on top of the world (tests/home/conftest.py)


def open_home(page, live_server, world, role: str):
    if role == "trainee":
        sign_in(page, live_server, world.user(role))
    else:
        sign_in_staff(page, live_server, world, role)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Welcome back"))


def checked_at_both_widths(page) -> None:
    """Every check on the freshly loaded page at each width (the keyboard check starts from the top)."""
    problems = []
    for size, phone in ((DESKTOP, False), (PHONE, True)):
        page.set_viewport_size(size)
        page.reload()
        problems += check_page(page, phone=phone)
    page.set_viewport_size(DESKTOP)
    assert not problems, "\n".join(problems)


def first_task(page, key: str):
    return page.locator(f"#part-{key} ~ .nhsuk-task-list .nhsuk-task-list__link").first


def test_the_trainee_follows_rank_by_to_the_ranking_page(page, live_server, browser_world, home):
    later = timezone.now() + datetime.timedelta(days=2)  # no session under way: ranking comes first
    home.session_now.start, home.session_now.end = later, later + datetime.timedelta(hours=2)
    home.session_now.save()
    open_home(page, live_server, browser_world, "trainee")
    checked_at_both_widths(page)
    task = first_task(page, "trainee")
    expect(task).to_have_text(re.compile(r"^\s*Rank the rotations for Scheme A by \d+ \w+ \d{4}\s*$"))
    task.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rank rotations")
    assert page.url.endswith(f"/preferences/windows/{home.window_a.pk}/rank/")


def test_the_scheme_administrator_downloads_the_chase_list_and_sends_the_reminder(
    page, live_server, browser_world, home
):
    world = browser_world
    open_home(page, live_server, world, "scheme_admin")
    checked_at_both_widths(page)
    expect(first_task(page, "programme")).to_have_text(
        re.compile(r"Chase the 2 trainees who have not submitted their preferences for Scheme A")
    )
    card = page.locator(f"#window-{home.window_a.pk}")
    card.get_by_text("Who has not submitted (2)").click()
    expect(card.get_by_role("link", name=world.trainee_a.email)).to_be_visible()
    with page.expect_download() as download:
        card.get_by_role("link", name=re.compile("Download the chase list")).click()
    lines = list(csv.reader(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()))
    assert sorted(row[2] for row in lines[1:]) == sorted([world.trainee_a.email, home.trainee_a4.email])

    card.get_by_role("button", name=re.compile("Email a reminder to the 2 who have not submitted")).click()
    expect(page.get_by_role("status")).to_contain_text("Reminders are being sent")
    assert page.url.endswith(f"/preferences/manage/windows/{home.window_a.pk}/")


@pytest.mark.parametrize(
    "role,key,task,lands_on",
    [
        (
            "regional_lead",
            "regional",
            "Chase the 2 trainees who have not submitted their preferences for Scheme A",
            "Scheme A, ",
        ),
        (
            "educator",
            "educator",
            "Take the register for Inclusion health now",
            "Register: Inclusion health now",
        ),
        ("mentor", "mentor", "Check in with ", None),
        ("national_admin", "national", "Load the latest NHS ODS GP practices", "Public data imports"),
    ],
)
def test_each_staff_role_acts_on_its_first_task(
    page, live_server, browser_world, home, role, key, task, lands_on
):
    world = browser_world
    open_home(page, live_server, world, role)
    checked_at_both_widths(page)
    first = first_task(page, key)
    expect(first).to_contain_text(task)
    first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(re.escape(lands_on or world.trainee_a2.full_name)))
