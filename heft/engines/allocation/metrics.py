"""Measures of an allocation, computed with array operations over the preference entries."""

from __future__ import annotations

from typing import Any

import numpy as np

from heft.engines.allocation.problem import Problem


def choice_numbers(problem: Problem, assigned: np.ndarray) -> np.ndarray:
    """The 0-based choice each trainee got; -1 if unplaced or (fixed) in a rotation they did not rank."""
    chosen = problem.pref_rotation == assigned[problem.edge_trainee]
    choice = np.full(problem.n_trainees, -1, dtype=np.int32)
    choice[problem.edge_trainee[chosen]] = problem.edge_choice[chosen]
    return choice


def rank_profile(problem: Problem, choice: np.ndarray) -> list[int]:
    """How many trainees got their 1st, 2nd, ... choice, as long as the longest preference list."""
    longest = int(np.diff(problem.pref_indptr).max(initial=0))
    return np.bincount(choice[choice >= 0], minlength=longest).tolist()


def blocking_pairs(problem: Problem, assigned: np.ndarray, choice: np.ndarray) -> int:
    """Trainee-rotation pairs that would both rather be together (fixed places are not up for change).

    A trainee who is not fixed blocks with a rotation they prefer to their own if it has a spare place or
    holds someone it ranks below them (by rotation_priorities, else recruitment rank).
    """
    movable = problem.fixed < 0
    holders = movable & (choice >= 0)
    held_edges = problem.pref_indptr[:-1][holders] + choice[holders]
    # Places taken count everyone placed by the rule or the fill pass (whose rotations they did not rank).
    taken = np.bincount(assigned[movable & (assigned >= 0)], minlength=problem.n_rotations)
    worst_held = np.full(problem.n_rotations, -1, dtype=np.int64)
    np.maximum.at(worst_held, assigned[holders], problem.edge_priority[held_edges])
    unplaced_choice = np.iinfo(np.int32).max
    own_choice = np.where(assigned >= 0, choice, unplaced_choice)
    trainee = problem.edge_trainee
    rotation = problem.pref_rotation
    preferred = movable[trainee] & (problem.edge_choice < own_choice[trainee])
    has_room = taken[rotation] < problem.spare_capacity[rotation]
    would_swap = problem.edge_priority < worst_held[rotation]
    return int(np.count_nonzero(preferred & (has_room | would_swap)))


def compute_metrics(
    problem: Problem, assigned: np.ndarray, filled: np.ndarray | None = None
) -> dict[str, Any]:
    choice = choice_numbers(problem, assigned)
    placed = int(np.count_nonzero(assigned >= 0))
    moved = None
    if problem.current is not None:
        moved = int(np.count_nonzero((problem.current >= 0) & (assigned != problem.current)))
    return {
        "placed": placed,
        "unplaced": problem.n_trainees - placed,
        "fixed": int(np.count_nonzero(problem.fixed >= 0)),
        "rank_profile": rank_profile(problem, choice),
        "total_rank": int((choice[choice >= 0].astype(np.int64) + 1).sum()),
        "blocking_pairs": blocking_pairs(problem, assigned, choice),
        "moved": moved,
        "filled": 0 if filled is None else int(np.count_nonzero(filled)),
    }
