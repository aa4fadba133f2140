"""Equity exposure: how many whole-time-equivalent months of a trainee's training were spent in Deep End
practices, in practices of each IMD quintile, and in innovative posts; and summaries of those months."""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from heft.engines.dates import add_months

QUINTILES = (1, 2, 3, 4, 5, None)  # None: a practice with no deprivation figures
KINDS = ("gp", "innovative", "hospital")


def calendar_months(start: datetime.date, end: datetime.date) -> float:
    """Months from `start` to `end` inclusive: whole calendar months, then the part-month left as a fraction.

    7 August 2024 to 6 February 2025 is 6.0; a placement that ends the day before it starts is 0.
    """
    stop = end + datetime.timedelta(days=1)
    if stop <= start:
        return 0.0
    whole = (stop.year - start.year) * 12 + stop.month - start.month
    while add_months(start, whole) > stop:
        whole -= 1
    month_start, month_end = add_months(start, whole), add_months(start, whole + 1)
    return whole + (stop - month_start).days / (month_end - month_start).days


@dataclass(frozen=True)
class Stint:
    """One placement: who (key), when, at what whole-time equivalent, in what kind of post."""

    key: Hashable
    start: datetime.date
    end: datetime.date  # inclusive
    wte: float
    kind: str  # one of KINDS
    deep_end: bool = False
    quintile: int | None = None  # the practice's national IMD quintile (GP posts)


@dataclass
class Exposure:
    """Whole-time-equivalent months, in total and by where they were spent."""

    months: float = 0.0
    gp: float = 0.0
    deep_end: float = 0.0
    innovative: float = 0.0
    quintiles: dict[int | None, float] = field(default_factory=lambda: dict.fromkeys(QUINTILES, 0.0))

    def add(self, stint: Stint, months: float) -> None:
        wte_months = months * stint.wte
        self.months += wte_months
        if stint.kind == "innovative":
            self.innovative += wte_months
        elif stint.kind == "gp":
            self.gp += wte_months
            self.quintiles[stint.quintile] += wte_months
            if stint.deep_end:
                self.deep_end += wte_months


def exposures(stints: Iterable[Stint], until: datetime.date | None = None) -> dict[Hashable, Exposure]:
    """Exposure for every key that has a stint; `until` counts only time up to and including that day."""
    result: dict[Hashable, Exposure] = {}
    for stint in stints:
        exposure = result.setdefault(stint.key, Exposure())
        end = stint.end if until is None else min(stint.end, until)
        exposure.add(stint, calendar_months(stint.start, end))
    return result


@dataclass(frozen=True)
class Summary:
    """The distribution of a measure across a group of trainees."""

    count: int
    mean: float | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    low: float | None
    high: float | None


def summarise(values: Iterable[float]) -> Summary:
    values = sorted(values)
    if not values:
        return Summary(0, None, None, None, None, None, None)
    if len(values) == 1:
        only = values[0]
        return Summary(1, only, only, only, only, only, only)
    lower, _, upper = statistics.quantiles(values, n=4, method="inclusive")
    return Summary(
        len(values), statistics.fmean(values), statistics.median(values), lower, upper, values[0], values[-1]
    )
