"""The curriculum check on time in posts: months in general practice, overall and in the final year.

RCGP guidance: at least 12 months whole-time equivalent in general practice, with the final 12 months
ideally all in general practice. A region may ask for more; the minimums come in as a `Requirement`.
Months are whole-time equivalent: calendar months in a post (5 August to 4 February is six) times its WTE.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from heft.engines.cct.rules import FINAL_YEAR_GP_MONTHS_MINIMUM, GP_MONTHS_MINIMUM, MONTHS_WTE
from heft.engines.dates import add_months

FINAL_YEAR_MONTHS = 12
ROUNDING_MONTHS = 1  # placements of whole calendar months add up to a little more or less than 36


@dataclass(frozen=True)
class PostTime:
    start: datetime.date
    end: datetime.date  # inclusive
    wte: Fraction
    general_practice: bool

    @property
    def months(self) -> Fraction:
        return calendar_months(self.start, self.end) * self.wte


def calendar_months(start: datetime.date, end: datetime.date) -> Fraction:
    """Whole calendar months from start to end inclusive, and the part of the next one."""
    stop = end + datetime.timedelta(days=1)
    whole = (stop.year - start.year) * 12 + stop.month - start.month
    if add_months(start, whole) > stop:
        whole -= 1
    anchor = add_months(start, whole)
    return whole + Fraction((stop - anchor).days, (add_months(start, whole + 1) - anchor).days)


@dataclass(frozen=True)
class Requirement:
    gp_months: int = GP_MONTHS_MINIMUM
    final_year_gp_months: int = FINAL_YEAR_GP_MONTHS_MINIMUM


@dataclass(frozen=True)
class CurriculumCheck:
    requirement: Requirement
    months_in_posts: Fraction  # all placements recorded, past and planned
    gp_months: Fraction
    gp_met: bool
    final_year_gp_months: Fraction | None  # None until the placements reach the end of training
    final_year_met: bool | None
    complete: bool  # the placements recorded cover the whole of training
    messages: tuple[str, ...]


def curriculum_check(
    posts: list[PostTime], requirement: Requirement = Requirement(), months_wte: int = MONTHS_WTE
) -> CurriculumCheck:
    months_in_posts = sum((p.months for p in posts), Fraction(0))
    gp_months = sum((p.months for p in posts if p.general_practice), Fraction(0))
    complete = months_in_posts >= months_wte - ROUNDING_MONTHS
    gp_met = gp_months >= requirement.gp_months
    final_gp = _final_year_gp_months(posts) if complete else None
    final_met = None if final_gp is None else final_gp >= requirement.final_year_gp_months
    messages = [_gp_message(gp_months, requirement, gp_met, complete, months_in_posts, months_wte)]
    messages.append(_final_year_message(final_gp, requirement, final_met))
    return CurriculumCheck(
        requirement, months_in_posts, gp_months, gp_met, final_gp, final_met, complete, tuple(messages)
    )


def _final_year_gp_months(posts: list[PostTime]) -> Fraction:
    """General practice months within the last 12 months (WTE) of time in posts."""
    left, in_gp = Fraction(FINAL_YEAR_MONTHS), Fraction(0)
    for post in sorted(posts, key=lambda p: p.end, reverse=True):
        taken = min(post.months, left)
        if post.general_practice:
            in_gp += taken
        left -= taken
        if left <= 0:
            break
    return in_gp


def months_text(months: Fraction) -> str:
    return f"{float(months):.1f}"


def _gp_message(gp, requirement, met, complete, months_in_posts, months_wte) -> str:
    text = (
        f"{months_text(gp)} months in general practice posts (whole-time equivalent); "
        f"the minimum is {requirement.gp_months}."
    )
    if met:
        return text + " Met."
    if complete:
        return (
            text + f" Short by {months_text(requirement.gp_months - gp)} months: the rotation needs changing."
        )
    return text + (
        f" Not met yet: placements are recorded for {months_text(months_in_posts)} of {months_wte} months."
    )


def _final_year_message(final_gp, requirement, met) -> str:
    if final_gp is None:
        return (
            "The final year in general practice cannot be checked yet: not all placements up to the end of "
            "training are recorded."
        )
    text = (
        f"{months_text(final_gp)} of the final {FINAL_YEAR_MONTHS} months are in general practice; "
        f"the minimum is {requirement.final_year_gp_months}."
    )
    return text + (" Met." if met else " Not met: the final year needs more time in general practice.")
