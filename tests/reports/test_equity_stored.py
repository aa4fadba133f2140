"""The equity report's stored figures (heft.reports.models.PlacementExposure) give the same months as the
engine computing every placement directly, for every period; and they follow every change of placements,
posts and practices, whether the write sends a signal (save, delete, the Deep End override) or not
(bulk_create, queryset.update, as the rotation placements and the Deep End rule write)."""

import datetime
import importlib
import random

import pytest
from django.apps import apps

from heft.engines.deprivation import Stint, exposures, quintile_of_decile
from heft.practices.bulk import bulk_set
from heft.practices.models import Practice
from heft.practices.services import practice_deep_end_override
from heft.programmes.models import PostCategory
from heft.reports.exposure_store import exposure_refresh, stale_placements
from heft.reports.models import PlacementExposure
from heft.reports.selectors import exposure_rows
from heft.trainees.models import Placement
from tests import factories as f

pytestmark = pytest.mark.django_db
Day = datetime.date
PERIODS = [None, Day(2024, 8, 6), Day(2024, 8, 7), Day(2025, 2, 6), Day(2025, 5, 20), Day(2026, 1, 31)]


def direct(until: datetime.date | None) -> dict:
    """The engine over every placement read now, as the report computed it before anything was stored."""
    placements = Placement.objects.select_related("post__category", "post__practice")
    stints = [
        Stint(
            p.membership_id,
            p.start_date,
            p.end_date,
            float(p.wte),
            p.post.category.kind,
            bool(p.post.practice and p.post.practice.is_deep_end),
            quintile_of_decile(p.post.practice.imd_decile if p.post.practice else None),
        )
        for p in placements
    ]
    return exposures(stints, until=until)


def assert_same_as_direct(user, until=None) -> None:
    stored = {row.membership_id: row.exposure for row in exposure_rows(user, until=until)}
    expected = direct(until)
    assert stored.keys() == expected.keys()
    for key, exposure in expected.items():
        got = stored[key]
        assert (got.months, got.gp, got.deep_end, got.innovative) == pytest.approx(
            (exposure.months, exposure.gp, exposure.deep_end, exposure.innovative)
        ), (key, until)
        assert got.quintiles == pytest.approx(exposure.quintiles), (key, until)


@pytest.fixture
def many(placed):
    """Placements of every kind at random dates, WTEs and practices of every decile (and none), some begun,
    some over, some to come, for the three trainees."""
    chance = random.Random(20261207)
    gp = PostCategory.objects.get(code="gp-practice")
    others = list(PostCategory.objects.exclude(pk=gp.pk))
    practices = [f.PracticeFactory(imd_decile=d, is_deep_end=d == 2) for d in [*range(1, 11), None]]
    memberships = [t.memberships.get() for t in (placed.trainee_a, placed.trainee_a2, placed.trainee_b)]
    for _ in range(40):
        membership = chance.choice(memberships)
        start = Day(2023, 1, 1) + datetime.timedelta(days=chance.randrange(1500))
        if chance.random() < 0.6:
            practice = chance.choice(practices)
            post = f.PostFactory(category=gp, practice=practice, scheme=membership.scheme, site="")
        else:
            post = f.PostFactory(category=chance.choice(others), scheme=membership.scheme)
        f.PlacementFactory(
            membership=membership,
            post=post,
            start_date=start,
            end_date=start + datetime.timedelta(days=chance.randrange(0, 500)),
            wte=chance.choice(["1.00", "0.80", "0.60", "0.50"]),
        )
    return placed


@pytest.mark.parametrize("until", PERIODS)
def test_the_stored_figures_give_what_the_engine_gives_directly(many, until):
    assert_same_as_direct(many.user("national_admin"), until)


def test_a_placement_saved_refreshes_its_figures_at_once(placed):
    placement = Placement.objects.filter(membership__trainee=placed.trainee_b).get()
    placement.end_date = Day(2025, 8, 6)  # six months more
    placement.save()
    assert PlacementExposure.objects.get(pk=placement.pk).months == pytest.approx(12)
    assert not stale_placements().exists()
    assert_same_as_direct(placed.user("national_admin"))


