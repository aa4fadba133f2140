"""Hypothesis strategies for small random allocation problems, and plain reference helpers."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def problems(
    draw,
    max_trainees: int = 7,
    max_rotations: int = 5,
    max_capacity: int = 3,
    with_fixed: bool = True,
    with_current: bool = False,
    with_priorities: bool = True,
) -> dict:
    """A valid version-1 problem as plain JSON data."""
    n_rotations = draw(st.integers(1, max_rotations))
    rotation_ids = [f"R{i}" for i in range(n_rotations)]
    capacity = {r: draw(st.integers(0, max_capacity)) for r in rotation_ids}
    n_trainees = draw(st.integers(0, max_trainees))
    ranks = draw(st.lists(st.integers(1, 50), min_size=n_trainees, max_size=n_trainees, unique=True))
    trainees = [
        {"id": f"T{i}", "rank": rank, "preferences": draw(st.permutations(rotation_ids).flatmap(_prefix))}
        for i, rank in enumerate(ranks)
    ]
    problem: dict = {
        "rotations": [{"id": r, "capacity": c} for r, c in capacity.items()],
        "trainees": trainees,
    }
    if with_fixed:
        problem["fixed"] = _fixed_places(draw, trainees, capacity)
    if with_current:
        problem["current"] = _current_places(draw, trainees, problem.get("fixed", {}))
    if with_priorities and trainees:
        ids = [t["id"] for t in trainees]
        chosen = draw(st.lists(st.sampled_from(rotation_ids), unique=True))
        problem["rotation_priorities"] = {r: draw(st.permutations(ids).flatmap(_prefix)) for r in chosen}
    return problem


def _prefix(items: list) -> st.SearchStrategy[list]:
    return st.integers(0, len(items)).map(lambda k: list(items[:k]))


def _fixed_places(draw, trainees: list[dict], capacity: dict[str, int]) -> dict[str, str]:
    left = dict(capacity)
    fixed = {}
    for trainee in trainees:
        open_rotations = sorted(r for r, places in left.items() if places > 0)
        if open_rotations and draw(st.integers(0, 5)) == 0:
            rotation = draw(st.sampled_from(open_rotations))
            left[rotation] -= 1
            fixed[trainee["id"]] = rotation
    return fixed


def _current_places(draw, trainees: list[dict], fixed: dict[str, str]) -> dict[str, str]:
    """A current allocation that may overfill rotations, as after a capacity cut."""
    current = dict(fixed)
    for trainee in trainees:
        if trainee["id"] not in fixed and trainee["preferences"] and draw(st.booleans()):
            current[trainee["id"]] = draw(st.sampled_from(trainee["preferences"]))
    return current


def profile_at_least_as_good(a: list[int], b: list[int]) -> bool:
    """Is profile a at least as good as b (more 1st choices, then more 2nd, ...)?"""
    width = max(len(a), len(b))
    return a + [0] * (width - len(a)) >= b + [0] * (width - len(b))
