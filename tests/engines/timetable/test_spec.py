"""Reading a spec: every problem is reported at once, in words a lead understands; the CLI exits 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from heft.engines.timetable import SpecError, parse_spec
from heft.engines.timetable.cli import main
from tests.engines.timetable.specs import EXAMPLE, example

ROOT = Path(__file__).resolve().parents[3]


def test_the_example_spec_reads_with_its_defaults():
    spec = parse_spec(EXAMPLE)
    assert spec.national.weekday == 3
    assert spec.regional.rule.weekday == 4
    assert spec.regional.every_weeks == 8
    assert spec.conference.end_date == spec.conference.date
    assert spec.bank_holidays == "england"
    assert spec.christmas is True


def test_defaults_fill_in_weekdays_and_times():
    spec = parse_spec(
        {
            "academic_year": {"start": "2026-08-05", "end": "2027-08-03"},
            "national": {"topics": ["A"]},
            "regional": {"name": "South West"},
        }
    )
    assert (spec.national.weekday, spec.national.start.hour, spec.national.end.hour) == (3, 14, 16)
    assert (spec.regional.rule.weekday, spec.regional.every_weeks) == (4, 8)
    assert spec.timezone == "Europe/London"


@pytest.mark.parametrize(
    "changes,message",
    [
        (
            {"academic_year": {"start": "2026-13-05", "end": "2027-08-03"}},
            "academic_year.start: expected a date",
        ),
        ({"academic_year": {"start": "2027-08-05", "end": "2026-08-03"}}, "the end must be after the start"),
        ({"academic_year": None}, "academic_year: expected an object (required)"),
        ({"timezone": "Europe/Atlantis"}, "not a known IANA time zone"),
        ({"national": {"weekday": "thursdai", "topics": ["A"]}}, "national.weekday: expected a day name"),
        (
            {"national": {"start": "16:00", "end": "14:00", "topics": ["A"]}},
            "end time must be after the start",
        ),
        ({"national": {"start": "2pm", "topics": ["A"]}}, "national.start: expected a 24-hour time"),
        ({"national": {"topics": []}}, "national.topics: expected a list of one or more"),
        ({"national": {"topics": ["A", "A "]}}, "'A' is listed twice"),
        ({"regional": {"name": "East of England", "every_weeks": 0}}, "regional.every_weeks"),
        ({"regional": {"every_weeks": 8}}, "regional.name: required"),
        ({"conference": {"date": "2028-06-17"}}, "conference: 2028-06-17 is outside the academic year"),
        ({"blackouts": [{"from": "2027-01-02", "to": "2027-01-01"}]}, "'to' must not be before 'from'"),
        ({"blackouts": {"from": "2027-01-02"}}, "blackouts: expected a list"),
        ({"bank_holidays": "france"}, "bank_holidays: expected one of england"),
        ({"holidays": "england"}, "holidays: not a known setting"),
    ],
)
def test_bad_specs_say_what_is_wrong(changes, message):
    with pytest.raises(SpecError) as error:
        parse_spec(example(**changes))
    assert message in str(error.value)


def test_every_problem_is_reported_at_once():
    bad = example(timezone="Nowhere/Else", bank_holidays="france", national={"weekday": "x", "topics": []})
    with pytest.raises(SpecError) as error:
        parse_spec(bad)
    lines = str(error.value).splitlines()
    assert len(lines) == 4, lines


def test_a_spec_that_is_not_an_object_is_refused():
    with pytest.raises(SpecError, match="must be a JSON object"):
        parse_spec(["not", "a", "spec"])


def test_cli_exits_2_with_the_reasons_on_a_bad_spec(tmp_path, capsys):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(example(national={"weekday": "someday", "topics": ["A"]})), encoding="utf-8")
    assert main(["plan", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "national.weekday: expected a day name such as thursday, got 'someday'" in captured.err


@pytest.mark.parametrize(
    "content,message",
    [("{not json", "is not valid JSON: "), (b"\xff\xfe", "is not UTF-8 text"), (None, "Cannot read")],
)
def test_cli_exits_2_on_unreadable_files(tmp_path, capsys, content, message):
    path = tmp_path / "spec.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["plan", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_the_module_runs_as_a_command(tmp_path):
    """The real entry point, as a lead would run it: JSON with UTC offsets on stdout."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "heft.engines.timetable", "plan", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    output = json.loads(run.stdout)
    assert set(output) == {"sessions", "warnings"}
    first = output["sessions"][0]
    assert {"kind", "title", "topic", "start", "end"} <= set(first)
    assert first["start"].endswith("+01:00")  # August: British Summer Time

    bad = subprocess.run(
        [sys.executable, "-m", "heft.engines.timetable", "plan", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert bad.returncode == 2
    assert "Cannot read" in bad.stderr
    assert bad.stdout == ""
