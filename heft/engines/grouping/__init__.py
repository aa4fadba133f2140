"""Communities of practice and near-peer mentor matching.

Framework-free (no Django). `form_groups` forms groups of a size range by locality, mixing training years
and HEFT modes, each led by a mentor with room; `match_mentors` matches trainees with mentors, capacity
respected, with the fewest long journeys. Both explain what they did.
"""

from heft.engines.grouping.groups import Grouping, form_groups, group_count
from heft.engines.grouping.matching import Matching, match_mentors
from heft.engines.grouping.model import (
    LONG_JOURNEY,
    SAME_AREA,
    SAME_LOCALITY,
    Group,
    GroupingError,
    Member,
    Mentor,
    journey,
)

__all__ = [
    "LONG_JOURNEY",
    "SAME_AREA",
    "SAME_LOCALITY",
    "Group",
    "Grouping",
    "GroupingError",
    "Matching",
    "Member",
    "Mentor",
    "form_groups",
    "group_count",
    "journey",
    "match_mentors",
]
