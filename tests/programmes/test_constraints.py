"""The database refuses records that break the domain's rules, whatever code writes them."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests import factories as f


def refused(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)
    return True


def test_gmc_number_is_unique(db):
    f.TraineeFactory(gmc_number="9123456")
    assert refused(f.TraineeFactory, gmc_number="9123456")


def test_rotation_capacity_cannot_be_negative(db):
    assert refused(f.RotationFactory, capacity=-1)


def test_slot_order_is_unique_in_a_rotation(db):
    slot = f.SlotFactory(order=1)
    assert refused(f.SlotFactory, rotation=slot.rotation, order=1)


def test_slot_must_end_within_three_years(db):
    assert refused(f.SlotFactory, start_offset_months=30, months=12)


def test_placement_dates_in_order(db):
    assert refused(
        f.PlacementFactory, start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2026, 12, 31)
    )


def test_interruption_dates_in_order(db):
    membership = f.MembershipFactory()
    from heft.trainees.models import Interruption

    with pytest.raises(IntegrityError), transaction.atomic():
        Interruption.objects.create(
            membership=membership, kind="sick", start_date="2027-02-01", end_date="2027-01-01"
        )


def test_a_post_is_placed_once_per_start_date_though_two_posts_may_start_together(db):
    placement = f.PlacementFactory()
    f.PlacementFactory(membership=placement.membership)  # a split post: another post from the same day
    assert refused(f.PlacementFactory, membership=placement.membership, post=placement.post)


def test_one_time_out_and_one_ltft_change_per_start_date(db):
    from heft.trainees.models import Interruption, LtftChange

    membership = f.MembershipFactory()
    Interruption.objects.create(membership=membership, kind="sick", start_date="2027-02-01")
    assert refused(Interruption.objects.create, membership=membership, kind="OOPE", start_date="2027-02-01")
    change = {"membership": membership, "start_date": "2027-08-01", "requested_on": "2027-03-01"}
    LtftChange.objects.create(wte="0.8", **change)
    assert refused(LtftChange.objects.create, wte="0.6", **change)


def test_practice_decile_is_1_to_10(db):
    assert refused(f.PracticeFactory, imd_decile=11)


def test_deep_end_override_needs_a_reason(db):
    assert refused(f.PracticeFactory, deep_end_override=True, deep_end_override_reason="")


def test_regional_lead_role_needs_a_region(db):
    assert refused(f.RoleFactory, role="regional_lead")


def test_national_admin_role_has_no_narrower_scope(db):
    assert refused(f.RoleFactory, role="national_admin", region=f.RegionFactory())


def test_membership_wte_is_at_most_full_time(db):
    assert refused(f.MembershipFactory, wte=1.2)


def _window(scheme):
    from heft.preferencing.models import PreferenceWindow

    return PreferenceWindow.objects.create(
        scheme=scheme, intake="2026-08", opens_at="2026-03-01T09:00Z", closes_at="2026-03-15T17:00Z"
    )


def test_rank_is_unique_per_trainee_and_window(db):
    from heft.preferencing.models import Preference

    rotation = f.RotationFactory()
    other = f.RotationFactory(scheme=rotation.scheme)
    window, trainee = _window(rotation.scheme), f.TraineeFactory()
    Preference.objects.create(window=window, trainee=trainee, rotation=rotation, rank=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Preference.objects.create(window=window, trainee=trainee, rotation=other, rank=1)


def test_window_must_close_after_it_opens(db):
    from heft.preferencing.models import PreferenceWindow

    with pytest.raises(IntegrityError), transaction.atomic():
        PreferenceWindow.objects.create(
            scheme=f.SchemeFactory(),
            intake="2026-08",
            opens_at="2026-03-15T09:00Z",
            closes_at="2026-03-01T09:00Z",
        )
