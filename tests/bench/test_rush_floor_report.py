"""The rush-against-its-floor benchmark's verdict and its floor's client, without a server or database."""

from bench.preferences_rush import RushTrainee, Settings
from bench.rush_floor import FloorClient, Round, best, report

CPU = {"app": 5.0, "postgres": 2.0, "client": 0.5}


def rounds(*rates: tuple[str, float]) -> dict:
    made = [
        Round(name, saves=int(rate), sent=int(rate), wall=1.0, cpu_ms=CPU, p95_ms=100, wrong=0)
        for name, rate in rates
    ]
    return {
        "rounds": made,
        "machine": "a test machine",
        "date": "2026-12-07",
        "load_before": "1",
        "load_after": "1",
    }


def test_the_best_round_of_each_counts():
    results = rounds(("floor", 300), ("app", 90), ("floor", 250), ("app", 120))
    assert best(results, "floor").rate == 300
    assert best(results, "app").rate == 120


def test_the_target_is_met_at_four_tenths_of_the_floor():
    met = report(Settings(), rounds(("floor", 300), ("app", 120)), "python -m bench.rush_floor")
    assert "120 / 300 = 0.40 | yes |" in met
    missed = report(Settings(), rounds(("floor", 300), ("app", 90)), "python -m bench.rush_floor")
    assert "90 / 300 = 0.30 | **no** |" in missed


def test_the_floor_is_told_the_trainee_in_the_body():
    sent = {}
    client = FloorClient.__new__(FloorClient)
    client.request = lambda method, trainee, payload, server: sent.update(payload) or (200, None, 0.0)
    trainee = RushTrainee(pk=7, session_key="k", csrf_secret="s", lists=(("A", "B"),))
    client.put(trainee, ("A", "B"), 0)
    assert sent == {"rotations": ["A", "B"], "submit": True, "version": 0, "trainee": 7}
