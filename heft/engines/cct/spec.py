"""What the estimate needs: when training started, how long it is, LTFT changes and time out of training.

`spec_from_dict` reads the JSON form the CLI takes and reports every problem at once:

    {"start": "2026-08-05", "months_wte": 36, "wte": 1,
     "events": [{"ltft": 0.8, "from": "2027-08-05", "requested": "2027-03-01"},
                {"out": "parental", "from": "2027-02-01", "to": "2027-07-31", "counts": false}]}

`wte` (the starting whole-time equivalent, default 1), `requested` (when an LTFT change was asked for) and
`counts` (whether time out counts towards training; by default only OOPT and sick leave do) are optional.
Dates are inclusive.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from fractions import Fraction

from heft.engines.cct.rules import MONTHS_WTE, OUT_KINDS, counts_by_default

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_MONTHS = 120


class SpecError(ValueError):
    """A spec that cannot be estimated; the message lists every problem, one a line."""


@dataclass(frozen=True)
class LtftChange:
    """Less than full time (or back to full time) from a date on."""

    wte: Fraction
    start: datetime.date
    requested_on: datetime.date | None = None


@dataclass(frozen=True)
class TimeOut:
    """Time out of training, first and last day inclusive."""

    kind: str
    start: datetime.date
    end: datetime.date
    counts: bool  # counts towards training (does not move the CCT date)
    open_ended: bool = False  # no end recorded yet: `end` is an assumption (e.g. today)

    @property
    def label(self) -> str:
        return OUT_KINDS[self.kind]


@dataclass(frozen=True)
class CctSpec:
    start: datetime.date
    months_wte: int = MONTHS_WTE
    wte: Fraction = Fraction(1)
    changes: tuple[LtftChange, ...] = field(default_factory=tuple)
    time_out: tuple[TimeOut, ...] = field(default_factory=tuple)


def spec_from_dict(data: object) -> CctSpec:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise SpecError("The spec must be a JSON object with at least a start date.")
    _unknown(data, {"start", "months_wte", "wte", "events"}, "the spec", problems)
    start = _date(data.get("start"), "start", problems)
    months = data.get("months_wte", MONTHS_WTE)
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        problems.append(f"months_wte must be a whole number of months from 1 to {MAX_MONTHS}.")
    wte = _wte(data.get("wte", 1), "wte", problems)
    events = data.get("events", [])
    changes, time_out = [], []
    if not isinstance(events, list):
        problems.append("events must be a list.")
        events = []
    for number, event in enumerate(events, start=1):
        where = f"event {number}"
        if not isinstance(event, dict) or ("ltft" in event) == ("out" in event):
            problems.append(
                f'{where}: give either "ltft" (a WTE from a date) or "out" (time out of training).'
            )
            continue
        if "ltft" in event:
            changes.append(_ltft(event, where, start, problems))
        else:
            time_out.append(_out(event, where, start, problems))
    if problems:
        raise SpecError("\n".join(problems))
    return CctSpec(start, months, wte, tuple(changes), tuple(time_out))


def _ltft(event: dict, where: str, start, problems: list[str]) -> LtftChange | None:
    _unknown(event, {"ltft", "from", "requested"}, where, problems)
    wte = _wte(event["ltft"], f"{where} ltft", problems)
    begins = _date(event.get("from"), f"{where} from", problems)
    requested = _date(event["requested"], f"{where} requested", problems) if "requested" in event else None
    if begins and start and begins < start:
        problems.append(f"{where}: the change starts before training does ({start}).")
    if begins and requested and requested > begins:
        problems.append(f"{where}: requested must be on or before the date the change starts.")
    return LtftChange(wte, begins, requested) if wte and begins else None


def _out(event: dict, where: str, start, problems: list[str]) -> TimeOut | None:
    _unknown(event, {"out", "from", "to", "counts"}, where, problems)
    kind = event["out"]
    if kind not in OUT_KINDS:
        problems.append(f"{where}: out must be one of {', '.join(OUT_KINDS)} (got {kind!r}).")
        kind = None
    begins = _date(event.get("from"), f"{where} from", problems)
    ends = _date(event.get("to"), f"{where} to", problems)
    counts = event.get("counts", counts_by_default(kind) if kind else False)
    if not isinstance(counts, bool):
        problems.append(f"{where}: counts must be true or false.")
    if begins and ends and ends < begins:
        problems.append(f"{where}: to ({ends}) is before from ({begins}).")
    if begins and start and begins < start:
        problems.append(f"{where}: time out starts before training does ({start}).")
    return TimeOut(kind, begins, ends, counts) if kind and begins and ends else None


def _unknown(data: dict, allowed: set[str], where: str, problems: list[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        problems.append(
            f"{where}: unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})."
        )


def _date(value, name: str, problems: list[str]) -> datetime.date | None:
    if value is None:
        problems.append(f"{name} is missing: give a date as YYYY-MM-DD.")
        return None
    if not isinstance(value, str) or not DATE.match(value):
        problems.append(f"{name} must be a date as YYYY-MM-DD (got {value!r}).")
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{name} is not a real date ({value}).")
        return None


def _wte(value, name: str, problems: list[str]) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{name} must be a number above 0 and at most 1 (e.g. 0.8).")
        return None
    wte = Fraction(str(value))
    if not 0 < wte <= 1:
        problems.append(f"{name} must be above 0 and at most 1 (got {value}).")
        return None
    return wte
