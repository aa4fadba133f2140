"""`python -m heft.engines.timetable plan SPEC.json [--format json|ics]`.

Prints the planned sessions (JSON, or an iCalendar file) on stdout and any rule the plan could not keep on
stderr. A bad spec prints every problem with it on stderr, no plan, and exits with 2.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

from heft.engines.jsonfile import read_json
from heft.engines.timetable.ical import CalendarEvent, render_calendar
from heft.engines.timetable.planner import Plan, Session, plan
from heft.engines.timetable.spec import PlanSpec, SpecError, parse_spec

BAD_SPEC = 2


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        spec = parse_spec(read_json(arguments.spec, SpecError))
    except SpecError as error:
        print(f"error: the spec cannot be planned:\n{error}", file=sys.stderr)
        return BAD_SPEC
    result = plan(spec)
    if arguments.format == "ics":
        sys.stdout.write(plan_to_ics(spec, result).decode("utf-8"))
        for warning in result.warnings:
            print(f"warning ({warning.rule}): {warning.message}", file=sys.stderr)
    else:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    return 0


def plan_to_ics(spec: PlanSpec, result: Plan) -> bytes:
    name = f"HEFT teaching {spec.year_start.year}/{str(spec.year_end.year)[-2:]}"
    if spec.regional:
        name += f" ({spec.regional.name})"
    events = [_event(session, spec) for session in result.sessions]
    return render_calendar(events, name=name, timezone=spec.timezone)


def _event(session: Session, spec: PlanSpec) -> CalendarEvent:
    # The same session of the same spec gets the same UID on every run, so re-imports update in place.
    key = f"{spec.year_start}|{session.kind}|{session.title}|{session.topic}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return CalendarEvent(
        uid=f"{digest}@heft-hub",
        summary=session.title,
        start=session.start,
        end=session.end,
        categories=(session.kind,),
        description=session.topic,
        location=session.venue,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m heft.engines.timetable", description="Plan a year of HEFT teaching."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan_command = commands.add_parser("plan", help="plan the sessions of a spec and print them")
    plan_command.add_argument("spec", help="the spec file (JSON), or - for standard input")
    plan_command.add_argument(
        "--format", choices=("json", "ics"), default="json", help="json (default) or ics"
    )
    return parser
