"""Communities of practice and mentor matching: properties on random instances, and worked examples."""

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heft.engines.grouping import (
    LONG_JOURNEY,
    GroupingError,
    Member,
    Mentor,
    form_groups,
    group_count,
    journey,
    match_mentors,
)

AREAS = {"Avon": "north", "Bath": "north", "Cheddar": "south", "Dorset": "south", "Exmoor": ""}
INTERESTS = ["homelessness", "refugee health", "research", "leadership"]


def members(max_size=40):
    person = st.tuples(
        st.sampled_from(sorted(AREAS)),
        st.integers(1, 3),
        st.sampled_from(["rotation", "enrolment_only"]),
        st.frozensets(st.sampled_from(INTERESTS), max_size=2),
    )
    return st.lists(person, max_size=max_size).map(
        lambda rows: [
            Member(f"t{i:03d}", locality, AREAS[locality], year, mode, interests)
            for i, (locality, year, mode, interests) in enumerate(rows)
        ]
    )


def mentors(max_count=5, max_capacity=12):
    mentor = st.tuples(
        st.sampled_from(sorted(AREAS)),
        st.integers(0, max_capacity),
        st.frozensets(st.sampled_from(INTERESTS), max_size=2),
    )
    return st.lists(mentor, max_size=max_count).map(
        lambda rows: [
            Mentor(f"m{i}", locality, AREAS[locality], capacity, interests)
            for i, (locality, capacity, interests) in enumerate(rows)
        ]
    )


sizes = st.integers(2, 6).flatmap(lambda low: st.tuples(st.just(low), st.integers(low, low + 8)))


@settings(max_examples=150, deadline=None)
@given(people=members(), leads=mentors(), size_range=sizes)
def test_groups_respect_sizes_localities_and_mentor_capacity(people, leads, size_range):
    low, high = size_range
    result = form_groups(people, leads, min_size=low, max_size=high)
    placed = [m.id for g in result.groups for m in g.members]

    # Everyone is placed once, or reported with a reason.
    assert sorted(placed + list(result.unplaced)) == sorted(p.id for p in people)
    assert len(placed) == len(set(placed))
    # Sizes.
    assert all(low <= len(g.members) <= high for g in result.groups)
    if result.unplaced:
        assert all(len(g.members) == high for g in result.groups)
        assert len(result.unplaced) < low
    # Mentor capacity counts every member a mentor leads.
    led = Counter()
    for group in result.groups:
        if group.lead:
            led[group.lead.id] += len(group.members)
    assert all(led[m.id] <= m.capacity for m in leads)
    # Every group without a lead says why.
    for group in result.groups:
        if group.lead is None:
            assert any("choose a lead by hand" in r for r in group.reasons)
    # Locality: with a range wide enough for any count, each locality big enough keeps its own groups;
    # whoever is placed away from their locality is told why.
    counts = Counter(p.locality for p in people)
    for group in result.groups:
        for member in group.members:
            if member.locality != group.locality:
                assert result.why[member.id]
            if high >= 2 * low - 1 and counts[member.locality] >= low:
                assert group.locality == member.locality


@settings(max_examples=100, deadline=None)
@given(people=members(), size_range=sizes)
def test_each_locality_mixes_training_years_evenly(people, size_range):
    low, high = size_range
    if high < 2 * low - 1:
        return  # narrow ranges can leave some out
    result = form_groups(people, [], min_size=low, max_size=high)
    for locality in {p.locality for p in people}:
        own = [g for g in result.groups if g.locality == locality]
        for year in (1, 2, 3):
            per_group = [sum(1 for m in g.members if m.locality == locality and m.year == year) for g in own]
            if per_group:
                assert max(per_group) - min(per_group) <= 1, (locality, year, per_group)


def members_in_one_locality():
    """One locality's trainees, with any share of enrolment-only members (from none to all)."""
    person = st.tuples(st.integers(0, 3), st.booleans())
    return st.lists(person, min_size=1, max_size=60).map(
        lambda rows: [
            Member(f"t{i:03d}", "Avon", "north", year, "enrolment_only" if enrolled else "rotation")
            for i, (year, enrolled) in enumerate(rows)
        ]
    )


@settings(max_examples=300, deadline=None)
@given(people=members_in_one_locality(), size_range=sizes)
def test_a_localitys_groups_share_out_years_and_both_heft_modes_evenly(people, size_range):
    low, high = size_range
    result = form_groups(people, [], min_size=low, max_size=high)
    sizes_ = [len(g.members) for g in result.groups]
    assert not sizes_ or max(sizes_) - min(sizes_) <= 1
    placed = [m for g in result.groups for m in g.members]
    for attribute in ("year", "mode"):
        for value in {getattr(m, attribute) for m in placed}:
            # Each group has its share: with as many as there are groups, every group has at least one.
            per_group = [sum(1 for m in g.members if getattr(m, attribute) == value) for g in result.groups]
            assert max(per_group) - min(per_group) <= 1, (attribute, value, per_group)


def test_enrolment_only_members_are_not_left_together_in_one_group():
    # Dealt round the groups in year order, one group would be all rotation and the other enrolment only.
    people = [
        Member("a", "Avon", "north", 1, "rotation"),
        Member("b", "Avon", "north", 1, "enrolment_only"),
        Member("c", "Avon", "north", 2, "rotation"),
        Member("d", "Avon", "north", 2, "enrolment_only"),
    ]
    result = form_groups(people, [], min_size=2, max_size=2)
    assert [sorted(m.mode for m in g.members) for g in result.groups] == [["enrolment_only", "rotation"]] * 2
    assert [sorted(m.year for m in g.members) for g in result.groups] == [[1, 2]] * 2


