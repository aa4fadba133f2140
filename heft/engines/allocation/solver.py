"""The entry point for the app and the CLI: solve a problem with a named mechanism."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from heft.engines.allocation.explain import explain
from heft.engines.allocation.mechanisms import Allocation, allocate
from heft.engines.allocation.metrics import compute_metrics
from heft.engines.allocation.problem import Problem, parse_problem

ENGINE_VERSION = "1.1.0"  # 1.1: the fill pass (fill=True) and the "filled" metric


@dataclass(frozen=True, eq=False)
class Result:
    """An allocation. Metrics and explanations are worked out when first read (they cost more than the
    allocation itself on national-sized problems)."""

    problem: Problem
    mechanism: str
    allocation: Allocation

    @property
    def seed(self) -> int | None:
        return self.allocation.seed

    @property
    def input_digest(self) -> str:
        return self.problem.input_digest

    @cached_property
    def assignments(self) -> dict[str, str | None]:
        order = self.problem.id_order
        names = (*self.problem.rotation_ids, None)  # index -1 (no rotation) reads None
        trainees = map(self.problem.trainee_ids.__getitem__, order.tolist())
        return dict(
            zip(trainees, map(names.__getitem__, self.allocation.assigned[order].tolist()), strict=True)
        )

    @cached_property
    def metrics(self) -> dict[str, Any]:
        return compute_metrics(self.problem, self.allocation.assigned, self.allocation.filled)

    @cached_property
    def explanations(self) -> dict[str, str]:
        return explain(self.problem, self.mechanism, self.allocation)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "seed": self.seed,
            "engine_version": ENGINE_VERSION,
            "input_digest": self.input_digest,
            "assignments": self.assignments,
            "metrics": self.metrics,
            "explanations": self.explanations,
        }


def solve(problem: dict | Problem, mechanism: str, seed: int | None = None, *, fill: bool = False) -> Result:
    """Allocate with `mechanism` (see MECHANISMS). Raises ProblemError for bad input, unknown mechanism
    or bad seed. The seed is used by random-serial-dictatorship only (one is drawn and reported if None).
    `fill` gives the places left to the trainees the rule could not place (mechanisms.fill_places_left)."""
    parsed = parse_problem(problem)
    return Result(parsed, mechanism, allocate(parsed, mechanism, seed, fill=fill))
