"""Placements from an accepted rotation: made with the posts' supervisors, taken back, and dated again when
an approved LTFT change or time out moves them, so that the timeline, the curriculum check and the CCT
estimate agree."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.programmes.models import PostCategory
from heft.trainees.models import Interruption, LtftChange, Placement
from heft.trainees.placements import (
    placements_redate,
    rotation_placements_create,
    rotation_placements_planned,
    rotation_placements_remove,
)
from heft.trainees.selectors import cct_estimate_for, curriculum_for, training_year_for
from tests import factories as f
from tests.pages import page_text

D = datetime.date


@pytest.fixture
def lead(world):
    return world.user("regional_lead")


@pytest.fixture
def membership(world):
    return world.trainee_a.memberships.get()  # starts on 5 August 2026, full time


@pytest.fixture
def rotation(world):
    """Hospital, GP, an innovative post and hospital for six months each, then a year in GP: 36 months.
    The first GP post is a split post (half of the trainee's time) beside a half-time hospital post."""
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind=PostCategory.Kind.GP)
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    rotation = f.RotationFactory(scheme=world.scheme_a, code="ROT-PLACE", name="Fictional place rotation")
    plan = [
        ("ST1", 0, 6, hospital, None, "1"),
        ("ST1", 6, 6, gp, world.practice, "0.5"),
        ("ST1", 6, 6, hospital, None, "0.5"),
        ("ST2", 12, 6, f.CategoryFactory(), None, "1"),
        ("ST2", 18, 6, hospital, None, "1"),
        ("ST3", 24, 12, gp, world.practice, "1"),
    ]
    for order, (year, offset, months, category, practice, wte) in enumerate(plan, start=1):
        f.SlotFactory(
            rotation=rotation, order=order, training_year=year, start_offset_months=offset, months=months,
            post__category=category, post__practice=practice, post__wte=Decimal(wte),
            post__site="" if practice else "Fictional General Hospital",
            post__educational_supervisor_name=f"Dr Ada Example {order}",
            post__educational_supervisor_email=f"es{order}@example.org",
            post__clinical_supervisor_name="Dr Ben Sample" if order == 2 else "",
            post__clinical_supervisor_email="cs2@example.org" if order == 2 else "",
        )  # fmt: skip
    return rotation


def placed(membership) -> list[tuple]:
    rows = Placement.objects.filter(membership=membership).order_by("slot_order", "start_date")
    return [(p.slot_order, p.start_date, p.end_date, p.wte) for p in rows]


def verbs() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))


def approve_ltft(membership, wte: str, start: D, status=LtftChange.Status.APPROVED) -> LtftChange:
    asked = start - datetime.timedelta(weeks=16)
    return LtftChange.objects.create(
        membership=membership, wte=Decimal(wte), start_date=start, requested_on=asked, status=status
    )


FULL_TIME = [
    (1, D(2026, 8, 5), D(2027, 2, 4), Decimal("1.00")),
    (2, D(2027, 2, 5), D(2027, 8, 4), Decimal("0.50")),
    (3, D(2027, 2, 5), D(2027, 8, 4), Decimal("0.50")),
    (4, D(2027, 8, 5), D(2028, 2, 4), Decimal("1.00")),
    (5, D(2028, 2, 5), D(2028, 8, 4), Decimal("1.00")),
    (6, D(2028, 8, 5), D(2029, 8, 4), Decimal("1.00")),
]


def test_accepting_places_each_slot_with_its_posts_supervisors(membership, rotation, lead):
    made = rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    assert placed(membership) == FULL_TIME
    gp = next(p for p in made if p.slot_order == 2)
    assert (gp.educational_supervisor_name, gp.educational_supervisor_email) == (
        "Dr Ada Example 2",
        "es2@example.org",
    )
    assert (gp.clinical_supervisor_name, gp.clinical_supervisor_email) == ("Dr Ben Sample", "cs2@example.org")
    assert (gp.training_year, gp.months, gp.rotation) == ("ST1", 6, rotation)
    assert verbs() == ["placement.created"] * 6
    assert (
        rotation_placements_create(membership=membership, rotation=rotation, by=lead) == []
    )  # again: nothing


def test_the_posts_supervisors_are_kept_as_they_were(membership, rotation, lead):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    post = rotation.slots.get(order=2).post
    post.educational_supervisor_name = "Dr Someone Else"
    post.save()
    assert (
        Placement.objects.get(membership=membership, slot_order=2).educational_supervisor_name
        == "Dr Ada Example 2"
    )


