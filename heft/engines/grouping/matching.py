"""Matching trainees with near-peer mentors: as many matched as capacity allows, then the fewest long
journeys, then the fewest journeys beyond the locality, then each trainee's preferred mentor (the lead of
their community of practice), then a shared interest.

An optimal assignment (scipy's linear_sum_assignment) over each mentor's places, with costs weighted so
that each aim outranks all those after it together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from heft.engines.grouping.model import (
    JOURNEY_WORDS,
    LONG_JOURNEY,
    SAME_AREA,
    GroupingError,
    Member,
    Mentor,
    journey,
)


@dataclass
class Matching:
    pairs: dict[str, str] = field(default_factory=dict)  # member id -> mentor id
    why: dict[str, str] = field(default_factory=dict)
    unmatched: dict[str, str] = field(default_factory=dict)
    distance: dict[str, int] = field(default_factory=dict)  # member id -> SAME_LOCALITY, SAME_AREA or LONG

    @property
    def long_journeys(self) -> int:
        return sum(1 for d in self.distance.values() if d == LONG_JOURNEY)

    def to_dict(self) -> dict:
        return {
            "pairs": self.pairs,
            "why": self.why,
            "unmatched": self.unmatched,
            "long_journeys": self.long_journeys,
        }


def match_mentors(members: list[Member], mentors: list[Mentor]) -> Matching:
    if len({m.id for m in members}) != len(members) or len({m.id for m in mentors}) != len(mentors):
        raise GroupingError("A trainee or a mentor is listed twice.")
    if any(m.capacity < 0 for m in mentors):
        raise GroupingError("A mentor's capacity cannot be negative.")
    members = sorted(members, key=lambda m: m.id)
    places = [mentor for mentor in sorted(mentors, key=lambda m: m.id) for _ in range(mentor.capacity)]
    result = Matching()
    if not members:
        return result
    if not places:
        for member in members:
            result.unmatched[member.id] = "No mentor has room: raise a capacity or add a mentor."
        return result
    rows, columns = linear_sum_assignment(cost_table(members, places))
    for row, column in zip(rows, columns, strict=True):
        member, mentor = members[row], places[column]
        result.pairs[member.id] = mentor.id
        result.why[member.id] = _why(member, mentor)
        result.distance[member.id] = journey(member.locality, member.area, mentor.locality, mentor.area)
    for member in members:
        if member.id not in result.pairs:
            result.unmatched[member.id] = (
                f"All {len(places)} places with mentors are taken by trainees nearer to them: raise a "
                "capacity or add a mentor."
            )
    return result


def cost_table(members: list[Member], places: list[Mentor]) -> np.ndarray:
    """The cost of each trainee (row) at each mentor place (column). Each weight is more than the most all
    smaller ones can add up to, so the assignment first has the fewest long journeys, then the fewest
    outside the trainee's own locality, then the fewest away from a preferred mentor, then the fewest
    without a shared interest."""
    n = len(members)
    interest = 1
    preferred = n * interest + 1
    area = n * (preferred + interest) + 1
    long = n * (area + preferred + interest) + 1
    weights = {LONG_JOURNEY: long, SAME_AREA: area}
    costs = np.zeros((n, len(places)))
    for i, member in enumerate(members):
        for j, mentor in enumerate(places):
            distance = journey(member.locality, member.area, mentor.locality, mentor.area)
            costs[i, j] = (
                weights.get(distance, 0)
                + (preferred if member.preferred_mentor not in (None, mentor.id) else 0)
                + (0 if member.interests & mentor.interests else interest)
            )
    return costs


def _why(member: Member, mentor: Mentor) -> str:
    distance = journey(member.locality, member.area, mentor.locality, mentor.area)
    text = f"{JOURNEY_WORDS[distance].capitalize()}: {mentor.name} works in {mentor.locality}"
    if distance == LONG_JOURNEY:
        text += ", and no mentor nearer had room"
    if member.preferred_mentor == mentor.id:
        text += "; leads their community of practice"
    shared = sorted(member.interests & mentor.interests)
    if shared:
        text += f"; shared interests: {', '.join(shared)}"
    return text + "."
