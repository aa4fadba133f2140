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


_NONE_LEFT = "No places were left after every ranked trainee to give to those without one."


def explain(problem: Problem, mechanism: str, allocation: Allocation) -> dict[str, str]:
    """Explanations keyed by trainee id, in id order."""
    texts = _Writer(problem, mechanism, allocation).explain_all()
    order = problem.id_order.tolist()
    return dict(zip(map(problem.trainee_ids.__getitem__, order), map(texts.__getitem__, order), strict=True))


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

    def explain_all(self) -> list[str]:
        """Every trainee's explanation, in trainee index order.

        Most explanations are an outcome, a sentence per higher choice (which depends only on the choice
        number and the rotation), the rule's sentence and the trainee's rank. Those are put together for
        everyone at once: the sentences go into a table, array operations lay out which entries make up
        each trainee's text, and one join followed by slicing gives the texts. The rest (fixed places,
        empty lists, places from the fill pass, places kept by reallocate) are written one by one.
        """
        problem, assigned, choice = self.problem, self.assigned, self.choice
        lengths = np.diff(problem.pref_indptr)
        one_by_one = (problem.fixed >= 0) | (lengths == 0) | ((assigned >= 0) & (choice < 0))
        if self.filled is not None:
            one_by_one |= self.filled
        reallocating = self.mechanism == "reallocate" and problem.current is not None
        if reallocating:
            one_by_one |= (problem.current >= 0) & (problem.current == assigned)
        texts: list[str] = [""] * problem.n_trainees
        for t in np.flatnonzero(one_by_one).tolist():
            texts[t] = self.explain(t)
        trainees = np.flatnonzero(~one_by_one)
        for t, text in zip(trainees.tolist(), self._common_texts(trainees, reallocating), strict=True):
            texts[t] = text
        return texts

    def _common_texts(self, trainees: np.ndarray, reallocating: bool) -> list[str]:
        problem, count = self.problem, len(trainees)
        if not count:
            return []
        assigned = self.assigned[trainees]
        unplaced = assigned < 0
        higher = np.where(unplaced, np.diff(problem.pref_indptr)[trainees], self.choice[trainees])
        rule = _RULE_SENTENCE.get(self.mechanism, "")
        with_rule = (higher > 0) & bool(rule)
        with_none_left = unplaced & (self.filled is not None)
        parts = 2 + 2 * higher + with_rule + with_none_left
        start = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(parts, out=start[1:])

        # The table: each trainee's opening and closing, then the leads ("Your 2nd choice,"), the rotation
        # sentences, and the rule's and the fill pass's. Every part but a trainee's last ends with a space.
        longest = int(higher.max(initial=0))
        lead_base = 2 * count
        rotation_base = lead_base + longest
        rule_code = rotation_base + problem.n_rotations
        table = self._openings(trainees, assigned, reallocating) + self._closings(trainees)
        table += [f"Your {_ordinal(position + 1)} choice, " for position in range(longest)]
        table += [""] * problem.n_rotations
        table += [rule + " ", _NONE_LEFT + " "]

        code = np.empty(int(start[-1]), dtype=np.int64)
        code[start[:-1]] = np.arange(count)
        code[start[1:] - 1] = count + np.arange(count)
        position_of = np.full(problem.n_trainees, -1, dtype=np.int64)
        position_of[trainees] = np.arange(count)
        higher_of = np.full(problem.n_trainees, -1, dtype=np.int64)
        higher_of[trainees] = higher
        edges = np.flatnonzero(problem.edge_choice < higher_of[problem.edge_trainee])
        owner, choice = position_of[problem.edge_trainee[edges]], problem.edge_choice[edges]
        rotation = problem.pref_rotation[edges]
        code[start[owner] + 1 + 2 * choice] = lead_base + choice
        code[start[owner] + 2 + 2 * choice] = rotation_base + rotation
        for r in np.unique(rotation).tolist():
            table[rotation_base + r] = self._why_not_tail(r) + " "
        after_reasons = start[:-1] + 1 + 2 * higher
        code[after_reasons[with_rule]] = rule_code
        code[(after_reasons + with_rule)[with_none_left]] = rule_code + 1

        codes = code.tolist()
        text = "".join(map(table.__getitem__, codes))
        part_length = np.fromiter(map(len, table), dtype=np.int64, count=len(table))
        ends = np.cumsum(np.add.reduceat(part_length[code], start[:-1])).tolist()
        return [text[begin:end] for begin, end in zip([0, *ends[:-1]], ends, strict=True)]

    def _openings(self, trainees: np.ndarray, assigned: np.ndarray, reallocating: bool) -> list[str]:
        """Each trainee's first sentence(s): why they were moved (reallocate), then what they got."""
        names, ordinals = self.problem.rotation_ids, _Ordinals()
        choices = self.choice[trainees].tolist()
        outcomes = [
            f"You were given your {ordinals[choice + 1]} choice, {names[r]}. "
            if r >= 0
            else "You were not given a rotation. "
            for r, choice in zip(assigned.tolist(), choices, strict=True)
        ]
        if reallocating:
            current = self.problem.current[trainees]
            for i in np.flatnonzero(current >= 0).tolist():
                outcomes[i] = f"{self._moved(int(current[i]))} {outcomes[i]}"
        return outcomes

    def _closings(self, trainees: np.ndarray) -> list[str]:
        """Each trainee's last sentence: their rank, and their turn in a random order."""
        ranks = self.problem.ranks[trainees].tolist()
        closings = [f"You are ranked {rank} nationally." for rank in ranks]
        turns = self.turn[trainees]
        ordinals = _Ordinals()
        for i in np.flatnonzero(turns).tolist():
            closings[i] += f" In the random order you came {ordinals[int(turns[i])]} of {self.drawn}."
        return closings

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
        return " " + _NONE_LEFT

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
        return f"Your {_ordinal(position + 1)} choice, {self._why_not_tail(rotation)}"

    def _why_not_tail(self, rotation: int) -> str:
        """Why a rotation ranked higher was not given, after "Your 2nd choice, ": the same for everyone."""
        problem = self.problem
        name = problem.rotation_ids[rotation]
        if problem.capacity[rotation] == 0:
            return f"{name}, has no places."
        full = {
            "serial-dictatorship": "was already full when your turn came",
            "random-serial-dictatorship": "was already full when your turn came in the random order",
            "stable": "was full with trainees it ranks above you",
        }.get(self.mechanism, "was full")
        return f"{name}, {full}: {self._holders(rotation)}."

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


class _Ordinals(dict):
    """Ordinal words, each worked out once."""

    def __missing__(self, number: int) -> str:
        self[number] = word = _ordinal(number)
        return word
