"""The deadline rush: `python -m bench.preferences_rush [--trainees N]` from the repository root.

N trainees submit their ranked lists in the last minutes before a preference window closes, through the
REST API (PUT /api/v1/windows/{id}/preferences) the way a signed-in browser does: session cookie, CSRF
cookie and X-CSRFToken header. The app runs as in production (HEFT_ENVIRONMENT=production, under gunicorn)
on a fresh PostgreSQL database, on 127.0.0.1 only. Some trainees submit twice with a
changed list, sending the version their first save returned, so whole-list replacement is exercised.

Afterwards the database must hold, for every trainee, exactly the last list that got a 200 (ranks 1..n,
no duplicates, version = number of accepted saves, an audit event and a queued receipt per save); then the
window is closed and further PUTs must be refused with 409, changing nothing. The database (heft_rush) is
dropped and recreated at the start and dropped at the end, and gunicorn stopped, even on failure. Writes
its section of docs/benchmarks.md unless --no-report.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import secrets
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import psycopg

from bench._report import write_section

ROOT = Path(__file__).resolve().parent.parent
# The PostgreSQL server (no database name): the benchmark creates and drops its own database there.
POSTGRES = os.environ.get("HEFT_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
HOST = "127.0.0.1"
INTAKE = "2026-08"
RECEIPT_TASK = "heft.preferencing.tasks.send_preference_receipt"
# gunicorn's production settings: the app loaded once, before the workers fork.
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
TARGET_RATE = 200  # accepted submissions per second
TARGET_P95_MS = 300


@dataclass(frozen=True)
class Settings:
    trainees: int = 2_000
    rotations: int = 40
    resubmit: float = 0.25  # share of trainees who change their list once
    concurrency: int = 32
    # Measured on the 2-core machine: sync workers beat gthread, since more requests in the app at once
    # only queue on the window's row lock and contend for the GIL while holding it; and cores + 1 of them
    # beat 2 x cores + 1 in 4 of 4 interleaved pairs (232/226, 211/188, 201/196, 266/171 saves/s), as
    # PostgreSQL and the client share the two cores: fewer processes, less contention for them.
    workers: int = 3
    worker_class: str = "sync"
    threads: int = 1  # gthread only
    time_limit: float = 90.0  # seconds for the rush; requests not started by then are not sent
    port: int = 8190
    database: str = "heft_rush"
    seed: int = 1


@dataclass(frozen=True)
class RushTrainee:
    pk: int
    session_key: str
    csrf_secret: str
    lists: tuple[tuple[str, ...], ...]  # what they send, in order


@dataclass(frozen=True)
class Outcome:
    trainee: int  # pk
    attempt: int  # index into RushTrainee.lists
    status: int | str  # HTTP status, or the name of the error when no response came
    seconds: float
    version: int | None
    server: int = 0  # index into Client.ports: which app server answered


# --- numbers ------------------------------------------------------------------------------------------------


def percentile(ordered: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of values sorted ascending."""
    if not ordered:
        raise ValueError("No values.")
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n * q / 100), at least the first
    return ordered[int(rank) - 1]


def latency_summary(seconds: list[float]) -> dict[str, float]:
    """Milliseconds: p50, p95, p99, max and mean of the latencies given in seconds."""
    ordered = sorted(s * 1000 for s in seconds)
    summary = {f"p{q}": percentile(ordered, q) for q in (50, 95, 99)}
    return {**summary, "max": ordered[-1], "mean": sum(ordered) / len(ordered)}


# --- the database and the app -------------------------------------------------------------------------------


def server_environment(settings: Settings) -> dict[str, str]:
    """Production settings with local values. The SECURE cookie flags only tell browsers not to send the
    cookies over http; this client sets its cookies itself, and CSRF checks the Referer only on https."""
    return {
        **os.environ,
        "HEFT_ENVIRONMENT": "production",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "HEFT_SITE_URL": f"http://{HOST}",
        "DATABASE_URL": f"{POSTGRES}/{settings.database}",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",  # receipts only queued
        "DJANGO_SSL_REDIRECT": "0",
        "DATABASE_CONN_MAX_AGE": "600",  # no reconnects mid-rush, so each backend's CPU is counted whole
        "LOG_LEVEL": "WARNING",
    }


