"""Allocation engine: share a scheme's rotations among its trainees from their ranked preferences.

Pure Python with numpy, numba and OR-Tools; no Django. `solve()` is the entry point; the CLI is
`python -m heft.engines.allocation solve PROBLEM.json --mechanism NAME [--seed N]`.
"""

from heft.engines.allocation.mechanisms import MECHANISMS, Allocation, allocate
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
    "parse_problem",
    "solve",
]
