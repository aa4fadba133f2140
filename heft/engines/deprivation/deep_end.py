"""The Deep End rule: which practices serve the most deprived populations, and why each is in or out.

Deep End networks define it differently (the Scottish practices serving the most deprived 15% of areas, a
top-100 list, the lowest national decile by IMD score), so the rule is data: a measure, a method and whether
practices are ranked across England or within each region.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from heft.engines.deprivation.ranking import positions

MEASURES = {
    "imd_score": "IMD score",
    "share_10": "share of patients living in the most deprived 10% of areas",
    "share_15": "share of patients living in the most deprived 15% of areas",
    "share_20": "share of patients living in the most deprived 20% of areas",
}
METHODS = {
    "decile": "the most deprived tenth of practices",
    "top_n": "the N most deprived practices",
}


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class DeepEndRule:
    measure: str
    method: str
    top_n: int | None = None
    per_region: bool = False

    def __post_init__(self):
        if self.measure not in MEASURES:
            raise RuleError(f"Unknown measure {self.measure!r}: choose one of {', '.join(MEASURES)}.")
        if self.method not in METHODS:
            raise RuleError(f"Unknown method {self.method!r}: choose one of {', '.join(METHODS)}.")
        if self.method == "top_n" and not (self.top_n and self.top_n > 0):
            raise RuleError("Say how many practices the rule takes (a whole number above 0).")

    @property
    def where(self) -> str:
        return "in each region" if self.per_region else "in England"

    def describe(self) -> str:
        if self.method == "top_n":
            chosen = f"The {self.top_n:,} practice{'' if self.top_n == 1 else 's'}"
        else:
            chosen = "The most deprived tenth of practices"
        return f"{chosen} {self.where} with the highest {MEASURES[self.measure]}"

    def cut(self, count: int) -> int:
        """How many places of `count` the rule takes."""
        return math.ceil(count / 10) if self.method == "decile" else min(self.top_n or 0, count)


@dataclass(frozen=True)
class PracticeMeasure:
    key: Hashable
    value: float | None
    region: str | None = None  # the region's name, for per-region rules


@dataclass(frozen=True)
class Decision:
    is_deep_end: bool
    reason: str
    place: int | None = None  # 1-based, 1 the most deprived
    of: int = 0


def describe_value(measure: str, value: float) -> str:
    if measure == "imd_score":
        return f"IMD score {value:.2f}"
    return f"{value:.1%} of patients live in the most deprived {measure.split('_')[1]}% of areas"


def apply_rule(rule: DeepEndRule, practices: Iterable[PracticeMeasure]) -> dict[Hashable, Decision]:
    """Each practice's decision under the rule, with the reason in words."""
    decisions: dict[Hashable, Decision] = {}
    groups: dict[str, dict[Hashable, float]] = defaultdict(dict)
    for practice in practices:
        if practice.value is None:
            reason = f"No {MEASURES[rule.measure]} for this practice, so the rule cannot place it."
            decisions[practice.key] = Decision(False, reason)
        elif rule.per_region and not practice.region:
            decisions[practice.key] = Decision(
                False, "No region recorded, so a per-region rule cannot place it."
            )
        else:
            groups[practice.region if rule.per_region else "England"][practice.key] = practice.value
    for group, values in groups.items():
        count, cut = len(values), rule.cut(len(values))
        where = f"in {group}"
        for key, place in positions(values).items():
            inside = place < cut
            reason = (
                f"{describe_value(rule.measure, values[key])}: number {place + 1:,} of {count:,} practices "
                f"{where} (1 is the most deprived); the rule takes the first {cut:,}."
            )
            decisions[key] = Decision(inside, reason, place + 1, count)
    return decisions
