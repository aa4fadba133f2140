"""A programme set up from an empty installation, through HEFT Hub's own pages alone.

Nothing but `migrate` (the test database) and `manage.py create_national_admin`: no demo data, no Django
admin, no shell. Each person works in a browser of their own and acts on what the pages and the emails say:
the national admin sets up a region and school, loads the practice list and invites a regional lead; the lead
accepts from the email's link, sets up an authenticator, creates a scheme and invites a scheme administrator;
the administrator creates posts, builds one rotation by hand and uploads two more from the template, imports
the trainees (who are invited), opens a window; one trainee accepts their invitation and ranks the new
rotations. Every page on the way is checked with axe.
"""

import re
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from heft.accounts.models import User
from heft.audit.models import AuditEvent
from heft.preferencing.models import Preference
from heft.programmes.models import Rotation
from tests.browser.conftest import NOT_LOCAL, PHONE, TIMEOUT_MS, check_accessibility, totp_code

pytestmark = pytest.mark.browser
SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
LINK = re.compile(r"^(http\S+/people/invitation/\S+/)$", re.M)
NATIONAL = "nadia.national@example.org"
LEAD = "lewis.lead@example.org"
TPD = "tamsin.tpd@example.org"
TRAINEE = "tariq.trainee@example.org"


@pytest.fixture
def empty_site(transactional_db, live_server, settings):
    """An installation holding only the migrations' reference data; its emails link to the live server."""
    settings.HEFT_SITE_URL = live_server.url
    cache.clear()  # the live server shares this process's cache: no rate limits or codes from earlier tests
    assert not User.objects.exists()
    return live_server


class Person:
    """Someone at their own browser: their page, their password and, for staff, their authenticator."""

    def __init__(self, browser, live_server, email: str, password: str):
        self.context = browser.new_context()
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route(NOT_LOCAL, lambda route: route.abort())
        self.page = self.context.new_page()
        self.url = live_server.url
        self.email, self.password = email, password
        self.secret = None

    def go(self, path: str):
        self.page.goto(self.url + path)

    def accept_invitation(self, link: str, *, staff: bool = True):
        """Open the email's link, set a password and, for staff, set up the authenticator it asks for."""
        page = self.page
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
        expect(page.get_by_text(self.email)).to_be_visible()
        check_accessibility(page)
        page.get_by_label("Password", exact=True).fill(self.password)
        page.get_by_label("Type the password again").fill(self.password)
        page.get_by_role("button", name="Set password and sign in").click()
        if staff:
            self.set_up_authenticator()
        expect(page).not_to_have_url(re.compile(r"/people/invitation/"))

    def set_up_authenticator(self):
        page = self.page
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
        self.secret = page.locator("#authenticator_secret").input_value()
        _wait_for_a_fresh_code()
        page.get_by_label("Authenticator code").fill(totp_code(self.secret))
        page.get_by_role("button", name="Activate").click()
        expect(page).not_to_have_url(re.compile(r"/activate/"))

    def follow_menu(self, label: str):
        """A header menu item, by its address (the header folds items that do not fit under More)."""
        link = self.page.locator("header nav a.nhsuk-header__navigation-link", has_text=label).first
        self.go(link.get_attribute("href"))

    def close(self):
        self.context.close()


def _wait_for_a_fresh_code():
    """allauth checks the code against the clock: begin with time to spare in the 30-second period."""
    seconds_left = 30 - time.time() % 30
    if seconds_left < 8:
        time.sleep(seconds_left + 0.1)


def invitation_link_to(email: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [email]]
    assert "HEFT Hub" in message.body
    return LINK.search(message.body).group(1)


def submit(page, button: str):
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def choose(page, label: str, option: str):
    page.get_by_label(label, exact=True).select_option(label=option)


