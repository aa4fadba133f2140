"""The stateless claim, checked in CI: two gunicorn app servers against one PostgreSQL database.

`test_two_servers_share_one_database` runs a small bench.two_servers end to end (20 trainees, one worker per
server) in a process of its own, since it configures Django as production does; the rest check the
benchmark's own arithmetic and verdicts, so a broken check cannot pass unnoticed.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from bench import two_servers
from bench.preferences_rush import Outcome, Settings, server_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_server_url() -> str:
    """The PostgreSQL server the suite runs on, without a database name: the benchmark makes its own."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two app servers need a database server they can share: PostgreSQL only",
)
def test_two_servers_share_one_database():
    ports = f"{free_port()},{free_port()}"
    database = f"heft_bench_two_t{os.getpid()}"
    command = [
        sys.executable, "-m", "bench.two_servers", "--trainees", "20", "--workers", "1",
        "--concurrency", "4", "--ports", ports, "--database", database, "--no-report",
    ]  # fmt: skip
    environment = {**os.environ, "HEFT_BENCH_POSTGRES": postgres_server_url()}
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "| trainees whose stored list is not the last one accepted" in output
    assert "0 of 20 |" in output
    assert "| duplicate rows: lists / ranks / rotations in a list | 0 / 0 / 0 |" in output
    assert "a CSRF token from server A's page accepted by server B (PUT, 200) | yes |" in output
    assert "the old cookie on server B is sent to sign in | yes |" in output
    assert "**no**" not in output.split("| sessions across servers |")[1]


# --- the benchmark's arithmetic and verdicts ------------------------------------------------------------


def test_a_trainees_second_save_goes_to_the_other_server():
    assert [server_for(position, 0, 2) for position in range(4)] == [0, 1, 0, 1]
    assert [server_for(position, 1, 2) for position in range(4)] == [1, 0, 1, 0]
    assert {server_for(position, attempt, 1) for position in range(3) for attempt in range(2)} == {0}


def outcome(trainee, attempt, server, status=200, seconds=0.1):
    return Outcome(trainee, attempt, status, seconds, attempt + 1 if status == 200 else None, server)


def test_per_server_counts_each_servers_answers_and_all_together():
    outcomes = [
        outcome(1, 0, 0, seconds=0.1),
        outcome(1, 1, 1, seconds=0.3),
        outcome(2, 0, 1, status=409, seconds=0.2),
        Outcome(3, 0, "not sent (time limit)", 0.0, None, 0),
    ]
    a, b, together = two_servers.per_server(outcomes, 2, wall=2.0)
    assert (a["server"], a["requests"], a["saves"], a["rate"]) == ("server A", 1, 1, 0.5)
    assert (b["server"], b["requests"], b["saves"], b["rate"]) == ("server B", 2, 1, 1.0)
    assert (together["requests"], together["saves"], together["rate"]) == (3, 2, 1.5)
    assert b["latency"]["p50"] == pytest.approx(200)
    assert together["latency"]["max"] == pytest.approx(300)
    assert two_servers.crossed(outcomes) == 1


def results(**changes):
    base = {
        "outcomes": [outcome(1, 0, 0), outcome(1, 1, 1)],
        "wall": 1.0,
        "servers": two_servers.per_server([outcome(1, 0, 0), outcome(1, 1, 1)], 2, 1.0),
        "crossed": 1,
        "verify": {
            "trainees_checked": 1,
            "lost_or_wrong": 0,
            "unknown_outcome": 0,
            "accepted_saves": 2,
            "audit_events": 2,
            "receipts_queued": 2,
        },  # fmt: skip
        "duplicates": {"lists": 0, "ranks": 0, "rotations": 0},
        "sessions": [("signed in on server A", True), ("server A's session cookie on server B", True)],
        "closed": {"attempts": 1, "statuses": {409: 1}, "unchanged": True},
        "machine": "a test machine",
        "date": "2026-01-01",
        "load_before": "0.0 / 0.0 / 0.0",
        "load_after": "0.0 / 0.0 / 0.0",
    }
    return {**base, **changes}


def test_any_failed_check_fails_the_run():
    assert two_servers.all_checks_pass(results())
    assert not two_servers.all_checks_pass(results(sessions=[("signed in on server A", False)]))
    assert not two_servers.all_checks_pass(results(duplicates={"lists": 0, "ranks": 1, "rotations": 0}))
    lost = {**results()["verify"], "lost_or_wrong": 1}
    assert not two_servers.all_checks_pass(results(verify=lost))
    doubled = {**results()["verify"], "audit_events": 3}
    assert not two_servers.all_checks_pass(results(verify=doubled))
    idle = two_servers.per_server([outcome(1, 0, 0)], 2, 1.0)  # server B answered nothing
    assert not two_servers.all_checks_pass(results(servers=idle))


def test_report_shows_each_server_and_every_check():
    text = two_servers.report(Settings(trainees=1, workers=3), [8191, 8192], results())
    assert "| server A (:8191) | 1 | 1 | 1 | 100 / 100 / 100 ms | 200: 1 |" in text
    assert "| all | 2 | 2 | 2 |" in text
    assert "| signed in on server A | yes |" in text
    assert "--trainees 1" in text
    assert "3 sync workers each" in text
    failed = two_servers.report(Settings(trainees=1), [1, 2], results(sessions=[("signed in", False)]))
    assert "| signed in | **no** |" in failed


def test_the_browser_keeps_cookies_and_forgets_deleted_ones():
    browser = two_servers.Browser([1, 2])
    browser._keep(["sessionid=abc; HttpOnly; Path=/; Secure", "csrftoken=xyz; Path=/"])
    assert browser.cookies == {"sessionid": "abc", "csrftoken": "xyz"}
    browser._keep(['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'])
    assert browser.cookies == {"csrftoken": "xyz"}


def test_the_benchmark_drops_only_a_database_of_its_own():
    with pytest.raises(SystemExit):
        two_servers.parse_args(["--database", "heft"])
    with pytest.raises(SystemExit):
        two_servers.parse_args(["--ports", "8191"])
    settings_, ports, _ = two_servers.parse_args(["--database", "heft_bench_two_x", "--ports", "9001,9002"])
    assert (settings_.database, ports) == ("heft_bench_two_x", [9001, 9002])
