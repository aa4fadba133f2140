"""The command line contract, the explanations a trainee reads, and the engine's independence from Django."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from heft.engines.allocation import ENGINE_VERSION, solve

ROOT = Path(__file__).resolve().parents[3]
ENGINE = ROOT / "heft" / "engines"

SCHEME = {
    "rotations": [{"id": "MH", "capacity": 1}, {"id": "DE", "capacity": 1}, {"id": "PH", "capacity": 2}],
    "trainees": [
        {"id": "ana", "rank": 10, "preferences": ["MH", "DE", "PH"]},
        {"id": "ben", "rank": 20, "preferences": ["MH", "PH"]},
        {"id": "cat", "rank": 30, "preferences": ["MH", "DE", "PH"]},
        {"id": "dan", "rank": 40, "preferences": []},
    ],
}


def run_cli(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "heft.engines.allocation", *arguments],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_prints_the_result_as_json(tmp_path):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(SCHEME))
    finished = run_cli("solve", str(path), "--mechanism", "random-serial-dictatorship", "--seed", "42")
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout)
    assert result["seed"] == 42
    assert result["engine_version"] == ENGINE_VERSION
    assert set(result) == {
        "mechanism",
        "seed",
        "engine_version",
        "input_digest",
        "assignments",
        "metrics",
        "explanations",
    }
    assert set(result["metrics"]) >= {
        "placed",
        "unplaced",
        "rank_profile",
        "total_rank",
        "blocking_pairs",
        "moved",
    }


def test_cli_reads_standard_input():
    finished = run_cli("solve", "-", "--mechanism", "stable", stdin=json.dumps(SCHEME))
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["assignments"]["ana"] == "MH"


@pytest.mark.parametrize(
    "content, mechanism, message",
    [
        ('{"rotations": [}', "stable", "is not valid JSON"),
        (json.dumps({**SCHEME, "fixed": {"zed": "MH"}}), "stable", "'fixed' names unknown trainee zed"),
        (json.dumps(SCHEME), "lottery", "Unknown mechanism 'lottery'"),
    ],
)
def test_cli_refuses_bad_input_with_status_2_and_no_result(tmp_path, content, mechanism, message):
    path = tmp_path / "problem.json"
    path.write_text(content)
    finished = run_cli("solve", str(path), "--mechanism", mechanism)
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert message in finished.stderr


def test_cli_refuses_a_missing_file():
    finished = run_cli("solve", "/nonexistent/problem.json", "--mechanism", "stable")
    assert (finished.returncode, finished.stdout) == (2, "")
    assert "Cannot read /nonexistent/problem.json" in finished.stderr


def test_serial_dictatorship_explains_higher_choices_by_rank_only():
    explanations = solve(SCHEME, "serial-dictatorship").explanations
    assert explanations["ana"].startswith("You were given your 1st choice, MH.")
    assert explanations["cat"] == (
        "You were given your 2nd choice, DE. "
        "Your 1st choice, MH, was already full when your turn came: its place went to the trainee ranked 10. "
        "You are ranked 30 nationally."
    )
    assert explanations["dan"] == "You did not rank any rotations, so none could be given to you."
    for text in explanations.values():
        assert not any(name in text for name in ("ana", "ben", "cat", "dan"))


def test_optimising_rules_say_why_a_higher_choice_was_not_given():
    problem = {
        "rotations": [{"id": "A", "capacity": 1}, {"id": "B", "capacity": 1}],
        "trainees": [
            {"id": "first", "rank": 1, "preferences": ["A", "B"]},
            {"id": "second", "rank": 2, "preferences": ["A"]},
        ],
    }
    text = solve(problem, "min-total-rank").explanations["first"]
    assert text.startswith(
        "You were given your 2nd choice, B. Your 1st choice, A, was full: its place went to"
    )
    assert "the trainee ranked 2" in text
    assert "places as many trainees as possible" in text
    unplaced = solve(problem, "serial-dictatorship").explanations["second"]
    assert unplaced.startswith("You were not given a rotation.")


def test_the_engine_does_not_import_django():
    offenders = [
        str(path.relative_to(ROOT))
        for path in ENGINE.rglob("*.py")
        if any(
            line.lstrip().startswith(("import django", "from django"))
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []
    probe = (
        "import sys, heft.engines.allocation; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert finished.stdout.strip() == "False", finished.stderr


def test_random_serial_dictatorship_tells_each_trainee_their_place_in_the_draw():
    result = solve(SCHEME, "random-serial-dictatorship", seed=3)
    order = [result.problem.trainee_ids[t] for t in result.allocation.order.tolist()]
    for turn, trainee in enumerate(order, start=1):
        if trainee != "dan":  # who ranked nothing, and is told just that
            assert result.explanations[trainee].endswith(
                f"In the random order you came {turn}{_suffix(turn)} of 4."
            )


def _suffix(turn: int) -> str:
    return {1: "st", 2: "nd", 3: "rd"}.get(turn, "th")