def test_the_last_placement_ends_on_the_estimated_cct_date(membership, rotation, lead):
    membership.wte = Decimal("0.8")
    membership.save()
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    last = Placement.objects.filter(membership=membership).latest("end_date")
    assert last.end_date == cct_estimate_for(membership).cct == D(2030, 5, 5)
    assert Placement.objects.get(membership=membership, slot_order=2).wte == Decimal("0.40")  # 0.8 x 0.5


def test_giving_up_takes_back_only_placements_not_begun(membership, rotation, lead):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)  # today is after 5 Aug 2026
    taken = rotation_placements_remove(membership=membership, rotation=rotation, by=lead)
    assert taken == 5
    assert placed(membership) == FULL_TIME[:1]


def test_an_approved_ltft_change_dates_the_later_placements_again(membership, rotation, lead):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    seen = AuditEvent.objects.count()
    # 50% from 5 May 2027, during the split posts begun on 5 Feb: 92 days at full time remain in them (to
    # 4 Aug), so 184 at 50%: they end on 4 Nov 2027; the rest is twice as long as it was.
    approve_ltft(membership, "0.5", D(2027, 5, 5))
    changes = placements_redate(membership=membership, by=lead, today=D(2027, 3, 1))
    assert placed(membership) == [
        FULL_TIME[0],  # over: as it was
        (2, D(2027, 2, 5), D(2027, 5, 4), Decimal("0.50")),  # in progress: keeps its start
        (2, D(2027, 5, 5), D(2027, 11, 4), Decimal("0.25")),
        (3, D(2027, 2, 5), D(2027, 5, 4), Decimal("0.50")),
        (3, D(2027, 5, 5), D(2027, 11, 4), Decimal("0.25")),
        (4, D(2027, 11, 5), D(2028, 11, 6), Decimal("0.50")),  # 184 days at full time, 368 at 50%
        (5, D(2028, 11, 7), D(2029, 11, 5), Decimal("0.50")),
        (6, D(2029, 11, 6), D(2031, 11, 5), Decimal("0.50")),
    ]
    assert changes == 7
    assert sorted(verbs()[seen:]) == ["placement.created"] * 2 + ["placement.redated"] * 5
    event = AuditEvent.objects.filter(verb="placement.redated").first()
    assert event.before["end_date"] != event.after["end_date"]
    # 273 days done by 5 May 2027; 823 to go at 50% take 1,646 days: 5 May 2027 + 1,645 days = 5 Nov 2031.
    assert cct_estimate_for(membership).cct == D(2031, 11, 5)
    assert placements_redate(membership=membership, by=lead, today=D(2027, 3, 1)) == 0  # nothing more to do


@pytest.mark.parametrize("status", [LtftChange.Status.APPLIED, LtftChange.Status.DECLINED])
def test_an_ltft_change_not_approved_moves_nothing(membership, rotation, lead, status):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    approve_ltft(membership, "0.5", D(2027, 5, 5), status=status)
    assert placements_redate(membership=membership, by=lead, today=D(2027, 3, 1)) == 0
    assert placed(membership) == FULL_TIME
    assert cct_estimate_for(membership).cct == D(2029, 8, 4)


def test_time_out_extends_the_placement_it_interrupts_and_moves_the_rest(membership, rotation, lead):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    # Parental leave from 1 Apr to 30 Jun 2027 (91 days): the split posts stop for it and end 91 days later.
    Interruption.objects.create(
        membership=membership, kind="parental", start_date=D(2027, 4, 1), end_date=D(2027, 6, 30)
    )
    placements_redate(membership=membership, by=lead, today=D(2027, 3, 15))
    assert placed(membership) == [
        FULL_TIME[0],
        (2, D(2027, 2, 5), D(2027, 3, 31), Decimal("0.50")),
        (2, D(2027, 7, 1), D(2027, 11, 3), Decimal("0.50")),
        (3, D(2027, 2, 5), D(2027, 3, 31), Decimal("0.50")),
        (3, D(2027, 7, 1), D(2027, 11, 3), Decimal("0.50")),
        (4, D(2027, 11, 4), D(2028, 5, 5), Decimal("1.00")),
        (5, D(2028, 5, 6), D(2028, 11, 3), Decimal("1.00")),
        (6, D(2028, 11, 4), D(2029, 11, 3), Decimal("1.00")),
    ]
    assert cct_estimate_for(membership).cct == D(2029, 11, 3)
    check = curriculum_for(membership)  # the months on leave are not months in post
    assert float(check.months_in_posts) == pytest.approx(36, abs=0.1)
    assert float(check.gp_months) == pytest.approx(15, abs=0.1)


