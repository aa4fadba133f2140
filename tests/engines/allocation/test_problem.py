"""Validation messages, the digest, and fixed places."""

from __future__ import annotations

import copy
import json

import pytest

from heft.engines.allocation import ProblemError, parse_problem, solve


def valid_problem() -> dict:
    return {
        "rotations": [{"id": "R1", "capacity": 2}, {"id": "R2", "capacity": 1}],
        "trainees": [
            {"id": "T1", "rank": 1, "preferences": ["R2", "R1"]},
            {"id": "T2", "rank": 2, "preferences": ["R1"]},
            {"id": "T3", "rank": 3, "preferences": ["R2", "R1"]},
        ],
        "rotation_priorities": {"R1": ["T2", "T1"]},
        "fixed": {"T3": "R2"},
        "current": {"T1": "R1"},
    }


def changed(**edits) -> dict:
    problem = valid_problem()
    for path, value in edits.items():
        target = problem
        *parents, last = path.split("__")
        for key in parents:
            target = target[int(key) if key.isdigit() else key]
        target[int(last) if last.isdigit() else last] = value
    return problem


BAD_INPUTS = {
    "duplicate trainee id": (changed(trainees__1__id="T1"), "Trainee id T1 is used more than once"),
    "duplicate rotation id": (changed(rotations__1__id="R1"), "Rotation id R1 is used more than once"),
    "duplicate rank": (changed(trainees__1__rank=1), "Trainees T1 and T2 both have rank 1"),
    "zero rank": (changed(trainees__0__rank=0), "Trainee T1: rank must be a whole number, 1 or more; got 0"),
    "fractional rank": (changed(trainees__0__rank=1.5), "Trainee T1: rank must be a whole number"),
    "text rank": (changed(trainees__0__rank="1"), "Trainee T1: rank must be a whole number"),
    "boolean rank": (changed(trainees__0__rank=True), "Trainee T1: rank must be a whole number"),
    "negative capacity": (changed(rotations__0__capacity=-1), "Rotation R1: capacity must be a whole number"),
    "fractional capacity": (
        changed(rotations__0__capacity=2.5),
        "Rotation R1: capacity must be a whole number",
    ),
    "unknown preference": (changed(trainees__1__preferences=["R9"]), "Trainee T2 ranks unknown rotation R9"),
    "repeated preference": (
        changed(trainees__1__preferences=["R1", "R1"]),
        "Trainee T2 ranks rotation R1 more than once",
    ),
    "preferences not a list": (
        changed(trainees__1__preferences="R1"),
        "Trainee T2: preferences must be a list",
    ),
    "fixed unknown trainee": (changed(fixed={"T9": "R1"}), "'fixed' names unknown trainee T9"),
    "fixed unknown rotation": (
        changed(fixed={"T3": "R9"}),
        "'fixed' places trainee T3 in unknown rotation R9",
    ),
    "current unknown trainee": (changed(current={"T9": "R1"}), "'current' names unknown trainee T9"),
    "current unknown rotation": (
        changed(current={"T1": "R9"}),
        "'current' places trainee T1 in unknown rotation R9",
    ),
    "current unranked": (
        changed(current={"T2": "R2"}),
        "'current' places trainee T2 in rotation R2, which they did not rank",
    ),
    "current contradicts fixed": (
        changed(current={"T3": "R1"}),
        "Trainee T3 is fixed to rotation R2 but 'current' places them in R1",
    ),
    "fixed over capacity": (
        changed(fixed={"T1": "R2", "T3": "R2"}),
        "Rotation R2 has 2 fixed places but a capacity of only 1",
    ),
    "priorities unknown rotation": (
        changed(rotation_priorities={"R9": ["T1"]}),
        "'rotation_priorities' names unknown rotation R9",
    ),
    "priorities unknown trainee": (
        changed(rotation_priorities={"R1": ["T9"]}),
        "'rotation_priorities' for rotation R1 names unknown trainee T9",
    ),
    "priorities repeated trainee": (
        changed(rotation_priorities={"R1": ["T1", "T1"]}),
        "lists trainee T1 twice",
    ),
    "unsupported version": (changed(version=2), "Unsupported problem version 2"),
    "unknown top-level field": (changed(fixd={}), "Unknown field 'fixd'"),
    "unknown trainee field": (changed(trainees__0__name="Dr A"), "Trainee T1 has unknown field(s) 'name'"),
    "missing rank": (changed(trainees__0={"id": "T1", "preferences": []}), "Trainee T1 is missing 'rank'"),
    "missing id": (
        changed(rotations__0={"capacity": 1}),
        "Rotation 1 needs an 'id' that is a non-empty string",
    ),
    "trainees not a list": (changed(trainees={"T1": 1}), "'trainees' must be a list, not an object"),
    "fixed not an object": (changed(fixed=["T3"]), "'fixed' must be an object, not a list"),
}


@pytest.mark.parametrize("problem, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_is_refused_with_a_message_naming_the_item(problem, message):
    with pytest.raises(ProblemError) as refused:
        parse_problem(problem)
    assert message in str(refused.value)


def test_not_an_object_and_missing_lists_are_refused():
    with pytest.raises(ProblemError, match="must be a JSON object, not a list"):
        parse_problem([])
    with pytest.raises(ProblemError, match="The problem has no 'rotations' list"):
        parse_problem({"trainees": []})


def test_every_error_is_reported_at_once():
    problem = changed(trainees__1__preferences=["R9"], trainees__2__preferences=["R1", "R1"])
    with pytest.raises(ProblemError) as refused:
        parse_problem(problem)
    assert len(refused.value.errors) == 2


def test_unknown_mechanism_and_bad_seed_are_refused():
    with pytest.raises(ProblemError, match="Unknown mechanism 'lottery'; choose one of: serial-dictatorship"):
        solve(valid_problem(), "lottery")
    with pytest.raises(ProblemError, match="The seed must be a whole number, 0 or more; got -1"):
        solve(valid_problem(), "random-serial-dictatorship", seed=-1)


def test_digest_ignores_order_but_not_content():
    problem = valid_problem()
    reordered = copy.deepcopy(problem)
    reordered["trainees"].reverse()
    reordered["rotations"].reverse()
    reordered["fixed"] = dict(reversed(list(problem["fixed"].items())))
    assert parse_problem(reordered).input_digest == parse_problem(problem).input_digest
    assert (
        parse_problem(changed(rotations__0__capacity=3)).input_digest != parse_problem(problem).input_digest
    )
    assert len(parse_problem(problem).input_digest) == 64


def test_canonical_form_round_trips():
    parsed = parse_problem(valid_problem())
    again = parse_problem(json.loads(json.dumps(parsed.canonical())))
    assert again.input_digest == parsed.input_digest


def test_a_fixed_place_may_be_a_rotation_the_trainee_did_not_rank():
    problem = changed(fixed={"T2": "R2"})
    result = solve(problem, "serial-dictatorship")
    assert result.assignments["T2"] == "R2"
    assert "fixed in advance and kept as it is (it was not on your list)" in result.explanations["T2"]
    assert result.metrics["fixed"] == 1


def test_a_fixed_place_uses_capacity():
    result = solve(valid_problem(), "serial-dictatorship")  # T3 holds R2's only place
    assert result.assignments == {"T1": "R1", "T2": "R1", "T3": "R2"}
    assert "its place went to the trainee ranked 3 (1 place fixed in advance)" in result.explanations["T1"]
