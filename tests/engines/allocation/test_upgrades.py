"""Upgrades: the cascade of moves up when places come free, by example and by property."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heft.engines.allocation.upgrades import (
    Move,
    explain_move,
    final_holders,
    net_moves,
    upgrade_moves,
)


def test_an_upgrader_moves_to_their_highest_choice_with_a_free_place():
    moves = upgrade_moves(
        capacities={"A": 1, "B": 1, "C": 1},
        holders={"t1": "C", "t2": "B"},
        preferences={"t1": ["A", "B", "C"]},
        upgraders=["t1"],
    )
    assert moves == [Move("t1", "C", "A", 3, 1)]


def test_a_freed_place_cascades_to_the_next_upgrader():
    # A has a free place. t2 (rank 2) wants A most and holds B; t1 (rank 1) holds C and wants B over C
    # but not A. t2 moves to A, freeing B, which t1 then takes; C is left for the re-offer.
    moves = upgrade_moves(
        capacities={"A": 1, "B": 1, "C": 1},
        holders={"t1": "C", "t2": "B"},
        preferences={"t1": ["B", "C"], "t2": ["A", "B"]},
        upgraders=["t1", "t2"],
    )
    assert moves == [Move("t2", "B", "A", 2, 1), Move("t1", "C", "B", 2, 1)]
    assert final_holders({"t1": "C", "t2": "B"}, moves) == {"t1": "B", "t2": "A"}


def test_the_better_ranked_upgrader_is_served_first():
    moves = upgrade_moves(
        capacities={"A": 1, "B": 1, "C": 1},
        holders={"t1": "B", "t2": "C"},
        preferences={"t1": ["A", "B"], "t2": ["A", "C"]},
        upgraders=["t1", "t2"],
    )
    assert moves[0] == Move("t1", "B", "A", 2, 1)
    # t1's old place B is not higher than C for t2 (not on their list): t2 stays.
    assert [m.trainee for m in moves] == ["t1"]


def test_a_place_held_by_someone_who_is_not_upgrading_stays_taken():
    moves = upgrade_moves(
        capacities={"A": 1, "B": 1},
        holders={"t1": "B", "t2": "A"},
        preferences={"t1": ["A", "B"]},
        upgraders=["t1"],
    )
    assert moves == []


def test_a_place_not_on_the_list_is_never_upgraded():
    moves = upgrade_moves(
        capacities={"A": 2, "B": 1},
        holders={"t1": "B"},
        preferences={"t1": ["A"]},  # placed in B by hand
        upgraders=["t1"],
    )
    assert moves == []


def test_an_upgrader_must_hold_a_place():
    with pytest.raises(ValueError, match="t9"):
        upgrade_moves(capacities={"A": 1}, holders={}, preferences={}, upgraders=["t9"])


def test_net_moves_join_one_trainee_s_steps_and_the_explanation_says_why():
    steps = [Move("t1", "D", "C", 4, 3), Move("t2", "B", "A", 2, 1), Move("t1", "C", "B", 3, 2)]
    net = net_moves(steps)
    assert net["t1"] == Move("t1", "D", "B", 4, 2)
    text = explain_move(net["t1"])
    assert "D (your 4th choice)" in text
    assert "B, your 2nd choice" in text
    assert "with upgrades" in text


# --- properties ---------------------------------------------------------------------------------------------


@st.composite
def situations(draw):
    """Rotations with places, holders within them (a few over-full ones allowed, as when a rotation loses
    places), lists, and upgraders in rank order."""
    rotations = [f"R{i}" for i in range(draw(st.integers(1, 6)))]
    capacities = {r: draw(st.integers(0, 3)) for r in rotations}
    trainees = [f"t{i}" for i in range(draw(st.integers(0, 12)))]
    holders, preferences = {}, {}
    for t in trainees:
        ranked = draw(st.permutations(rotations))[: draw(st.integers(0, len(rotations)))]
        preferences[t] = list(ranked)
        if draw(st.booleans()):
            holders[t] = (
                draw(st.sampled_from(ranked))
                if ranked and draw(st.booleans())
                else draw(st.sampled_from(rotations))
            )
    upgraders = [t for t in holders if draw(st.booleans())]
    return capacities, holders, preferences, upgraders


def choice(preferences, trainee, rotation) -> int | None:
    ranked = preferences.get(trainee, [])
    return ranked.index(rotation) + 1 if rotation in ranked else None


@settings(max_examples=200, deadline=None)
@given(situations())
def test_upgrades_never_lower_a_choice_nor_overfill_a_rotation(situation):
    capacities, holders, preferences, upgraders = situation
    moves = upgrade_moves(
        capacities=capacities, holders=holders, preferences=preferences, upgraders=upgraders
    )
    current = dict(holders)
    for move in moves:
        assert move.trainee in upgraders
        assert current[move.trainee] == move.from_rotation  # each step starts where the last left them
        assert move.to_choice < move.from_choice
        assert move.from_choice == choice(preferences, move.trainee, move.from_rotation)
        assert move.to_choice == choice(preferences, move.trainee, move.to_rotation)
        current[move.trainee] = move.to_rotation
    before, after = Counter(holders.values()), Counter(current.values())
    for rotation, places in capacities.items():
        # Never more than its places, unless it was over-full before and the cascade only emptied it.
        assert after[rotation] <= max(places, before[rotation])
        if after[rotation] > before[rotation]:
            assert after[rotation] <= places
    assert current == final_holders(holders, moves)
    for trainee, move in net_moves(moves).items():
        assert move.to_choice < move.from_choice
        assert (move.from_rotation, move.to_rotation) == (holders[trainee], current[trainee])


@settings(max_examples=200, deadline=None)
@given(situations())
def test_no_upgrader_is_left_below_a_free_place_or_behind_a_worse_ranked_upgrader(situation):
    capacities, holders, preferences, upgraders = situation
    moves = upgrade_moves(
        capacities=capacities, holders=holders, preferences=preferences, upgraders=upgraders
    )
    after = final_holders(holders, moves)
    taken = Counter(after.values())
    for position, trainee in enumerate(upgraders):
        ranked = preferences.get(trainee, [])
        if after[trainee] not in ranked:
            continue
        wanted = set(ranked[: ranked.index(after[trainee])])
        for better in wanted:
            assert taken[better] >= capacities.get(better, 0), f"{trainee} could still move up to {better}"
        overtaken = [m for m in moves if m.to_rotation in wanted and upgraders.index(m.trainee) > position]
        assert overtaken == [], f"{trainee} was passed over for a worse-ranked upgrader"


@settings(max_examples=100, deadline=None)
@given(situations(), st.randoms(use_true_random=False))
def test_the_same_situation_gives_the_same_moves_whatever_the_order_of_the_maps(
    situation, rnd: random.Random
):
    capacities, holders, preferences, upgraders = situation
    first = upgrade_moves(
        capacities=capacities, holders=holders, preferences=preferences, upgraders=upgraders
    )

    def shuffled(mapping):
        items = list(mapping.items())
        rnd.shuffle(items)
        return dict(items)

    again = upgrade_moves(
        capacities=shuffled(capacities),
        holders=shuffled(holders),
        preferences=shuffled(preferences),
        upgraders=list(upgraders),
    )
    assert again == first