def test_time_out_with_no_end_then_the_return(membership, rotation, lead):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    leave = Interruption.objects.create(membership=membership, kind="parental", start_date=D(2027, 4, 1))
    # On 1 May the leave has no end: the rest of the split posts is planned from tomorrow.
    placements_redate(membership=membership, by=lead, today=D(2027, 5, 1))
    assert placed(membership)[1:3] == [
        (2, D(2027, 2, 5), D(2027, 3, 31), Decimal("0.50")),
        (2, D(2027, 5, 2), D(2027, 9, 4), Decimal("0.50")),
    ]
    # The return on 1 Jul is recorded on 15 Jul: the rest starts on 1 Jul, though 2 May has passed.
    leave.end_date = D(2027, 6, 30)
    leave.save()
    placements_redate(membership=membership, by=lead, today=D(2027, 7, 15))
    assert placed(membership)[1:3] == [
        (2, D(2027, 2, 5), D(2027, 3, 31), Decimal("0.50")),
        (2, D(2027, 7, 1), D(2027, 11, 3), Decimal("0.50")),
    ]
    assert Placement.objects.filter(membership=membership).latest("end_date").end_date == D(2029, 11, 3)


def test_time_out_that_counts_and_placements_not_from_a_rotation_are_left_alone(membership, rotation, lead):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    own = f.PlacementFactory(membership=membership, start_date=D(2029, 9, 1), end_date=D(2029, 12, 31))
    Interruption.objects.create(
        membership=membership, kind="OOPT", start_date=D(2027, 9, 1), end_date=D(2028, 8, 31),
        counts_towards_training=True,
    )  # fmt: skip
    assert placements_redate(membership=membership, by=lead, today=D(2027, 3, 1)) == 0
    own.refresh_from_db()
    assert (own.start_date, own.end_date) == (D(2029, 9, 1), D(2029, 12, 31))


def test_the_training_year_follows_the_placements(membership, rotation, lead):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    Interruption.objects.create(
        membership=membership, kind="OOPE", start_date=D(2027, 8, 5), end_date=D(2028, 8, 4)
    )
    placements_redate(membership=membership, by=lead, today=D(2027, 7, 1))
    membership = type(membership).objects.get(pk=membership.pk)
    assert training_year_for(membership, D(2026, 8, 1)) == "not started"
    assert training_year_for(membership, D(2027, 7, 1)) == "ST1"
    assert training_year_for(membership, D(2028, 1, 1)) == "ST1"  # out of programme after ST1
    assert training_year_for(membership, D(2028, 9, 1)) == "ST2"
    assert training_year_for(membership, D(2029, 9, 1)) == "ST3"
    assert training_year_for(membership, D(2031, 1, 1)) == "ST3"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_text(response)))


def test_the_timeline_shows_placements_with_supervisors(world, membership, rotation, lead, client_for):
    rotation_placements_create(membership=membership, rotation=rotation, by=lead)
    approve_ltft(membership, "0.5", D(2027, 5, 5))
    placements_redate(membership=membership, by=lead, today=D(2027, 3, 1))
    response = client_for("trainee").get(reverse("trainees:me"))
    body = text(response)
    assert "5 Feb 2027 to 4 May 2027" in body
    assert "5 May 2027 to 4 Nov 2027" in body
    assert "50% of full time in this post" in body
    assert "25% of full time in this post" in body
    assert "The same post, at a new working pattern." in body
    assert "Educational supervisor: Dr Ada Example 2, es2@example.org" in body
    assert "Clinical supervisor: Dr Ben Sample, cs2@example.org" in body
    assert 'href="mailto:es2@example.org"' in page_text(response)
    staff = text(
        client_for("scheme_admin").get(reverse("trainees:trainee_detail", args=[world.trainee_a.pk]))
    )
    assert "Educational supervisor: Dr Ada Example 6, es6@example.org" in staff


def test_a_plan_from_an_offer_is_dated_as_accepting_would_date_it(membership, rotation):
    membership.wte = Decimal("0.6")
    membership.save()
    planned = rotation_placements_planned(membership, rotation)
    assert not Placement.objects.exists()
    # 6 months at 60%: 184 full-time days take 307 days, to 7 Jun 2027.
    assert (planned[0].start_date, planned[0].end_date) == (D(2026, 8, 5), D(2027, 6, 7))
    assert planned[-1].end_date == cct_estimate_for(membership).cct
    assert planned[1].clinical_supervisor_name == "Dr Ben Sample"
