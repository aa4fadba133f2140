"""Ranking, the Deep End rule, area shares and exposure months: the sums the equity reports rest on."""

import datetime
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heft.engines.deprivation import (
    Area,
    DeepEndRule,
    PracticeMeasure,
    RuleError,
    Stint,
    apply_rule,
    calendar_months,
    deciles,
    exposures,
    positions,
    practice_shares,
    summarise,
)
from heft.engines.deprivation.sources import PatientCount

Day = datetime.date


def test_places_share_ties_and_deciles_start_at_the_most_deprived():
    assert positions({"a": 10.0, "b": 30.0, "c": 30.0, "d": 5.0}) == {"b": 0, "c": 0, "a": 2, "d": 3}
    scores = {f"P{n}": float(n) for n in range(20)}  # P19 is the most deprived
    found = deciles(scores)
    assert found["P19"] == found["P18"] == 1
    assert found["P17"] == 2
    assert found["P0"] == 10


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=300))
def test_deciles_are_1_to_10_and_never_rank_a_less_deprived_practice_higher(values):
    scores = dict(enumerate(values))
    found = deciles(scores)
    assert set(found.values()) <= set(range(1, 11))
    for a in scores:
        for b in scores:
            if scores[a] > scores[b]:
                assert found[a] <= found[b]
    if len(set(values)) == len(values):  # without ties, the top tenth (rounded up) is decile 1
        assert sum(d == 1 for d in found.values()) == math.ceil(len(values) / 10)


def figures(**values) -> list[PracticeMeasure]:
    return [PracticeMeasure(code, value, region) for code, (value, region) in values.items()]


def test_the_most_deprived_tenth_nationally():
    practices = figures(**{f"P{n:02d}": (float(n), "North") for n in range(1, 21)}, NODATA=(None, "North"))
    decisions = apply_rule(DeepEndRule("imd_score", "decile"), practices)
    assert {code for code, d in decisions.items() if d.is_deep_end} == {"P20", "P19"}
    assert decisions["P20"].reason == (
        "IMD score 20.00: number 1 of 20 practices in England (1 is the most deprived); the rule takes the "
        "first 2."
    )
    assert (decisions["P18"].is_deep_end, decisions["P18"].place, decisions["P18"].of) == (False, 3, 20)
    assert decisions["NODATA"].reason == "No IMD score for this practice, so the rule cannot place it."


def test_top_n_per_region_and_shares_in_words():
    north = {"A1": (0.62, "North"), "A2": (0.40, "North"), "A3": (0.10, "North")}
    practices = figures(**north, B1=(0.30, "South"), B2=(0.20, "South"), LOST=(0.99, None))
    decisions = apply_rule(DeepEndRule("share_15", "top_n", top_n=1, per_region=True), practices)
    assert {code for code, d in decisions.items() if d.is_deep_end} == {"A1", "B1"}
    assert decisions["A1"].reason.startswith(
        "62.0% of patients live in the most deprived 15% of areas: number 1"
    )
    assert "of 2 practices in South" in decisions["B2"].reason
    assert decisions["LOST"].reason == "No region recorded, so a per-region rule cannot place it."


