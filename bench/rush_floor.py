"""The deadline rush against its floor: `python -m bench.rush_floor [--quick]` from the repository root.

One world (bench/preferences_rush.py's: trainees, sessions, a window closing soon) on one fresh PostgreSQL
database, and two gunicorn servers with the same settings (deploy/gunicorn.conf.py, 3 sync workers):

- the floor: a bare Django view (bench/rush_floor_app.py) writing the rows a save writes (the window locked,
  the ranked list, its version and an audit row, in one transaction), with no middleware, no session, CSRF,
  permission check or rate limit;
- the app, as in production, taking the same PUTs signed in through the session with CSRF.

The same client (preferences_rush's `Client` and `rush`: 32 requests in flight, a quarter of the trainees
saving twice) drives each in turn, floor then app, `--rounds` times; between rounds every list, audit row
and queued receipt of the rush is deleted, the sessions marked active and the window's deadline moved on, so
that each round starts alike. Reported: saves/s of the best round of each, and the app's share of the
floor's rate. Writes the `rush-floor` section of docs/benchmarks.md unless --no-report.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

from bench import preferences_rush as rush_bench
from bench._report import write_section

ROOT = rush_bench.ROOT
FLOOR_SETTINGS = "bench.rush_floor_settings"
TARGET_RATIO = 0.4


@dataclass(frozen=True)
class Round:
    server: str  # "floor" or "app"
    saves: int
    sent: int
    wall: float
    cpu_ms: dict[str, float]  # per request: app (the server's processes) / postgres / client
    p95_ms: float
    wrong: int  # lists not as the client was last told, or an audit event or receipt missing (app only)

    @property
    def rate(self) -> float:
        return self.saves / self.wall


class FloorClient(rush_bench.Client):
    """The rush's client for the floor, which has no session: the trainee is named in the body."""

    def put(self, trainee, rotations, version, server=0):
        payload = {"rotations": list(rotations), "submit": True, "version": version, "trainee": trainee.pk}
        return self.request("PUT", trainee, payload, server)


# --- between rounds ----------------------------------------------------------------------------------------

_RESET = [
    "DELETE FROM preferencing_preference WHERE window_id = %(window)s",
    "DELETE FROM preferencing_preferencelist WHERE window_id = %(window)s",
    # The bench's own throwaway database: audit rows of the last round go so that each round counts its own.
    "DELETE FROM audit_auditevent WHERE verb = 'preferences.submitted'",
    "DELETE FROM django_tasks_database_dbtaskresult WHERE task_path = %(task)s",
    "DELETE FROM core_ratelimitcounter",
]


def reset(settings: rush_bench.Settings, window, trainees) -> None:
    """Every round starts alike: no lists, audit rows or receipts of the rush, no rate-limit counts, the
    sessions active a moment ago (as the world left them), the deadline minutes away, the tables vacuumed."""
    from django.db import connection
    from django.utils import timezone

    from heft.preferencing.models import PreferenceWindow

    with connection.cursor() as cursor:
        for statement in _RESET:
            cursor.execute(statement, {"window": window.pk, "task": rush_bench.RECEIPT_TASK})
    closes = timezone.now() + datetime.timedelta(seconds=settings.time_limit + 300)
    PreferenceWindow.objects.filter(pk=window.pk).update(closes_at=closes)
    _mark_sessions_active(trainees)
    with psycopg.connect(f"{rush_bench.POSTGRES}/{settings.database}", autocommit=True) as admin:
        admin.execute("VACUUM ANALYZE")


def _mark_sessions_active(trainees) -> None:
    from heft.accounts.middleware import LAST_ACTIVE_AT
    from heft.accounts.models import UserSession
    from heft.accounts.sessions import SessionStore

    store, now = SessionStore(), int(time.time())
    sessions = list(UserSession.objects.filter(session_key__in=[t.session_key for t in trainees]))
    for session in sessions:
        session.session_data = store.encode({**store.decode(session.session_data), LAST_ACTIVE_AT: now})
    UserSession.objects.bulk_update(sessions, ["session_data"], batch_size=1000)


# --- one round ---------------------------------------------------------------------------------------------


def one_round(name: str, client, server, settings: rush_bench.Settings, window, trainees) -> Round:
    reset(settings, window, trainees)
    rush_bench.warm_up(client, trainees, settings.concurrency)
    before = rush_bench.cpu_snapshot(server, settings.database)
    outcomes, wall = rush_bench.rush(client, trainees, settings)
    cpu = rush_bench.cpu_used(before, rush_bench.cpu_snapshot(server, settings.database))
    sent = [o for o in outcomes if not str(o.status).startswith("not sent")]
    check = rush_bench.verify(window, trainees, outcomes)
    wrong = check["lost_or_wrong"] + check["unknown_outcome"]
    if name == "app":
        saves = check["accepted_saves"]
        wrong += abs(check["audit_events"] - saves) + abs(check["receipts_queued"] - saves)
    result = Round(
        server=name,
        saves=sum(1 for o in sent if o.status == 200),
        sent=len(sent),
        wall=wall,
        cpu_ms={part: 1000 * seconds / max(1, len(sent)) for part, seconds in cpu.items()},
        p95_ms=rush_bench.latency_summary([o.seconds for o in sent])["p95"],
        wrong=wrong,
    )
    print(f"  {name}: {result.rate:.0f} saves/s, app CPU {result.cpu_ms['app']:.1f} ms/save", flush=True)
    return result


def run(settings: rush_bench.Settings, rounds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"{settings.database}-") as scratch:
        return _run(settings, rounds, Path(scratch))


