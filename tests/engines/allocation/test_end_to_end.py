"""The CLI writes what it always wrote, and the whole-list shortcuts give what the one-by-one steps give.

cli_outputs.json holds a small problem and the exact CLI output for each mechanism, as written before
parsing, the input digest, explanations and JSON writing were done on whole arrays.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heft.engines.allocation import MECHANISMS, allocate, cli, parse_problem, solve
from heft.engines.allocation.explain import _Writer
from heft.engines.allocation.problem import (
    _parse_trainees_one_by_one,
    _parse_valid_trainees,
)
from tests.engines.allocation.instances import problems

ROOT = Path(__file__).resolve().parents[3]
RECORDED = json.loads((Path(__file__).parent / "cli_outputs.json").read_text(encoding="utf-8"))


def _run_in_process(capsys, path: Path, arguments: list[str]) -> str:
    assert cli.main(["solve", str(path), *arguments]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("run", RECORDED["runs"], ids=lambda run: " ".join(run["arguments"]))
def test_cli_output_is_unchanged(tmp_path, capsys, run):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(RECORDED["problem"], ensure_ascii=False), encoding="utf-8")
    assert _run_in_process(capsys, path, run["arguments"]) == run["stdout"]


def test_cli_output_after_a_change_is_unchanged(tmp_path, capsys):
    recorded = RECORDED["reallocate"]
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(recorded["problem"], indent=1), encoding="utf-8")
    assert _run_in_process(capsys, path, recorded["arguments"]) == recorded["stdout"]


def test_the_cli_process_writes_the_recorded_bytes(tmp_path):
    run = RECORDED["runs"][1]
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(RECORDED["problem"]), encoding="utf-8")
    finished = subprocess.run(
        [sys.executable, "-m", "heft.engines.allocation", "solve", str(path), *run["arguments"]],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == run["stdout"].encode("utf-8")


@pytest.mark.parametrize(
    "content, message",
    [
        # what orjson would refuse or read otherwise (NaN, integers beyond 64 bits, a byte order mark)
        (b'{"rotations": [{"id": "A", "capacity": NaN}], "trainees": []}', "0 or more; got nan."),
        (
            b'{"rotations": [], "trainees": [{"id": "x", "rank": -100000000000000000000, "preferences": []}'
            b"]}",
            "Trainee x: rank must be a whole number, 1 or more; got -100000000000000000000.",
        ),
        (b'\xef\xbb\xbf{"rotations": [], "trainees": []}', "is not valid JSON: Unexpected UTF-8 BOM"),
        (b'{"rotations": [{"id": "\xe9", "capacity": 1}], "trainees": []}', "is not UTF-8 text."),
        (
            b'{\r\n"rotations": [],\r\n"trainees": [,]}',
            "is not valid JSON: Expecting value at line 3, column 14.",
        ),
        (
            b'{\r"rotations": [],\r"trainees": [,]}',
            "is not valid JSON: Expecting value at line 3, column 14.",
        ),
    ],
)
def test_the_cli_reads_input_as_the_standard_library_reads_it(tmp_path, capsys, content, message):
    path = tmp_path / "problem.json"
    path.write_bytes(content)
    assert cli.main(["solve", str(path), "--mechanism", "stable"]) == cli.BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_the_cli_writes_a_seed_beyond_64_bits(tmp_path, capsys):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(RECORDED["problem"]), encoding="utf-8")
    output = _run_in_process(
        capsys, path, ["--mechanism", "random-serial-dictatorship", "--seed", str(2**70)]
    )
    result = solve(RECORDED["problem"], "random-serial-dictatorship", seed=2**70)
    assert output == json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _reference_digest(problem) -> str:
    text = json.dumps(problem.canonical(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@given(problem=problems(with_current=True), names=st.sampled_from(["plain", "accents"]))
def test_the_input_digest_is_the_sha256_of_the_canonical_json(problem, names):
    if names == "accents":  # ids that sort differently by code point than by a naive byte view
        problem = json.loads(json.dumps(problem).replace('"T', '"\\u00e9\\ud83d\\ude00T'))
    parsed = parse_problem(problem)
    assert parsed.canonical_trainees is not None
    from_arrays = dataclasses.replace(parsed, canonical_trainees=None, given_id_order=None)
    assert parsed.input_digest == from_arrays.input_digest == _reference_digest(parsed)
    assert parsed.id_order.tolist() == from_arrays.id_order.tolist()


@given(problem=problems())
def test_trainees_parsed_whole_are_parsed_as_one_by_one(problem):
    rotation_index = {r: i for i, r in enumerate(sorted(r["id"] for r in problem["rotations"]))}
    whole = _parse_valid_trainees(problem["trainees"], rotation_index)
    one_by_one = _parse_trainees_one_by_one(problem["trainees"], rotation_index)
    assert whole is not None
    assert whole.ids == one_by_one.ids
    for field in ("ranks", "pref_indptr", "pref_rotation"):
        assert np.array_equal(getattr(whole, field), getattr(one_by_one, field))
        assert getattr(whole, field).dtype == getattr(one_by_one, field).dtype


@settings(deadline=None)
@given(
    problem=problems(with_current=True),
    mechanism=st.sampled_from(list(MECHANISMS)),
    fill=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_explanations_written_together_are_those_written_one_by_one(problem, mechanism, fill, seed):
    parsed = parse_problem(problem)
    allocation = allocate(parsed, mechanism, seed, fill=fill)
    writer = _Writer(parsed, mechanism, allocation)
    assert writer.explain_all() == [writer.explain(t) for t in range(parsed.n_trainees)]


def test_the_end_to_end_benchmark_runs_at_a_small_size(tmp_path):
    from bench import engine_end_to_end as bench
    from bench.allocation import SPECS

    run = bench.measure(
        SPECS["scheme"], 1, tmp_path
    )  # checks that every way of running writes the same bytes
    assert set(run["mechanisms"]) == set(bench.MECHANISMS)
    for row in run["mechanisms"].values():
        assert set(row["stages"]) == set(bench.STAGES)
        assert row["floor"] > 0
        assert row["end_to_end"] > 0
    markdown = bench.report(run, run, "0.0 / 0.0 / 0.0")
    assert markdown.count("end to end within 2x the floor on scheme") == len(bench.MECHANISMS)
    assert "before: ratio" in markdown
