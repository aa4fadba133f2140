"""How many trainees of each kind each group of a locality gets.

A kind is a (training year, HEFT mode) pair. The group sizes are as even as they can be (they differ by at
most one), every training year is spread evenly (its counts differ by at most one between groups), and the
two modes, HEFT rotation and enrolment only, are spread as evenly as the years allow. Dealing trainees
round the groups in year order spreads the years but can leave the modes lopsided (a group of rotation
trainees only, beside one of enrolment-only trainees); choosing the counts is a small integer programme,
solved exactly with OR-Tools' CP-SAT, starting from the round-robin deal, which always meets the size and
year rules.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ortools.sat.python import cp_model

from heft.engines.grouping.model import Member

Kind = tuple[int, str]  # (training year, mode)
YEAR, MODE = 0, 1  # the parts of a kind

# Each locality's programme is tiny (at most 4 years x 2 modes x its groups); this bounds a pathological one.
SOLVE_SECONDS = 10.0


def group_sizes(people: int, count: int) -> list[int]:
    """`people` split into `count` groups as evenly as possible, the larger ones first."""
    return [people // count + (1 if g < people % count else 0) for g in range(count)]


def shares(people: Sequence[Member], count: int) -> dict[Kind, list[int]]:
    """For each kind present, how many of it each of the `count` groups gets."""
    kinds = Counter((m.year, m.mode) for m in people)
    sizes = group_sizes(len(people), count)
    model = cp_model.CpModel()
    take = {
        (kind, g): model.new_int_var(0, min(total, sizes[g]), f"{kind}-{g}")
        for kind, total in kinds.items()
        for g in range(count)
    }
    for kind, total in kinds.items():
        model.add(sum(take[kind, g] for g in range(count)) == total)
    for g in range(count):
        model.add(sum(take[kind, g] for kind in kinds) == sizes[g])
    for year in sorted({year for year, _ in kinds}):
        total = sum(n for (of_year, _), n in kinds.items() if of_year == year)
        for load in _loads(take, kinds, count, YEAR, year):
            model.add_linear_constraint(load, total // count, -(-total // count))
    spreads = []
    for mode in sorted({mode for _, mode in kinds}):
        loads = _loads(take, kinds, count, MODE, mode)
        most, fewest = model.new_int_var(0, len(people), ""), model.new_int_var(0, len(people), "")
        model.add_max_equality(most, loads)
        model.add_min_equality(fewest, loads)
        spreads.append(most - fewest)
    model.minimize(sum(spreads))
    dealt = _round_robin(people, count)
    for (kind, g), var in take.items():
        model.add_hint(var, dealt[kind][g])
    return _solve(model, take, kinds, count)


def _loads(take, kinds, count: int, part: int, value) -> list:
    """Each group's number of trainees whose kind has `value` as its year (part YEAR) or mode (MODE)."""
    return [sum(take[kind, g] for kind in kinds if kind[part] == value) for g in range(count)]


def _round_robin(people: Sequence[Member], count: int) -> dict[Kind, list[int]]:
    """Trainees dealt round the groups in year and mode order: even sizes and years, modes by chance."""
    dealt: dict[Kind, list[int]] = {}
    for position, member in enumerate(sorted(people, key=lambda m: (m.year, m.mode, m.id))):
        dealt.setdefault((member.year, member.mode), [0] * count)[position % count] += 1
    return dealt


def _solve(model: cp_model.CpModel, take, kinds, count: int) -> dict[Kind, list[int]]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # the same answer every time
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = SOLVE_SECONDS
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # the hint alone is a solution
        raise RuntimeError(f"Sharing trainees between groups found no answer ({solver.status_name(status)}).")
    return {kind: [solver.value(take[kind, g]) for g in range(count)] for kind in kinds}
