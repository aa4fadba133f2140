"""`python -m heft.engines.cct estimate SPEC.json` (or - for standard input).

Prints {"cct": "YYYY-MM-DD", "review": true|false, "steps": [...]} as JSON on stdout, with "flags" (LTFT
changes needing approval or given at short notice) and "absence" (the worst 12 months). A bad spec prints
every problem with it on stderr, no estimate, and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from heft.engines.cct.estimate import estimate
from heft.engines.cct.spec import SpecError, spec_from_dict

BAD_SPEC = 2


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        spec = spec_from_dict(_read_json(arguments.spec))
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


def _read_json(path: str) -> object:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SpecError(f"Cannot read {path}: {error.strerror}.") from error
    except UnicodeDecodeError as error:
        raise SpecError(f"{path} is not UTF-8 text.") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError(
            f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from error
