"""The people the grouping engine works with, and how far apart they are."""

from __future__ import annotations

from dataclasses import dataclass, field

SAME_LOCALITY, SAME_AREA, LONG_JOURNEY = 0, 1, 2
JOURNEY_WORDS = {SAME_LOCALITY: "same locality", SAME_AREA: "same area", LONG_JOURNEY: "a long journey"}


class GroupingError(ValueError):
    """Input the engine cannot work with; the message says what to change."""


@dataclass(frozen=True)
class Member:
    """A trainee to place in a community of practice, or to match with a mentor."""

    id: str
    locality: str  # their scheme (patch)
    area: str = ""  # a wider area: neighbouring localities share it (e.g. a school)
    year: int = 0  # training year 1 to 3; 0 when not known
    mode: str = "rotation"  # HEFT rotation or enrolment only
    interests: frozenset[str] = frozenset()
    preferred_mentor: str | None = None  # e.g. the lead of their community of practice
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Mentor:
    """A near-peer mentor: `capacity` is how many more trainees they can support."""

    id: str
    locality: str
    area: str = ""
    capacity: int = 6
    interests: frozenset[str] = frozenset()
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass
class Group:
    members: list[Member]
    lead: Mentor | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def localities(self) -> list[str]:
        return sorted({m.locality for m in self.members})

    @property
    def locality(self) -> str:
        """Where most members are (ties: the first by name)."""
        return _most_common([m.locality for m in self.members])

    @property
    def area(self) -> str:
        return _most_common([m.area for m in self.members])

    @property
    def interests(self) -> frozenset[str]:
        return frozenset().union(*(m.interests for m in self.members)) if self.members else frozenset()

    def to_dict(self) -> dict:
        return {
            "members": [m.id for m in self.members],
            "locality": self.locality,
            "localities": self.localities,
            "lead": self.lead.id if self.lead else None,
            "reasons": self.reasons,
        }


def journey(a_locality: str, a_area: str, b_locality: str, b_area: str) -> int:
    if a_locality == b_locality:
        return SAME_LOCALITY
    if a_area and a_area == b_area:
        return SAME_AREA
    return LONG_JOURNEY


def _most_common(values: list[str]) -> str:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""
