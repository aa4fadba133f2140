"""The rotation checks (heft.engines.rotations): worked examples of each error and warning, and properties
that hold for any rotation: a full three years of whole-time posts is clean, a slot past month 36 is always
an error, the gaps reported are exactly the months no post covers."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heft.engines.rotations import TRAINING_MONTHS, Slot, heft_reasons, month_span, rotation_findings

ERROR, WARNING = "error", "warning"


def slot(order, start, months, *, year=None, wte="1", post=None, innovative=False, deep_end=""):
    """A slot in the year its start month falls in, unless told otherwise."""
    return Slot(
        order=order,
        training_year=year or f"ST{min(start // 12, 2) + 1}",
        start=start,
        months=months,
        wte=Decimal(wte),
        post=post or f"Post {order}",
        innovative=innovative,
        deep_end_practice=deep_end,
    )


def messages(slots, severity=None):
    return [f.message for f in rotation_findings(slots) if severity is None or f.severity == severity]


# --- worked examples -------------------------------------------------------------------------------------

SIX_POSTS = [slot(n + 1, n * 6, 6) for n in range(6)]


def test_six_six_month_posts_over_three_years_are_clean():
    assert rotation_findings(SIX_POSTS) == []


def test_a_rotation_with_no_posts_is_an_error():
    (finding,) = rotation_findings([])
    assert finding.is_error
    assert finding.message == "Add at least one post: a rotation with no posts cannot be offered."


def test_a_slot_running_past_month_36_is_an_error_naming_the_month():
    slots = [*SIX_POSTS[:5], slot(6, 30, 12, post="GP at Example Surgery")]
    assert messages(slots, ERROR) == [
        "GP at Example Surgery runs to month 42, past the 36 months of GP training."
    ]


def test_a_slot_of_no_months_and_one_before_month_1_are_errors():
    assert (
        messages([slot(1, 0, 0, post="Paediatrics")], ERROR)[0] == "Paediatrics: give it at least one month."
    )
    assert "Psychiatry: it cannot start before month 1." in messages(
        [slot(1, -1, 6, post="Psychiatry")], ERROR
    )


def test_two_whole_time_posts_at_once_overlap():
    slots = [slot(1, 0, 12, post="GP at A"), slot(2, 6, 12, post="Psychiatry at B"), slot(3, 18, 18)]
    (finding,) = [f for f in rotation_findings(slots) if f.is_error]
    assert finding.message == (
        "Months 7–12: GP at A and Psychiatry at B overlap. Posts held at the same time must add up to no"
        " more than one whole-time equivalent."
    )
    assert finding.slots == (1, 2)


def test_two_half_time_posts_side_by_side_are_a_split_post():
    slots = [slot(1, 0, 12, wte="0.5"), slot(2, 0, 12, wte="0.5"), slot(3, 12, 24)]
    assert messages(slots, ERROR) == []


def test_months_without_a_post_are_a_warning_not_an_error():
    slots = [slot(1, 0, 12), slot(2, 13, 11), slot(3, 24, 6)]
    assert messages(slots, ERROR) == []
    assert messages(slots, WARNING) == ["Month 13 has no post.", "Months 31–36 have no post."]


def test_a_slot_in_the_wrong_training_year_is_a_warning():
    slots = [slot(1, 0, 12), slot(2, 12, 12, year="ST3", post="Paediatrics"), slot(3, 24, 12)]
    assert messages(slots) == ["Paediatrics starts in month 13, which is in ST2, not ST3."]


@pytest.mark.parametrize("months,wte,warned", [(6, "1", False), (12, "0.5", False), (4, "1", True)])
def test_innovative_posts_are_six_months_whole_time(months, wte, warned):
    slots = [slot(1, 0, 12), slot(2, 12, months, wte=wte, innovative=True, post="Prisons at C")]
    warnings = [m for m in messages(slots, WARNING) if "innovative" in m]
    assert bool(warnings) == warned
    if warned:
        assert warnings == [
            "Prisons at C is an innovative post of 4 months whole-time; HEFT innovative posts are six months"
            " whole-time."
        ]


def test_errors_come_before_warnings():
    slots = [slot(1, 0, 6, year="ST2"), slot(2, 30, 12)]
    severities = [f.severity for f in rotation_findings(slots)]
    assert severities == sorted(severities, key=lambda s: s != ERROR)
    assert severities[0] == ERROR
    assert WARNING in severities


def test_heft_reasons_name_each_innovative_post_and_deep_end_practice_once():
    slots = [
        slot(1, 0, 6, post="GP at Riverside", deep_end="Riverside Surgery"),
        slot(2, 6, 6, post="Inclusion health at Hostel", innovative=True),
        slot(3, 24, 12, year="ST3", post="GP at Riverside", deep_end="Riverside Surgery"),
    ]
    assert heft_reasons(slots) == [
        "ST1: Riverside Surgery is a Deep End practice.",
        "ST1: Inclusion health at Hostel is an innovative post.",
        "ST3: Riverside Surgery is a Deep End practice.",
    ]
    assert heft_reasons(SIX_POSTS) == []


def test_month_span_counts_from_one():
    assert month_span(6, 7) == "month 7"
    assert month_span(6, 12) == "months 7–12"


# --- properties ------------------------------------------------------------------------------------------


@st.composite
def tilings(draw):
    """The 36 months cut into consecutive whole-time posts, each in the year it starts in."""
    cuts = sorted(draw(st.sets(st.integers(1, TRAINING_MONTHS - 1), max_size=12)))
    bounds = [0, *cuts, TRAINING_MONTHS]
    return [slot(n, start, end - start) for n, (start, end) in enumerate(itertools.pairwise(bounds), 1)]


@given(tilings())
def test_a_full_tiling_of_whole_time_posts_has_no_errors_and_no_gaps(slots):
    assert rotation_findings(slots) == []


@given(tilings(), st.data())
def test_shifting_a_slot_past_month_36_is_always_an_error(slots, data):
    chosen = data.draw(st.sampled_from(slots))
    shift = data.draw(st.integers(TRAINING_MONTHS - chosen.end + 1, TRAINING_MONTHS))
    moved = slot(chosen.order, chosen.start + shift, chosen.months)
    others = [s for s in slots if s.order != chosen.order]
    errors = [f for f in rotation_findings([*others, moved]) if f.is_error]
    assert any(
        f"past the {TRAINING_MONTHS} months" in f.message and f.slots == (moved.order,) for f in errors
    )


spans = st.tuples(st.integers(0, TRAINING_MONTHS - 1), st.integers(1, 12)).map(
    lambda span: (span[0], min(span[1], TRAINING_MONTHS - span[0]))
)


@given(st.lists(spans, max_size=8))
def test_the_gaps_reported_are_exactly_the_months_no_post_covers(chosen):
    slots = [slot(n, start, months, wte="0.1") for n, (start, months) in enumerate(chosen, 1)]
    covered = {m for s in slots for m in range(s.start, s.end)}
    reported = set()
    for message in messages(slots, WARNING) if slots else []:
        numbers = [int(n) for n in message.split(" ", 2)[1].split("–")]
        reported |= set(range(numbers[0] - 1, numbers[-1]))
    expected = set(range(TRAINING_MONTHS)) - covered if slots else set()
    assert reported == expected


@given(st.lists(spans, min_size=1, max_size=6), st.randoms())
def test_the_findings_do_not_depend_on_the_order_slots_are_given(chosen, random):
    slots = [slot(n, start, months) for n, (start, months) in enumerate(chosen, 1)]
    shuffled = random.sample(slots, len(slots))

    def picture(found):
        return sorted((f.severity, frozenset(f.slots)) for f in found)

    assert picture(rotation_findings(shuffled)) == picture(rotation_findings(slots))


@given(st.lists(spans, min_size=2, max_size=6))
def test_whole_time_posts_sharing_a_month_always_overlap(chosen):
    slots = [slot(n, start, months) for n, (start, months) in enumerate(chosen, 1)]
    shared = any(a.start < b.end and b.start < a.end for a, b in itertools.combinations(slots, 2))
    overlaps = [f for f in rotation_findings(slots) if f.is_error and "overlap" in f.message]
    assert bool(overlaps) == shared
