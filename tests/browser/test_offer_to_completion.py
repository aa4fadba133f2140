"""From offer to placement to completion, in a real browser, each person at their own.

A closed window of six members, one of whom never ranks. The run shows them "not placed — no list"; the
scheme's programme director publishes it (asked once more, with the numbers) and places that member by hand.
One trainee accepts, one accepts with upgrades, one declines, one lets the deadline pass (the clock is moved
and the task that lapses offers runs). A re-offer run moves the upgrader up to the place the decline freed
and offers the lapsed place to the member who had none. Accepted rotations are placements on the trainees'
timelines and in the national bulk-upload export with their supervisors. A trainee applies for less than
full time training and the team approves it (the CCT estimate moves); time out flags a HEFT place at risk
and the team keeps it; a completion puts the trainee in the outcomes report.
"""

import datetime
import re
import time
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from heft.accounts.models import Role
from heft.preferencing import tasks
from heft.preferencing.models import Offer, Preference, PreferenceList, PreferenceWindow
from heft.programmes.models import PostCategory
from heft.trainees.models import Placement
from tests import factories as f
from tests.browser.conftest import NOT_LOCAL, PHONE, TIMEOUT_MS, check_accessibility, sign_in

pytestmark = pytest.mark.browser
INTAKE, START = "2027-08", datetime.date(2027, 8, 4)
TPD = "scheme_admin"


def category(code: str) -> PostCategory:
    return PostCategory.objects.get(code=code)


def rotation(world, code: str, places: int, posts: list) -> object:
    """A three-year rotation of `posts`: (months, post) in order from month 1."""
    made = f.RotationFactory(
        scheme=world.scheme_a, code=code, name=f"Rotation {code}", intake=INTAKE, capacity=places
    )
    start = 0
    for order, (months, post) in enumerate(posts, start=1):
        slot = {"order": order, "training_year": f"ST{start // 12 + 1}", "start_offset_months": start}
        f.SlotFactory(rotation=made, months=months, post=post, **slot)
        start += months
    return made


@pytest.fixture
def year(browser_world):
    """Scheme A's 2027-08 window, closed: six trainees in national-rank order; the fifth never ranks."""
    world = browser_world

    def post(number: str, code: str, **where):
        supervisor = {"name": "Dr Erin Example", "email": "erin.example@example.org"}
        return f.PostFactory(
            scheme=world.scheme_a, category=category(code), post_number=number, **where,
            **{f"educational_supervisor_{key}": value for key, value in supervisor.items()},
        )  # fmt: skip

    gp = post("SWE/A/GP/001", "gp-practice", practice=world.practice, site="")
    prison = post("SWE/A/PRI/001", "prisons", site="HMP Fictional")
    paeds = post("SWE/A/PAE/001", "paediatrics", site="Fictional General Hospital")
    rotations = {
        "UP": rotation(world, "UP", 1, [(6, prison), (6, paeds), (24, gp)]),
        "A": rotation(world, "A", 2, [(6, paeds), (6, paeds), (24, gp)]),
        "B": rotation(world, "B", 1, [(12, paeds), (24, gp)]),
        "C": rotation(world, "C", 1, [(6, paeds), (6, prison), (24, gp)]),
    }
    lists = [["UP"], ["UP", "B"], ["A"], ["C"], None, ["C", "B"]]
    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=world.scheme_a, intake=INTAKE, opens_at=now - datetime.timedelta(days=20),
        closes_at=now - datetime.timedelta(days=1),
    )  # fmt: skip
    trainees = []
    for rank, codes in enumerate(lists, start=1):
        membership = f.MembershipFactory(
            scheme=world.scheme_a, intake=INTAKE, start_date=START, national_rank=rank
        )
        trainee = membership.trainee
        trainee.user = f.RoleFactory(role=Role.TRAINEE, user__email=f"year.trainee{rank}@example.org").user
        trainee.save()
        trainees.append(trainee)
        if codes is not None:
            PreferenceList.objects.create(
                window=window, trainee=trainee, status="submitted", submitted_at=now
            )
            for position, code in enumerate(codes, start=1):
                Preference.objects.create(
                    window=window, trainee=trainee, rotation=rotations[code], rank=position
                )
    # A trainee of an earlier intake, whose training ends in February.
    finisher = f.MembershipFactory(
        scheme=world.scheme_a, intake="2024-02", start_date=datetime.date(2024, 2, 7)
    )
    world.year = {
        "window": window,
        "trainees": trainees,
        "rotations": rotations,
        "finisher": finisher.trainee,
    }
    return world


