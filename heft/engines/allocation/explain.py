"""Plain-English explanations, one per trainee, written for the doctor reading their own result.

Other trainees are named only by recruitment rank. Every mechanism here leaves a trainee's higher choices
full (or without places), except reallocate, which may keep someone where they are instead; the rule's
own sentence says why a full rotation could not be opened up for them. A trainee given a place left over
by the fill pass is told that it came after every ranked trainee, and why they had none before.
"""

from __future__ import annotations

import numpy as np

from heft.engines.allocation.mechanisms import Allocation
from heft.engines.allocation.metrics import choice_numbers
from heft.engines.allocation.problem import Problem

_RULE_SENTENCE = {
    "min-total-rank": (
        "This rule places as many trainees as possible and then makes the total of everyone's choice numbers "
        "as small as it can be; giving you a higher choice would have left someone without a place or raised "
        "that total."
    ),
    "rank-maximal": (
        "This rule gives as many trainees as possible their 1st choice, then as many as possible their 2nd "
        "choice, and so on; giving you a higher choice would have meant fewer trainees getting a 1st choice, "
        "or the same number but fewer getting a 2nd, and so on."
    ),
    "reallocate": (
        "After a change, this rule places as many trainees as possible, then keeps as many as possible where "
        "they are, then gives the best choices it can; giving you a higher choice would have left someone "
        "without a place, moved someone else, or given others worse choices."
    ),
}


def explain(problem: Problem, mechanism: str, allocation: Allocation) -> dict[str, str]:
    """Explanations keyed by trainee id, in id order."""
    writer = _Writer(problem, mechanism, allocation)
    texts = {problem.trainee_ids[t]: writer.explain(t) for t in range(problem.n_trainees)}
    return dict(sorted(texts.items()))


