"""Deprivation engine: reading the public deprivation files, ranking practices, the Deep End rule and the
equity exposure of trainees. Pure Python, no Django: heft/practices and heft/reports adapt it to the database.
"""

from heft.engines.deprivation.deep_end import Decision, DeepEndRule, PracticeMeasure, RuleError, apply_rule
from heft.engines.deprivation.exposure import Exposure, Stint, Summary, calendar_months, exposures, summarise
from heft.engines.deprivation.ranking import deciles, positions, quintile_of_decile
from heft.engines.deprivation.reading import FileRefused, Problem
from heft.engines.deprivation.shares import AREAS_IN_ENGLAND, Area, PracticeShares, practice_shares
from heft.engines.deprivation.sources import READERS, SOURCE_NAMES, Reading

__all__ = [
    "AREAS_IN_ENGLAND",
    "READERS",
    "SOURCE_NAMES",
    "Area",
    "Decision",
    "DeepEndRule",
    "Exposure",
    "FileRefused",
    "PracticeMeasure",
    "PracticeShares",
    "Problem",
    "Reading",
    "RuleError",
    "Stint",
    "Summary",
    "apply_rule",
    "calendar_months",
    "deciles",
    "exposures",
    "positions",
    "practice_shares",
    "quintile_of_decile",
    "summarise",
]
