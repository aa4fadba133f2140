"""In a real browser: a national admin loads public data files and sees the outcome (and an import finish
while its page is open), and looks at what a Deep End rule would change before confirming it with the
keyboard; a regional lead reads the equity dashboard. Accessibility checked with axe."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from heft.practices.models import Practice
from heft.practices.services import data_import_run_file, data_import_start
from heft.practices.tasks import run_uploaded_import
from tests import factories as f
from tests.browser.conftest import PHONE, assert_no_horizontal_scroll, check_accessibility, sign_in
from tests.practices.conftest import SAMPLE_FILES, apply_rule, gp_post

pytestmark = pytest.mark.browser
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def sign_in_as(page, live_server, world, role: str):
    return sign_in(page, live_server, world.user(role), totp_secret=world.totp_secrets.get(role))


def upload(page, source_label: str, file: Path):
    page.get_by_label(source_label).check()
    page.get_by_label("CSV file").set_input_files(file)
    page.get_by_role("button", name="Upload and load").click()
    page.wait_for_url(re.compile(r"/practices/imports/\d+/$"))


def test_an_admin_uploads_files_and_sees_the_result(page, live_server, browser_world):
    f.RegionFactory(code="south-west", name="South West")
    sign_in_as(page, live_server, browser_world, "national_admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public data imports")
    check_accessibility(page)

    upload(page, "NHS ODS GP practices (epraccur.csv)", SAMPLES / "epraccur.csv")
    expect(page.get_by_role("status")).to_contain_text("Loaded")
    changes = page.get_by_role("table", name="What the import changed")
    expect(changes.get_by_role("row", name="GP practices in the file")).to_contain_text("12")
    expect(changes.get_by_role("row", name="Added")).to_contain_text("12")
    check_accessibility(page)

    page.get_by_role("link", name="Public data imports").click()
    upload(page, "Fingertips indicator 93553 (deprivation score by GP practice)", SAMPLES / "epraccur.csv")
    expect(page.get_by_role("status")).to_contain_text("Refused: nothing was changed")
    expect(page.get_by_role("alert")).to_contain_text("The file was refused: nothing was changed")
    expect(page.get_by_role("table", name="Problems")).to_contain_text("This looks like NHS ODS GP practices")
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)


def test_the_import_page_updates_itself_when_the_import_ends(page, live_server, browser_world):
    f.RegionFactory(code="south-west", name="South West")
    admin = browser_world.user("national_admin")
    data = (SAMPLES / "epraccur.csv").read_bytes()
    data_import = data_import_start(
        source="epraccur", file_name="epraccur.csv", data=data, by=admin, keep_upload=True
    )
    sign_in_as(page, live_server, browser_world, "national_admin")
    page.goto(live_server.url + reverse("practices:import_detail", args=[data_import.pk]))
    expect(page.get_by_role("status")).to_contain_text("Waiting to start")
    expect(page.get_by_label("Progress")).to_be_visible()
    check_accessibility(page)

    run_uploaded_import.call(data_import.pk)  # the background worker's part, while the page is open
    expect(page.get_by_role("status")).to_contain_text("Loaded", timeout=6_000)  # htmx polls every 2 s
    expect(page.get_by_label("Progress")).to_have_count(0)
    check_accessibility(page)


def test_a_lead_views_the_equity_dashboard(page, live_server, browser_world):
    world = browser_world
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind="gp")
    post = f.PostFactory(category=gp, practice=world.practice, scheme=world.scheme_a, site="")
    for trainee in (world.trainee_a, world.trainee_a2):
        f.PlacementFactory(
            membership=trainee.memberships.get(),
            post=post,
            start_date=datetime.date(2024, 8, 7),
            end_date=datetime.date(2025, 8, 6),
        )
    sign_in_as(page, live_server, world, "regional_lead")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Equity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Equity exposure")
    expect(page.get_by_role("status")).to_have_text("2 trainees counted.")
    chart = page.get_by_role("img", name=re.compile("median months in Deep End practices"))
    expect(chart).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", chart.element_handle()) > 0  # the SVG really renders
    table = page.get_by_role("table", name=re.compile("by scheme and HEFT mode"))
    expect(table).to_contain_text("12.0")
    expect(page.get_by_role("link", name="CSV (one row per trainee)")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Group by").select_option(label="Region")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Deep End months by region")).to_be_visible()
    page.set_viewport_size(PHONE)
    check_accessibility(page)
    assert_no_horizontal_scroll(page)


def test_an_admin_looks_at_a_rules_changes_then_confirms_them_with_the_keyboard(
    page, live_server, browser_world
):
    world, admin = browser_world, browser_world.user("national_admin")
    f.RegionFactory(code="south-west", name="South West")
    f.RegionFactory(code="east-of-england", name="East of England")
    for source, name in SAMPLE_FILES.items():
        data_import_run_file(source=source, file_name=name, data=(SAMPLES / name).read_bytes(), by=admin)
    apply_rule(admin, measure="imd_score", method="top_n", top_n=3)
    millbrook = Practice.objects.get(ods_code="Y97003")
    rotation = f.RotationFactory(code="BRIS-1", name="Bristol inner city", scheme=world.scheme_a)
    f.SlotFactory(rotation=rotation, order=0, post=gp_post(millbrook, world.scheme_a))

    sign_in_as(page, live_server, world, "national_admin")
    page.goto(live_server.url + reverse("practices:deep_end_rule"))
    page.get_by_label("A number of the most deprived practices").check()
    page.get_by_label("How many practices").fill("1")
    page.get_by_label("How many practices").press("Enter")  # Enter only previews
    expect(page.get_by_role("heading", level=1)).to_have_text("What this rule would change")
    in_short = "2 practices change: 2 stop being Deep End; 1 rotation stops counting as HEFT."
    expect(page.locator("#changes-in-short")).to_have_text(in_short)
    expect(page.get_by_role("table", name="Practices that would stop being Deep End")).to_contain_text(
        "MILLBROOK HEALTH CENTRE"
    )
    expect(page.get_by_role("table", name=re.compile("Rotations that would"))).to_contain_text("BRIS-1")
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    check_accessibility(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("button", name="Continue to apply").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply this rule?")
    millbrook.refresh_from_db()
    assert millbrook.is_deep_end  # nothing applied yet
    check_accessibility(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Change 2 practices").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Applied")
    expect(page.get_by_text(in_short)).to_be_visible()
    check_accessibility(page)
    millbrook.refresh_from_db()
    assert not millbrook.is_deep_end
