"""Placement dates from a rotation's slots, on the CCT estimate's own clock.

A slot says where it sits in training in whole-time months: it starts `start_month` months in and lasts
`months`. At full time with no time out those are calendar months: from the start date plus `start_month`
months to the day before `start_month + months` months. Otherwise each day earns its whole-time equivalent,
exactly as in the CCT estimate (1 at full time, 0.6 at 60%, nothing on time out that does not count), and a
slot begins on the first day in training by which the days earned reach its start, and ends on the day they
reach its end. So:

- less than full time stretches the part of a slot after a change by 1 / WTE (WTE 0.5 doubles it);
- time out that does not count pushes everything after it later by its length, and a slot it interrupts is
  extended around it;
- the last slot of a rotation that covers the whole programme ends on the estimated CCT date (`cct_date`),
  because both count the same days at the same rates.

A slot's stretches are its days in post: from its start to its end less the time out that does not count,
split where the WTE changes. Each becomes one placement, so that a placement has one WTE and the months in
post (curriculum check, equity report, the national upload) are the months worked.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from heft.engines.cct.estimate import _segments  # the estimate's day rates: sharing them keeps the two agreed
from heft.engines.cct.spec import CctSpec
from heft.engines.dates import add_months

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    start_month: int  # whole-time months from the start of training
    months: int  # whole-time months long


@dataclass(frozen=True)
class Stretch:
    """Days in post at one whole-time equivalent, first and last inclusive."""

    start: datetime.date
    end: datetime.date
    wte: Fraction


@dataclass(frozen=True)
class SlotDates:
    start: datetime.date
    end: datetime.date
    stretches: tuple[Stretch, ...]


def placement_dates(spec: CctSpec, slots: Sequence[Slot]) -> list[SlotDates]:
    """Each slot's first and last day and its stretches in post, in the order given."""
    clock = _Clock(spec)
    dated = []
    for slot in slots:
        start = clock.first_day(slot.start_month)
        end = clock.last_day(slot.start_month + slot.months)
        dated.append(SlotDates(start, end, clock.stretches(start, end)))
    return dated


@dataclass(frozen=True)
class _Run:
    """Consecutive days earning `rate` (above 0): from `begins` to the day before `ends` (None: open)."""

    begins: datetime.date
    ends: datetime.date | None
    rate: Fraction
    done: Fraction  # full-time days earned before `begins`

    def earned_by_end(self) -> Fraction | None:
        return None if self.ends is None else self.done + self.rate * (self.ends - self.begins).days


class _Clock:
    """Training time earned day by day, in full-time days, as the CCT estimate counts it."""

    def __init__(self, spec: CctSpec):
        self.start = spec.start
        self.runs: list[_Run] = []
        done = Fraction(0)
        for begins, ends, rate in _segments(spec):
            if rate > 0:
                self.runs.append(_Run(begins, ends, rate, done))
            if ends is not None:
                done += rate * (ends - begins).days

    def _days(self, months: int) -> int:
        """Full-time days in the first `months` months of training: what a full-time trainee has earned."""
        return (add_months(self.start, months) - self.start).days

    def first_day(self, months: int) -> datetime.date:
        """The first day in training by the start of which `months` whole-time months are done."""
        target = self._days(months)
        for run in self.runs:
            day = run.begins + DAY * max(0, math.ceil((target - run.done) / run.rate))
            if run.ends is None or day < run.ends:
                return day
        raise AssertionError("the last run is open-ended")

    def last_day(self, months: int) -> datetime.date:
        """The day on which `months` (above 0) whole-time months are done."""
        target = self._days(months)
        for run in self.runs:
            earned = run.earned_by_end()
            if earned is None or earned >= target:
                return run.begins + DAY * (math.ceil((target - run.done) / run.rate) - 1)
        raise AssertionError("the last run is open-ended")

    def stretches(self, start: datetime.date, end: datetime.date) -> tuple[Stretch, ...]:
        found: list[Stretch] = []
        for run in self.runs:
            first = max(run.begins, start)
            last = end if run.ends is None else min(run.ends - DAY, end)
            if first > last:
                continue
            if found and found[-1].wte == run.rate and found[-1].end + DAY == first:
                found[-1] = Stretch(found[-1].start, last, run.rate)  # a change to the same WTE
            else:
                found.append(Stretch(first, last, run.rate))
        return tuple(found)


@dataclass(frozen=True)
class Replan:
    """How one slot's placements follow its new stretches (indexes into the placements given)."""

    moves: tuple[tuple[int, Stretch], ...]  # placements kept and their dates and WTE now (maybe unchanged)
    new: tuple[Stretch, ...]  # stretches that need a placement of their own
    gone: tuple[int, ...]  # placements not yet begun that the slot no longer needs


def replan(
    placed: Sequence[tuple[datetime.date, datetime.date]],
    stretches: Sequence[Stretch],
    today: datetime.date,
    out: Sequence[tuple[datetime.date, datetime.date]] = (),
) -> Replan:
    """Fits a slot's placements (first and last days) to its stretches as dated now. The past is not
    rewritten: placements over by `today` stay as they were and nothing new starts before they end; one in
    progress keeps its start and takes the end of the stretch it began in; those not yet begun take the
    later stretches in order, and stretches over by `today` get no placement.

    A placement dated to start during time out that does not count (`out`, first and last days) never began:
    it was planned while the time out had no end, and is planned again like one not yet begun."""
    order = sorted(range(len(placed)), key=lambda i: placed[i][0])
    begun = [i for i in order if placed[i][0] <= today and not any(a <= placed[i][0] <= b for a, b in out)]
    fixed = max((placed[i][1] for i in begun if placed[i][1] < today), default=None)
    plan, moves = list(stretches), []
    for i in (i for i in begun if placed[i][1] >= today):
        if not plan:
            break
        start = placed[i][0]
        began_in = max((k for k, s in enumerate(plan) if s.start <= start), default=0)
        stretch = plan[began_in]
        moves.append((i, Stretch(start, max(stretch.end, start), stretch.wte)))
        fixed, plan = moves[-1][1].end, plan[began_in + 1 :]
    targets = [
        Stretch(s.start if fixed is None else max(s.start, fixed + DAY), s.end, s.wte)
        for s in plan
        if s.end >= today and (fixed is None or s.end > fixed)
    ]
    planned = [i for i in order if i not in begun]
    moves += zip(planned, targets, strict=False)
    return Replan(tuple(moves), tuple(targets[len(planned) :]), tuple(planned[len(targets) :]))