def choose_containing(select, text: str):
    """Choose the option whose words include `text` (a post by its number, whatever its full label)."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


# --- the people, in the order they arrive ------------------------------------------------------------------


def national_admin_sets_up_the_region(browser, site) -> Person:
    out = StringIO()
    call_command("create_national_admin", NATIONAL, stdout=out)
    link = LINK.search(out.getvalue()).group(1)
    assert link == invitation_link_to(NATIONAL), "the printed link is the emailed one"
    admin = Person(browser, site, NATIONAL, "harbour-lantern-orchard-42")
    admin.accept_invitation(link)

    page = admin.page
    admin.follow_menu("Set up")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your programme")
    expect(page.get_by_text("No regions yet.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Create the first region").click()
    page.get_by_label("Name").fill("South West")
    page.get_by_label("Code").fill("south-west")
    page.get_by_label("Contact email (optional)").fill("heft.southwest@example.org")
    check_accessibility(page)
    submit(page, "Add region")
    expect(page.get_by_role("main")).to_contain_text("South West")

    admin.go("/setup/regions/")
    page.get_by_role("link", name=re.compile(r"Add a school")).first.click()
    page.get_by_label("Name").fill("Severn")
    submit(page, "Add school")
    expect(page.get_by_role("main")).to_contain_text("Severn")

    # The practice list, so that GP placements can be in practices (the sample file's are in the South West).
    admin.follow_menu("Imports")
    page.get_by_label("NHS ODS GP practices (epraccur.csv)").check()
    page.get_by_label("CSV file").set_input_files(SAMPLES / "epraccur.csv")
    submit(page, "Upload and load")
    expect(page.get_by_role("status")).to_contain_text("Loaded")

    admin.follow_menu("People")
    page.get_by_role("button", name="Invite someone").click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.get_by_label("Regional programme lead").check()
    submit(page, "Continue")
    page.get_by_label("Email address").fill(LEAD)
    page.get_by_label("First name").fill("Lewis")
    page.get_by_label("Last name").fill("Lead")
    choose(page, "Region they lead", "South West")
    check_accessibility(page)
    submit(page, "Send the invitation")
    expect(page.get_by_role("main")).to_contain_text(LEAD)
    return admin


def regional_lead_creates_the_scheme(browser, site) -> Person:
    lead = Person(browser, site, LEAD, "quarry-bicycle-meadow-77")
    lead.accept_invitation(invitation_link_to(LEAD))
    page = lead.page
    lead.follow_menu("Set up")
    page.get_by_role("link", name="Set up the first scheme").click()
    page.get_by_label("Name").fill("Porthaven")
    page.get_by_label("Code").fill("porthaven")
    choose(page, "School (optional)", "Severn")
    page.get_by_label("Localities (optional)").fill("Harbourside\nMillbrook")
    check_accessibility(page)
    submit(page, "Set up scheme")
    expect(page.get_by_role("main")).to_contain_text("Porthaven")

    lead.follow_menu("People")
    page.get_by_role("button", name="Invite someone").click()
    page.wait_for_load_state()
    page.get_by_label("Scheme administrator or TPD").check()
    submit(page, "Continue")
    page.get_by_label("Email address").fill(TPD)
    page.get_by_label("First name").fill("Tamsin")
    page.get_by_label("Last name").fill("Director")
    choose(page, "Scheme they run", "Porthaven")
    submit(page, "Send the invitation")
    expect(page.get_by_role("main")).to_contain_text(TPD)
    return lead


def add_post(page, site_url: str, *, number: str, kind: str, practice: str = "", site: str = "", subtype=""):
    page.goto(site_url + "/setup/posts/new/")
    page.get_by_label("National post number").fill(number)
    choose(page, "Kind of post", kind)
    if subtype:
        choose(page, "Group served (inclusion health posts)", subtype)
    if practice:
        choose(page, "GP practice (GP placements)", practice)
    if site:
        page.get_by_label("Site (other posts)").fill(site)
    page.get_by_label("Educational supervisor's name").fill("Dr Erin Example")
    page.get_by_label("Educational supervisor's email").fill("erin.example@example.org")
    submit(page, "Save post")
    expect(page.get_by_role("main")).to_contain_text(number)


def scheme_admin_builds_rotations(browser, site, folder: Path) -> Person:
    tpd = Person(browser, site, TPD, "lighthouse-walnut-ferry-19")
    tpd.accept_invitation(invitation_link_to(TPD))
    page = tpd.page

    add_post(
        page,
        site.url,
        number="PHV/GP/001",
        kind="GP practice",
        practice="HARBOURSIDE MEDICAL CENTRE (Y97001)",
    )
    add_post(page, site.url, number="PHV/GP/002", kind="GP practice", practice="QUAYSIDE SURGERY (Y97002)")
    add_post(page, site.url, number="PHV/IH/001", kind="Inclusion health", subtype="Homelessness",
             site="Porthaven Street Outreach")  # fmt: skip
    add_post(page, site.url, number="PHV/PAE/001", kind="Paediatrics", site="Porthaven General Hospital")
    add_post(page, site.url, number="PHV/GM/001", kind="General medicine", site="Porthaven General Hospital")
    check_accessibility(page)

    build_rotation_by_hand(tpd)
    upload_two_rotations(tpd, folder)
    import_the_trainees(tpd, folder)
    open_a_window(tpd)
    return tpd


# (training year, start month, months, post as the list shows it)
BY_HAND = [
    ("ST1", "1", "6", "PHV/PAE/001"),
    ("ST1", "7", "6", "PHV/IH/001"),
    ("ST2", "13", "12", "PHV/GP/001"),
    ("ST3", "25", "12", "PHV/GP/001"),
]


def build_rotation_by_hand(tpd: Person):
    page = tpd.page
    tpd.go("/setup/rotations/new/")
    expect(page.get_by_label("Scheme", exact=True)).to_have_value("porthaven")  # their one scheme
    page.get_by_label("Intake").fill("2027-08")
    submit(page, "Continue")
    page.get_by_label("Name", exact=True).fill("Porthaven inclusion health rotation")
    page.get_by_label("Places").fill("2")
    for number, (year, start, months, post) in enumerate(BY_HAND, start=1):
        if not page.get_by_role("group", name=f"Post {number}").count():  # a row for each year to start
            submit(page, "Add another post")
        card = page.get_by_role("group", name=f"Post {number}")
        card.get_by_label("Training year").select_option(year)
        card.get_by_label("Starts in month").fill(start)
        card.get_by_label("Months").fill(months)
        choose_containing(card.get_by_label("Post"), post)
    submit(page, "Check rotation")
    checks = page.locator("#rotation-checks")
    expect(checks).to_contain_text("counts as HEFT")
    expect(checks).to_contain_text("innovative post")
    check_accessibility(page)
    submit(page, "Save rotation")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Porthaven inclusion health rotation")


def upload_two_rotations(tpd: Person, folder: Path):
    page = tpd.page
    tpd.go("/setup/upload/")
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Rotations template (CSV)").click()
    template = Path(download.value.path()).read_text(encoding="utf-8-sig")
    headings = template.splitlines()[0]
    assert headings.startswith("Rotation code"), headings
    rows = [headings]
    for code, name, gp in (("PHV-2027-08-02", "Porthaven rotation 2", "PHV/GP/002"),
                           ("PHV-2027-08-03", "Porthaven rotation 3", "PHV/GP/001")):  # fmt: skip
        for year, start, months, post in (
            ("ST1", 1, 6, "PHV/GM/001"),
            ("ST1", 7, 6, "PHV/PAE/001"),
            ("ST2", 13, 12, gp),
            ("ST3", 25, 12, gp),
        ):
            rows.append(f"{code},{name},porthaven,2027-08,1,{year},{start},{months},{post},")
    path = folder / "porthaven-rotations.csv"  # the template, filled in as a person would in Excel
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rotations_form = page.locator("form", has=page.get_by_role("button", name="Check and upload rotations"))
    rotations_form.locator("input[type=file]").set_input_files(path)
    submit(page, "Check and upload rotations")
    expect(page.get_by_role("main")).to_contain_text("Rotations: 2 new, 0 updated, 0 unchanged.")


def import_the_trainees(tpd: Person, folder: Path):
    page = tpd.page
    tpd.go("/preferences/manage/import/")
    rows = [
        "GMC number,Surname,Forenames,Email,Scheme,Intake,National rank,Score,HEFT mode",
        f"9061001,Trainee,Tariq,{TRAINEE},porthaven,2027-08,101,610.5,HEFT rotation",
        "9061002,Example,Esme,esme.example@example.org,porthaven,2027-08,102,598.0,Enrolment only",
        "9061003,Sample,Sol,sol.sample@example.org,porthaven,2027-08,103,590.25,Not HEFT",
    ]
    path = folder / "porthaven-recruitment.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.get_by_label("Recruitment export (.csv or .xlsx)").set_input_files(path)
    submit(page, "Check and import")
    expect(page.get_by_role("main")).to_contain_text("Invitations sent: 3")
    check_accessibility(page)


def open_a_window(tpd: Person):
    page = tpd.page
    tpd.follow_menu("Allocation")
    choose(page, "Scheme", "Porthaven")
    page.get_by_label("Intake").fill("2027-08")
    now = timezone.localtime()
    page.get_by_label("Opens (UK time)").fill(
        (now - timezone.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Closes (UK time)").fill((now + timezone.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    submit(page, "Open window")
    expect(page.get_by_role("main")).to_contain_text("The window for Porthaven 2027-08 is set up")


RANKED = ["Porthaven inclusion health rotation", "Porthaven rotation 3", "Porthaven rotation 2"]


def trainee_ranks_the_new_rotations(browser, site) -> Person:
    trainee = Person(browser, site, TRAINEE, "kestrel-pebble-lantern-58")
    trainee.accept_invitation(invitation_link_to(TRAINEE), staff=False)
    page = trainee.page
    trainee.follow_menu("My rotations")
    page.get_by_role("link", name=re.compile(r"^Rank rotations")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rank rotations")
    status = page.locator("#ranking-status[role='status']")
    for number, name in enumerate(RANKED, start=1):
        code = Rotation.objects.get(name=name).code  # the button's value: its words name the rotation
        page.locator(f"#ranking button[value='add:{code}']").click()
        expect(status).to_contain_text(f"{code} added at number {number}.")
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    check_accessibility(page)
    page.get_by_role("button", name="Submit my list").click()
    expect(status).to_contain_text("Your list of 3 rotations was submitted.")
    return trainee


def test_a_programme_is_set_up_from_an_empty_installation_through_its_own_pages(
    browser, empty_site, tmp_path
):
    people = []
    try:
        people.append(national_admin_sets_up_the_region(browser, empty_site))
        people.append(regional_lead_creates_the_scheme(browser, empty_site))
        people.append(scheme_admin_builds_rotations(browser, empty_site, tmp_path))
        people.append(trainee_ranks_the_new_rotations(browser, empty_site))
    finally:
        for person in people:
            person.close()

    new_rotations = set(Rotation.objects.filter(scheme__code="porthaven").values_list("name", flat=True))
    assert len(new_rotations) == 3
    ranked = Preference.objects.filter(trainee__email=TRAINEE).order_by("rank")
    assert [p.rotation.name for p in ranked] == RANKED
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    for verb in ("region.created", "school.created", "scheme.created", "post.created", "rotation.created",
                 "invitation.sent", "invitation.accepted", "preferences.submitted"):  # fmt: skip
        assert verb in verbs, verb
