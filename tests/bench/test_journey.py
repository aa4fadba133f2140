"""The journey engines benchmark at small sizes, and its checks: a check that passed every answer would make
the benchmark's numbers worthless, so each is shown a wrong answer too. Nothing here writes the docs."""

import dataclasses
from pathlib import Path

import pytest

from bench import journey
from heft.engines.grouping import Group, Grouping, Matching, Member, Mentor

DOCS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def test_a_quick_run_prints_every_table_and_check_and_leaves_the_docs_alone(capsys, monkeypatch):
    before = DOCS.read_bytes() if DOCS.exists() else None

    def refuse(*args, **kwargs):
        raise AssertionError("a quick run must not write docs/benchmarks.md")

    monkeypatch.setattr(journey, "write_section", refuse)
    assert journey.main(["--quick", "--no-report"]) == 0
    text = capsys.readouterr().out

    assert text.startswith("## Trainee's journey engines")
    assert "never written to the docs" in text
    assert " cores, " in text
    assert "Python 3." in text
    for row in [
        "| `spec_from_dict` (JSON form, validated) | 250 |",
        "| `cct_date` (the date only) | 250 |",
        "| `estimate` (date, steps, 14-day review, flags): every spec | 250 |",
        *[f"| `estimate`: {kind} | 50 |" for kind in journey.SPEC_KINDS],
        "| `curriculum_check` (250 rotations",
        "| region | 40 | 8 |",
        "| national | 160 | 32 |",
        "| national, by region (4 calls) | 160 |",
        "| region | 40 x ",
        "| national | 160 x ",
        "| `form_groups` | region | 2 regions | national | national, by region |",
        "| `match_mentors` | region | 2 regions | national | national, by region |",
        "| every group has 6 to 10 members | yes: ",
        "| every lead within capacity (every member of every group they lead) | yes: ",
        "| every mentor within capacity | yes: ",
        "| as many matched as places allow | yes: ",
        "| fewest long journeys, then fewest beyond the locality (min-cost flow over classes) | yes: ",
        "| `estimate` equals a day-by-day count written from ADR 0006 (sampled specs) | 25 of 25 agree |",
    ]:
        assert row in text, row
    assert "**no**" not in text
    assert "not run |" not in text
    assert "Peak traced memory (tracemalloc" in text
    assert (DOCS.read_bytes() if DOCS.exists() else None) == before


def a_year_out(kind: str) -> dict:
    return {"out": kind, "from": "2027-08-05", "to": "2028-08-04"}


@pytest.mark.parametrize(
    ("spec", "cct"),
    [
        ({"start": "2026-08-05"}, "2029-08-04"),  # ADR 0006: 1,096 days; the conventional date
        ({"start": "2026-08-05", "wte": 0.8}, "2030-05-05"),  # 1,370 days
        ({"start": "2026-08-05", "events": [{"ltft": 0.8, "from": "2027-08-05"}]}, "2030-02-03"),
        ({"start": "2026-08-05", "events": [a_year_out("OOPE")]}, "2030-08-05"),  # extends by 366 days
        ({"start": "2026-08-05", "events": [a_year_out("OOPT")]}, "2029-08-04"),  # counts towards training
    ],
)  # fmt: skip
def test_the_day_by_day_reference_gives_the_worked_cases(spec, cct):
    """The same cases as tests/engines/cct/test_worked_cases.py, worked by hand there."""
    assert journey.reference_cct(spec).isoformat() == cct


def members(count: int, locality: str = "L1", area: str = "A1") -> list[Member]:
    return [Member(f"T{i:03d}", locality, area, year=i % 3 + 1) for i in range(count)]


def failed(checks) -> set[str]:
    return {c.name for c in checks if not c.ok}


def test_grouping_checks_catch_a_group_too_big_and_a_lead_over_capacity():
    people = members(12)
    lead = Mentor("M1", "L1", "A1", capacity=11)
    right = Grouping(groups=[Group(people[:6], lead=lead), Group(people[6:])])
    right.groups[1].reasons.append("No mentor has room for 6 more trainees: choose a lead by hand.")
    assert not failed(journey.grouping_checks(people, [lead], right))

    wrong = Grouping(groups=[Group(people[:11], lead=lead), Group(people[11:], reasons=["no reason"])])
    assert failed(journey.grouping_checks(people, [lead], wrong)) == {
        "every group has 6 to 10 members",
        "every group without a lead says why",
    }
    over = Grouping(groups=[Group(people[:6], lead=lead), Group(people[6:], lead=lead)])
    assert failed(journey.grouping_checks(people, [lead], over)) == {
        "every lead within capacity (every member of every group they lead)"
    }
    lost = Grouping(groups=[Group(people[:6], lead=lead)])
    assert "everyone placed once, or left out with a reason" in failed(
        journey.grouping_checks(people, [lead], lost)
    )


def test_matching_checks_catch_a_mentor_over_capacity_a_needless_long_journey_and_too_few_matched():
    people = members(2) + [
        dataclasses.replace(m, id=f"F{m.id}", locality="L9", area="A9") for m in members(1)
    ]
    near, far = Mentor("near", "L1", "A1", capacity=2), Mentor("far", "L9", "A9", capacity=1)

    def matching(pairs: dict[str, str]) -> Matching:
        unmatched = {p.id: "no room" for p in people if p.id not in pairs}
        return Matching(
            pairs=pairs, why=dict.fromkeys(pairs, "why"), unmatched=unmatched
        )  # journeys: worked out

    best = matching({"T000": "near", "T001": "near", "FT000": "far"})
    assert not failed(journey.matching_checks(people, [near, far], best))
    crowded = matching({"T000": "near", "T001": "near", "FT000": "near"})
    assert "every mentor within capacity" in failed(journey.matching_checks(people, [near, far], crowded))
    swapped = matching({"T000": "far", "T001": "near", "FT000": "near"})  # two long journeys, none needed
    assert failed(journey.matching_checks(people, [near, far], swapped)) == {
        "fewest long journeys, then fewest beyond the locality (min-cost flow over classes)"
    }
    short = matching({"T000": "near", "FT000": "far"})
    assert "as many matched as places allow" in failed(journey.matching_checks(people, [near, far], short))
