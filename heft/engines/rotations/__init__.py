"""Rotation rules: the checks a programme team sees while building a rotation, and why it counts as HEFT.

Framework-free (no Django): the pages, the bulk upload and the API all ask the same questions here."""

from heft.engines.rotations.checks import (
    TRAINING_MONTHS,
    Finding,
    Slot,
    heft_reasons,
    month_span,
    rotation_findings,
)

__all__ = ["TRAINING_MONTHS", "Finding", "Slot", "heft_reasons", "month_span", "rotation_findings"]
