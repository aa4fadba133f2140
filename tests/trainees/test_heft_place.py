"""Time out that is fair: recording it never releases a HEFT place. Time out beyond the allowance that
overlaps or delays a HEFT post, or runs past the limit, puts the place at risk; the programme team keeps or
releases it, audited, and the trainee is emailed either way."""

import ast
import datetime
import pathlib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow
from heft.programmes.models import PostCategory
from heft.trainees import services
from heft.trainees.models import Interruption, ProgrammeMembership
from heft.trainees.placements import rotation_placements_create
from heft.trainees.selectors import heft_place_risk
from tests import factories as f
from tests.pages import page_text

D = datetime.date
TODAY = timezone.localdate()
DAYS = datetime.timedelta(days=1)


@pytest.fixture
def heft_rotation(world):
    """Trainee A accepted a HEFT rotation: a hospital post now (from 5 Aug 2026), an inclusion health post
    from 5 Feb 2027 and a Deep End practice from 5 Aug 2027; its placements are made."""
    hospital = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind=PostCategory.Kind.HOSPITAL)
    gp = f.CategoryFactory(code="gp-practice", name="GP practice", kind=PostCategory.Kind.GP)
    rotation = f.RotationFactory(scheme=world.scheme_a, code="HEFT-1", name="Fictional HEFT rotation")
    slots = [
        (0, 6, "ST1", hospital, None),
        (6, 6, "ST1", f.CategoryFactory(), None),  # inclusion health: innovative
        (12, 12, "ST2", gp, world.practice),  # a Deep End practice
    ]
    for order, (start, months, year, category, practice) in enumerate(slots):
        post = f.PostFactory(category=category, scheme=world.scheme_a, practice=practice)
        f.SlotFactory(
            rotation=rotation,
            order=order,
            start_offset_months=start,
            months=months,
            training_year=year,
            post=post,
        )
    offer = accepted_offer(world, rotation)
    membership = world.trainee_a.memberships.get()
    rotation_placements_create(membership=membership, rotation=rotation, by=world.user("regional_lead"))
    return offer


def accepted_offer(world, rotation) -> Offer:
    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=world.scheme_a, intake="2026-08", opens_at=now - 20 * DAYS, closes_at=now - 10 * DAYS
    )
    run = AllocationRun.objects.create(
        window=window, mechanism="serial-dictatorship", engine_version="test", input_snapshot={},
        input_digest="0", assignments={}, metrics={}, explanations={},
        created_by=world.user("national_admin"),
    )  # fmt: skip
    return Offer.objects.create(
        window=window, run=run, trainee=world.trainee_a, rotation=rotation, status=Offer.Status.ACCEPTED,
        respond_by=now - 5 * DAYS, responded_at=now - 6 * DAYS,
    )  # fmt: skip


@pytest.fixture
def lead(world):
    return world.user("regional_lead")


def record(world, lead, kind, start, end=None, **extra) -> Interruption:
    membership = world.trainee_a.memberships.get()
    return services.interruption_record(
        membership=membership, kind=kind, start_date=start, end_date=end, by=lead, **extra
    )


def placements(world) -> list[tuple]:
    return list(
        world.trainee_a.memberships.get()
        .placements.order_by("start_date")
        .values_list("start_date", "end_date")
    )


def fresh(interruption) -> Interruption:
    return Interruption.objects.select_related("membership").get(pk=interruption.pk)


def test_five_days_sick_leave_never_touches_an_accepted_heft_rotation(world, lead, heft_rotation):
    before = placements(world)
    sick = record(world, lead, "sick", TODAY - 2 * DAYS, TODAY + 2 * DAYS)
    membership = world.trainee_a.memberships.get()
    heft_rotation.refresh_from_db()
    assert heft_rotation.status == Offer.Status.ACCEPTED
    assert placements(world) == before
    assert membership.status == ProgrammeMembership.Status.ACTIVE  # the allowance absorbs it
    assert not membership.returning_heft_not_guaranteed
    assert heft_place_risk(fresh(sick)) is None
    assert not AuditEvent.objects.filter(verb__contains="heft_place").exists()
    assert mail.outbox == []


def test_sick_leave_with_no_end_is_judged_by_the_days_so_far(world, lead, heft_rotation):
    sick = record(world, lead, "sick", TODAY - 10 * DAYS)
    assert heft_place_risk(fresh(sick)) is None  # 11 days so far: within the allowance
    assert heft_place_risk(fresh(sick), today=TODAY + 30 * DAYS) is not None  # 41 days: past the limit


def test_time_out_overlapping_a_heft_post_puts_the_place_at_risk(world, lead, heft_rotation):
    oopt = record(world, lead, "OOPT", D(2027, 3, 1), D(2027, 4, 30))  # counts: the posts stay where they are
    risk = heft_place_risk(fresh(oopt))
    assert risk.reasons == (
        "It overlaps the HEFT post Inclusion health – Fictional Outreach Service (5 Feb 2027 to 4 Aug 2027).",
        "It lasts 61 days: more than 28, the limit beyond the allowance.",
    )
    assert AuditEvent.objects.get(verb="interruption.recorded").after["heft_place_at_risk"] is True
    heft_rotation.refresh_from_db()
    assert heft_rotation.status == Offer.Status.ACCEPTED  # nothing released by itself


