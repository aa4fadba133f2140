"""Forming communities of practice for a region.

1. Each locality with enough trainees forms its own groups: as many as bring the group size nearest the
   middle of the range. Every group gets its share of each training year and of both HEFT modes (rotation
   and enrolment only): see shares.py. Then trainees of the same year and mode swap between groups when
   that puts people with shared interests together.
2. Trainees left over (localities too small for a group) form groups with others of their area.
3. Anyone still left joins the nearest group with room; if no group has room and enough remain, they form
   a group of their own. Whoever is left after that is reported with the reason.
4. Each group gets a lead mentor with room for all its members: the nearest first, then whoever leads
   fewest groups, then the most shared interests. A mentor's capacity counts every member they lead.

Every group carries the reasons for its shape, and every trainee the reason for their place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from heft.engines.grouping.model import (
    JOURNEY_WORDS,
    Group,
    GroupingError,
    Member,
    Mentor,
    journey,
)
from heft.engines.grouping.shares import shares

SWAP_PASSES = 4


@dataclass
class Grouping:
    groups: list[Group]
    unplaced: dict[str, str] = field(default_factory=dict)  # member id -> why
    why: dict[str, str] = field(default_factory=dict)  # member id -> why they are in their group

    def to_dict(self) -> dict:
        return {"groups": [g.to_dict() for g in self.groups], "unplaced": self.unplaced, "why": self.why}


def form_groups(members: list[Member], mentors: list[Mentor], *, min_size: int, max_size: int) -> Grouping:
    _check(members, mentors, min_size, max_size)
    result = Grouping(groups=[])
    leftovers: list[Member] = []
    for locality, people in _by(members, lambda m: m.locality):
        formed, rest = _form(people, min_size, max_size)
        for group in formed:
            group.reasons.append(
                f"{locality}: {len(people)} trainees, formed into {len(formed)} group"
                f"{'s' * (len(formed) != 1)}, mixing training years and HEFT rotation and enrolment-only "
                "members."
            )
            _explain(result, group, f"Grouped with others in {locality}.")
        result.groups += formed
        leftovers += rest
    leftovers = _pool_by_area(result, leftovers, min_size, max_size)
    leftovers = _join_groups_with_room(result, leftovers, max_size)
    if len(leftovers) >= min_size:
        formed, leftovers = _form(leftovers, min_size, max_size)
        for group in formed:
            group.reasons.append("Formed from trainees left over across the region, as no group had room.")
            _explain(result, group, "Grouped with others left over across the region: every group was full.")
        result.groups += formed
    for member in leftovers:
        result.unplaced[member.id] = (
            f"Every group has {max_size} members and too few trainees are left to start another "
            f"(the smallest group is {min_size}): place {member.name} by hand or widen the size range."
        )
    _choose_leads(result.groups, mentors)
    return result


def _check(members: list[Member], mentors: list[Mentor], min_size: int, max_size: int) -> None:
    if not 1 <= min_size <= max_size:
        raise GroupingError(
            "Group sizes must run from at least 1 up to a maximum no smaller than the minimum."
        )
    for people, what in ((members, "trainee"), (mentors, "mentor")):
        ids = [p.id for p in people]
        if len(ids) != len(set(ids)):
            raise GroupingError(f"A {what} is listed twice.")
    if any(m.capacity < 0 for m in mentors):
        raise GroupingError("A mentor's capacity cannot be negative.")


def group_count(n: int, min_size: int, max_size: int) -> int:
    """How many groups n people make: sizes within the range, nearest the middle; 0 if too few.

    When no count fits everyone (a narrow range), as many full groups as can be made."""
    fitting = range(math.ceil(n / max_size), n // min_size + 1)
    if fitting:
        middle = (min_size + max_size) / 2
        return min(fitting, key=lambda k: (abs(n / k - middle), k))
    return n // min_size


def _form(people: list[Member], min_size: int, max_size: int) -> tuple[list[Group], list[Member]]:
    """Groups of even size, each with its share of every training year and of both HEFT modes."""
    count = group_count(len(people), min_size, max_size)
    if count == 0:
        return [], list(people)
    ordered = sorted(people, key=lambda m: (m.year, m.mode, m.id))
    placed = ordered[: min(len(people), count * max_size)]
    groups = [Group(members=[]) for _ in range(count)]
    for kind, counts in shares(placed, count).items():
        of_kind = iter(m for m in placed if (m.year, m.mode) == kind)
        for group, n in zip(groups, counts, strict=True):
            group.members += [next(of_kind) for _ in range(n)]
    _swap_for_interests(groups)
    return groups, ordered[len(placed) :]


def _swap_for_interests(groups: list[Group]) -> None:
    """Swap two trainees of the same year and mode between groups when more shared interests result."""
    for _ in range(SWAP_PASSES):
        swapped = False
        for i, first in enumerate(groups):
            for second in groups[i + 1 :]:
                for a in list(first.members):
                    for b in list(second.members):
                        if (a.year, a.mode) != (b.year, b.mode) or a not in first.members:
                            continue
                        if _swap_gain(a, b, first, second) > 0:
                            first.members[first.members.index(a)] = b
                            second.members[second.members.index(b)] = a
                            swapped = True
                            break
        if not swapped:
            return


def _swap_gain(a: Member, b: Member, first: Group, second: Group) -> int:
    def shared(person: Member, group: Group, without: Member) -> int:
        return sum(len(person.interests & m.interests) for m in group.members if m is not without)

    before = shared(a, first, a) + shared(b, second, b)
    after = shared(b, first, a) + shared(a, second, b)
    return after - before


def _pool_by_area(result: Grouping, leftovers: list[Member], min_size: int, max_size: int) -> list[Member]:
    remaining = []
    for area, people in _by(leftovers, lambda m: m.area):
        if not area or len(people) < min_size:
            remaining += people
            continue
        formed, rest = _form(people, min_size, max_size)
        for group in formed:
            places = ", ".join(group.localities)
            group.reasons.append(
                f"Brings together trainees from {places} in {area}: too few in each for a group of their own."
            )
            _explain(result, group, f"Too few trainees in their locality for a group: grouped within {area}.")
        result.groups += formed
        remaining += rest
    return remaining


def _join_groups_with_room(result: Grouping, leftovers: list[Member], max_size: int) -> list[Member]:
    remaining = []
    for member in sorted(leftovers, key=lambda m: m.id):
        open_groups = [g for g in result.groups if len(g.members) < max_size]
        if not open_groups:
            remaining.append(member)
            continue
        group = min(
            open_groups,
            key=lambda g: (
                journey(member.locality, member.area, g.locality, g.area),
                len(g.members),
                result.groups.index(g),
            ),
        )
        group.members.append(member)
        distance = JOURNEY_WORDS[journey(member.locality, member.area, group.locality, group.area)]
        group.reasons.append(
            f"{member.name} joined from {member.locality} ({distance}): too few there for a group."
        )
        result.why[member.id] = (
            f"Too few trainees in {member.locality} for a group of their own: joined the nearest group with "
            f"room ({distance})."
        )
    return remaining


def _choose_leads(groups: list[Group], mentors: list[Mentor]) -> None:
    room = {m.id: m.capacity for m in mentors}
    leading = {m.id: 0 for m in mentors}
    for group in sorted(groups, key=lambda g: (-len(g.members), groups.index(g))):
        size = len(group.members)
        candidates = [m for m in mentors if room[m.id] >= size]
        if not candidates:
            group.reasons.append(
                f"No mentor has room for {size} more trainees: choose a lead by hand, or raise a capacity."
            )
            continue
        lead = min(
            candidates,
            key=lambda m: (
                journey(m.locality, m.area, group.locality, group.area),
                leading[m.id],
                -len(m.interests & group.interests),
                m.id,
            ),
        )
        group.lead = lead
        room[lead.id] -= size
        leading[lead.id] += 1
        distance = JOURNEY_WORDS[journey(lead.locality, lead.area, group.locality, group.area)]
        shared = sorted(lead.interests & group.interests)
        group.reasons.append(
            f"Led by {lead.name} ({distance}"
            + (f"; shares an interest in {', '.join(shared)}" if shared else "")
            + f"), who has room for {room[lead.id]} more after this group."
        )


def _by(people: list[Member], key) -> list[tuple[str, list[Member]]]:
    buckets: dict[str, list[Member]] = {}
    for person in people:
        buckets.setdefault(key(person), []).append(person)
    return sorted(buckets.items())


def _explain(result: Grouping, group: Group, text: str) -> None:
    for member in group.members:
        result.why.setdefault(member.id, text)
