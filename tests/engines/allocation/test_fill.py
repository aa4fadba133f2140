"""The fill pass (places left go to trainees without one, in recruitment-rank order) and why `stable` is
serial dictatorship when every rotation ranks trainees by the same recruitment rank."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from heft.engines.allocation import MECHANISMS, parse_problem, solve, stable_is_serial_dictatorship
from tests.engines.allocation.instances import problems
from tests.engines.allocation.test_cli_and_explanations import run_cli

SETTINGS = settings(max_examples=150, deadline=None)

SCHEME = {
    "rotations": [{"id": "DE", "capacity": 1}, {"id": "MH", "capacity": 1}, {"id": "PH", "capacity": 2}],
    "trainees": [
        {"id": "ana", "rank": 10, "preferences": ["MH", "DE"]},
        {"id": "ben", "rank": 20, "preferences": ["MH", "DE"]},
        {"id": "cat", "rank": 30, "preferences": ["MH", "DE"]},
        {"id": "dan", "rank": 5, "preferences": []},
        {"id": "eve", "rank": 40, "preferences": []},
    ],
}


@pytest.mark.parametrize("mechanism", MECHANISMS)
@SETTINGS
@given(problem=problems(with_current=True))
def test_the_fill_pass_only_adds_places_and_gives_them_in_rank_order(mechanism, problem):
    before = solve(problem, mechanism, seed=7)
    after = solve(problem, mechanism, seed=7, fill=True)
    capacity = {r["id"]: r["capacity"] for r in problem["rotations"]}
    fixed = problem.get("fixed", {})
    ranks = {t["id"]: t["rank"] for t in problem["trainees"]}
    for trainee, rotation in before.assignments.items():
        if rotation is not None:
            assert after.assignments[trainee] == rotation  # nobody placed by the rule is moved
    filled = [t for t, r in after.assignments.items() if r is not None and before.assignments[t] is None]
    waiting = [t for t, r in before.assignments.items() if r is None and t not in fixed]
    taken = [r for r in before.assignments.values() if r is not None]
    left = sum(max(places - taken.count(rotation), 0) for rotation, places in capacity.items())
    assert len(filled) == min(left, len(waiting)) == after.metrics["filled"]
    best_waiting = sorted(waiting, key=ranks.get)[: len(filled)]
    assert sorted(filled) == sorted(best_waiting)  # the best-ranked of those waiting are filled first
    for rotation, places in capacity.items():
        assert list(after.assignments.values()).count(rotation) <= max(places, taken.count(rotation))
    assert after.metrics["placed"] == before.metrics["placed"] + len(filled)
    for trainee in filled:
        assert (
            f"Placed in {after.assignments[trainee]} after every ranked trainee"
            in after.explanations[trainee]
        )


def test_places_left_go_in_rank_order_to_the_first_rotation_with_room_and_each_is_told_why():
    result = solve(SCHEME, "serial-dictatorship", fill=True)
    assert result.assignments == {"ana": "MH", "ben": "DE", "cat": "PH", "dan": "PH", "eve": None}
    assert result.metrics["filled"] == 2
    assert result.metrics["unplaced"] == 1
    texts = result.explanations
    assert texts["dan"] == (
        "Placed in PH after every ranked trainee: you had no list; places left are given in "
        "recruitment-rank order. You are ranked 5 nationally."
    )
    assert texts["cat"].startswith(
        "Placed in PH after every ranked trainee: none of your choices had a place left; places left are "
        "given in recruitment-rank order. Your 1st choice, MH, was already full when your turn came"
    )
    assert texts["eve"] == (
        "You did not rank any rotations, so none could be given to you. No places were left after every "
        "ranked trainee to give to those without one."
    )


def test_without_the_fill_pass_nothing_changes():
    result = solve(SCHEME, "serial-dictatorship")
    assert result.assignments["dan"] is None
    assert result.metrics["filled"] == 0
    assert result.explanations["dan"] == "You did not rank any rotations, so none could be given to you."


def test_the_fill_pass_leaves_fixed_places_alone_and_counts_them_as_taken():
    problem = {**SCHEME, "fixed": {"eve": "PH"}}
    result = solve(problem, "serial-dictatorship", fill=True)
    assert result.assignments["eve"] == "PH"
    assert result.assignments["dan"] == "PH"
    assert result.assignments["cat"] is None


def test_the_cli_fills_places_left_when_asked(tmp_path):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(SCHEME))
    finished = run_cli("solve", str(path), "--mechanism", "stable", "--fill")
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["assignments"]["dan"] == "PH"


@SETTINGS
@given(problem=problems(with_priorities=False))
def test_stable_is_serial_dictatorship_when_every_rotation_ranks_by_recruitment_rank(problem):
    assert stable_is_serial_dictatorship(parse_problem(problem))
    stable = solve(problem, "stable")
    serial = solve(problem, "serial-dictatorship")
    assert stable.assignments == serial.assignments


def test_a_rotation_with_its_own_priorities_can_make_stable_differ():
    problem = {
        "rotations": [{"id": "A", "capacity": 1}, {"id": "B", "capacity": 1}],
        "trainees": [
            {"id": "first", "rank": 1, "preferences": ["A", "B"]},
            {"id": "second", "rank": 2, "preferences": ["A", "B"]},
        ],
        "rotation_priorities": {"A": ["second"]},
    }
    assert not stable_is_serial_dictatorship(parse_problem(problem))
    assert solve(problem, "stable").assignments == {"first": "B", "second": "A"}
    assert solve(problem, "serial-dictatorship").assignments == {"first": "A", "second": "B"}