class Person:
    def __init__(self, browser, live_server, user, secret=None):
        self.context = browser.new_context()
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route(NOT_LOCAL, lambda route: route.abort())
        self.page = self.context.new_page()
        self.url = live_server.url
        seconds_left = 30 - time.time() % 30
        if secret and seconds_left < 8:
            time.sleep(seconds_left + 0.1)
        sign_in(self.page, live_server, user, totp_secret=secret)

    def go(self, path: str):
        self.page.goto(self.url + path)
        return self.page


def click(page, name, role="button"):
    page.get_by_role(role, name=name).click()
    page.wait_for_load_state()


def reply(trainee_person: Person, offer: Offer, choice: str):
    page = trainee_person.go(f"/preferences/offers/{offer.pk}/")
    check_accessibility(page)
    page.get_by_label(re.compile(f"^{choice}")).check()
    click(page, "Send reply")


def publish(page):
    click(page, "Check before publishing")
    expect(page.get_by_role("main")).to_contain_text(re.compile("members not placed", re.I))
    check_accessibility(page)
    click(page, re.compile(r"^Publish run \d+ and email the trainees$"))
    expect(page.get_by_role("status")).to_contain_text("Published")


def live_offer(trainee) -> Offer:
    return Offer.objects.get(trainee=trainee, status__in=Offer.LIVE)