def _run(settings: rush_bench.Settings, rounds: int, scratch: Path) -> dict:
    environment = rush_bench.server_environment(settings)
    floor_environment = {**environment, "DJANGO_SETTINGS_MODULE": FLOOR_SETTINGS}
    load_before = rush_bench.load_average()
    rush_bench.recreate_database(settings.database)
    servers = {}
    try:
        rush_bench.start_django(environment)
        print(f"Building {settings.trainees:,} trainees ...", flush=True)
        window, _admin, trainees = rush_bench.build_world(settings)
        servers["floor"] = rush_bench.start_server(settings, floor_environment, scratch / "floor.log")
        servers["app"] = rush_bench.start_server(
            settings, environment, scratch / "app.log", settings.port + 1
        )
        clients = {
            "floor": FloorClient(settings.port, window.pk),
            "app": rush_bench.Client(settings.port + 1, window.pk),
        }
        results = []
        for number in range(1, rounds + 1):
            print(f"Round {number} of {rounds}:", flush=True)
            for name in ("floor", "app"):
                results.append(one_round(name, clients[name], servers[name], settings, window, trainees))
        return {
            "rounds": results,
            "machine": rush_bench.machine(),
            "date": datetime.date.today().isoformat(),
            "load_before": load_before,
            "load_after": rush_bench.load_average(),
        }
    except BaseException:
        for name in servers:
            rush_bench._show_log(scratch / f"{name}.log")
        raise
    finally:
        for server in servers.values():
            rush_bench.stop_server(server)
        rush_bench.drop_database(settings.database)


# --- the report --------------------------------------------------------------------------------------------


def best(results: dict, name: str) -> Round:
    return max((r for r in results["rounds"] if r.server == name), key=lambda r: r.rate)


def report(settings: rush_bench.Settings, results: dict, command: str, note: str = "") -> str:
    floor, app = best(results, "floor"), best(results, "app")
    ratio = app.rate / floor.rate
    rows = [
        (
            f"round {n // 2 + 1}: {r.server}",
            f"{r.saves:,} / {r.sent:,}",
            f"{r.wall:.2f} s",
            f"{r.rate:.0f}",
            f"{r.p95_ms:.0f} ms",
            "{app:.1f} / {postgres:.1f} / {client:.1f}".format(**r.cpu_ms),
            str(r.wrong),
        )
        for n, r in enumerate(results["rounds"])
    ]
    header = (
        "run",
        "saves / sent",
        "wall",
        "saves/s",
        "p95",
        "CPU ms per save: server / PostgreSQL / client",
        "wrong",
    )
    met = "yes" if ratio >= TARGET_RATIO else "**no**"
    text = [
        "## Deadline rush against its floor",
        f"Machine: {results['machine']}; {results['date']}. Load average (1 / 5 / 15 min) at the start "
        f"{results['load_before']}, at the end {results['load_after']}. Written by `{command}`.",
        _load(settings),
        _table(header, rows),
        _table(
            ("target", "measured", "met"),
            [
                (
                    f"app at least {TARGET_RATIO} of the floor's saves/s",
                    f"{app.rate:.0f} / {floor.rate:.0f} = {ratio:.2f}",
                    met,
                )
            ],
        ),
        note,
    ]
    return "\n\n".join(part for part in text if part)


def _load(settings: rush_bench.Settings) -> str:
    return (
        f"Load: {settings.trainees:,} trainees, {settings.rotations} rotations, lists of 3-15, "
        f"{settings.resubmit:.0%} saving twice with the version their first save returned; "
        f"{settings.concurrency} requests in flight from one client on the same machine; each server "
        f"gunicorn with deploy/gunicorn.conf.py, {settings.workers} {settings.worker_class} workers, on one "
        "fresh PostgreSQL database. The **floor** is a bare Django view (bench/rush_floor_app.py: no "
        "middleware, session, CSRF, permission check or rate limit) writing the same rows in one "
        "transaction: the window locked in share mode, the list upserted and locked, its ranked rows "
        "replaced, its version bumped and an audit row. The **app** is the production configuration taking "
        "`PUT /api/v1/windows/{id}/preferences` signed in by session cookie and CSRF token, and also queues "
        "the receipt email. Floor and app run in turn, each round starting from the same state; the best "
        "round of each counts. `wrong` counts lists not as last acknowledged and, for the app, audit events "
        "or receipts missing. The app's cache and rate-limit counters: "
        + (
            f"Redis (HEFT_REDIS_URL={os.environ['HEFT_REDIS_URL']})."
            if os.environ.get("HEFT_REDIS_URL")
            else "the database (HEFT_REDIS_URL unset)."
        )
    )


def _table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 trainees, 2 rounds: a check, not a figure")
    parser.add_argument("--rounds", type=int, help="rounds of floor then app (default 3, quick 2)")
    parser.add_argument("--port", type=int, default=8192, help="the floor's; the app's is the next one")
    parser.add_argument(
        "--redis", metavar="URL", help="HEFT_REDIS_URL for the app (default: as set, or none)"
    )
    parser.add_argument("--note", default="", help="a sentence added to the report")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.redis is not None:
        os.environ["HEFT_REDIS_URL"] = args.redis  # the servers' environment is copied from this one
    settings = replace(rush_bench.Settings(), port=args.port, database="heft_rush_floor")
    if args.quick:
        settings = replace(settings, trainees=500)
    rounds = args.rounds or (2 if args.quick else 3)
    command = "python -m bench.rush_floor" + (" --quick" if args.quick else "")
    results = run(settings, rounds)
    markdown = report(settings, results, command, args.note)
    print(markdown)
    if not args.no_report:
        write_section("rush-floor", markdown, path=str(ROOT / "docs" / "benchmarks.md"))
    return 0 if all(r.wrong == 0 for r in results["rounds"]) else 1


if __name__ == "__main__":
    sys.exit(main())
