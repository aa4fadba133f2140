"""Data protection in a real browser: a trainee reads and downloads their data; a national admin reviews a
record past its retention date with the keyboard alone and finds the erasure in the audit trail."""

import datetime
import json
import re
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from playwright.sync_api import expect

from heft.privacy.models import RetentionKind, RetentionReview
from heft.privacy.services import retention_queue
from heft.trainees.models import ProgrammeMembership
from tests import factories as f
from tests.browser.conftest import PHONE, assert_no_horizontal_scroll, check_accessibility, sign_in
from tests.privacy.conftest import give_every_kind_of_record

pytestmark = pytest.mark.browser


def open_header_link(page, name: str):
    """A header link, opening the More menu first when the header has folded it there."""
    header = page.locator("header.nhsuk-header")
    links = header.get_by_role("link", name=name, exact=True)
    if not links.locator("visible=true").count():
        header.get_by_role("button", name=re.compile("More")).click()
    links.locator("visible=true").first.click()


def test_a_trainee_reads_and_downloads_their_data(page, live_server, browser_world):
    world = browser_world
    give_every_kind_of_record(world.trainee_a, at=timezone.now() - datetime.timedelta(days=1), tag="mine")
    Authenticator.objects.filter(user=world.user("trainee")).delete()  # trainees sign in with a password
    sign_in(page, live_server, world.user("trainee"))
    open_header_link(page, "My data")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("heading", name="Reflections", exact=True)).to_be_visible()
    expect(page.get_by_text("Reflection mine")).to_be_visible()
    assert_no_horizontal_scroll(page)
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the data (JSON)").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["subject"]["trainee_id"] == world.trainee_a.pk
    assert download.value.suggested_filename.startswith(f"heft-hub-data-trainee-{world.trainee_a.pk}-")


def test_a_national_admin_approves_an_erasure_with_the_keyboard(page, live_server, browser_world):
    world = browser_world
    trainee = world.trainee_b
    trainee.user = f.RoleFactory(role="trainee").user
    trainee.save()
    long_ago = timezone.now() - datetime.timedelta(days=3653)
    give_every_kind_of_record(trainee, at=long_ago, tag="old")
    trainee.memberships.update(
        status=ProgrammeMembership.Status.COMPLETED, start_date=long_ago.date() - datetime.timedelta(900)
    )
    retention_queue()
    review = RetentionReview.objects.get(kind=RetentionKind.TRAINEE)

    sign_in(page, live_server, world.user("national_admin"), totp_secret=world.totp_secrets["national_admin"])
    page.goto(f"{live_server.url}/privacy/retention/")
    check_accessibility(page)
    page.get_by_role("link", name=review.summary).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(review.summary)
    check_accessibility(page)

    # Approve without the confirmation: the error summary says what is missing.
    page.get_by_label("Approve: erase or anonymise now").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save the decision").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("cannot be undone")
    check_accessibility(page)
    page.get_by_label("I understand this cannot be undone").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save the decision").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("records erased or changed")

    review.refresh_from_db()
    assert review.status == RetentionReview.Status.APPROVED
    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("What").fill("retention.anonymised")
    page.get_by_label("What").press("Enter")
    expect(page.get_by_text("1 event match")).to_be_visible()
    check_accessibility(page)
