"""`python -m heft.engines.allocation solve PROBLEM.json --mechanism NAME [--seed N] [--fill]`.

Prints the result as JSON on stdout. Bad input prints the reason on stderr, no result, and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from heft.engines.allocation.mechanisms import MECHANISMS
from heft.engines.allocation.problem import ProblemError
from heft.engines.allocation.solver import solve
from heft.engines.jsonfile import read_json

BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        problem = read_json(arguments.problem, ProblemError)
        result = solve(problem, arguments.mechanism, arguments.seed, fill=arguments.fill)
        output = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    except ProblemError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    print(output)
    return 0


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
