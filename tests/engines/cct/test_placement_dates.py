"""Placement dates from a rotation's slots: worked cases done by hand, properties, agreement with the CCT
estimate, and how a slot's placements follow new dates (replan).

The arithmetic of each case is in its comment, done by hand: a slot starting `o` months in and lasting `m`
needs the full-time days from the start to the start + o months, and to the start + o + m months; each day
earns its WTE, time out that does not count earns nothing.
"""

import datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heft.engines.cct import (
    CctSpec,
    LtftChange,
    Slot,
    Stretch,
    TimeOut,
    cct_date,
    placement_dates,
    replan,
    spec_from_dict,
)
from heft.engines.dates import add_months

D = datetime.date
DAY = datetime.timedelta(days=1)
START = D(2026, 8, 5)
# A usual GP rotation: four six-month posts, then a year in general practice (36 months in all).
ROTATION = [Slot(0, 6), Slot(6, 6), Slot(12, 6), Slot(18, 6), Slot(24, 12)]


def spans(spec, slots=ROTATION):
    return [(d.start, d.end) for d in placement_dates(spec, slots)]


def test_full_time_gives_the_plain_calendar_dates():
    assert spans(CctSpec(START)) == [
        (D(2026, 8, 5), D(2027, 2, 4)),
        (D(2027, 2, 5), D(2027, 8, 4)),
        (D(2027, 8, 5), D(2028, 2, 4)),
        (D(2028, 2, 5), D(2028, 8, 4)),
        (D(2028, 8, 5), D(2029, 8, 4)),
    ]


def test_sixty_percent_stretches_a_six_month_post_day_for_day():
    # 5 Aug 2026 to 5 Feb 2027 is 184 days; at 0.6, 306.7 days, so 307: 5 Aug 2026 + 306 days = 7 Jun 2027.
    first, second = placement_dates(CctSpec(START, wte=Fraction(6, 10)), [Slot(0, 6), Slot(6, 6)])
    assert (first.start, first.end) == (D(2026, 8, 5), D(2027, 6, 7))
    assert second.start == D(2027, 6, 8)
    assert first.stretches == (Stretch(D(2026, 8, 5), D(2027, 6, 7), Fraction(6, 10)),)


def test_a_change_stretches_only_the_part_of_a_post_after_it():
    # The second post (5 Feb to 4 Aug 2027) at full time to 4 May, then 50%: 5 May to 4 Aug 2027 is 92 days
    # at full time, so 184 at 50%: 5 May 2027 + 183 days = 4 Nov 2027.
    spec = CctSpec(START, changes=(LtftChange(Fraction(1, 2), D(2027, 5, 5)),))
    first, second, third = placement_dates(spec, ROTATION[:3])
    assert (first.start, first.end) == (D(2026, 8, 5), D(2027, 2, 4))
    assert second.stretches == (
        Stretch(D(2027, 2, 5), D(2027, 5, 4), Fraction(1)),
        Stretch(D(2027, 5, 5), D(2027, 11, 4), Fraction(1, 2)),
    )
    assert third.start == D(2027, 11, 5)


def test_time_out_inside_a_post_extends_it_around_the_time_out():
    # Parental leave 1 Apr to 30 Jun 2027 (91 days) inside the second post: it ends 91 days after 4 Aug 2027,
    # on 3 Nov 2027, in two stretches either side of the leave; everything after moves 91 days.
    leave = TimeOut("parental", D(2027, 4, 1), D(2027, 6, 30), counts=False)
    first, second, third = placement_dates(CctSpec(START, time_out=(leave,)), ROTATION[:3])
    assert first.end == D(2027, 2, 4)
    assert (second.start, second.end) == (D(2027, 2, 5), D(2027, 11, 3))
    assert second.stretches == (
        Stretch(D(2027, 2, 5), D(2027, 3, 31), Fraction(1)),
        Stretch(D(2027, 7, 1), D(2027, 11, 3), Fraction(1)),
    )
    assert third.start == D(2027, 11, 4)


def test_time_out_between_posts_moves_the_later_ones_and_extends_none():
    # OOPE for the year from 5 Aug 2027 (366 days, with 29 Feb 2028): ST2 starts on 5 Aug 2028.
    oope = TimeOut("OOPE", D(2027, 8, 5), D(2028, 8, 4), counts=False)
    dated = placement_dates(CctSpec(START, time_out=(oope,)), ROTATION)
    assert dated[1].end == D(2027, 8, 4)
    assert len(dated[1].stretches) == 1
    assert dated[2].start == D(2028, 8, 5)
    assert dated[-1].end == D(2030, 8, 5)


def test_time_out_that_counts_changes_nothing():
    oopt = TimeOut("OOPT", D(2027, 3, 1), D(2027, 12, 31), counts=True)
    assert placement_dates(CctSpec(START, time_out=(oopt,)), ROTATION) == placement_dates(
        CctSpec(START), ROTATION
    )


