"""The deadline-rush benchmark's arithmetic and verdicts, without starting a server or a database."""

import pytest

from bench.preferences_rush import Outcome, Settings, all_checks_pass, latency_summary, percentile, report


def test_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]  # 1..100
    assert [percentile(values, q) for q in (1, 50, 95, 99, 100)] == [1, 50, 95, 99, 100]
    assert percentile([7.0], 99) == 7.0
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_latency_summary_is_in_milliseconds_whatever_the_order():
    summary = latency_summary([0.3, 0.1, 0.2, 0.4])
    assert summary == pytest.approx({"p50": 200, "p95": 400, "p99": 400, "max": 400, "mean": 250})


def results(*, lost=0, receipts=4, closed_statuses=None):
    outcomes = [Outcome(trainee=t, attempt=0, status=200, seconds=0.1, version=1) for t in range(4)]
    outcomes.append(Outcome(trainee=9, attempt=0, status="not sent (time limit)", seconds=0.0, version=None))
    return {
        "outcomes": outcomes,
        "wall": 0.02,
        "cpu": {"app": 0.02, "postgres": 0.01, "client": 0.001},
        "lock_waits": (2.0, 1.8),
        "reads": {
            "requests": 5,
            "per_second": 250.0,
            "cpu_ms": {"app": 6.0, "postgres": 1.5, "client": 0.5},
            "statuses": {200: 5},
        },  # fmt: skip
        "verify": {
            "trainees_checked": 5,
            "lost_or_wrong": lost,
            "unknown_outcome": 0,
            "accepted_saves": 4,
            "audit_events": 4,
            "receipts_queued": receipts,
        },  # fmt: skip
        "closed": {"attempts": 3, "statuses": closed_statuses or {409: 3}, "unchanged": True},
        "machine": "a test machine",
        "date": "2026-01-01",
        "load_before": "0.0 / 0.0 / 0.0",
        "load_after": "0.0 / 0.0 / 0.0",
    }


def test_report_counts_only_what_was_sent_and_judges_the_targets():
    text = report(Settings(trainees=5), results())
    assert "| requests sent / accepted (200) | 4 / 4 |" in text
    assert "| accepted submissions per second | 200 |" in text  # 4 saves in 0.02 s
    assert "| 200+ accepted submissions/s | 200/s | yes |" in text
    assert "| p95 under 300 ms | 100 ms | yes |" in text
    assert "--trainees 5" in text
    assert "90% were waiting for a lock" in text
    assert "only signed-in reads of a trainee's own list (5 GETs, as many in flight; answers 200: 5)" in text
    assert "served 250 requests/s at 6.0 / 1.5 / 0.5 ms of CPU per request" in text


def test_a_lost_list_fails_the_target_and_the_run():
    assert all_checks_pass(results())
    lost = results(lost=1)
    assert "| zero lost | 1 lost or wrong | **no** |" in report(Settings(trainees=5), lost)
    assert not all_checks_pass(lost)
    assert not all_checks_pass(results(receipts=3))
    assert not all_checks_pass(results(closed_statuses={409: 2, 200: 1}))