def test_placements_written_without_a_signal_are_counted_at_the_next_read(placed):
    membership = placed.trainee_b.memberships.get()
    post = Placement.objects.filter(membership=membership).get().post
    Placement.objects.bulk_create(  # as accepting a rotation and re-dating placements write them
        [Placement(membership=membership, post=post, start_date=Day(2025, 2, 7), end_date=Day(2025, 8, 6))]
    )
    Placement.objects.filter(membership__trainee=placed.trainee_a, wte="0.50").update(wte="1.00")
    assert stale_placements().count() == 2
    assert_same_as_direct(placed.user("national_admin"))
    assert not stale_placements().exists()
    rows = {row.trainee_id: row.exposure for row in exposure_rows(placed.user("national_admin"))}
    assert rows[placed.trainee_b.pk].deep_end == pytest.approx(12)
    assert rows[placed.trainee_a.pk].innovative == pytest.approx(6)


def test_a_deep_end_decision_by_hand_refreshes_the_figures_at_once(placed):
    practice_deep_end_override(
        practice=placed.practice, decision=False, reason="Merged list", by=placed.user("national_admin")
    )
    assert not PlacementExposure.objects.filter(deep_end=True).exists()
    assert not stale_placements().exists()
    rows = exposure_rows(placed.user("national_admin"))
    assert {row.exposure.deep_end for row in rows} == {0}


def test_a_rule_or_import_that_saves_practices_in_bulk_refreshes_the_figures_once_it_commits(
    placed, django_capture_on_commit_callbacks
):
    """The Deep End rule and the imports write through bulk_set, which tells reports what it saved; the
    figures are refreshed in the background after the commit."""
    placed.practice.is_deep_end, placed.practice.imd_decile = False, 9
    with django_capture_on_commit_callbacks(execute=True):
        bulk_set(Practice, [placed.practice], ["is_deep_end", "imd_decile"])
        assert stale_placements().count() == 2  # not yet: the person applying the rule does not wait
    assert not stale_placements().exists()
    rows = {row.trainee_id: row.exposure for row in exposure_rows(placed.user("national_admin"))}
    assert rows[placed.trainee_a.pk].deep_end == 0
    assert_same_as_direct(placed.user("national_admin"))


def test_an_update_that_sends_nothing_is_caught_at_the_next_read(placed):
    Practice.objects.filter(pk=placed.practice.pk).update(is_deep_end=False, imd_decile=9)
    assert stale_placements().count() == 2
    rows = {row.trainee_id: row.exposure for row in exposure_rows(placed.user("national_admin"))}
    assert rows[placed.trainee_a.pk].deep_end == 0
    assert rows[placed.trainee_a.pk].quintiles[5] == pytest.approx(12)
    assert_same_as_direct(placed.user("national_admin"))


def test_a_post_moved_to_another_practice_or_kind_is_counted_at_the_next_read(placed):
    post = Placement.objects.filter(membership__trainee=placed.trainee_b).get().post
    post.practice = f.PracticeFactory(imd_decile=6, is_deep_end=False)
    post.save()
    category = PostCategory.objects.get(code="paediatrics")
    category.kind = PostCategory.Kind.INNOVATIVE
    category.save()
    assert stale_placements().count() == 3  # trainee_a's year in the same post, and a2's six months
    assert_same_as_direct(placed.user("national_admin"))
    rows = {row.trainee_id: row.exposure for row in exposure_rows(placed.user("national_admin"))}
    moved = rows[placed.trainee_b.pk]
    assert (moved.deep_end, moved.quintiles[3]) == (0, pytest.approx(6))
    assert rows[placed.trainee_a2.pk].innovative == pytest.approx(6)


def test_a_placement_moved_out_of_scope_leaves_the_report_of_its_old_scheme(placed):
    placement = Placement.objects.filter(membership__trainee=placed.trainee_a, wte="0.50").get()
    Placement.objects.filter(pk=placement.pk).update(membership=placed.trainee_b.memberships.get())
    rows = {row.trainee_id: row.exposure for row in exposure_rows(placed.user("scheme_admin"))}
    assert rows[placed.trainee_a.pk].innovative == 0
    assert_same_as_direct(placed.user("national_admin"))


def test_a_deleted_placement_takes_its_figures_with_it(placed):
    Placement.objects.filter(membership__trainee=placed.trainee_b).delete()
    assert PlacementExposure.objects.count() == 4
    assert placed.trainee_b.pk not in {row.trainee_id for row in exposure_rows(placed.user("national_admin"))}


def test_the_migration_fills_the_figures_of_placements_already_recorded(placed):
    PlacementExposure.objects.all().delete()
    fill = importlib.import_module("heft.reports.migrations.0002_fill_placement_exposure").fill
    fill(apps, None)
    assert PlacementExposure.objects.count() == 5
    assert exposure_refresh() == 0  # every row as the report would have stored it
