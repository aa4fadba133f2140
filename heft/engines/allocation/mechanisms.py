"""The allocation rules. Each takes a Problem and returns a rotation per trainee (-1 for none).

Fixed trainees are kept where they are and take no part; the others share each rotation's spare places.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from heft.engines.allocation import _kernels
from heft.engines.allocation.flows import least_disruptive, min_total_rank
from heft.engines.allocation.problem import Problem, ProblemError


@dataclass(frozen=True)
class Allocation:
    assigned: np.ndarray  # int32 rotation per trainee, -1 for none; fixed places included
    seed: int | None = None
    order: np.ndarray | None = None  # the turn order, for the serial dictatorships


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
    return Allocation(_with_fixed(problem, min_total_rank(problem)))


def rank_maximal(problem: Problem, seed: int | None) -> Allocation:
    graph = _kernels.preference_graph(
        problem.fixed < 0, problem.pref_indptr, problem.pref_rotation, problem.spare_capacity
    )
    assigned = _kernels.rank_maximal(graph)
    return Allocation(_with_fixed(problem, assigned))


def reallocate(problem: Problem, seed: int | None) -> Allocation:
    return Allocation(_with_fixed(problem, least_disruptive(problem)))


MECHANISMS: dict[str, Callable[[Problem, int | None], Allocation]] = {
    "serial-dictatorship": serial_dictatorship,
    "random-serial-dictatorship": random_serial_dictatorship,
    "stable": stable,
    "min-total-rank": minimum_total_rank,
    "rank-maximal": rank_maximal,
    "reallocate": reallocate,
}


def allocate(problem: Problem, mechanism: str, seed: int | None = None) -> Allocation:
    """Run one mechanism on a parsed problem: the bare allocation, without metrics or explanations."""
    if mechanism not in MECHANISMS:
        raise ProblemError(f"Unknown mechanism {mechanism!r}; choose one of: {', '.join(MECHANISMS)}.")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise ProblemError(f"The seed must be a whole number, 0 or more; got {seed!r}.")
    return MECHANISMS[mechanism](problem, seed)


def _dictatorship(problem: Problem, order: np.ndarray) -> np.ndarray:
    return _kernels.serial_dictatorship(
        order, problem.pref_indptr, problem.pref_rotation, problem.spare_capacity
    )


def _with_fixed(problem: Problem, assigned: np.ndarray) -> np.ndarray:
    return np.where(problem.fixed >= 0, problem.fixed, assigned).astype(np.int32)