def _admin_sql(statement: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def recreate_database(name: str) -> None:
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    from django.apps import apps
    from django.db import connections

    if apps.ready:
        connections.close_all()
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_django(environment: dict[str, str]) -> None:
    """Configure this process like the server (same secret key, so the sessions it writes are valid)."""
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heft.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def build_world(settings: Settings):
    """A scheme with a window closing in a few minutes, its rotations, and the trainees with their sign-ins
    (user, trainee role, membership, a session and a CSRF secret each) and the lists they will send."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from heft.accounts.middleware import LAST_ACTIVE_AT, SIGNED_IN_AT
    from heft.accounts.models import Role, RoleAssignment, User, UserSession
    from heft.accounts.sessions import SessionStore
    from heft.preferencing.services import window_open
    from heft.programmes.models import Region, Rotation, TrainingScheme
    from heft.trainees.models import ProgrammeMembership, Trainee

    region = Region.objects.create(code="rush-region", name="Rush Region (fictional)")
    scheme = TrainingScheme.objects.create(code="rush-scheme", name="Rush Scheme (fictional)", region=region)
    codes = [f"RUSH-{n:03d}" for n in range(1, settings.rotations + 1)]
    Rotation.objects.bulk_create(
        Rotation(code=code, name=f"Rush rotation {code}", scheme=scheme, intake=INTAKE, capacity=3)
        for code in codes
    )
    admin = User.objects.create_user(email="rush-admin@heft.invalid", password=None)
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)

    users = []
    for n in range(settings.trainees):
        user = User(email=f"rush-trainee-{n:05d}@heft.invalid", first_name="Rush", last_name=f"Trainee {n}")
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users, batch_size=1000)
    RoleAssignment.objects.bulk_create((RoleAssignment(user=u, role=Role.TRAINEE) for u in users), 1000)
    trainees = Trainee.objects.bulk_create(
        (
            Trainee(
                gmc_number=f"{8_000_000 + n}", forenames="Rush", surname=f"Trainee {n}", email=u.email, user=u
            )
            for n, u in enumerate(users)
        ),
        batch_size=1000,
    )
    ProgrammeMembership.objects.bulk_create(
        (
            ProgrammeMembership(
                trainee=t, scheme=scheme, intake=INTAKE, start_date=datetime.date(2026, 8, 5), national_rank=n
            )
            for n, t in enumerate(trainees, start=1)
        ),
        batch_size=1000,
    )
    now = timezone.now()
    window = window_open(
        scheme=scheme,
        intake=INTAKE,
        opens_at=now - datetime.timedelta(days=14),
        closes_at=now + datetime.timedelta(seconds=settings.time_limit + 300),  # the last minutes
        by=admin,
    )

    store, expires = SessionStore(), now + datetime.timedelta(hours=12)
    # As a sign-in leaves a session, and active a moment ago: the trainee has the ranking page open.
    signed_in_at = int(now.timestamp()) - 600
    sessions, rush_trainees = [], []
    rng = random.Random(settings.seed)
    for user, trainee in zip(users, trainees, strict=True):
        key = get_random_string(32, string.ascii_lowercase + string.digits)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            SIGNED_IN_AT: signed_in_at,
            LAST_ACTIVE_AT: int(time.time()),
        }
        sessions.append(
            UserSession(session_key=key, session_data=store.encode(data), expire_date=expires, user=user)
        )
        csrf_secret = get_random_string(32, string.ascii_letters + string.digits)
        rush_trainees.append(RushTrainee(trainee.pk, key, csrf_secret, _lists(rng, codes, settings.resubmit)))
    UserSession.objects.bulk_create(sessions, batch_size=1000)
    return window, admin, rush_trainees


def _lists(rng: random.Random, codes: list[str], resubmit: float) -> tuple[tuple[str, ...], ...]:
    first = tuple(rng.sample(codes, rng.randint(3, 15)))
    if rng.random() >= resubmit:
        return (first,)
    second = first
    while second == first:
        second = tuple(rng.sample(codes, rng.randint(3, 15)))
    return (first, second)


def start_server(
    settings: Settings,
    environment: dict[str, str],
    log: Path,
    port: int | None = None,
    boot_seconds: float = 60,
) -> subprocess.Popen:
    """gunicorn on `port` (settings.port unless given), once it answers /healthz (within `boot_seconds`:
    several servers booting at once on a busy machine need longer)."""
    port = settings.port if port is None else port
    with socket.socket() as probe:  # so that what answers below can only be this gunicorn
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does: TIME_WAIT is fine
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise RuntimeError(f"Port {port} is in use: choose another (--port, --ports).") from error
    command = [
        sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG),
        "--bind", f"{HOST}:{port}",
        "--workers", str(settings.workers), "--worker-class", settings.worker_class,
        "--threads", str(settings.threads),
        "--keep-alive", "75", "--timeout", "60", "--log-level", "warning", "--error-logfile", str(log),
    ]  # fmt: skip
    with log.open("ab") as output:  # the app logs to stderr: keep it out of the report
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output)
    deadline = time.monotonic() + boot_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-2000:]}")
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(
        f"gunicorn did not answer /healthz within {boot_seconds:.0f} s:\n{log.read_text()[-2000:]}"
    )


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- the client --------------------------------------------------------------------------------------------


class Client:
    """A connection per thread and app server (reopened when the server closes it, as sync workers do after
    each response); each request signed in as the given trainee, sent to the app server on ports[server]."""

    def __init__(self, ports: int | list[int], window_id: int):
        from django.conf import settings

        self.ports = [ports] if isinstance(ports, int) else list(ports)
        self.path = f"/api/v1/windows/{window_id}/preferences"
        self.session_cookie, self.csrf_cookie = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
        self.local = threading.local()

    def request(self, method: str, trainee: RushTrainee, payload: dict | None = None, server: int = 0):
        """(status or error name, JSON body or None, seconds)."""
        cookies = f"{self.session_cookie}={trainee.session_key}; {self.csrf_cookie}={trainee.csrf_secret}"
        headers = {
            "Cookie": cookies,
            "X-CSRFToken": trainee.csrf_secret,
            "Content-Type": "application/json",
        }
        body = json.dumps(payload) if payload is not None else None
        connections = self.local.__dict__.setdefault("connections", {})
        if connections.get(server) is None:
            connections[server] = http.client.HTTPConnection(HOST, self.ports[server], timeout=30)
        connection = connections[server]
        started = time.perf_counter()
        try:
            connection.request(method, self.path, body, headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connections[server] = None
            return type(error).__name__, None, time.perf_counter() - started
        seconds = time.perf_counter() - started
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return response.status, parsed, seconds

    def put(self, trainee: RushTrainee, rotations, version: int | None, server: int = 0):
        payload = {"rotations": list(rotations), "submit": True, "version": version}
        return self.request("PUT", trainee, payload, server)


def warm_up(client: Client, trainees: list[RushTrainee], concurrency: int) -> None:
    """Reads only (GET of a trainee's own list) on every app server, so every worker has loaded the app and
    opened its database connection before the clock starts."""
    reads = [(t, server) for server in range(len(client.ports)) for t in trainees[: 4 * concurrency]]
    with ThreadPoolExecutor(concurrency) as pool:
        answers = pool.map(lambda read: client.request("GET", read[0], server=read[1]), reads)
        statuses = Counter(status for status, _, _ in answers)
    if set(statuses) != {200}:
        raise RuntimeError(f"Warm-up reads failed: {dict(statuses)}")


def server_for(position: int, attempt: int, servers: int) -> int:
    """Which app server takes a submission: trainees alternate between servers, and a trainee's next save
    goes to the next server, so a version one server returned is always used on another."""
    return (position + attempt) % servers


def rush(client: Client, trainees: list[RushTrainee], settings: Settings):
    """Every trainee submits concurrently (bounded by `concurrency`), in a shuffled order; a trainee's second
    list goes after their first, with the version it returned. With several app servers the submissions are
    split between them (`server_for`). Returns (outcomes, wall seconds)."""
    position = {trainee.pk: n for n, trainee in enumerate(trainees)}
    order = trainees[:]
    random.Random(settings.seed + 1).shuffle(order)
    deadline = time.perf_counter() + settings.time_limit

    def submit_all(trainee: RushTrainee) -> list[Outcome]:
        outcomes, version = [], 0
        for attempt, rotations in enumerate(trainee.lists):
            server = server_for(position[trainee.pk], attempt, len(client.ports))
            if time.perf_counter() > deadline:
                outcomes.append(Outcome(trainee.pk, attempt, "not sent (time limit)", 0.0, None, server))
                break
            status, body, seconds = client.put(trainee, rotations, version, server)
            version = body.get("version") if status == 200 and body else None
            outcomes.append(Outcome(trainee.pk, attempt, status, seconds, version, server))
            if status != 200:
                break  # the next save would be from an unknown version
        return outcomes

    started = time.perf_counter()
    with ThreadPoolExecutor(settings.concurrency) as pool:
        outcomes = [o for result in pool.map(submit_all, order) for o in result]
    return outcomes, time.perf_counter() - started


def signed_in_reads(client: Client, trainees: list[RushTrainee], server, settings: Settings) -> dict:
    """The same server answering reads only, for comparison: each trainee GETs their own list, which signs
    them in, counts the request against their rate limit and reads their record, the window and the list,
    as a save does, and writes nothing. The most any signed-in API request could reach here."""
    reads = [trainees[n % len(trainees)] for n in range(len(trainees))]
    before = cpu_snapshot(server, settings.database)
    started = time.perf_counter()
    with ThreadPoolExecutor(settings.concurrency) as pool:
        statuses = Counter(pool.map(lambda trainee: client.request("GET", trainee)[0], reads))
    wall = time.perf_counter() - started
    cpu = cpu_used(before, cpu_snapshot(server, settings.database))
    return {
        "requests": len(reads),
        "per_second": len(reads) / wall,
        "cpu_ms": {part: seconds / len(reads) * 1000 for part, seconds in cpu.items()},
        "statuses": dict(statuses),
    }


# --- where the CPU went -------------------------------------------------------------------------------------


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), 0 if it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def cpu_snapshot(server: subprocess.Popen, database: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of the gunicorn workers, this benchmark's PostgreSQL backends, and this client."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        )
        backends = [row[0] for row in cursor.fetchall()]
    return {
        "app": {pid: _cpu_of(pid) for pid in [server.pid, *_children(server.pid)]},
        "postgres": {pid: _cpu_of(pid) for pid in backends},
        "client": {os.getpid(): time.process_time()},
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each part used between two snapshots (a process started in between counts from zero)."""
    return {
        part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in after[part].items())
        for part in after
    }


class LockWaits(threading.Thread):
    """Samples PostgreSQL every 50 ms while the rush runs: how many of the benchmark's backends are running a
    statement, and how many of those are waiting for a lock (saves queue on their window's row lock)."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.database, self.samples, self.done = database, [], threading.Event()

    def run(self):
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            while not self.done.wait(0.05):
                self.samples.append(
                    connection.execute(
                        "SELECT count(*) FILTER (WHERE state = 'active'),"
                        " count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock')"
                        " FROM pg_stat_activity WHERE datname = %s",
                        [self.database],
                    ).fetchone()
                )

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()

    def means(self) -> tuple[float, float]:
        count = max(1, len(self.samples))
        return sum(a for a, _ in self.samples) / count, sum(w for _, w in self.samples) / count


# --- checking what was stored -------------------------------------------------------------------------------


def stored_lists(window) -> dict[int, dict]:
    """Trainee pk -> {"codes", "ranks", "version", "status"} as the database holds them."""
    from heft.preferencing.models import Preference, PreferenceList

    stored = {
        pl.trainee_id: {"codes": [], "ranks": [], "version": pl.version, "status": pl.status}
        for pl in PreferenceList.objects.filter(window=window)
    }
    rows = Preference.objects.filter(window=window).order_by("trainee_id", "rank")
    for trainee_id, code, rank in rows.values_list("trainee_id", "rotation__code", "rank"):
        entry = stored.setdefault(trainee_id, {"codes": [], "ranks": [], "version": None, "status": None})
        entry["codes"].append(code)
        entry["ranks"].append(rank)
    return stored


def verify(window, trainees: list[RushTrainee], outcomes: list[Outcome]) -> dict:
    """Compare the database with what the client was told. A trainee whose request got no HTTP answer or a
    5xx is "unknown": their stored list must then be one of the lists they sent, whole, or none."""
    from django_tasks_db.models import DBTaskResult

    from heft.audit.models import AuditEvent

    by_trainee: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        by_trainee.setdefault(outcome.trainee, []).append(outcome)
    stored = stored_lists(window)
    lost, unknown, mismatches = 0, 0, []
    for trainee in trainees:
        mine = by_trainee.get(trainee.pk, [])
        accepted = [o for o in mine if o.status == 200]
        entry = stored.get(trainee.pk)
        if any(not isinstance(o.status, int) or o.status >= 500 for o in mine):
            unknown += 1
            ok = entry is None or tuple(entry["codes"]) in trainee.lists
        elif accepted:
            expected = list(trainee.lists[accepted[-1].attempt])
            ok = (
                entry is not None
                and entry["codes"] == expected
                and entry["ranks"] == list(range(1, len(expected) + 1))
                and entry["version"] == len(accepted) == accepted[-1].version
                and entry["status"] == "submitted"
            )
        else:
            ok = entry is None
        if not ok:
            lost += 1
            mismatches.append((trainee.pk, entry))
    saves = sum(1 for o in outcomes if o.status == 200)
    return {
        "trainees_checked": len(trainees),
        "lost_or_wrong": lost,
        "unknown_outcome": unknown,
        "examples": mismatches[:3],
        "accepted_saves": saves,
        "audit_events": AuditEvent.objects.filter(verb="preferences.submitted").count(),
        "receipts_queued": DBTaskResult.objects.filter(task_path=RECEIPT_TASK).count(),
    }


def check_closed_window(client: Client, window, admin, trainees: list[RushTrainee], concurrency: int) -> dict:
    """Close the window as a programme team would, then try to change lists: all refused, nothing changed."""
    from heft.preferencing.services import window_close_now

    window_close_now(window=window, by=admin)
    before = stored_lists(window)
    sample = list(enumerate(trainees[: min(200, len(trainees))]))
    servers = len(client.ports)

    def overwrite(numbered) -> int | str:  # no version: a plain overwrite, on each server in turn
        n, trainee = numbered
        return client.put(trainee, reversed(trainee.lists[0]), None, n % servers)[0]

    with ThreadPoolExecutor(concurrency) as pool:
        statuses = Counter(pool.map(overwrite, sample))
    return {"attempts": len(sample), "statuses": dict(statuses), "unchanged": stored_lists(window) == before}


# --- the report ---------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )  # fmt: skip
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GB RAM; "
        f"Python {platform.python_version()}, Django {metadata.version('django')}, "
        f"PostgreSQL {postgres}, gunicorn {metadata.version('gunicorn')}"
    )


def load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def _workers(settings: Settings) -> str:
    if settings.worker_class == "sync":
        return f"{settings.workers} sync workers"
    return f"{settings.workers} gthread workers x {settings.threads} threads"


def report(settings: Settings, results: dict) -> str:
    sent = [o for o in results["outcomes"] if not str(o.status).startswith("not sent")]
    numbers = {
        "sent": len(sent),
        "saves": sum(1 for o in sent if o.status == 200),
        "latency": latency_summary([o.seconds for o in sent]),
        "cpu_ms": {part: 1000 * seconds / len(sent) for part, seconds in results["cpu"].items()},
    }
    numbers["rate"] = numbers["saves"] / results["wall"]
    sections = [
        _introduction(settings, results),
        _results_table(settings, results, numbers),
        _checks_table(results, numbers),
        _targets_table(results, numbers),
        _what_limits_it(results, numbers),
        results.get("note", ""),
    ]
    return "\n\n".join(section for section in sections if section)


def _introduction(settings: Settings, results: dict) -> str:
    full = settings.trainees == Settings.trainees
    command = "python -m bench.preferences_rush" + ("" if full else f" --trainees {settings.trainees}")
    return (
        "## Deadline rush: trainees submitting preferences through the API\n\n"
        f"Machine: {results['machine']}; {results['date']}. Load average (1 / 5 / 15 min) at the start "
        f"{results['load_before']}, after the rush {results['load_after']}. Written by `{command}`"
        f"{'' if full else ' (a small run; the default is 2,000 trainees)'}.\n\n"
        "The app as in production (HEFT_ENVIRONMENT=production; DJANGO_SSL_REDIRECT=0 and plain http on "
        "127.0.0.1; DATABASE_CONN_MAX_AGE=600, so no worker reconnects mid-rush) under gunicorn with "
        f"deploy/gunicorn.conf.py ({_workers(settings)}) on a fresh PostgreSQL database. Each trainee has "
        "a user, the trainee role, a membership of the scheme, a database session as signing in leaves it "
        "(marked active when the world is built, as if the ranking page were open, so the once-a-minute "
        "activity write falls only on sessions idle for a minute by the time they save) and a CSRF "
        "cookie/token pair. The client, on the same machine (so it takes CPU from the server), keeps "
        f"{settings.concurrency} requests in flight, each `PUT /api/v1/windows/{{id}}/preferences` with "
        f"`submit: true` and the expected `version`; {settings.resubmit:.0%} of the trainees, drawn at "
        "random, change their list once after their first save. Latency is from sending the request to "
        "reading the whole response. A few reads (GET) warm the workers up before the clock starts."
    )


def _results_table(settings: Settings, results: dict, numbers: dict) -> str:
    latency, cpu = numbers["latency"], numbers["cpu_ms"]
    statuses = Counter(str(o.status) for o in results["outcomes"])
    rows = [
        ("trainees / rotations in the window", f"{settings.trainees:,} / {settings.rotations}"),
        ("list length", "3-15 rotations"),
        ("requests sent / accepted (200)", f"{numbers['sent']:,} / {numbers['saves']:,}"),
        ("wall time", f"{results['wall']:.2f} s"),
        ("accepted submissions per second", f"{numbers['rate']:.0f}"),
        ("requests per second", f"{numbers['sent'] / results['wall']:.0f}"),
        ("latency p50 / p95 / p99", "{p50:.0f} / {p95:.0f} / {p99:.0f} ms".format(**latency)),
        ("latency mean / max", "{mean:.0f} / {max:.0f} ms".format(**latency)),
        ("outcomes by status", ", ".join(f"{status}: {n:,}" for status, n in sorted(statuses.items()))),
        ("CPU per request: app / PostgreSQL / client",
         "{app:.1f} / {postgres:.1f} / {client:.1f} ms".format(**cpu)),
        ("PostgreSQL backends running a statement / waiting for a lock (mean)",
         "{:.1f} / {:.1f}".format(*results["lock_waits"])),
    ]  # fmt: skip
    return _table(("measure", "value"), rows)


def _checks_table(results: dict, numbers: dict) -> str:
    check, closed, saves = results["verify"], results["closed"], numbers["saves"]
    refusals = ", ".join(f"{status}: {n}" for status, n in closed["statuses"].items())
    rows = [
        ("trainees whose stored list is not the last one accepted (whole, ranks 1..n, version = saves)",
         f"{check['lost_or_wrong']} of {check['trainees_checked']:,}"),
        ("trainees with a request of unknown outcome (no answer or 5xx)", str(check["unknown_outcome"])),
        ("audit events `preferences.submitted` / accepted saves", f"{check['audit_events']:,} / {saves:,}"),
        ("receipt emails queued / accepted saves", f"{check['receipts_queued']:,} / {saves:,}"),
        ("PUTs after the window was closed: answers by status", f"{refusals} of {closed['attempts']}"),
        ("lists unchanged by those PUTs", "yes" if closed["unchanged"] else "**no**"),
    ]  # fmt: skip
    return _table(("checked afterwards in the database", "result"), rows)


def _targets_table(results: dict, numbers: dict) -> str:
    p95, lost = numbers["latency"]["p95"], results["verify"]["lost_or_wrong"]
    rows = [
        (
            f"{TARGET_RATE}+ accepted submissions/s",
            f"{numbers['rate']:.0f}/s",
            numbers["rate"] >= TARGET_RATE,
        ),
        (f"p95 under {TARGET_P95_MS} ms", f"{p95:.0f} ms", p95 < TARGET_P95_MS),
        ("zero lost", f"{lost} lost or wrong", lost == 0),
    ]
    return _table(("target", "measured", "met"), [(t, m, "yes" if ok else "**no**") for t, m, ok in rows])


def _what_limits_it(results: dict, numbers: dict) -> str:
    cpu_ms = sum(numbers["cpu_ms"].values())
    ceiling = (os.cpu_count() or 1) * 1000 / cpu_ms
    text = (
        f"What limits it: each request costs {cpu_ms:.0f} ms of CPU in all (app, PostgreSQL and client), so "
        f"{os.cpu_count()} idle cores could serve at most about {ceiling:.0f} requests/s."
    )
    reads = results["reads"]
    read_ms = " / ".join(f"{ms:.1f}" for ms in reads["cpu_ms"].values())
    statuses = sorted(reads["statuses"].items(), key=str)
    answers = ", ".join(f"{status}: {count:,}" for status, count in statuses)
    text += (
        " For comparison, the same server answering only signed-in reads of a trainee's own list "
        f"({reads['requests']:,} GETs, as many in flight; answers {answers}) served "
        f"{reads['per_second']:.0f} requests/s at {read_ms} ms of CPU per request (app / PostgreSQL / "
        "client): signing in, the rate limit and reading the trainee, window and list cost that much before "
        "a save writes anything."
    )
    running, waiting = results["lock_waits"]
    if running and waiting / running > 0.5:
        text += (
            f" Of the PostgreSQL backends running a statement, {waiting / running:.0%} were waiting for a "
            "lock: saves of one window share its row lock, and each list's row is held by one save at a time."
        )
    return text


def _table(header: tuple[str, ...], rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def all_checks_pass(results: dict) -> bool:
    check, closed = results["verify"], results["closed"]
    saves = check["accepted_saves"]
    return (
        check["lost_or_wrong"] == 0
        and check["audit_events"] == saves
        and check["receipts_queued"] == saves
        and set(closed["statuses"]) == {409}
        and closed["unchanged"]
    )


# --- running it ---------------------------------------------------------------------------------------------


def run(settings: Settings) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"{settings.database}-") as scratch:
        return _run(settings, log=Path(scratch) / "gunicorn.log")


def _run(settings: Settings, log: Path) -> dict:
    environment = server_environment(settings)
    load_before = load_average()
    recreate_database(settings.database)
    server = None
    try:
        start_django(environment)
        print(f"Building {settings.trainees:,} trainees ...", flush=True)
        window, admin, trainees = build_world(settings)
        server = start_server(settings, environment, log)
        client = Client(settings.port, window.pk)
        warm_up(client, trainees, settings.concurrency)
        print(f"Rush: {sum(len(t.lists) for t in trainees):,} submissions ...", flush=True)
        cpu_before = cpu_snapshot(server, settings.database)
        with LockWaits(settings.database) as lock_waits:
            outcomes, wall = rush(client, trainees, settings)
        cpu = cpu_used(cpu_before, cpu_snapshot(server, settings.database))
        load_after = load_average()
        results = {
            "outcomes": outcomes,
            "wall": wall,
            "cpu": cpu,
            "lock_waits": lock_waits.means(),
            "reads": signed_in_reads(client, trainees, server, settings),
            "verify": verify(window, trainees, outcomes),
            "closed": check_closed_window(client, window, admin, trainees, settings.concurrency),
            "machine": machine(),
            "date": datetime.date.today().isoformat(),
            "load_before": load_before,
            "load_after": load_after,
        }
        if any(isinstance(o.status, int) and o.status >= 500 for o in outcomes):
            _show_log(log)
    except BaseException:
        _show_log(log)
        raise
    finally:
        if server is not None:
            stop_server(server)
        drop_database(settings.database)
    return results


def _show_log(log: Path) -> None:
    """The end of gunicorn's log (the app's errors), before the scratch directory holding it goes."""
    if log.exists():
        print(f"gunicorn's log ends:\n{log.read_text(errors='replace')[-4000:]}", file=sys.stderr)


def parse_args(argv: list[str] | None) -> tuple[Settings, argparse.Namespace]:
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=defaults.trainees)
    parser.add_argument("--rotations", type=int, default=defaults.rotations)
    parser.add_argument("--resubmit", type=float, default=defaults.resubmit, help="share who change once")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--workers", type=int, default=defaults.workers, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=defaults.threads, help="threads per worker")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default=defaults.worker_class)
    parser.add_argument("--time-limit", type=float, default=defaults.time_limit, help="seconds")
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--database", default=defaults.database, help="dropped and recreated: heft_rush...")
    parser.add_argument("--note", default="", help="a sentence added to the report, e.g. about the load")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    if not 1 <= args.trainees <= 100_000 or not 1 <= args.concurrency <= 256:
        parser.error("--trainees must be 1..100000 and --concurrency 1..256")
    if args.rotations < 15:
        parser.error("--rotations must be at least 15: lists are up to 15 long")
    if not re.fullmatch(r"heft_rush[a-z0-9_]*", args.database):
        parser.error("--database must start with heft_rush: the benchmark drops it")
    settings = Settings(
        trainees=args.trainees, rotations=args.rotations, resubmit=args.resubmit,
        concurrency=args.concurrency, workers=args.workers, threads=args.threads,
        worker_class=args.worker_class,
        time_limit=args.time_limit, port=args.port, database=args.database,
    )  # fmt: skip
    return settings, args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse_args(argv)
    results = run(settings)
    results["note"] = args.note
    markdown = report(settings, results)
    print(markdown)
    if not args.no_report:
        write_section("preferences-rush", markdown, path=str(ROOT / "docs" / "benchmarks.md"))
    return 0 if all_checks_pass(results) else 1


if __name__ == "__main__":
    sys.exit(main())
