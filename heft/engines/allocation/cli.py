"""`python -m heft.engines.allocation solve PROBLEM.json --mechanism NAME [--seed N] [--fill]`.

Prints the result as JSON on stdout. Bad input prints the reason on stderr, no result, and exits with 2.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gc
import json
import sys
from collections.abc import Iterator

import orjson

from heft.engines.allocation.mechanisms import MECHANISMS
from heft.engines.allocation.problem import Problem, ProblemError, parse_problem
from heft.engines.allocation.solver import Result, solve
from heft.engines.jsonfile import read_json

BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    with without_cycle_collection():
        try:
            problem = read_problem(arguments.problem)
            result = solve(problem, arguments.mechanism, arguments.seed, fill=arguments.fill)
            result.to_dict()  # everything the output holds is worked out before any of it is written
        except ProblemError as error:
            print(f"error: {error}", file=sys.stderr)
            return BAD_INPUT
        write_result(result)
    return 0


@contextlib.contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused for one run. A large problem decodes into millions of objects,
    none in reference cycles (all are freed as usual when no longer used), and each pass of the collector
    walks them all: on a national-sized problem those passes cost as much as the rest of the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_problem(path: str) -> Problem:
    """The problem file (or standard input for "-"), decoded and parsed; ProblemError if it cannot be read
    or is bad. (The standard library decodes as fast as orjson here once the cycle collector is paused.)"""
    return parse_problem(read_json(path, ProblemError))


def write_result(result: Result) -> None:
    """The result as JSON on standard output, as `print(json.dumps(..., indent=2, ensure_ascii=False))`
    writes it (orjson's two-space indent gives the same text)."""
    document = result.to_dict()
    try:
        output = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:  # integers beyond 64 bits (a seed), lone surrogates
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    stream = sys.stdout
    if getattr(stream, "buffer", None) is not None and _is_utf8(stream.encoding):
        stream.flush()
        stream.buffer.write(output)
        stream.buffer.flush()
    else:
        stream.write(output.decode("utf-8"))


def _is_utf8(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "").name == "utf-8"
    except LookupError:
        return False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m heft.engines.allocation", description=__doc__.split("\n")[2]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    solve_command = commands.add_parser("solve", help="allocate and print the result as JSON")
    solve_command.add_argument("problem", help="problem file (JSON, version 1), or - for standard input")
    solve_command.add_argument("--mechanism", required=True, help=f"one of: {', '.join(MECHANISMS)}")
    solve_command.add_argument("--seed", type=int, help="seed for random-serial-dictatorship")
    solve_command.add_argument(
        "--fill",
        action="store_true",
        help="then give the places left to trainees without one, in recruitment-rank order",
    )
    return parser