def test_ties_at_the_cut_are_all_in():
    practices = figures(A=(9.0, None), B=(9.0, None), C=(1.0, None))
    decisions = apply_rule(DeepEndRule("imd_score", "top_n", top_n=1), practices)
    assert [d.is_deep_end for d in decisions.values()] == [True, True, False]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"measure": "income", "method": "decile"}, "Unknown measure"),
        ({"measure": "imd_score", "method": "best"}, "Unknown method"),
        ({"measure": "imd_score", "method": "top_n"}, "Say how many"),
        ({"measure": "imd_score", "method": "top_n", "top_n": 0}, "Say how many"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused(kwargs, message):
    with pytest.raises(RuleError, match=message):
        DeepEndRule(**kwargs)


def test_rules_describe_themselves():
    assert DeepEndRule("share_15", "decile").describe() == (
        "The most deprived tenth of practices in England with the highest share of patients living in the "
        "most deprived 15% of areas"
    )
    assert DeepEndRule("imd_score", "top_n", top_n=100, per_region=True).describe() == (
        "The 100 practices in each region with the highest IMD score"
    )


def test_shares_of_patients_in_the_most_deprived_areas():
    areas = {
        "E1": Area(rank=100, decile=1),
        "E2": Area(rank=4_000, decile=2),
        "E3": Area(rank=20_000, decile=7),
    }
    counts = [
        PatientCount(2, "P1", "E1", "ALL", 600),
        PatientCount(3, "P1", "E2", "ALL", 300),
        PatientCount(4, "P1", "W01000001", "ALL", 100),  # Wales: counted, in no deprived group
        PatientCount(5, "P1", "E3", "MALE", 999),  # the ALL rows are used when there are any
    ]
    shares = practice_shares(counts, areas, areas_in_england=32_844)["P1"]
    assert (shares.patients, shares.in_10, shares.in_15, shares.in_20, shares.unplaced) == (
        1000,
        600,
        900,
        900,
        100,
    )
    assert (shares.share_10, shares.share_15) == (0.6, 0.9)
    halves = [PatientCount(2, "P2", "E1", "MALE", 5), PatientCount(3, "P2", "E3", "FEMALE", 5)]
    by_sex = practice_shares(halves, areas, 32_844)
    assert by_sex["P2"].share_10 == 0.5


@pytest.mark.parametrize(
    "start,end,months",
    [
        (Day(2024, 8, 7), Day(2025, 2, 6), 6.0),
        (Day(2024, 8, 1), Day(2024, 8, 31), 1.0),
        (Day(2024, 8, 1), Day(2024, 8, 15), 15 / 31),
        (Day(2025, 1, 31), Day(2025, 2, 27), 28 / 28),  # 31 January to the day before 28 February's end
        (Day(2024, 8, 7), Day(2024, 8, 6), 0.0),
        (Day(2024, 8, 7), Day(2027, 8, 6), 36.0),
    ],
)
def test_calendar_months(start, end, months):
    assert calendar_months(start, end) == pytest.approx(months)


def test_exposure_counts_whole_time_equivalent_months_by_where_they_were_spent():
    stints = [
        Stint("t1", Day(2024, 8, 7), Day(2025, 2, 6), 1.0, "hospital"),
        Stint("t1", Day(2025, 2, 7), Day(2025, 8, 6), 0.6, "innovative"),
        Stint("t1", Day(2025, 8, 7), Day(2026, 8, 6), 1.0, "gp", deep_end=True, quintile=1),
        Stint("t1", Day(2026, 8, 7), Day(2027, 2, 6), 0.5, "gp", quintile=4),
        Stint("t2", Day(2025, 8, 7), Day(2026, 2, 6), 1.0, "gp"),  # a practice without figures
    ]
    found = exposures(stints)
    t1 = found["t1"]
    assert (t1.months, t1.innovative, t1.gp, t1.deep_end) == pytest.approx((6 + 3.6 + 12 + 3, 3.6, 15, 12))
    assert t1.quintiles == pytest.approx({1: 12, 2: 0, 3: 0, 4: 3, 5: 0, None: 0})
    assert found["t2"].quintiles[None] == pytest.approx(6)
    to_date = exposures(stints, until=Day(2025, 11, 6))["t1"]
    assert (to_date.months, to_date.deep_end) == pytest.approx((6 + 3.6 + 3, 3))


def test_summaries():
    assert summarise([]).count == 0
    assert summarise([]).median is None
    one = summarise([4.0])
    assert (one.count, one.median, one.lower_quartile) == (1, 4.0, 4.0)
    many = summarise([0, 0, 6, 12, 18])
    assert (many.mean, many.median, many.lower_quartile, many.upper_quartile, many.high) == (
        7.2,
        6,
        0,
        12,
        18,
    )
