"""Allocation engine: share a scheme's rotations among its trainees from their ranked preferences.

Pure Python with numpy, numba, OR-Tools and orjson; no Django. `solve()` is the entry point; the CLI is
`python -m heft.engines.allocation solve PROBLEM.json --mechanism NAME [--seed N] [--fill]`.
"""

from heft.engines.allocation.mechanisms import (
    MECHANISMS,
    Allocation,
    allocate,
    fill_places_left,
    stable_is_serial_dictatorship,
)
from heft.engines.allocation.problem import Problem, ProblemError, parse_problem
from heft.engines.allocation.solver import ENGINE_VERSION, Result, solve

__all__ = [
    "ENGINE_VERSION",
    "MECHANISMS",
    "Allocation",
    "Problem",
    "ProblemError",
    "Result",
    "allocate",
    "fill_places_left",
    "parse_problem",
    "solve",
    "stable_is_serial_dictatorship",
]
