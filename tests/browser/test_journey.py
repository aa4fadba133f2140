"""The trainee's journey in a real browser, with axe: a trainee's home page; a lead forms communities of
practice and assigns mentors; a trainee in ST3 expresses interest in a post-CCT opportunity."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from heft.accounts.models import Role
from heft.community.models import CommunityGroup, GroupMember, MentorAssignment, Opportunity
from heft.programmes.models import PostCategory
from heft.trainees.models import ProgrammeMembership
from tests import factories as f
from tests.browser.conftest import DESKTOP, PHONE, assert_no_horizontal_scroll, check_accessibility, sign_in
from tests.browser.wcag import check_page

pytestmark = pytest.mark.browser

D = datetime.date


def test_a_trainees_home_page(page, live_server, browser_world):
    world = browser_world
    membership = world.trainee_a.memberships.get()
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind=PostCategory.Kind.GP)
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    plan = [
        ("ST1", D(2026, 8, 5), D(2027, 2, 4), hospital, None),
        ("ST1", D(2027, 2, 5), D(2027, 8, 4), gp, world.practice),
        ("ST2", D(2027, 8, 5), D(2028, 8, 4), f.CategoryFactory(), None),
        ("ST3", D(2028, 8, 5), D(2029, 8, 4), gp, world.practice),
    ]
    for year, start, end, category, practice in plan:
        post = f.PostFactory(category=category, scheme=world.scheme_a, practice=practice)
        f.PlacementFactory(
            membership=membership, post=post, start_date=start, end_date=end, training_year=year
        )
    mentor = world.user("mentor").mentor
    group = CommunityGroup.objects.create(
        region=world.region_a, scheme=world.scheme_a, name="Scheme A 1", lead=mentor
    )
    GroupMember.objects.create(group=group, trainee=world.trainee_a)

    sign_in(page, live_server, world.user("trainee"))
    page.locator("#maincontent").get_by_role("link", name="My training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")
    for heading in ("What you need to do", "Where you are", "Your rotation", "Curriculum check", "Teaching"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator(".heft-timeline li.heft-timeline__heft")).to_have_count(
        3
    )  # Deep End twice, innovative
    expect(page.get_by_text("4 August 2029", exact=True)).to_be_visible()
    page.get_by_text("How the CCT estimate was worked out").click()
    expect(page.get_by_text("Training started on 5 August 2026")).to_be_visible()
    expect(page.get_by_role("link", name="Scheme A 1")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Scheme A 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scheme A 1")
    page.get_by_label("Add a note").fill("Looking forward to the first meeting.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("status")).to_have_text("Note added.")
    check_accessibility(page)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/trainees/me/")
    check_accessibility(page)
    assert_no_horizontal_scroll(page)


def test_a_lead_forms_groups_and_assigns_mentors(page, live_server, browser_world):
    world = browser_world
    mentor = world.user("mentor").mentor
    mentor.scheme, mentor.capacity = world.scheme_a, 8
    mentor.save()
    modes = [ProgrammeMembership.HeftMode.ROTATION, ProgrammeMembership.HeftMode.ENROLMENT_ONLY]
    starts = [D(2024, 8, 7), D(2025, 8, 6), D(2026, 8, 5)]
    for i in range(9):
        f.MembershipFactory(scheme=world.scheme_a, start_date=starts[i % 3], heft_mode=modes[i % 2])

    sign_in(page, live_server, world.user("regional_lead"), totp_secret=world.totp_secrets["regional_lead"])
    page.locator("#maincontent").get_by_role("link", name="Community", exact=True).click()
    page.get_by_role("link", name="Form communities of practice").click()
    page.get_by_label("Region or scheme").select_option(label="Region A")
    page.get_by_label("Smallest group").fill("4")
    page.get_by_label("Largest group").fill("6")
    page.get_by_role("button", name="See the groups").click()
    expect(page.get_by_role("heading", name="Proposed groups for Region A")).to_be_visible()
    expect(page.get_by_text("2 groups for 11 HEFT trainees in training.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Create these groups").click()
    expect(page.get_by_role("status")).to_have_text("2 communities of practice formed for Region A.")
    assert CommunityGroup.objects.filter(archived_at__isnull=True).count() == 2
    check_accessibility(page)

    page.get_by_role("link", name="Scheme A community of practice 1").click()
    expect(page.get_by_role("heading", name="Adjust by hand")).to_be_visible()
    page.get_by_text("How this group was formed").click()
    expect(page.get_by_text(re.compile(r"Led by .* \(same locality"))).to_be_visible()
    check_accessibility(page)

    page.goto(f"{live_server.url}/community/manage/mentors/")
    page.get_by_label("Region or scheme").select_option(label="Region A")
    page.get_by_role("button", name="See the matches").click()
    expect(page.get_by_text("7 matched, 0 with a long journey; 3 not matched.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Assign these mentors").click()
    expect(page.get_by_role("status")).to_have_text("7 trainees in Region A matched with a mentor.")
    assert MentorAssignment.objects.filter(mentor=mentor, end_date__isnull=True).count() == 8
    check_accessibility(page)


def test_a_trainee_expresses_interest_in_an_opportunity(page, live_server, browser_world):
    world = browser_world
    membership = f.MembershipFactory(scheme=world.scheme_a, start_date=D(2024, 8, 7), intake="2024-08")
    trainee = membership.trainee
    trainee.user = f.RoleFactory(role=Role.TRAINEE).user
    trainee.save()
    Opportunity.objects.create(
        region=world.region_a, kind=Opportunity.Kind.DEEP_END_FELLOWSHIP, title="Deep End GP fellowship",
        organisation="A fictional PCN", description="A year of Deep End practice with protected time.",
        closes_on=D(2099, 6, 30),
    )  # fmt: skip

    sign_in(page, live_server, trainee.user)
    page.locator("#maincontent").get_by_role("link", name="Community", exact=True).click()
    page.get_by_role("link", name="Opportunities after CCT").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opportunities after CCT")
    check_accessibility(page)
    page.get_by_role("link", name="Deep End GP fellowship").click()
    page.get_by_label("A message for the programme team (optional)").fill("I would love to hear more.")
    page.get_by_role("button", name="Express interest").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your interest in Deep End GP fellowship has gone to the programme team."
    )
    expect(page.get_by_text("You expressed interest on")).to_be_visible()
    check_accessibility(page)
    # The every-page walk cannot reach this page (its trainees are in ST1): its checks here, each on the page
    # freshly loaded as the keyboard check needs.
    problems = []
    for size, phone in ((DESKTOP, False), (PHONE, True)):
        page.set_viewport_size(size)
        page.reload()
        problems += check_page(page, phone=phone)
    assert not problems, "\n".join(problems)
    assert trainee.expressions_of_interest.get().message == "I would love to hear more."
