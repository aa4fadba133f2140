"""The allocation rules. Each takes a Problem and returns a rotation per trainee (-1 for none).

Fixed trainees are kept where they are and take no part; the others share each rotation's spare places.
`fill_places_left` may follow any rule: it gives the places nobody's list could take to the trainees left
without one, in recruitment-rank order.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from heft.engines.allocation import _kernels
from heft.engines.allocation.problem import Problem, ProblemError


@dataclass(frozen=True)
class Allocation:
    assigned: np.ndarray  # int32 rotation per trainee, -1 for none; fixed places included
    seed: int | None = None
    order: np.ndarray | None = None  # the turn order, for the serial dictatorships
    filled: np.ndarray | None = None  # bool per trainee: placed by fill_places_left, not by the rule


def serial_dictatorship(problem: Problem, seed: int | None) -> Allocation:
    order = np.flatnonzero(problem.fixed < 0)
    return Allocation(_with_fixed(problem, _dictatorship(problem, order)), order=order)


def random_serial_dictatorship(problem: Problem, seed: int | None) -> Allocation:
    if seed is None:
        seed = secrets.randbits(32)
    participants = np.flatnonzero(problem.fixed < 0)
    order = participants[np.random.default_rng(seed).permutation(len(participants))]
    return Allocation(_with_fixed(problem, _dictatorship(problem, order)), seed=seed, order=order)


def stable(problem: Problem, seed: int | None) -> Allocation:
    assigned = _kernels.deferred_acceptance(
        problem.fixed < 0,
        problem.pref_indptr,
        problem.pref_rotation,
        problem.edge_priority,
        problem.spare_capacity,
    )
    return Allocation(_with_fixed(problem, assigned))


def minimum_total_rank(problem: Problem, seed: int | None) -> Allocation:
    from heft.engines.allocation.flows import min_total_rank  # OR-Tools and scipy: imported when needed

    return Allocation(_with_fixed(problem, min_total_rank(problem)))


def rank_maximal(problem: Problem, seed: int | None) -> Allocation:
    graph = _kernels.preference_graph(
        problem.fixed < 0, problem.pref_indptr, problem.pref_rotation, problem.spare_capacity
    )
    assigned = _kernels.rank_maximal(graph)
    return Allocation(_with_fixed(problem, assigned))


def reallocate(problem: Problem, seed: int | None) -> Allocation:
    from heft.engines.allocation.flows import least_disruptive  # OR-Tools and scipy: imported when needed

    return Allocation(_with_fixed(problem, least_disruptive(problem)))


MECHANISMS: dict[str, Callable[[Problem, int | None], Allocation]] = {
    "serial-dictatorship": serial_dictatorship,
    "random-serial-dictatorship": random_serial_dictatorship,
    "stable": stable,
    "min-total-rank": minimum_total_rank,
    "rank-maximal": rank_maximal,
    "reallocate": reallocate,
}


def allocate(problem: Problem, mechanism: str, seed: int | None = None, *, fill: bool = False) -> Allocation:
    """Run one mechanism on a parsed problem: the bare allocation, without metrics or explanations. With
    `fill`, the places left afterwards go to the trainees still without one (see fill_places_left)."""
    if mechanism not in MECHANISMS:
        raise ProblemError(f"Unknown mechanism {mechanism!r}; choose one of: {', '.join(MECHANISMS)}.")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise ProblemError(f"The seed must be a whole number, 0 or more; got {seed!r}.")
    allocation = MECHANISMS[mechanism](problem, seed)
    return fill_places_left(problem, allocation) if fill else allocation


def fill_places_left(problem: Problem, allocation: Allocation) -> Allocation:
    """After the rule has placed every trainee it can from their lists, give each place left to a trainee
    still without one (no list, or no choice with room), in recruitment-rank order: the best-ranked takes
    the first rotation, in id order, with a place left. Nobody placed by the rule is moved, so each
    trainee's ranked choices stay as the rule left them: a trainee who ranked a rotation with room would
    already be in it."""
    assigned = allocation.assigned.copy()
    taken = np.bincount(assigned[assigned >= 0], minlength=problem.n_rotations)
    places = np.repeat(
        np.arange(problem.n_rotations, dtype=np.int32), np.maximum(problem.capacity - taken, 0)
    )
    waiting = np.flatnonzero((assigned < 0) & (problem.fixed < 0))  # trainee indices are in rank order
    filled = np.zeros(problem.n_trainees, dtype=bool)
    count = min(len(places), len(waiting))
    assigned[waiting[:count]] = places[:count]
    filled[waiting[:count]] = True
    return replace(allocation, assigned=assigned, filled=filled)


def stable_is_serial_dictatorship(problem: Problem) -> bool:
    """Whether `stable` must give serial dictatorship's allocation: so when no rotation has a priority
    list of its own, as every rotation then ranks trainees by the same recruitment rank. With one
    priority order common to every rotation, trainee-proposing deferred acceptance lets the best-ranked
    trainee keep their first choice with room, then the next, and so on: serial dictatorship in rank order.
    """
    return not problem.rotation_priorities


def _dictatorship(problem: Problem, order: np.ndarray) -> np.ndarray:
    return _kernels.serial_dictatorship(
        order, problem.pref_indptr, problem.pref_rotation, problem.spare_capacity
    )


def _with_fixed(problem: Problem, assigned: np.ndarray) -> np.ndarray:
    return np.where(problem.fixed >= 0, problem.fixed, assigned).astype(np.int32)