def test_time_out_that_does_not_count_delays_the_heft_posts_after_it(world, lead, heft_rotation):
    oope = record(world, lead, "OOPE", D(2026, 12, 10), D(2026, 12, 29))  # 20 days in the hospital post
    reasons = heft_place_risk(fresh(oope)).reasons
    assert reasons[0].startswith("It does not count towards training, so it delays the HEFT post Inclusion")


def test_counted_time_out_beyond_the_allowance_away_from_heft_posts_is_not_a_risk(world, lead, heft_rotation):
    sick = record(world, lead, "sick", D(2026, 12, 10), D(2026, 12, 29))  # 20 days, counts, hospital post
    assert heft_place_risk(fresh(sick)) is None


def test_without_heft_posts_only_the_limit_puts_a_place_at_risk(world, lead):
    membership = world.trainee_a2.memberships.get()  # a HEFT rotation holder with no placements yet
    short = services.interruption_record(
        membership=membership, kind="OOPE", start_date=D(2026, 9, 1), end_date=D(2026, 9, 20), by=lead
    )
    long = services.interruption_record(
        membership=membership, kind="OOPE", start_date=D(2026, 10, 1), end_date=D(2026, 10, 31), by=lead
    )
    assert heft_place_risk(fresh(short)) is None
    assert heft_place_risk(fresh(long)).reasons == (
        "It lasts 31 days: more than 28, the limit beyond the allowance.",
    )


def test_keeping_the_place_is_audited_and_emailed(
    world, lead, heft_rotation, django_capture_on_commit_callbacks
):
    oopt = record(world, lead, "OOPT", D(2027, 3, 1), D(2027, 4, 30))
    with django_capture_on_commit_callbacks(execute=True):
        services.heft_place_decide(
            interruption=oopt, decision="kept", reason="Back before the post ends.", by=lead
        )
    oopt.refresh_from_db()
    assert (oopt.heft_place_decision, oopt.heft_place_decided_by) == ("kept", lead)
    event = AuditEvent.objects.get(verb="interruption.heft_place_kept")
    assert event.after == {"heft_place_decision": "kept", "reason": "Back before the post ends."}
    heft_rotation.refresh_from_db()
    assert heft_rotation.status == Offer.Status.ACCEPTED
    assert heft_place_risk(fresh(oopt)) is None  # decided
    (email,) = mail.outbox
    assert email.subject == "Your HEFT place is kept"
    assert email.to == [world.trainee_a.email]
    assert "Why: Back before the post ends." in email.body
    assert "HEFT Hub" in email.body
    assert "/trainees/me/" in email.body


