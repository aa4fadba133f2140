"""Property tests: each mechanism against its definition or an independent solver, on small problems."""

from __future__ import annotations

import itertools
import random
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident
from scipy.optimize import linear_sum_assignment

from heft.engines.allocation import MECHANISMS, parse_problem, solve
from tests.engines.allocation.instances import problems, profile_at_least_as_good

SETTINGS = settings(max_examples=150, deadline=None)


def spare_places(problem: dict) -> dict[str, int]:
    spare = {r["id"]: r["capacity"] for r in problem["rotations"]}
    for rotation in problem.get("fixed", {}).values():
        spare[rotation] -= 1
    return spare


def movable_trainees(problem: dict) -> list[dict]:
    """Trainees the mechanism allocates, in recruitment-rank order."""
    fixed = problem.get("fixed", {})
    return sorted((t for t in problem["trainees"] if t["id"] not in fixed), key=lambda t: t["rank"])


def profile_of(problem: dict, assignments: dict[str, str | None]) -> list[int]:
    width = max((len(t["preferences"]) for t in problem["trainees"]), default=0)
    profile = [0] * width
    for trainee in problem["trainees"]:
        rotation = assignments.get(trainee["id"])
        if rotation in trainee["preferences"]:
            profile[trainee["preferences"].index(rotation)] += 1
    return profile


@pytest.mark.parametrize("mechanism", MECHANISMS)
@SETTINGS
@given(problem=problems(with_current=True), seed=st.integers(0, 2**32 - 1))
def test_every_mechanism_keeps_the_rules(mechanism, problem, seed):
    result = solve(problem, mechanism, seed).to_dict()
    assignments = result["assignments"]
    fixed = problem.get("fixed", {})
    capacity = {r["id"]: r["capacity"] for r in problem["rotations"]}
    assert set(assignments) == {t["id"] for t in problem["trainees"]}
    for rotation, places in capacity.items():
        assert list(assignments.values()).count(rotation) <= places
    for trainee in problem["trainees"]:
        given_rotation = assignments[trainee["id"]]
        if trainee["id"] in fixed:
            assert given_rotation == fixed[trainee["id"]]
        else:
            assert given_rotation is None or given_rotation in trainee["preferences"]
    metrics = result["metrics"]
    assert metrics["placed"] + metrics["unplaced"] == len(problem["trainees"])
    assert set(result["explanations"]) == set(assignments)


@pytest.mark.parametrize("mechanism", MECHANISMS)
@SETTINGS
@given(problem=problems(with_current=True), data=st.data())
def test_the_same_problem_in_any_order_gives_the_same_result(mechanism, problem, data):
    shuffled = dict(problem)
    shuffled["rotations"] = data.draw(st.permutations(problem["rotations"]))
    shuffled["trainees"] = data.draw(st.permutations(problem["trainees"]))
    for key in ("fixed", "current", "rotation_priorities"):
        if key in problem:
            shuffled[key] = dict(data.draw(st.permutations(list(problem[key].items()))))
    assert solve(shuffled, mechanism, seed=7).to_dict() == solve(problem, mechanism, seed=7).to_dict()


def reference_serial_dictatorship(problem: dict, order: list[dict]) -> dict[str, str | None]:
    left = spare_places(problem)
    assignments = dict(problem.get("fixed", {}))
    for trainee in order:
        assignments[trainee["id"]] = next((r for r in trainee["preferences"] if left[r] > 0), None)
        if assignments[trainee["id"]] is not None:
            left[assignments[trainee["id"]]] -= 1
    return assignments


@SETTINGS
@given(problem=problems())
def test_serial_dictatorship_follows_its_definition(problem):
    expected = reference_serial_dictatorship(problem, movable_trainees(problem))
    assert solve(problem, "serial-dictatorship").assignments == expected


@SETTINGS
@given(problem=problems(), seed=st.integers(0, 2**32 - 1))
def test_random_serial_dictatorship_is_serial_dictatorship_in_some_order_and_repeatable(problem, seed):
    first = solve(problem, "random-serial-dictatorship", seed)
    assert first.seed == seed
    assert first.to_dict() == solve(problem, "random-serial-dictatorship", seed).to_dict()
    order = [first.problem.trainee_ids[t] for t in first.allocation.order.tolist()]
    assert sorted(order) == sorted(t["id"] for t in movable_trainees(problem))
    by_id = {t["id"]: t for t in problem["trainees"]}
    assert first.assignments == reference_serial_dictatorship(problem, [by_id[t] for t in order])


def test_random_serial_dictatorship_draws_and_reports_a_seed_when_none_is_given():
    problem = {
        "rotations": [{"id": "R1", "capacity": 1}],
        "trainees": [{"id": f"T{i}", "rank": i, "preferences": ["R1"]} for i in range(1, 30)],
    }
    result = solve(problem, "random-serial-dictatorship")
    assert isinstance(result.seed, int)
    assert solve(problem, "random-serial-dictatorship", result.seed).assignments == result.assignments


