"""What can be wrong with a rotation's slots, and what makes it a HEFT rotation.

A rotation is laid out in months from its start (month 1 to 36 for full-time GP training). Errors stop a
rotation being saved, because no trainee could follow it: a slot with no months, one that runs past month
36, or posts that overlap by more than one whole-time equivalent (two half-time posts side by side are a
split post, and fine). Warnings are shown while the team builds it and left to their judgement: months with
no post, a slot in the wrong training year, an innovative post that is not six months whole-time.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

TRAINING_MONTHS = 36
MONTHS_PER_YEAR = 12
INNOVATIVE_MONTHS_WTE = Decimal(6)
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Slot:
    """One post in a rotation, as the checks need it. `start` counts months from 0."""

    order: int
    training_year: str  # "ST1", "ST2" or "ST3"
    start: int
    months: int
    wte: Decimal  # the post's whole-time equivalent
    post: str  # how people name the post: "Psychiatry at Riverside Liaison Service"
    innovative: bool = False
    deep_end_practice: str = ""  # the practice's name when the post is in a Deep End practice

    @property
    def end(self) -> int:
        """The month after its last (so a slot covers start <= month < end)."""
        return self.start + self.months


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR or WARNING
    message: str
    slots: tuple[int, ...] = ()  # the orders of the slots it is about

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def month_span(start: int, end: int) -> str:
    """Months [start, end) as people count them: 'month 7' or 'months 7–12'."""
    first, last = start + 1, end
    return f"month {first}" if first == last else f"months {first}–{last}"


def rotation_findings(slots: Sequence[Slot]) -> list[Finding]:
    """Every error and warning for the slots, errors first, each in month order."""
    if not slots:
        return [Finding(ERROR, "Add at least one post: a rotation with no posts cannot be offered.")]
    findings = []
    for slot in sorted(slots, key=lambda s: (s.start, s.order)):
        findings += _slot_findings(slot)
    findings += _overlaps(slots) + _gaps(slots)
    return sorted(findings, key=lambda f: f.severity != ERROR)


def _slot_findings(slot: Slot) -> list[Finding]:
    found = []
    if slot.months <= 0:
        found.append(Finding(ERROR, f"{slot.post}: give it at least one month.", (slot.order,)))
        return found
    if slot.start < 0:
        found.append(Finding(ERROR, f"{slot.post}: it cannot start before month 1.", (slot.order,)))
    if slot.end > TRAINING_MONTHS:
        found.append(
            Finding(
                ERROR,
                f"{slot.post} runs to month {slot.end}, past the {TRAINING_MONTHS} months of GP training.",
                (slot.order,),
            )
        )
    expected = f"ST{min(slot.start // MONTHS_PER_YEAR, 2) + 1}" if slot.start >= 0 else slot.training_year
    if slot.training_year != expected:
        found.append(
            Finding(
                WARNING,
                f"{slot.post} starts in month {slot.start + 1}, which is in {expected}, not "
                f"{slot.training_year}.",
                (slot.order,),
            )
        )
    if slot.innovative and slot.months * slot.wte != INNOVATIVE_MONTHS_WTE:
        found.append(
            Finding(
                WARNING,
                f"{slot.post} is an innovative post of {_number(slot.months * slot.wte)} months whole-time; "
                "HEFT innovative posts are six months whole-time.",
                (slot.order,),
            )
        )
    return found


def _overlaps(slots: Sequence[Slot]) -> list[Finding]:
    """Runs of months where the posts held together add up to more than one whole-time equivalent."""
    findings, run = [], None  # run: (start month, orders) of the overlap under way
    for month in range(_last_month(slots) + 1):
        holding = tuple(s.order for s in slots if s.months > 0 and s.start <= month < s.end)
        total = sum((s.wte for s in slots if s.order in holding), Decimal(0))
        over = holding if total > 1 else None
        if run and over != run[1]:
            findings.append(_overlap_finding(slots, run[0], month, run[1]))
            run = None
        if over and run is None:
            run = (month, over)
    return findings


def _overlap_finding(slots: Sequence[Slot], start: int, end: int, orders: tuple[int, ...]) -> Finding:
    names = " and ".join(s.post for s in slots if s.order in orders)
    return Finding(
        ERROR,
        f"{month_span(start, end).capitalize()}: {names} overlap. Posts held at the same time must add up "
        "to no more than one whole-time equivalent.",
        orders,
    )


def _gaps(slots: Sequence[Slot]) -> list[Finding]:
    covered = {m for s in slots for m in range(max(s.start, 0), s.end)}
    findings, start = [], None
    for month in range(TRAINING_MONTHS + 1):
        empty = month < TRAINING_MONTHS and month not in covered
        if empty and start is None:
            start = month
        elif not empty and start is not None:
            verb = "has" if month - start == 1 else "have"
            findings.append(Finding(WARNING, f"{month_span(start, month).capitalize()} {verb} no post."))
            start = None
    return findings


def _last_month(slots: Sequence[Slot]) -> int:
    return max((s.end for s in slots), default=0)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def heft_reasons(slots: Sequence[Slot]) -> list[str]:
    """Why the rotation counts as HEFT, one reason per post that makes it so (none: it does not)."""
    reasons = []
    for slot in sorted(slots, key=lambda s: (s.start, s.order)):
        if slot.innovative:
            reasons.append(f"{slot.training_year}: {slot.post} is an innovative post.")
        if slot.deep_end_practice:
            reasons.append(f"{slot.training_year}: {slot.deep_end_practice} is a Deep End practice.")
    return list(dict.fromkeys(reasons))  # the same post in two slots gives one reason