CCT_CASES = [
    {"start": "2026-08-05"},
    {"start": "2025-08-06"},
    {"start": "2026-08-05", "wte": 0.8},
    {"start": "2026-08-05", "wte": 0.6},
    {"start": "2026-08-05", "wte": 0.5},
    {"start": "2026-08-05", "events": [{"ltft": 0.8, "from": "2027-08-05"}]},
    {"start": "2026-08-05", "wte": 0.8, "events": [{"ltft": 1, "from": "2028-08-05"}]},
    {"start": "2026-08-05", "events": [{"out": "OOPE", "from": "2027-08-05", "to": "2028-08-04"}]},
    {
        "start": "2026-08-05",
        "events": [
            {"ltft": 0.6, "from": "2027-03-01"},
            {"out": "parental", "from": "2028-01-10", "to": "2028-09-30"},
            {"out": "sick", "from": "2029-02-01", "to": "2029-02-20"},
        ],
    },
]


@pytest.mark.parametrize("case", CCT_CASES)
def test_a_rotation_covering_the_programme_ends_on_the_estimated_cct_date(case):
    spec = spec_from_dict(case)
    assert placement_dates(spec, ROTATION)[-1].end == cct_date(spec)


# --- properties -------------------------------------------------------------------------------------------

wtes = st.sampled_from([Fraction(p, 100) for p in (100, 90, 80, 70, 60, 50, 20)])
offsets = st.integers(min_value=0, max_value=1800)


@st.composite
def rotations(draw):
    """Consecutive posts covering 36 months, with now and then a post beside another (a split post)."""
    lengths = draw(st.lists(st.sampled_from([3, 4, 6, 12]), min_size=1, max_size=8))
    slots, month = [], 0
    for months in lengths:
        months = min(months, 36 - month)
        if months <= 0:
            break
        slots.append(Slot(month, months))
        if draw(st.booleans()) and months > 1:
            slots.append(Slot(month, draw(st.integers(1, months))))
        month += months
    if month < 36:
        slots.append(Slot(month, 36 - month))
    return slots


@st.composite
def time_outs(draw, counts=None):
    first = START + DAY * draw(offsets)
    last = first + DAY * draw(st.integers(0, 400))
    return TimeOut("other", first, last, counts=draw(st.booleans() if counts is None else counts))


@st.composite
def specs(draw):
    changes = draw(st.lists(st.tuples(wtes, offsets), max_size=3, unique_by=lambda c: c[1]))
    outs = draw(st.lists(time_outs(), max_size=3))
    return CctSpec(
        START,
        wte=draw(wtes),
        changes=tuple(LtftChange(wte, START + DAY * day) for wte, day in changes),
        time_out=tuple(outs),
    )


def overlap(a, b) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@settings(max_examples=80, deadline=None)
@given(spec=specs(), slots=rotations())
def test_slots_overlap_only_if_they_did_in_the_rotation(spec, slots):
    dated = placement_dates(spec, slots)
    for i, (a, da) in enumerate(zip(slots, dated, strict=True)):
        assert da.start <= da.end
        for b, db in zip(slots[i + 1 :], dated[i + 1 :], strict=True):
            months_overlap = (
                a.start_month < b.start_month + b.months and b.start_month < a.start_month + a.months
            )
            assert overlap((da.start, da.end), (db.start, db.end)) == months_overlap


@settings(max_examples=80, deadline=None)
@given(spec=specs(), slots=rotations())
def test_the_last_post_ends_on_the_cct_date_and_stretches_skip_time_out(spec, slots):
    dated = placement_dates(spec, slots)
    assert max(d.end for d in dated) == cct_date(spec)
    stops = [t for t in spec.time_out if not t.counts]
    for d in dated:
        assert d.stretches[0].start == d.start
        assert d.stretches[-1].end == d.end
        for s, following in zip(d.stretches, d.stretches[1:], strict=False):
            assert s.end < following.start
        for s in d.stretches:
            assert not any(overlap((s.start, s.end), (t.start, t.end)) for t in stops)


@settings(max_examples=60, deadline=None)
@given(slots=rotations())
def test_full_time_without_time_out_is_the_calendar(slots):
    for slot, d in zip(slots, placement_dates(CctSpec(START), slots), strict=True):
        assert d.start == add_months(START, slot.start_month)
        assert d.end == add_months(START, slot.start_month + slot.months) - DAY


@settings(max_examples=60, deadline=None)
@given(slots=rotations())
def test_half_time_doubles_every_length(slots):
    half = placement_dates(CctSpec(START, wte=Fraction(1, 2)), slots)
    for whole, d in zip(placement_dates(CctSpec(START), slots), half, strict=True):
        assert (d.start - START).days == 2 * (whole.start - START).days
        assert (d.end - d.start).days + 1 == 2 * ((whole.end - whole.start).days + 1)


@settings(max_examples=80, deadline=None)
@given(spec=specs(), extra=time_outs(counts=st.just(False)), slots=rotations())
def test_more_time_out_never_moves_a_date_earlier(spec, extra, slots):
    before = placement_dates(spec, slots)
    after = placement_dates(
        CctSpec(START, spec.months_wte, spec.wte, spec.changes, (*spec.time_out, extra)), slots
    )
    for b, a in zip(before, after, strict=True):
        assert a.start >= b.start
        assert a.end >= b.end