class _Writer:
    def __init__(self, problem: Problem, mechanism: str, allocation: Allocation):
        assigned = allocation.assigned
        self.problem = problem
        self.mechanism = mechanism
        self.assigned = assigned
        self.turn = np.zeros(problem.n_trainees, dtype=np.int64)  # 1-based place in the random order
        self.drawn = 0
        if mechanism == "random-serial-dictatorship":
            self.drawn = len(allocation.order)
            self.turn[allocation.order] = np.arange(1, self.drawn + 1)
        self.choice = choice_numbers(problem, assigned)
        self.by_rotation = np.argsort(assigned, kind="stable")  # trainees grouped by rotation, in rank order
        self.group_start = np.searchsorted(assigned[self.by_rotation], np.arange(problem.n_rotations + 1))
        current = problem.current if problem.current is not None else assigned[:0]
        self.current_count = np.bincount(current[current >= 0], minlength=problem.n_rotations)
        self.filled = allocation.filled
        self._holders_text: dict[int, str] = {}

    def explain(self, t: int) -> str:
        problem = self.problem
        if problem.fixed[t] >= 0:
            return self._fixed(t)
        preferences = problem.pref_rotation[problem.pref_indptr[t] : problem.pref_indptr[t + 1]].tolist()
        if self.filled is not None and self.filled[t]:
            return self._filled(t, preferences)
        if not preferences:
            return "You did not rank any rotations, so none could be given to you." + self._none_left(t)
        opening = ""
        if self.mechanism == "reallocate" and problem.current is not None and problem.current[t] >= 0:
            if problem.current[t] == self.assigned[t]:
                return self._kept(t, int(self.assigned[t]))
            opening = self._moved(int(problem.current[t]))
        outcome, higher = self._outcome(t, preferences)
        reasons = [self._why_not(position, r) for position, r in enumerate(higher)]
        rule = _RULE_SENTENCE.get(self.mechanism, "") if higher else ""
        parts = [opening, outcome, *reasons, rule, self._none_left(t).strip(), self._you(t)]
        return " ".join(part for part in parts if part)

    def _filled(self, t: int, preferences: list[int]) -> str:
        name = self.problem.rotation_ids[int(self.assigned[t])]
        why = "none of your choices had a place left" if preferences else "you had no list"
        opening = (
            f"Placed in {name} after every ranked trainee: {why}; "
            "places left are given in recruitment-rank order."
        )
        reasons = [self._why_not(position, r) for position, r in enumerate(preferences)]
        current = self.problem.current
        was_placed = self.mechanism == "reallocate" and current is not None and current[t] >= 0
        moved = self._moved(int(current[t])) if was_placed else ""
        return " ".join(part for part in [moved, opening, *reasons, self._you(t)] if part)

    def _none_left(self, t: int) -> str:
        """For a trainee still unplaced when the fill pass ran: it had no place left for them."""
        if self.filled is None or self.assigned[t] >= 0:
            return ""
        return " No places were left after every ranked trainee to give to those without one."

    def _outcome(self, t: int, preferences: list[int]) -> tuple[str, list[int]]:
        """What the trainee got, and the choices they ranked higher."""
        rotation = int(self.assigned[t])
        if rotation < 0:
            return "You were not given a rotation.", preferences
        name = self.problem.rotation_ids[rotation]
        return f"You were given your {_ordinal(self.choice[t] + 1)} choice, {name}.", preferences[
            : self.choice[t]
        ]

    def _you(self, t: int) -> str:
        text = f"You are ranked {self.problem.ranks[t]} nationally."
        if self.turn[t]:
            text += f" In the random order you came {_ordinal(int(self.turn[t]))} of {self.drawn}."
        return text

    def _fixed(self, t: int) -> str:
        problem, rotation = self.problem, int(self.problem.fixed[t])
        name = problem.rotation_ids[rotation]
        if self.choice[t] < 0:
            return f"Your place in {name} was fixed in advance and kept as it is (it was not on your list)."
        choice = _ordinal(self.choice[t] + 1)
        return f"Your place in {name} (your {choice} choice) was fixed in advance and kept as it is."

    def _kept(self, t: int, rotation: int) -> str:
        name = self.problem.rotation_ids[rotation]
        return (
            f"You keep your current rotation, {name} (your {_ordinal(self.choice[t] + 1)} choice). "
            "After a change, this rule first places as many trainees as possible and then keeps as many as "
            "possible where they are."
        )

    def _moved(self, current: int) -> str:
        problem = self.problem
        name = problem.rotation_ids[current]
        capacity = int(problem.capacity[current])
        were_there = int(self.current_count[current])
        if capacity == 0:
            why = "it has been withdrawn"
        elif were_there > capacity:
            why = f"it now has {_places(capacity)} for the {were_there} trainees who were in it"
        else:
            why = "moving you let another trainee have a place"
        return f"You could not stay in your current rotation, {name}: {why}."

    def _why_not(self, position: int, rotation: int) -> str:
        problem = self.problem
        lead = f"Your {_ordinal(position + 1)} choice, {problem.rotation_ids[rotation]},"
        if problem.capacity[rotation] == 0:
            return f"{lead} has no places."
        full = {
            "serial-dictatorship": "was already full when your turn came",
            "random-serial-dictatorship": "was already full when your turn came in the random order",
            "stable": "was full with trainees it ranks above you",
        }.get(self.mechanism, "was full")
        return f"{lead} {full}: {self._holders(rotation)}."

    def _holders(self, rotation: int) -> str:
        if rotation not in self._holders_text:
            problem = self.problem
            holders = self.by_rotation[self.group_start[rotation] : self.group_start[rotation + 1]]
            ranks = problem.ranks[holders].tolist()
            fixed = int(np.count_nonzero(problem.fixed[holders] >= 0))
            text = _holders_phrase(ranks)
            if fixed:
                text += f" ({_places(fixed)} fixed in advance)"
            self._holders_text[rotation] = text
        return self._holders_text[rotation]


def _holders_phrase(ranks: list[int]) -> str:
    if len(ranks) == 1:
        return f"its place went to the trainee ranked {ranks[0]}"
    if len(ranks) <= 3:
        listed = ", ".join(map(str, ranks[:-1])) + f" and {ranks[-1]}"
        return f"its {len(ranks)} places went to the trainees ranked {listed}"
    return f"its {len(ranks)} places went to trainees ranked from {ranks[0]} to {ranks[-1]}"


def _places(count: int) -> str:
    return "1 place" if count == 1 else f"{count} places"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