def test_releasing_the_place_withdraws_offers_flags_the_trainee_and_emails_them(
    world, lead, heft_rotation, django_capture_on_commit_callbacks
):
    oopt = record(world, lead, "OOPC", D(2027, 1, 4), D(2027, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        services.heft_place_decide(interruption=oopt, decision="released", reason="A year away.", by=lead)
    membership = world.trainee_a.memberships.get()
    heft_rotation.refresh_from_db()
    assert membership.returning_heft_not_guaranteed
    assert heft_rotation.status == Offer.Status.WITHDRAWN
    assert heft_rotation.status_reason.endswith("time out of training: A year away.")
    assert [start for start, _ in placements(world)] == [D(2026, 8, 5)]  # the post begun stays; the rest go
    made = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"interruption.heft_place_released", "offer.withdrawn", "membership.heft_place_released"} <= made
    (email,) = mail.outbox
    assert email.subject == "Your HEFT place was released"
    assert "Why: A year away." in email.body
    with pytest.raises(ValidationError, match="already released"):
        services.heft_place_decide(interruption=oopt, decision="kept", reason="Changed our minds.", by=lead)


def test_a_decision_needs_a_reason_and_a_choice(world, lead, heft_rotation):
    oopt = record(world, lead, "OOPT", D(2027, 3, 1), D(2027, 4, 30))
    with pytest.raises(ValidationError, match="Give the reason"):
        services.heft_place_decide(interruption=oopt, decision="kept", reason=" ", by=lead)
    with pytest.raises(ValidationError, match="keep or release"):
        services.heft_place_decide(interruption=oopt, decision="maybe", reason="Why not.", by=lead)


def test_the_record_and_the_list_show_the_place_at_risk_and_the_team_decides(
    world, client_for, heft_rotation
):
    client = client_for("scheme_admin")
    oopt = record(world, world.user("scheme_admin"), "OOPT", D(2027, 3, 1), D(2027, 4, 30))
    detail = reverse("trainees:trainee_detail", args=[world.trainee_a.pk])
    body = page_text(client.get(detail))
    assert "HEFT place at risk" in body
    assert "It overlaps the HEFT post Inclusion health" in body
    listed = page_text(client.get(reverse("trainees:trainee_list"), {"show": "heft_place_at_risk"}))
    assert world.trainee_a.surname in listed
    assert world.trainee_a2.surname not in listed
    assert "1 trainee" in listed

    url = reverse("trainees:heft_place_decide", args=[world.trainee_a.pk, oopt.pk])
    prefix = f"heft-place-{oopt.pk}"
    refused = client.post(url, {f"{prefix}-decision": "kept"})
    assert refused.status_code == 400
    assert "There is a problem" in page_text(refused)
    assert f'href="#id_{prefix}-reason"' in page_text(refused)
    kept = client.post(url, {f"{prefix}-decision": "kept", f"{prefix}-reason": "Short OOPT, agreed."})
    assert kept.status_code == 302
    body = page_text(client.get(detail))
    assert f'id="heft-place-{oopt.pk}"' not in body
    assert "Kept" in body
    listed = page_text(client.get(reverse("trainees:trainee_list"), {"show": "heft_place_at_risk"}))
    assert world.trainee_a.surname not in listed


def test_the_trainee_sees_that_their_team_will_decide_but_no_form(world, client_for, heft_rotation):
    record(world, world.user("scheme_admin"), "OOPT", D(2027, 3, 1), D(2027, 4, 30))
    body = page_text(client_for("trainee").get(reverse("trainees:me")))
    assert "HEFT place at risk" in body
    assert "Your programme team will decide whether to keep it" in body
    assert 'name="heft-place-' not in body  # no decision form


def test_another_regions_time_out_is_never_decided(world, client_for):
    membership = world.trainee_b.memberships.get()
    interruption = Interruption.objects.create(membership=membership, kind="OOPC", start_date=D(2026, 11, 2))
    url = reverse("trainees:heft_place_decide", args=[world.trainee_b.pk, interruption.pk])
    data = {
        f"heft-place-{interruption.pk}-decision": "released",
        f"heft-place-{interruption.pk}-reason": "No.",
    }
    assert client_for("regional_lead").post(url, data).status_code == 404
    interruption.refresh_from_db()
    assert interruption.heft_place_decision == ""


def test_the_api_decides_the_heft_place(world, client_for, heft_rotation):
    oopt = record(world, world.user("regional_lead"), "OOPT", D(2027, 3, 1), D(2027, 4, 30))
    client = client_for("regional_lead")
    base = f"/api/v1/trainees/{world.trainee_a.pk}/interruptions"
    listed = client.get(base).json()
    assert listed[0]["heft_place_at_risk"][0].startswith("It overlaps the HEFT post")
    url = f"{base}/{oopt.pk}/heft-place"
    response = client.post(url, {"decision": "kept", "reason": "Agreed."}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["heft_place_decision"] == "kept"
    assert response.json()["heft_place_at_risk"] == []
    assert (
        client_for("mentor")
        .post(url, {"decision": "released", "reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def test_the_intake_a_returner_joins(world, lead):
    membership = world.trainee_a2.memberships.get()
    with pytest.raises(ValidationError, match="Only a trainee who has had time out"):
        services.returning_intake_set(membership=membership, intake="2027-08", by=lead)
    services.interruption_record(membership=membership, kind="OOPC", start_date=D(2026, 11, 2), by=lead)
    with pytest.raises(ValidationError, match="after their own"):
        services.returning_intake_set(membership=membership, intake="2026-08", by=lead)
    with pytest.raises(ValidationError, match="year and month"):
        services.returning_intake_set(membership=membership, intake="August 2027", by=lead)
    services.returning_intake_set(membership=membership, intake="2027-08", by=lead)
    membership.refresh_from_db()
    assert membership.returning_to_intake == "2027-08"
    assert AuditEvent.objects.get(verb="membership.returning_intake_set").after == {
        "returning_to_intake": "2027-08"
    }


def test_the_record_sets_the_returning_intake(world, client_for, lead):
    membership = world.trainee_a2.memberships.get()
    services.interruption_record(membership=membership, kind="OOPC", start_date=D(2026, 11, 2), by=lead)
    client = client_for("scheme_admin")
    url = reverse("trainees:returning_intake", args=[world.trainee_a2.pk])
    assert client.post(url, {"returning-intake": "2027-08"}).status_code == 302
    body = page_text(client.get(reverse("trainees:trainee_detail", args=[world.trainee_a2.pk])))
    assert "the 2027-08 intake: they join its preference window" in body


def test_trainees_never_import_the_apps_above_them():
    """Layers: trainees reaches preferencing only through its signal (heft/trainees/signals.py)."""
    above = ("heft.preferencing", "heft.teaching", "heft.community", "heft.content", "heft.reports")
    for name in ("services", "selectors", "views", "forms", "api", "tasks", "signals", "placements"):
        tree = ast.parse(pathlib.Path(f"heft/trainees/{name}.py").read_text())
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if m.startswith(above)], name
