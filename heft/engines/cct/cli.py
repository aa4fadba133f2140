"""`python -m heft.engines.cct estimate SPEC.json` (or - for standard input).

Prints {"cct": "YYYY-MM-DD", "review": true|false, "steps": [...]} as JSON on stdout, with "flags" (LTFT
changes needing approval or given at short notice) and "absence" (the worst 12 months). A bad spec prints
every problem with it on stderr, no estimate, and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from heft.engines.cct.estimate import estimate
from heft.engines.cct.spec import SpecError, spec_from_dict
from heft.engines.jsonfile import read_json

BAD_SPEC = 2


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        spec = spec_from_dict(read_json(arguments.spec, SpecError))
    except SpecError as error:
        print(f"error: the spec cannot be estimated:\n{error}", file=sys.stderr)
        return BAD_SPEC
    print(json.dumps(estimate(spec).to_dict(), indent=2, ensure_ascii=False))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m heft.engines.cct", description="Estimate a CCT date.")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("estimate", help="estimate the CCT date and print it as JSON")
    command.add_argument("spec", help="spec file (JSON), or - for standard input")
    return parser