def test_a_worked_example_explains_itself():
    people = [
        Member(f"a{i}", "Avon", "north", year=i % 3 + 1, mode=("rotation", "enrolment_only")[i % 2])
        for i in range(12)
    ]
    people += [Member("b1", "Bath", "north", year=1), Member("b2", "Bath", "north", year=3)]
    lead = Mentor("m1", "Avon", "north", capacity=20, label="Dr Fellow")
    result = form_groups(people, [lead], min_size=4, max_size=8)
    assert [len(g.members) for g in result.groups] == [7, 7]  # 12 in Avon make two groups; Bath's two join
    assert all({m.year for m in g.members} == {1, 2, 3} for g in result.groups)
    assert all({m.mode for m in g.members} == {"rotation", "enrolment_only"} for g in result.groups)
    assert "Too few trainees in Bath" in result.why["b1"]
    first, second = result.groups
    assert first.lead == lead
    assert second.lead == lead  # 14 members fit within a capacity of 20
    assert any(r.startswith("Avon: 12 trainees, formed into 2 groups") for r in first.reasons)
    assert any("Led by Dr Fellow (same locality)" in r for r in first.reasons)


def test_small_localities_pool_by_area_before_joining_others():
    people = [Member(f"b{i}", "Bath", "north") for i in range(2)] + [
        Member(f"v{i}", "Avon", "north") for i in range(2)
    ]
    result = form_groups(people, [], min_size=4, max_size=6)
    [group] = result.groups
    assert group.localities == ["Avon", "Bath"]
    assert any("Brings together trainees from Avon, Bath in north" in r for r in group.reasons)


def test_a_lead_without_room_is_not_chosen():
    people = [Member(f"a{i}", "Avon", "north") for i in range(6)]
    result = form_groups(people, [Mentor("m1", "Avon", "north", capacity=5)], min_size=4, max_size=8)
    assert result.groups[0].lead is None
    assert "No mentor has room for 6 more trainees" in result.groups[0].reasons[-1]


def test_shared_interests_bring_people_together_without_breaking_the_mix():
    people = [
        Member("a1", "Avon", year=1, interests=frozenset({"research"})),
        Member("a2", "Avon", year=1, interests=frozenset({"homelessness"})),
        Member("a3", "Avon", year=2, interests=frozenset({"research"})),
        Member("a4", "Avon", year=2, interests=frozenset({"homelessness"})),
    ]
    result = form_groups(people, [], min_size=2, max_size=2)
    together = sorted(sorted(m.id for m in g.members) for g in result.groups)
    assert together == [["a1", "a3"], ["a2", "a4"]]


@pytest.mark.parametrize(
    "n,low,high,expected", [(3, 4, 8, 0), (4, 4, 8, 1), (12, 4, 8, 2), (16, 4, 8, 3), (13, 5, 5, 2)]
)
def test_group_count(n, low, high, expected):
    assert group_count(n, low, high) == expected


def test_bad_sizes_are_refused():
    with pytest.raises(GroupingError, match="Group sizes"):
        form_groups([], [], min_size=5, max_size=4)


# --- mentor matching --------------------------------------------------------------------------------------


def brute_force(people, leads):
    """The best (most matched, fewest long journeys) over every assignment: for tiny instances only."""
    best = None
    for choice in itertools.product([None, *leads], repeat=len(people)):
        load = Counter(m.id for m in choice if m)
        if any(load[m.id] > m.capacity for m in leads):
            continue
        matched = sum(1 for m in choice if m)
        long = sum(
            1
            for p, m in zip(people, choice, strict=True)
            if m and journey(p.locality, p.area, m.locality, m.area) == LONG_JOURNEY
        )
        score = (matched, -long)
        best = score if best is None or score > best else best
    return best


@settings(max_examples=120, deadline=None)
@given(people=members(max_size=5), leads=mentors(max_count=3, max_capacity=2))
def test_matching_respects_capacity_and_makes_the_fewest_long_journeys(people, leads):
    result = match_mentors(people, leads)
    load = Counter(result.pairs.values())
    assert all(load[m.id] <= m.capacity for m in leads)
    assert set(result.pairs) | set(result.unmatched) == {p.id for p in people}
    assert not set(result.pairs) & set(result.unmatched)
    assert (len(result.pairs), -result.long_journeys) == brute_force(people, leads)


@settings(max_examples=60, deadline=None)
@given(people=members(), leads=mentors())
def test_matching_places_as_many_as_capacity_allows(people, leads):
    result = match_mentors(people, leads)
    assert len(result.pairs) == min(len(people), sum(m.capacity for m in leads))


def test_matching_prefers_the_group_lead_and_explains():
    people = [Member("t1", "Avon", "north", preferred_mentor="m2", interests=frozenset({"research"}))]
    leads = [
        Mentor("m1", "Avon", "north", label="Dr One"),
        Mentor("m2", "Avon", "north", label="Dr Two", interests=frozenset({"research"})),
    ]
    result = match_mentors(people, leads)
    assert result.pairs == {"t1": "m2"}
    assert (
        result.why["t1"] == "Same locality: Dr Two works in Avon; leads their community of practice; "
        "shared interests: research."
    )


def test_locality_outranks_the_preferred_mentor():
    people = [Member("t1", "Avon", "north", preferred_mentor="far")]
    leads = [Mentor("near", "Avon", "north"), Mentor("far", "Exmoor", "")]
    assert match_mentors(people, leads).pairs == {"t1": "near"}


def test_without_room_everyone_is_told_why():
    result = match_mentors([Member("t1", "Avon")], [Mentor("m1", "Avon", capacity=0)])
    assert result.pairs == {}
    assert "No mentor has room" in result.unmatched["t1"]