def matching_library_answer(problem: dict) -> dict[str, str | None]:
    """The `matching` library's resident-optimal stable matching on the trainees who are not fixed."""
    parsed = parse_problem(problem)
    spare = spare_places(problem)
    movable = movable_trainees(problem)
    resident_prefs = {t["id"]: [r for r in t["preferences"] if spare[r] > 0] for t in movable}
    resident_prefs = {t: prefs for t, prefs in resident_prefs.items() if prefs}
    assignments = dict(problem.get("fixed", {})) | {t["id"]: None for t in movable}
    if not resident_prefs:
        return assignments
    hospital_prefs = {r: [] for r in spare if spare[r] > 0}
    for trainee in sorted(resident_prefs, key=lambda t: parsed.trainee_ids.index(t)):
        for rotation in resident_prefs[trainee]:
            hospital_prefs[rotation].append(trainee)
    for rotation, applicants in hospital_prefs.items():
        applicants.sort(key=lambda t: _priority(problem, parsed, rotation, t))
    hospital_prefs = {r: prefs for r, prefs in hospital_prefs.items() if prefs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, {r: spare[r] for r in hospital_prefs}
        )
        matched = game.solve(optimal="resident")
    for hospital, residents in matched.items():
        for resident in residents:
            assignments[resident.name] = hospital.name
    return assignments


def _priority(problem: dict, parsed, rotation: str, trainee: str) -> tuple[int, int]:
    listed = problem.get("rotation_priorities", {}).get(rotation, [])
    if trainee in listed:
        return (0, listed.index(trainee))
    return (1, parsed.trainee_ids.index(trainee))


@SETTINGS
@given(problem=problems())
def test_stable_has_no_blocking_pairs_and_matches_the_matching_library(problem):
    result = solve(problem, "stable")
    assert result.metrics["blocking_pairs"] == 0
    assert result.assignments == matching_library_answer(problem)


def test_stable_blocking_pairs_are_counted_for_other_mechanisms():
    problem = {
        "rotations": [{"id": "A", "capacity": 1}, {"id": "B", "capacity": 1}],
        "trainees": [
            {"id": "first", "rank": 1, "preferences": ["A", "B"]},
            {"id": "second", "rank": 2, "preferences": ["A"]},
        ],
    }
    # Placing both needs "second" in A, which "first" (ranked higher) would rather have: one blocking pair.
    assert solve(problem, "min-total-rank").metrics["blocking_pairs"] == 1
    assert solve(problem, "stable").metrics["blocking_pairs"] == 0


def optimum_by_assignment_solver(problem: dict) -> tuple[int, int]:
    """(most placed, least total rank) by scipy's linear_sum_assignment on an expanded cost matrix."""
    movable = movable_trainees(problem)
    spare = spare_places(problem)
    seats = [r for r, places in spare.items() for _ in range(places)]
    width = max((len(t["preferences"]) for t in movable), default=0)
    unplaced_cost = width * len(movable) + 1  # more than any total of choice numbers
    forbidden = unplaced_cost * (len(movable) + 1)
    cost = np.full((len(movable), len(seats) + len(movable)), forbidden, dtype=np.int64)
    for i, trainee in enumerate(movable):
        for j, seat in enumerate(seats):
            if seat in trainee["preferences"]:
                cost[i, j] = trainee["preferences"].index(seat) + 1
        cost[i, len(seats) + i] = unplaced_cost
    rows, columns = linear_sum_assignment(cost)
    total = int(cost[rows, columns].sum())
    unplaced = total // unplaced_cost
    return len(movable) - unplaced, total - unplaced * unplaced_cost


@SETTINGS
@given(problem=problems(max_trainees=8))
def test_min_total_rank_equals_the_assignment_solver_optimum(problem):
    metrics = solve(problem, "min-total-rank").metrics
    placed, total_rank = optimum_by_assignment_solver(problem)
    fixed_placed = len(problem.get("fixed", {}))
    fixed_profile = profile_of(problem, problem.get("fixed", {}))
    fixed_total = sum(count * (i + 1) for i, count in enumerate(fixed_profile))
    assert (metrics["placed"] - fixed_placed, metrics["total_rank"] - fixed_total) == (placed, total_rank)


def all_allocations(problem: dict):
    """Every allocation that respects capacity, fixed places and preference lists."""
    movable = movable_trainees(problem)
    spare = spare_places(problem)
    options = [[None, *t["preferences"]] for t in movable]
    for combination in itertools.product(*options):
        taken = [r for r in combination if r is not None]
        if all(taken.count(r) <= spare[r] for r in set(taken)):
            yield dict(problem.get("fixed", {})) | {
                t["id"]: r for t, r in zip(movable, combination, strict=True)
            }


