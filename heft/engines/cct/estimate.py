"""The CCT date estimate: 36 months whole-time equivalent from the start, worked out day by day.

Training needs as many days at full time as the calendar has between the start and the same date
`months_wte` months later (so full-time training started on 5 August 2026 ends on 4 August 2029). Each day
in training adds its whole-time equivalent (1 at full time, 0.8 at 80%); a day of time out that does not
count towards training adds nothing. The CCT date is the day the total is reached: less than full time
extends training pro rata, and time out that does not count extends it day for day. This is how NHS
England's CCT calculator scales the time left by the new WTE.

Absence of 14 working days or more in any 12 months flags a review of the date at ARCP: it does not
change the estimate, because the panel decides whether the time is made up.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, replace
from fractions import Fraction

from heft.engines.cct.rules import (
    NOTICE_WEEKS,
    REVIEW_WINDOW_MONTHS,
    REVIEW_WORKING_DAYS,
    STANDARD_WTES,
    is_absence,
    long_date,
    percent,
    working_days,
)
from heft.engines.cct.spec import CctSpec, LtftChange, TimeOut
from heft.engines.dates import add_months

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Step:
    text: str
    cct: datetime.date  # the estimate once this step is taken into account

    def to_dict(self) -> dict:
        return {"text": self.text, "cct": self.cct.isoformat()}


@dataclass(frozen=True)
class Review:
    """The worst 12 months for absence: a review of the CCT date is due at 14 working days or more."""

    needed: bool
    working_days: int = 0
    window_start: datetime.date | None = None
    window_end: datetime.date | None = None


@dataclass(frozen=True)
class LtftFlag:
    code: str  # "needs_approval" or "short_notice"
    text: str


@dataclass(frozen=True)
class Estimate:
    cct: datetime.date
    review: Review
    steps: tuple[Step, ...]
    flags: tuple[str, ...]  # LTFT changes that need approval or came at short notice
    required_days: int

    def to_dict(self) -> dict:
        return {
            "cct": self.cct.isoformat(),
            "review": self.review.needed,
            "steps": [step.text for step in self.steps],
            "flags": list(self.flags),
            "absence": {
                "working_days": self.review.working_days,
                "from": self.review.window_start.isoformat() if self.review.window_start else None,
                "to": self.review.window_end.isoformat() if self.review.window_end else None,
            },
        }


@dataclass(frozen=True)
class Progress:
    months_done: Fraction
    months_to_go: Fraction
    training_year: str  # "ST1", "ST2" or "ST3" by time done; "not started" before the start


def required_days(spec: CctSpec) -> int:
    return (add_months(spec.start, spec.months_wte) - spec.start).days


def cct_date(spec: CctSpec) -> datetime.date:
    """The last day of training: the day the whole-time equivalent days reach what training needs."""
    needed = required_days(spec)
    done = Fraction(0)
    for begins, ends, rate in _segments(spec):
        if rate == 0:
            continue
        if ends is None or done + rate * (ends - begins).days >= needed:
            return begins + DAY * (math.ceil((needed - done) / rate) - 1)
        done += rate * (ends - begins).days
    raise AssertionError("the last segment is open-ended and has a rate above 0")


def estimate(spec: CctSpec) -> Estimate:
    """The CCT date with each event's effect on it, in date order, and whether a review is due."""
    events = sorted([*spec.changes, *spec.time_out], key=lambda e: (e.start, isinstance(e, TimeOut)))
    bare = replace(spec, changes=(), time_out=())
    current = cct_date(bare)
    steps = [Step(_opening(spec, current), current)]
    taken: list = []
    for event in events:
        taken.append(event)
        changed = cct_date(_with(bare, taken))
        steps.append(Step(_describe(event, current, changed), changed))
        current = changed
    review = absence_review(spec.time_out, until=current)
    if review.needed:
        steps.append(Step(_review_text(review), current))
    flags = tuple(
        f"Change from {long_date(change.start)}: {flag.text}"
        for change in spec.changes
        for flag in ltft_flags(change)
    )
    return Estimate(current, review, tuple(steps), flags, required_days(spec))


def progress(spec: CctSpec, on: datetime.date) -> Progress:
    """Months of training done (whole-time equivalent) before `on`, and months to go."""
    needed = required_days(spec)
    done = Fraction(0)
    for begins, ends, rate in _segments(spec):
        if begins >= on:
            break
        stop = on if ends is None else min(ends, on)
        done += rate * (stop - begins).days
    done = min(done, Fraction(needed))
    months_done = done * spec.months_wte / needed
    third = Fraction(spec.months_wte, 3)
    year = "not started" if on <= spec.start else f"ST{min(3, int(months_done // third) + 1)}"
    return Progress(months_done, spec.months_wte - months_done, year)


