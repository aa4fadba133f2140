"""The published rules the CCT estimate follows, in one place.

Sources (paraphrased): RCGP "GP specialty training guidance" (three years, 36 months whole-time equivalent;
at least 12 months WTE in general practice, the final 12 months ideally all in general practice) and
"Time out of training" (indicative time 36 months WTE; absence of 14 days or more triggers a review of the
end date at ARCP); the Gold Guide and GMC position statement (within each 12-month period, 14 days or more
absent when the trainee would normally be at work triggers a review); NHS England's LTFT policy (standard
patterns 80%, 70%, 60% and 50% of full time; 16 weeks' notice of a change).
"""

import datetime
from fractions import Fraction

MONTHS_WTE = 36
STANDARD_WTES = frozenset(Fraction(p, 100) for p in (100, 80, 70, 60, 50))
NOTICE_WEEKS = 16
REVIEW_WORKING_DAYS = 14  # absent days in any 12 months that trigger a review of the CCT date
REVIEW_WINDOW_MONTHS = 12

# Curriculum defaults (a region may set its own minimums in the app).
GP_MONTHS_MINIMUM = 12
FINAL_YEAR_GP_MONTHS_MINIMUM = 12

OUT_OF_PROGRAMME = ("OOPT", "OOPE", "OOPR", "OOPC", "OOPP")
OUT_KINDS = {
    "OOPT": "Out of programme for training",
    "OOPE": "Out of programme for experience",
    "OOPR": "Out of programme for research",
    "OOPC": "Out of programme for a career break",
    "OOPP": "Out of programme pause",
    "parental": "Parental leave",
    "sick": "Sick leave",
    "other": "Other time out",
}
# Without a decision recorded, approved clinical training out of programme (OOPT) counts towards training
# and so does sick leave (long absence is caught by the 14-day review instead); everything else extends.
COUNTS_BY_DEFAULT = frozenset({"OOPT", "sick"})


def counts_by_default(kind: str) -> bool:
    return kind in COUNTS_BY_DEFAULT


def is_absence(kind: str, counts: bool) -> bool:
    """Absence for the 14-day review: all time out except out-of-programme time approved towards training."""
    return not (kind in OUT_OF_PROGRAMME and counts)


def working_days(start: datetime.date, end: datetime.date) -> int:
    """Monday to Friday from start to end inclusive: the days a full-time trainee would normally work."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, extra = divmod(days, 7)
    first = start.weekday()
    return weeks * 5 + sum(1 for i in range(extra) if (first + i) % 7 < 5)


def percent(wte: Fraction) -> str:
    value = wte * 100
    return f"{int(value)}%" if value.denominator == 1 else f"{float(value):.1f}%"


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"
