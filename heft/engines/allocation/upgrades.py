"""Upgrades: trainees who accepted an offer "with upgrades" move up when a place comes free.

As in national recruitment, a trainee may accept the rotation they were offered and keep a claim on the
rotations they ranked higher. When a re-offer run frees places (declines, lapses, rotations given up), the
upgraders are served first, in recruitment-rank order: each moves to the highest choice above the rotation
they hold that has a free place. A move frees the place they held, which may let another upgrader move up,
so the search starts again from the best-ranked upgrader after every move (a cascade). It ends because
every move gives someone a strictly higher choice. Only what is left is offered to others.

A rotation that is not on the trainee's list (a place made by hand) has nothing "higher" on it: such a
holder is never moved. Pure Python, deterministic: the same input gives the same moves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from heft.engines.allocation.explain import _ordinal


@dataclass(frozen=True)
class Move:
    """One step of the cascade: `trainee` leaves `from_rotation` for `to_rotation`. The choices are their
    1-based positions in the trainee's list (to_choice < from_choice)."""

    trainee: str
    from_rotation: str
    to_rotation: str
    from_choice: int
    to_choice: int


def upgrade_moves(
    *,
    capacities: Mapping[str, int],
    holders: Mapping[str, str],
    preferences: Mapping[str, Sequence[str]],
    upgraders: Sequence[str],
) -> list[Move]:
    """The moves, in the order they happen.

    capacities: rotation -> places. holders: trainee -> rotation, for every place held (upgraders and
    everyone else who holds an offer). preferences: trainee -> rotations, best first. upgraders: the
    trainees with a claim on higher choices, best recruitment rank first (each must be in holders).
    """
    missing = [t for t in upgraders if t not in holders]
    if missing:
        raise ValueError(f"upgraders without a place to move up from: {', '.join(missing)}")
    held = Counter(holders.values())
    free = {rotation: places - held[rotation] for rotation, places in capacities.items()}
    current = {t: holders[t] for t in upgraders}
    moves: list[Move] = []
    while move := _first_move(upgraders, current, preferences, free):
        free[move.to_rotation] -= 1
        free[move.from_rotation] = free.get(move.from_rotation, 0) + 1
        current[move.trainee] = move.to_rotation
        moves.append(move)
    return moves


def _first_move(upgraders, current, preferences, free) -> Move | None:
    """The best-ranked upgrader who can move up now, to their highest choice with a free place."""
    for trainee in upgraders:
        ranked = list(preferences.get(trainee, ()))
        held = current[trainee]
        if held not in ranked:
            continue
        higher = ranked[: ranked.index(held)]
        target = next((r for r in higher if free.get(r, 0) > 0), None)
        if target is not None:
            return Move(trainee, held, target, ranked.index(held) + 1, ranked.index(target) + 1)
    return None


def net_moves(moves: Sequence[Move]) -> dict[str, Move]:
    """Trainee -> one move from where they started to where the cascade left them."""
    first: dict[str, Move] = {}
    last: dict[str, Move] = {}
    for move in moves:
        first.setdefault(move.trainee, move)
        last[move.trainee] = move
    return {
        t: Move(t, first[t].from_rotation, last[t].to_rotation, first[t].from_choice, last[t].to_choice)
        for t in first
    }


def final_holders(holders: Mapping[str, str], moves: Sequence[Move]) -> dict[str, str]:
    """Trainee -> rotation once the moves are made."""
    after = dict(holders)
    for move in moves:
        after[move.trainee] = move.to_rotation
    return after


def explain_move(move: Move) -> str:
    """For the trainee and the run page: why they were moved."""
    held, higher = _ordinal(move.from_choice), _ordinal(move.to_choice)
    return (
        f"You accepted {move.from_rotation} (your {held} choice) with upgrades, keeping a claim on the "
        f"rotations you ranked higher. A place came free in {move.to_rotation}, your {higher} choice and the "
        "highest of them with a free place, so you have been moved up to it: it is accepted for you, with "
        f"upgrades still on. Your place in {move.from_rotation} goes to the next trainee waiting."
    )