# --- replan: how placements follow new dates ---------------------------------------------------------------

TODAY = D(2027, 5, 1)


def s(first, last, wte=1):
    return Stretch(first, last, Fraction(wte))


def test_placements_over_stay_and_one_in_progress_keeps_its_start():
    # A post split by time out that has since been taken back: the new plan is one stretch, from 1 Jan to
    # 30 Jun 2027. The part over stays; the part in progress keeps its start and takes the stretch's end.
    placed = [(D(2026, 11, 1), D(2027, 1, 31)), (D(2027, 3, 1), D(2027, 7, 31))]
    plan = replan(placed, [s(D(2027, 1, 1), D(2027, 6, 30))], TODAY)
    assert plan.moves == ((1, s(D(2027, 3, 1), D(2027, 6, 30))),)
    assert plan.new == plan.gone == ()


def test_a_change_during_a_placement_splits_it():
    placed = [(D(2027, 2, 5), D(2027, 8, 4))]
    stretches = [s(D(2027, 2, 5), D(2027, 6, 4)), s(D(2027, 6, 5), D(2027, 11, 4), 0.5)]
    plan = replan(placed, stretches, TODAY)
    assert plan.moves == ((0, stretches[0]),)
    assert plan.new == (stretches[1],)


def test_time_out_already_begun_ends_the_placement_in_progress_before_it():
    # Open-ended parental leave from 1 Apr (counted up to today, 1 May): the placement that began on 5 Feb
    # ends on 31 Mar; the rest of its slot starts tomorrow.
    placed = [(D(2027, 2, 5), D(2027, 8, 4))]
    stretches = [s(D(2027, 2, 5), D(2027, 3, 31)), s(D(2027, 5, 2), D(2027, 9, 4))]
    plan = replan(placed, stretches, TODAY)
    assert plan.moves == ((0, stretches[0]),)
    assert plan.new == (stretches[1],)


def test_a_split_not_needed_any_more_goes():
    placed = [(D(2027, 6, 1), D(2027, 6, 30)), (D(2027, 9, 1), D(2027, 11, 30))]
    plan = replan(placed, [s(D(2027, 6, 1), D(2027, 8, 31))], TODAY)
    assert plan.moves == ((0, s(D(2027, 6, 1), D(2027, 8, 31))),)
    assert plan.gone == (1,)


def test_nothing_new_starts_before_a_placement_over_ends():
    placed = [(D(2027, 2, 5), D(2027, 4, 30))]
    plan = replan(placed, [s(D(2027, 2, 5), D(2027, 3, 31)), s(D(2027, 4, 15), D(2027, 7, 1))], TODAY)
    assert plan.moves == ()
    assert plan.new == (s(D(2027, 5, 1), D(2027, 7, 1)),)


def test_a_placement_planned_during_time_out_with_no_end_never_began():
    # Planned on 1 May to start on 2 May, while parental leave from 1 Apr had no end; the return is now
    # recorded for 1 Jul, so on 15 Jul the rest of the post starts on 1 Jul, not on 2 May.
    placed = [(D(2027, 2, 5), D(2027, 3, 31)), (D(2027, 5, 2), D(2027, 9, 4))]
    out = [(D(2027, 4, 1), D(2027, 6, 30))]
    stretches = [s(D(2027, 2, 5), D(2027, 3, 31)), s(D(2027, 7, 1), D(2027, 11, 3))]
    plan = replan(placed, stretches, D(2027, 7, 15), out)
    assert plan.moves == ((1, stretches[1]),)
    assert plan.new == plan.gone == ()


@settings(max_examples=80, deadline=None)
@given(old=specs(), new=specs(), slots=rotations(), today=offsets)
def test_replanned_placements_keep_the_past_and_never_overlap(old, new, slots, today):
    today = START + DAY * today
    out = [(t.start, t.end) for t in new.time_out if not t.counts]

    def begun(first):
        return first <= today and not any(a <= first <= b for a, b in out)

    for before, after in zip(placement_dates(old, slots), placement_dates(new, slots), strict=True):
        placed = [(x.start, x.end) for x in before.stretches]
        plan = replan(placed, after.stretches, today, out)
        result = dict(enumerate(placed))
        for index, stretch in plan.moves:
            first, last = placed[index]
            if begun(first):
                assert last >= today, "a placement over is not moved"
                assert stretch.start == first, "a placement in progress keeps its start"
            result[index] = (stretch.start, stretch.end)
        for index in plan.gone:
            assert not begun(placed[index][0]), "only placements not begun go"
            del result[index]
        periods = sorted([*result.values(), *((x.start, x.end) for x in plan.new)])
        assert all(first <= last for first, last in periods)
        assert all(a[1] < b[0] for a, b in zip(periods, periods[1:], strict=False))
        assert all(x.end >= today for x in plan.new)
