"""The cold-start benchmark's report and verdict, without seeding a database or starting processes."""

from bench.cold_starts import measurements, report, verdict


def timing(first: float, again: float = 0.1, startup: float = 3.0) -> dict:
    return {"first": first, "again": again, "startup": startup, "detail": "done"}


def row(label: str, cold: float, warmed: float, again: float = 0.1) -> dict:
    return {"label": label, "cold": timing(cold), "warmed": timing(warmed, again), "preloaded": timing(0.02)}


def test_the_verdict_counts_first_runs_under_two_seconds_once_warmed_and_explains_the_others():
    rows = [
        row("allocation run, rank-maximal", cold=20.5, warmed=0.7),
        row("equity report, everyone", cold=3.4, warmed=3.1, again=2.9),
    ]
    text = verdict(rows)
    assert "**met for 1 of 2**" in text
    assert "The equity report, everyone takes 3.1 s warmed and 2.9 s again in the same process" in text
    assert "rank-maximal" not in text


def test_the_report_shows_each_state_with_the_warmed_time_in_bold():
    facts = {"practices": 7_000, "rotations": 700, "trainees": 10_000, "placements": 50_000}
    text = report([row("allocation run, stable", cold=7.45, warmed=0.38)], 43.4, facts, "1.0 / 1.0 / 1.0")
    assert (
        "| allocation run, stable | 7.45 s | **0.38 s** | 0.02 s | 0.10 s | 3.0 s | 3.0 s | 3.0 s |" in text
    )
    assert "after `manage.py warm_engines` filled them (43.4 s, once per deploy)" in text
    assert "**met for 1 of 1**" in text


def test_every_mechanism_the_staff_choose_from_is_measured():
    from heft.engines.allocation import MECHANISMS

    kinds = [kind for _, kind, _ in measurements(quick=False, practices=7_000)]
    measured = {arguments[0] for _, kind, arguments in measurements(False, 7_000) if kind == "allocation"}
    assert measured == set(MECHANISMS) - {"reallocate"}  # reallocation runs on a published allocation
    assert kinds.count("deep_end") == 1
    assert kinds.count("equity") == 2
