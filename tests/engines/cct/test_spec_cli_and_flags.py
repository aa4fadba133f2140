"""The spec reader, the CLI, LTFT flags, progress and the curriculum check."""

import datetime
import json
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heft.engines.cct import (
    CctSpec,
    LtftChange,
    PostTime,
    Requirement,
    SpecError,
    TimeOut,
    cct_date,
    curriculum_check,
    ltft_flags,
    progress,
    spec_from_dict,
)
from heft.engines.cct.cli import main

D = datetime.date
EXAMPLE = {
    "start": "2026-08-05",
    "months_wte": 36,
    "events": [
        {"ltft": 0.8, "from": "2027-08-05"},
        {"out": "parental", "from": "2027-02-01", "to": "2027-07-31"},
    ],
}


# --- the CLI ----------------------------------------------------------------------------------------------


def test_cli_prints_the_estimate_as_json(tmp_path, capsys):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(EXAMPLE))
    assert main(["estimate", str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["cct"] == "2030-09-17"
    assert printed["review"] is True
    assert len(printed["steps"]) == 4
    assert all(isinstance(s, str) for s in printed["steps"])


def test_cli_runs_as_a_module(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps({"start": "2026-08-05"}))
    done = subprocess.run(
        [sys.executable, "-m", "heft.engines.cct", "estimate", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cct"] == "2029-08-04"


@pytest.mark.parametrize(
    "text,message",
    [
        ("not json", "is not valid JSON"),
        ("[]", "must be a JSON object"),
        ("{}", "start is missing"),
        ('{"start": "5/8/2026"}', "start must be a date as YYYY-MM-DD"),
        ('{"start": "2026-02-30"}', "not a real date"),
        ('{"start": "2026-08-05", "months_wte": 0}', "months_wte must be a whole number"),
        ('{"start": "2026-08-05", "wte": 1.2}', "wte must be above 0 and at most 1"),
        ('{"start": "2026-08-05", "events": {}}', "events must be a list"),
        ('{"start": "2026-08-05", "events": [{"from": "2027-01-01"}]}', 'give either "ltft"'),
        ('{"start": "2026-08-05", "events": [{"ltft": 0.8}]}', "event 1 from is missing"),
        (
            '{"start": "2026-08-05", "events": [{"ltft": 0, "from": "2027-01-01"}]}',
            "event 1 ltft must be above 0",
        ),
        (
            '{"start": "2026-08-05", "events": [{"out": "holiday", "from": "2027-01-01", '
            '"to": "2027-01-02"}]}',
            "out must be one of OOPT",
        ),
        (
            '{"start": "2026-08-05", "events": [{"out": "sick", "from": "2027-01-05", "to": "2027-01-01"}]}',
            "is before from",
        ),
        (
            '{"start": "2026-08-05", "events": [{"out": "sick", "from": "2026-01-05", "to": "2026-01-09"}]}',
            "starts before training does",
        ),
        (
            '{"start": "2026-08-05", "events": [{"out": "sick", "from": "2027-01-05", "to": "2027-01-09", '
            '"counts": "yes"}]}',
            "counts must be true or false",
        ),
        ('{"start": "2026-08-05", "event": []}', "unknown field(s) event"),
    ],
)
def test_bad_specs_exit_2_with_a_clear_message(tmp_path, capsys, text, message):
    path = tmp_path / "spec.json"
    path.write_text(text)
    assert main(["estimate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_every_problem_is_reported_at_once():
    with pytest.raises(SpecError) as raised:
        spec_from_dict({"start": "2026-13-01", "events": [{"out": "holiday", "from": "x"}]})
    assert len(str(raised.value).splitlines()) == 4


def test_a_missing_file_is_a_bad_spec(capsys):
    assert main(["estimate", "/nonexistent/spec.json"]) == 2
    assert "Cannot read" in capsys.readouterr().err


# --- LTFT flags -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("percent", [100, 80, 70, 60, 50])
def test_standard_patterns_need_no_approval(percent):
    change = LtftChange(Fraction(percent, 100), D(2027, 8, 5), D(2027, 3, 1))
    assert ltft_flags(change) == []


@pytest.mark.parametrize("percent", [90, 75, 65, 40])
def test_other_patterns_are_flagged_for_approval(percent):
    flags = ltft_flags(LtftChange(Fraction(percent, 100), D(2027, 8, 5)))
    assert [f.code for f in flags] == ["needs_approval"]
    assert f"{percent}% is not a standard pattern" in flags[0].text


def test_less_than_sixteen_weeks_notice_is_flagged():
    start = D(2027, 8, 5)
    on_time = LtftChange(Fraction(4, 5), start, start - datetime.timedelta(weeks=16))
    late = LtftChange(Fraction(4, 5), start, start - datetime.timedelta(weeks=15, days=6))
    assert ltft_flags(on_time) == []
    [flag] = ltft_flags(late)
    assert flag.code == "short_notice"
    assert "15 weeks and 6 days" in flag.text


# --- progress ---------------------------------------------------------------------------------------------


def test_progress_counts_months_done_and_training_year():
    spec = CctSpec(D(2026, 8, 5))
    assert progress(spec, D(2026, 8, 1)).training_year == "not started"
    halfway = progress(spec, D(2028, 2, 4))  # 548 of 1,096 days
    assert halfway.months_done == 18
    assert halfway.months_to_go == 18
    assert halfway.training_year == "ST2"
    assert progress(spec, D(2028, 8, 5)).training_year == "ST3"
    assert progress(spec, D(2031, 1, 1)).months_to_go == 0


def test_time_out_that_does_not_count_adds_no_progress():
    out = TimeOut("parental", D(2026, 8, 5), D(2027, 8, 4), counts=False)
    spec = CctSpec(D(2026, 8, 5), time_out=(out,))
    assert progress(spec, D(2027, 8, 5)).months_done == 0


# --- properties -------------------------------------------------------------------------------------------

wtes = st.sampled_from([Fraction(p, 100) for p in (100, 90, 80, 70, 60, 50)])
days = st.integers(min_value=0, max_value=1500)


@settings(max_examples=60, deadline=None)
@given(start_offset=days, length=st.integers(0, 400), wte=wtes)
def test_time_out_that_does_not_count_never_brings_the_date_forward(start_offset, length, wte):
    start = D(2026, 8, 5)
    base = CctSpec(start, wte=wte)
    first = start + datetime.timedelta(days=start_offset)
    out = TimeOut("OOPE", first, first + datetime.timedelta(days=length), counts=False)
    with_out = CctSpec(start, wte=wte, time_out=(out,))
    extension = (cct_date(with_out) - cct_date(base)).days
    assert extension >= 0
    if wte == 1:  # at full time every day out before the end pushes the end a day
        assert extension == ((length + 1) if first <= cct_date(base) else 0)


@settings(max_examples=60, deadline=None)
@given(when=days, wte=wtes)
def test_working_less_than_full_time_never_shortens_training(when, wte):
    start = D(2026, 8, 5)
    change = LtftChange(wte, start + datetime.timedelta(days=when))
    assert cct_date(CctSpec(start, changes=(change,))) >= cct_date(CctSpec(start))


# --- the curriculum check ---------------------------------------------------------------------------------


def six_months(start: D, gp: bool, wte=Fraction(1)) -> PostTime:
    end = D(start.year + (start.month + 5) // 12, (start.month + 5) % 12 + 1, start.day) - datetime.timedelta(
        days=1
    )
    return PostTime(start, end, wte, gp)


def rotation(*gp_flags: bool) -> list[PostTime]:
    starts = [D(2026, 8, 5), D(2027, 2, 5), D(2027, 8, 5), D(2028, 2, 5), D(2028, 8, 5), D(2029, 2, 5)]
    return [six_months(s, gp) for s, gp in zip(starts, gp_flags, strict=True)]


def test_a_rotation_with_the_final_year_in_gp_meets_the_minimums():
    check = curriculum_check(rotation(False, True, False, False, True, True))
    assert check.complete
    assert check.gp_met
    assert check.final_year_met
    assert round(check.gp_months) == 18
    assert round(check.final_year_gp_months) == 12


def test_a_final_year_outside_general_practice_is_not_met():
    check = curriculum_check(rotation(True, True, True, False, True, False))
    assert check.gp_met
    assert check.final_year_met is False
    assert round(check.final_year_gp_months) == 6
    assert "Not met" in check.messages[1]


def test_a_region_can_ask_for_more_general_practice():
    check = curriculum_check(rotation(False, True, False, False, True, True), Requirement(gp_months=24))
    assert not check.gp_met
    assert "Short by" in check.messages[0]


def test_partial_placements_cannot_judge_the_final_year():
    check = curriculum_check(rotation(True, True, False, False, True, True)[:2])
    assert not check.complete
    assert check.final_year_gp_months is None
    assert check.final_year_met is None
    assert "cannot be checked yet" in check.messages[1]
    assert "Not met yet" not in check.messages[0]  # 12 months of GP is already met


def test_ltft_posts_count_pro_rata():
    half = [six_months(D(2026, 8, 5), True, Fraction(1, 2))]
    assert round(curriculum_check(half).gp_months) == 3
