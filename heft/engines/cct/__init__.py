"""CCT date estimation for GP specialty training: LTFT, time out of training, the 14-day review, the
curriculum check on months in general practice, and placement dates from a rotation's slots on the same clock.

Framework-free (no Django). `python -m heft.engines.cct estimate SPEC.json` prints the estimate as JSON.
"""

from heft.engines.cct.curriculum import CurriculumCheck, PostTime, Requirement, curriculum_check, months_text
from heft.engines.cct.estimate import (
    Estimate,
    LtftFlag,
    Progress,
    Review,
    Step,
    absence_review,
    cct_date,
    estimate,
    ltft_flags,
    progress,
)
from heft.engines.cct.placements import Replan, Slot, SlotDates, Stretch, placement_dates, replan
from heft.engines.cct.rules import (
    MONTHS_WTE,
    NOTICE_WEEKS,
    OUT_KINDS,
    STANDARD_WTES,
    counts_by_default,
    percent,
)
from heft.engines.cct.spec import CctSpec, LtftChange, SpecError, TimeOut, spec_from_dict

__all__ = [
    "MONTHS_WTE",
    "NOTICE_WEEKS",
    "OUT_KINDS",
    "STANDARD_WTES",
    "CctSpec",
    "CurriculumCheck",
    "Estimate",
    "LtftChange",
    "LtftFlag",
    "PostTime",
    "Progress",
    "Replan",
    "Requirement",
    "Review",
    "Slot",
    "SlotDates",
    "SpecError",
    "Step",
    "Stretch",
    "TimeOut",
    "absence_review",
    "cct_date",
    "counts_by_default",
    "curriculum_check",
    "estimate",
    "ltft_flags",
    "months_text",
    "percent",
    "placement_dates",
    "progress",
    "replan",
    "spec_from_dict",
]