tiny_problems = problems(max_trainees=5, max_rotations=4, max_capacity=2)


@settings(max_examples=100, deadline=None)
@given(problem=tiny_problems)
def test_rank_maximal_equals_brute_force(problem):
    best = max(profile_of(problem, a) for a in all_allocations(problem))
    assert solve(problem, "rank-maximal").metrics["rank_profile"] == best


def rank_maximal_profile_by_weights(problem: dict) -> list[int]:
    """Exact for small problems: weight (n+1)**(width-choice) fits a float64 exactly, so maximum weight
    is lexicographically best."""
    movable = movable_trainees(problem)
    spare = spare_places(problem)
    seats = [r for r, places in spare.items() for _ in range(places)]
    width = max((len(t["preferences"]) for t in problem["trainees"]), default=0)
    weight = np.zeros((len(movable), len(seats) + len(movable)))
    for i, trainee in enumerate(movable):
        for j, seat in enumerate(seats):
            if seat in trainee["preferences"]:
                weight[i, j] = float((len(movable) + 1) ** (width - trainee["preferences"].index(seat)))
    rows, columns = linear_sum_assignment(weight, maximize=True)
    assignments = dict(problem.get("fixed", {}))
    for i, j in zip(rows, columns, strict=True):
        if j < len(seats) and weight[i, j] > 0:
            assignments[movable[i]["id"]] = seats[j]
    return profile_of(problem, assignments)


@SETTINGS
@given(problem=problems(max_trainees=9, max_rotations=5, max_capacity=3))
def test_rank_maximal_equals_exponential_weights_on_small_problems(problem):
    assert solve(problem, "rank-maximal").metrics["rank_profile"] == rank_maximal_profile_by_weights(problem)


@SETTINGS
@given(problem=problems(with_current=True), seed=st.integers(0, 2**32 - 1))
def test_rank_maximal_profile_is_at_least_as_good_as_every_other_mechanism(problem, seed):
    best = solve(problem, "rank-maximal").metrics["rank_profile"]
    for mechanism in MECHANISMS:
        assert profile_at_least_as_good(best, solve(problem, mechanism, seed).metrics["rank_profile"])


@settings(max_examples=100, deadline=None)
@given(problem=problems(max_trainees=5, max_rotations=4, max_capacity=2, with_current=True))
def test_reallocate_places_the_most_then_moves_the_fewest_then_has_the_best_profile(problem):
    current = problem["current"]

    def score(assignments):
        placed = sum(r is not None for r in assignments.values())
        moved = sum(assignments[t] != r for t, r in current.items())
        return (placed, -moved, profile_of(problem, assignments))

    best = max(score(a) for a in all_allocations(problem))
    metrics = solve(problem, "reallocate").metrics
    assert (metrics["placed"], -metrics["moved"], metrics["rank_profile"]) == best


def test_reallocate_after_a_rotation_is_withdrawn_moves_only_its_trainees():
    rotations = [f"R{i}" for i in range(6)]
    rng = random.Random(5)
    trainees = [
        {"id": f"T{i}", "rank": i + 1, "preferences": rng.sample(rotations, len(rotations))}
        for i in range(12)
    ]
    problem = {"rotations": [{"id": r, "capacity": 2} for r in rotations], "trainees": trainees}
    before = solve(problem, "serial-dictatorship").assignments
    problem["rotations"][0]["capacity"] = 0
    problem["current"] = {t: r for t, r in before.items() if r is not None}
    after = solve(problem, "reallocate")
    withdrawn = {t for t, r in before.items() if r == "R0"}
    assert after.metrics["moved"] == len(withdrawn) == 2
    assert after.metrics["placed"] == 10
    assert {t for t, r in after.assignments.items() if r != before[t]} == withdrawn
    for trainee in withdrawn:
        assert "it has been withdrawn" in after.explanations[trainee]


def test_rank_maximal_keeps_a_first_choice_when_others_compete_for_the_same_places():
    # Found by hypothesis: a trainee holding a rotation that still has room must count as "odd" in the
    # Gallai-Edmonds labelling, or the reduced graph keeps edges that lose their 1st choice.
    problem = {
        "rotations": [{"id": "R0", "capacity": 2}, {"id": "R1", "capacity": 0}],
        "trainees": [
            {"id": "T9", "rank": 10, "preferences": ["R1", "R0"]},
            {"id": "T10", "rank": 11, "preferences": ["R1", "R0"]},
            {"id": "T11", "rank": 12, "preferences": ["R0"]},
        ],
    }
    result = solve(problem, "rank-maximal")
    assert result.metrics["rank_profile"] == [1, 1]
    assert result.assignments == {"T9": "R0", "T10": None, "T11": "R0"}