def absence_review(time_out, until: datetime.date | None = None) -> Review:
    """The 12 months with the most working days absent (up to `until`, the end of training), over windows
    starting where an absence starts or ending where one ends (the worst window lines up with one)."""
    absences = [(t.start, t.end) for t in time_out if is_absence(t.kind, t.counts)]
    if until:
        absences = [(start, min(end, until)) for start, end in absences if start <= until]
    periods = _union(absences)
    if not periods:
        return Review(False)
    windows = [(start, add_months(start, REVIEW_WINDOW_MONTHS) - DAY) for start, _ in periods]
    windows += [(add_months(end + DAY, -REVIEW_WINDOW_MONTHS), end) for _, end in periods]
    worst = max(
        ((sum(working_days(max(s, a), min(e, b)) for a, b in periods), s, e) for s, e in windows),
        key=lambda w: (w[0], w[1]),  # ties: the latest window
    )
    return Review(worst[0] >= REVIEW_WORKING_DAYS, *worst)


def ltft_flags(change: LtftChange) -> list[LtftFlag]:
    flags = []
    if change.wte not in STANDARD_WTES:
        flags.append(
            LtftFlag(
                "needs_approval",
                f"{percent(change.wte)} is not a standard pattern (100%, 80%, 70%, 60% or 50% of full "
                "time): it needs approval.",
            )
        )
    if change.requested_on is not None:
        notice = change.start - change.requested_on
        if notice < datetime.timedelta(weeks=NOTICE_WEEKS):
            weeks, days = divmod(notice.days, 7)
            flags.append(
                LtftFlag(
                    "short_notice",
                    f"Asked for {weeks} week{'s' * (weeks != 1)} and {days} day{'s' * (days != 1)} before it "
                    f"starts: less than the {NOTICE_WEEKS} weeks' notice expected.",
                )
            )
    return flags


# --- the pieces -----------------------------------------------------------------------------------------


def _with(bare: CctSpec, events: list) -> CctSpec:
    changes = tuple(e for e in events if isinstance(e, LtftChange))
    return replace(bare, changes=changes, time_out=tuple(e for e in events if isinstance(e, TimeOut)))


def _segments(spec: CctSpec):
    """(first day, day after the last or None, WTE days earned per day) from the start on."""
    stops = [t for t in spec.time_out if not t.counts]
    bounds = {spec.start}
    bounds.update(c.start for c in spec.changes if c.start > spec.start)
    for t in stops:
        bounds.update(d for d in (t.start, t.end + DAY) if d > spec.start)
    ordered = sorted(bounds)
    changes = sorted(spec.changes, key=lambda c: c.start)
    for index, begins in enumerate(ordered):
        ends = ordered[index + 1] if index + 1 < len(ordered) else None
        if any(t.start <= begins <= t.end for t in stops):
            rate = Fraction(0)
        else:
            rate = next((c.wte for c in reversed(changes) if c.start <= begins), spec.wte)
        yield begins, ends, rate


def _union(periods: list[tuple[datetime.date, datetime.date]]) -> list[tuple[datetime.date, datetime.date]]:
    merged: list[list[datetime.date]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + DAY:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _opening(spec: CctSpec, cct: datetime.date) -> str:
    pace = "" if spec.wte == 1 else f" at {percent(spec.wte)} of full time from the start"
    return (
        f"Training started on {long_date(spec.start)} and needs {spec.months_wte} months whole-time "
        f"equivalent ({required_days(spec):,} days at full time){pace}: it ends on {long_date(cct)}."
    )


def _describe(event, before: datetime.date, after: datetime.date) -> str:
    if isinstance(event, LtftChange):
        what = (
            f"From {long_date(event.start)}, full time"
            if event.wte == 1
            else f"From {long_date(event.start)}, less than full time at {percent(event.wte)}"
        )
    else:
        days = (event.end - event.start).days + 1
        until = (
            f"with no end date yet (counted up to {long_date(event.end)})"
            if event.open_ended
            else f"to {long_date(event.end)}"
        )
        what = f"{event.label} from {long_date(event.start)} {until} ({days} day{'s' * (days != 1)})"
        if event.counts:
            return f"{what} counts towards training: no change."
        what += " does not count towards training"
    if event.start > before:
        return f"{what}: after the estimated end of training, so no change."
    return f"{what}: {_moves(before, after)}"


def _moves(before: datetime.date, after: datetime.date) -> str:
    delta = (after - before).days
    if delta == 0:
        return f"no change ({long_date(after)})."
    direction = "later" if delta > 0 else "earlier"
    return f"the estimate moves {abs(delta)} day{'s' * (abs(delta) != 1)} {direction}, to {long_date(after)}."


def _review_text(review: Review) -> str:
    return (
        f"{review.working_days} working days absent in the 12 months from {long_date(review.window_start)} "
        f"to {long_date(review.window_end)} ({REVIEW_WORKING_DAYS} or more): the CCT date will be reviewed "
        "at ARCP, and the panel may extend it."
    )