def test_a_year_from_offer_to_completion(browser, live_server, year):
    world = year
    window, trainees = world.year["window"], world.year["trainees"]
    upgrader, decliner, accepter, laggard, unranked, waiting = (
        trainees[1], trainees[0], trainees[2], trainees[3], trainees[4], trainees[5]
    )  # fmt: skip
    tpd = Person(browser, live_server, world.user(TPD), world.totp_secrets[TPD])

    # The run: every member is in it; the one without a list is "not placed — no list".
    page = tpd.go(f"/preferences/manage/windows/{window.pk}/")
    page.get_by_label(re.compile(r"^By national recruitment rank")).check()
    click(page, "Run")
    expect(page.get_by_role("main")).to_contain_text("6 members")
    expect(page.get_by_role("main")).to_contain_text("no list")
    check_accessibility(page)
    publish(page)

    # The member without a list, placed by hand into the rotation with room, with the reason.
    page = tpd.go(f"/preferences/manage/windows/{window.pk}/")
    page.get_by_role("link", name=f"Place by hand {unranked.full_name}").click()
    page.get_by_label("Rotation A").check()
    page.get_by_label("Why you are placing them by hand").fill("Joined late; a place was left in rotation A.")
    click(page, "Check the offer")
    check_accessibility(page)
    click(page, re.compile(r"^Offer A and email "))
    assert live_offer(unranked).by_hand_reason

    # Replies: accept, accept with upgrades, decline; one trainee says nothing.
    people = {t.pk: Person(browser, live_server, t.user) for t in (upgrader, decliner, accepter, unranked)}
    reply(people[accepter.pk], live_offer(accepter), "Accept this rotation")
    reply(people[unranked.pk], live_offer(unranked), "Accept this rotation")
    reply(people[upgrader.pk], live_offer(upgrader), "Accept with upgrades")
    reply(people[decliner.pk], live_offer(decliner), "Decline")
    assert live_offer(upgrader).upgrades

    # The deadline passes: the clock moves on and the task that lapses offers runs.
    later = live_offer(laggard).respond_by + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        tasks.lapse_offers_due.call()
    assert Offer.objects.get(trainee=laggard).status == "lapsed"

    # Re-offer freed places: the upgrader moves up to UP (freed by the decline), and the member who had no
    # place is offered C (freed by the lapse) — their first choice.
    page = tpd.go(f"/preferences/manage/windows/{window.pk}/")
    click(page, "Re-offer freed places")
    check_accessibility(page)
    publish(page)
    assert live_offer(upgrader).rotation.code == "UP"
    assert live_offer(upgrader).status == "accepted"
    assert live_offer(waiting).rotation.code == "C"

    # Accepted rotations are placements, on the trainee's timeline and in the bulk-upload export.
    assert Placement.objects.filter(membership__trainee=accepter, rotation__code="A").count() == 3
    assert not Placement.objects.filter(membership__trainee=upgrader, rotation__code="B").exists()
    page = people[accepter.pk].go("/trainees/me/")
    expect(page.get_by_role("main")).to_contain_text("Dr Erin Example")
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    check_accessibility(page)
    export = tpd.page.request.get(f"{live_server.url}/preferences/manage/windows/{window.pk}/tis.csv")
    assert export.ok
    text = export.text()
    assert accepter.gmc_number in text
    assert "Dr Erin Example" in text
    assert "SWE/A/PAE/001" in text

    # LTFT: the trainee applies; the team approves it; the CCT estimate moves.
    page = people[accepter.pk].go("/trainees/me/")
    before = accepter.memberships.get().cct_estimate
    page.get_by_text("Apply to change your working pattern").click()
    page.get_by_label("Percentage of full time you want to work").fill("80")
    page.locator("#id_apply-start_date").fill("2028-02-02")
    page.get_by_label(re.compile(r"^Category 1")).check()
    click(page, "Send the application")
    expect(page.get_by_role("main")).to_contain_text("waiting for your programme team's decision")
    check_accessibility(page)
    page = tpd.go(f"/trainees/{accepter.pk}/")
    check_accessibility(page)
    decision = page.locator(
        "form", has=page.get_by_role("button", name=re.compile(r"^Save the decision on working"))
    )
    decision.get_by_label("Approve").check()
    decision.get_by_role("button").click()
    page.wait_for_load_state()
    after = accepter.memberships.get().cct_estimate
    assert after
    assert before is None or after > before

    # Time out overlapping a HEFT post: "HEFT place at risk"; the team keeps it.
    page = tpd.go(f"/trainees/{upgrader.pk}/")
    page.get_by_text("Record time out of training").click()
    page.get_by_label("Kind of time out").select_option("sick")
    page.get_by_label("First day").fill("2027-09-01")
    page.get_by_label("Last day").fill("2027-11-30")
    click(page, "Record time out")
    expect(page.get_by_role("main")).to_contain_text("HEFT place at risk")
    check_accessibility(page)
    keep = page.locator("form", has=page.get_by_role("button", name=re.compile(r"on the HEFT place$")))
    keep.get_by_label("Keep the HEFT place").check()
    keep.get_by_label("Reason").fill("Sick leave: the prison post is held until they return.")
    click(page, re.compile(r"^Save the decision on the HEFT place"))
    expect(page.get_by_role("main")).to_contain_text("Kept")

    # The year's end: completion with the CCT date; the trainee is an alumnus in the outcomes report.
    finisher = world.year["finisher"]
    page = tpd.go(f"/trainees/{finisher.pk}/")
    page.get_by_text("Record completion of training (CCT)").click()
    page.get_by_label("Date of CCT").fill("2027-02-06")
    click(page, "Record completion")
    expect(page.get_by_role("main")).to_contain_text("Completed")
    assert finisher.memberships.get().status == "completed"
    page = tpd.go("/community/manage/outcomes/")
    expect(page.get_by_role("main")).to_contain_text(finisher.full_name)
    check_accessibility(page)

    for person in (tpd, *people.values()):
        person.context.close()
