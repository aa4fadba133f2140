"""Allocation engine end to end: `python -m bench.engine_end_to_end [--quick]` from the repository root.

Writes the stress instance of bench.allocation (seeded) to a JSON file, then for each mechanism times:
the floor, reading and writing the same JSON with the standard library (`json.load` of the input, then
`json.dumps` of the output document, formatted as the CLI formats it, written to a file); `solve` end
to end through the CLI's own function in-process (reading the file to writing the result); a
breakdown of that run by stage; and one run of the CLI as a separate process, to show the cost of
starting one. Writes its section of docs/benchmarks.md. --quick times one run each on the "large"
instance and leaves the docs alone; --save and --before keep the raw numbers of one run and set them
beside those of a later one.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from bench._report import write_section
from bench.allocation import SPECS, Spec, generate, load_average, machine
from heft.engines.allocation import allocate, cli, parse_problem
from heft.engines.allocation.problem import ProblemError
from heft.engines.allocation.solver import Result
from heft.engines.jsonfile import read_json

MECHANISMS = ["serial-dictatorship", "random-serial-dictatorship", "stable", "min-total-rank", "rank-maximal"]
STAGES = ["read", "parse", "digest", "allocate", "metrics", "explanations", "assignments", "write"]
STAGE_NAMES = {
    "read": "read the file and decode the JSON",
    "parse": "parse + validate (JSON data to arrays)",
    "digest": "input digest",
    "allocate": "allocate (the mechanism)",
    "metrics": "metrics",
    "explanations": "explanations",
    "assignments": "assignments (trainee id to rotation id)",
    "write": "encode the result document and write it",
}
TARGET_RATIO = 2.0
SEED = 1


def cli_arguments(path: Path, mechanism: str) -> list[str]:
    return ["solve", str(path), "--mechanism", mechanism, "--seed", str(SEED)]


def run_cli_in_process(path: Path, mechanism: str, output: Path) -> None:
    with open(output, "w", encoding="utf-8") as stream, contextlib.redirect_stdout(stream):
        status = cli.main(cli_arguments(path, mechanism))
    assert status == 0, f"the CLI failed on {mechanism}"


def run_cli_process(path: Path, mechanism: str, output: Path) -> float:
    command = [sys.executable, "-m", "heft.engines.allocation", *cli_arguments(path, mechanism)]
    gc.collect()
    with open(output, "wb") as stream:
        start = time.perf_counter()
        subprocess.run(command, stdout=stream, check=True)
        return time.perf_counter() - start


def floor(path: Path, document: object, output: Path) -> None:
    """Only what any program reading this input and writing this result must do, with the standard library."""
    with open(path, encoding="utf-8") as stream:
        json.load(stream)
    with open(output, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(document, indent=2, ensure_ascii=False))
        stream.write("\n")


def stages(path: Path, mechanism: str, output: Path) -> dict[str, float]:
    """The CLI's steps one by one, each timed (the metrics and explanations are worked out on first use),
    with the cycle collector paused as the CLI pauses it."""
    seconds: dict[str, float] = {}

    def step(name: str, run: Callable[[], object]) -> object:
        start = time.perf_counter()
        value = run()
        seconds[name] = time.perf_counter() - start
        return value

    def write(result: Result) -> None:
        with open(output, "w", encoding="utf-8") as stream, contextlib.redirect_stdout(stream):
            cli.write_result(result)

    gc.collect()
    with cli.without_cycle_collection():
        data = step("read", lambda: read_json(str(path), ProblemError))
        problem = step("parse", lambda: parse_problem(data))
        step("digest", lambda: problem.input_digest)
        allocation = step("allocate", lambda: allocate(problem, mechanism, SEED))
        result = Result(problem, mechanism, allocation)
        step("metrics", lambda: result.metrics)
        step("explanations", lambda: result.explanations)
        step("assignments", lambda: result.assignments)
        step("write", lambda: write(result))
    return seconds


def json_libraries(path: Path, document: object, output: Path, repeats: int) -> dict[str, float]:
    """Decoding the input and encoding the result document with the standard library and with orjson,
    as the CLI does them (cycle collector paused), best of `repeats`."""

    def stdlib_read() -> None:
        json.loads(path.read_text(encoding="utf-8"))

    def orjson_read() -> None:
        orjson.loads(path.read_bytes())

    def stdlib_write() -> None:
        output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    def orjson_write() -> None:
        output.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))

    runs = {"stdlib_read": stdlib_read, "orjson_read": orjson_read}
    runs |= {"stdlib_write": stdlib_write, "orjson_write": orjson_write}
    times: dict[str, list[float]] = {name: [] for name in runs}
    with cli.without_cycle_collection():
        for _ in range(repeats):
            for name, run in runs.items():
                times[name].append(best(run))
    return {name: min(seconds) for name, seconds in times.items()}


def best(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(spec: Spec, repeats: int, directory: Path) -> dict:
    print(f"{spec.name}: generating {spec.describe()}", file=sys.stderr)
    path = directory / "problem.json"
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(generate(spec), stream)
    for mechanism in MECHANISMS:  # compile the numba kernels (or load them from the cache) before timing
        allocate(parse_problem(generate(SPECS["scheme"])), mechanism, seed=SEED)
    rows = {}
    for mechanism in MECHANISMS:
        print(f"{spec.name}: {mechanism}", file=sys.stderr)
        solved, floored, spawned = (directory / f"{mechanism}.{kind}" for kind in ("cli", "floor", "process"))
        run_cli_in_process(path, mechanism, solved)
        document = json.loads(solved.read_text(encoding="utf-8"))
        floor_times, cli_times = [], []
        for _ in range(repeats):  # in turn, so a busy moment on the machine hits both alike
            floor_times.append(best(lambda d=document, out=floored: floor(path, d, out)))
            cli_times.append(best(lambda m=mechanism, out=solved: run_cli_in_process(path, m, out)))
        assert floored.read_bytes() == solved.read_bytes(), "the floor must write the very same bytes"
        breakdown = stages(path, mechanism, floored)
        assert floored.read_bytes() == solved.read_bytes(), "the stages must write the very same bytes"
        process = run_cli_process(path, mechanism, spawned)
        assert spawned.read_bytes() == solved.read_bytes(), "in-process and CLI process outputs differ"
        rows[mechanism] = {
            "floor": min(floor_times),
            "end_to_end": min(cli_times),
            "process": process,
            "stages": breakdown,
            "input_mb": path.stat().st_size / 1e6,
            "output_mb": solved.stat().st_size / 1e6,
        }
    libraries = json_libraries(path, document, directory / "library.json", repeats)
    return {
        "spec": spec.name,
        "describe": spec.describe(),
        "repeats": repeats,
        "mechanisms": rows,
        "json_libraries": libraries,
    }


def _s(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def report(run: dict, before: dict | None, load_at_start: str) -> str:
    rows = run["mechanisms"]
    first = next(iter(rows.values()))
    lines = [
        "## Allocation engine end to end",
        "",
        f"Machine: {machine()}. Load average (1 / 5 / 15 min) when the run began: {load_at_start}; "
        f"when it ended: {load_average()}. The machine is shared and busy, so compare the ratios "
        "(measured in the same run, in turn) rather than the absolute times. "
        "Written by `python -m bench.engine_end_to_end`.",
        "",
        f"Instance: **{run['spec']}** of `bench.allocation`, {run['describe']} "
        f"({first['input_mb']:,.1f} MB of JSON in; about {first['output_mb']:,.0f} MB out with every "
        "trainee's explanation). For each mechanism (seed 1):",
        "",
        "- **floor**: `json.load` of the input file, then `json.dumps` of the result document formatted",
        "  as the CLI writes it (indent 2, UTF-8) and written to a file: standard library only;",
        "- **end to end**: the CLI's `main()` in-process, from reading the file to the JSON written",
        "  (parsing, input digest, mechanism, metrics, explanations);",
        "- **as a process**: `python -m heft.engines.allocation solve ...` once, with the interpreter's",
        "  start and imports (numba kernels loaded from their cache).",
        "",
        f"Floor and end to end are the best of {run['repeats']} runs taken in turn. Both write the very "
        "same bytes (checked).",
        "",
    ]
    if before:
        lines += [
            "The *before* columns are the raw numbers of an earlier run of this script (`--before`), on the",
            f"same machine but under other load (load average {before.get('load', 'not recorded')}):",
            "compare its ratio with this run's ratio, not its times with this run's times.",
            "",
        ]
    header = (
        "| mechanism | floor | end to end | end to end / floor | without the mechanism / floor "
        "| as a process |"
    )
    if before:
        header = header.rstrip() + " before: floor | before: end to end | before: ratio |"
    lines += [header, "| --- |" + " ---: |" * (header.count("|") - 2)]
    for mechanism, row in rows.items():
        cells = [
            _s(row["floor"]),
            _s(row["end_to_end"]),
            f"{row['end_to_end'] / row['floor']:.2f}x",
            f"{(row['end_to_end'] - row['stages']['allocate']) / row['floor']:.2f}x",
            _s(row["process"]),
        ]
        if before:
            old = before["mechanisms"][mechanism]
            cells += [_s(old["floor"]), _s(old["end_to_end"]), f"{old['end_to_end'] / old['floor']:.2f}x"]
        lines.append(f"| `{mechanism}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        "*Without the mechanism*: the end-to-end time less the mechanism's own time in the stage-by-stage",
        "run (so roughly), over the floor: what the engine adds around the rule it runs.",
        "",
        "Where the end-to-end time goes (one run, stage by stage, cycle collector paused as in the CLI):",
        "",
    ]
    lines += ["| stage | " + " | ".join(f"`{m}`" for m in rows) + " |"]
    lines += ["| --- |" + " ---: |" * len(rows)]
    for stage in STAGES:
        lines.append(
            f"| {STAGE_NAMES[stage]} | "
            + " | ".join(_s(row["stages"][stage]) for row in rows.values())
            + " |"
        )
    lines.append("| total | " + " | ".join(_s(sum(row["stages"].values())) for row in rows.values()) + " |")
    if before:
        lines += ["", "The same before (one run, stage by stage):", ""]
        lines += ["| stage | " + " | ".join(f"`{m}`" for m in rows) + " |"]
        lines += ["| --- |" + " ---: |" * len(rows)]
        for stage in STAGES:
            cells = [_s(before["mechanisms"][m]["stages"][stage]) for m in rows]
            lines.append(f"| {STAGE_NAMES[stage]} | " + " | ".join(cells) + " |")
    libraries = run.get("json_libraries")
    if libraries:
        lines += [
            "",
            f"What orjson would give (the input, and the `{next(reversed(rows))}` result document; best "
            f"of {run['repeats']}, cycle collector paused). The CLI writes with orjson and reads with the "
            "standard library:",
            "",
            "| | standard library | orjson | ratio |",
            "| --- | ---: | ---: | ---: |",
        ]
        for task, name in (("read", "read and decode the input"), ("write", "encode and write the result")):
            stdlib, fast = libraries[f"stdlib_{task}"], libraries[f"orjson_{task}"]
            lines.append(f"| {name} | {_s(stdlib)} | {_s(fast)} | {stdlib / fast:.1f}x |")
    lines += ["", "| target | measured | met |", "| --- | ---: | :---: |"]
    for mechanism, row in rows.items():
        ratio = row["end_to_end"] / row["floor"]
        lines.append(
            f"| `{mechanism}` end to end within {TARGET_RATIO:g}x the floor on {run['spec']} | "
            f"{ratio:.2f}x ({_s(row['end_to_end'])} / {_s(row['floor'])}) | "
            f"{'yes' if ratio <= TARGET_RATIO else '**no**'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run each on 'large'; do not write the docs")
    parser.add_argument("--repeats", type=int, default=3, help="runs of floor and end to end, in turn")
    parser.add_argument("--save", help="also write the raw numbers to this JSON file")
    parser.add_argument("--before", help="raw numbers of an earlier run (--save) to set beside these")
    arguments = parser.parse_args(argv)
    load_at_start = load_average()
    spec, repeats = (SPECS["large"], 1) if arguments.quick else (SPECS["stress"], arguments.repeats)
    with tempfile.TemporaryDirectory() as directory:
        run = measure(spec, repeats, Path(directory))
    run["load"] = f"{load_at_start} at the start, {load_average()} at the end"
    before = json.loads(Path(arguments.before).read_text()) if arguments.before else None
    if arguments.save:
        Path(arguments.save).write_text(json.dumps(run, indent=2))
    markdown = report(run, before, load_at_start)
    print(markdown)
    if not arguments.quick:
        write_section("allocation-end-to-end", markdown)
    print(json.dumps({"written": not arguments.quick}), file=sys.stderr)


if __name__ == "__main__":
    main()
