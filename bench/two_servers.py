"""Two app servers, one database: `python -m bench.two_servers [--trainees N]` from the repository root.

HEFT Hub's app processes keep nothing of their own: sessions, CSRF secrets, task queues and data are all in
PostgreSQL, so any number of them can stand behind a load balancer. This checks that claim. Two gunicorn
servers run on different loopback ports, started the same way (one set of environment variables, the same
DJANGO_SECRET_KEY) against one fresh PostgreSQL database (heft_bench_two). The deadline rush of
`bench.preferences_rush` is split across them: trainees alternate between the servers, and a trainee who
changes their list sends the second save to the other server, with the version the first one returned.

Afterwards the database must hold no lost or duplicated write: every stored list is the last one accepted
(whole, ranks 1..n, version = accepted saves), no duplicate rows, exactly one audit event and one queued
receipt per accepted save. Then real sign-ins (the allauth form, with a password) show sessions are valid on
either server: signed in on A, the session cookie works on B and a CSRF token from A's page is accepted by B
(and a forged one refused); signed out on B, the same cookie no longer works on A; and the other way round.
Finally the window is closed and PUTs to both servers must be refused. The database is dropped and the
servers stopped at the end, even on failure. Writes its section of docs/benchmarks.md unless --no-report.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import re
import secrets
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench import preferences_rush as rush
from bench._report import write_section

DEFAULT_PORTS = (8191, 8192)
BOOT_SECONDS = 180  # the servers load the app side by side: a minute or more on a busy 2-core machine
DEFAULT_WORKERS = 3  # per server, as many as the single-server rush uses
FORM_TYPE = "application/x-www-form-urlencoded"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Person:
    """A trainee who signs in with a password, to check sessions across servers (not part of the rush)."""

    email: str
    password: str


# --- the world and the servers ------------------------------------------------------------------------------


def production_environment(settings: rush.Settings, scratch: Path, rate_limit: int | None = None) -> dict:
    """The rush's production environment, with the static files collected into `scratch` (pages need them:
    production finds each file through collectstatic's manifest), via bench.server_settings."""
    environment = {
        **rush.server_environment(settings),
        "DJANGO_SETTINGS_MODULE": "bench.server_settings",
        "HEFT_BENCH_STATIC_ROOT": str(scratch / "static"),
    }
    if rate_limit is not None:
        environment["HEFT_BENCH_RATE_LIMIT"] = str(rate_limit)
    return environment


def collect_static() -> None:
    """`manage.py collectstatic`, as a deployment runs it, into this run's scratch folder."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def add_people(window, count: int) -> list[Person]:
    """Trainees of the window's scheme with a real password, who sign in through the sign-in form."""
    from heft.accounts.models import Role, RoleAssignment, User
    from heft.trainees.models import ProgrammeMembership, Trainee

    people = []
    for n in range(count):
        person = Person(f"two-servers-{n}@heft.invalid", secrets.token_urlsafe(18))
        user = User.objects.create_user(email=person.email, password=person.password)
        user.first_name, user.last_name = "Session", f"Check {n}"
        user.save(update_fields=["first_name", "last_name"])
        RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
        trainee = Trainee.objects.create(
            gmc_number=f"{7_900_000 + n}",
            forenames="Session",
            surname=f"Check {n}",
            email=person.email,
            user=user,
        )
        ProgrammeMembership.objects.create(
            trainee=trainee, scheme=window.scheme, intake=window.intake, start_date=datetime.date(2026, 8, 5)
        )
        people.append(person)
    return people


def configure_django(environment: dict) -> None:
    """Configure this process as the servers are (same database and secret key), without migrating yet."""
    os.environ.update(environment)
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def start_servers(settings: rush.Settings, environment: dict, ports: list[int], logs: list[Path]):
    """One gunicorn per port, started side by side, once each answers /healthz; all of them or none (any
    started are stopped when another fails)."""
    with ThreadPoolExecutor(len(ports)) as pool:
        futures = [
            pool.submit(rush.start_server, settings, environment, log, port, BOOT_SECONDS)
            for log, port in zip(logs, ports, strict=True)
        ]
    servers, errors = [], []
    for future in futures:
        try:
            servers.append(future.result())
        except Exception as error:  # noqa: BLE001 - raised once the others are stopped
            errors.append(error)
    if errors:
        stop_servers(servers)
        raise errors[0]
    return servers


def stop_servers(servers) -> None:
    """All asked to stop at once, so their graceful shutdowns overlap."""
    for server in servers:
        server.terminate()
    for server in servers:
        rush.stop_server(server)


# --- sessions across servers --------------------------------------------------------------------------------


class Browser:
    """One person's cookie jar, sent to whichever app server is asked, as a browser behind a load balancer
    would be. (The servers mark cookies Secure; over loopback http this client sends them anyway.)"""

    def __init__(self, ports: list[int]):
        self.ports, self.cookies = ports, {}

    def send(self, server: int, method: str, path: str, *, body=None, headers=None, cookies=None):
        """(status, headers, text). `cookies` replaces the jar for this one request (a saved old cookie)."""
        jar = self.cookies if cookies is None else cookies
        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
        connection = http.client.HTTPConnection(rush.HOST, self.ports[server], timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        if cookies is None:
            self._keep(response.headers.get_all("Set-Cookie") or [])
        return response.status, response.headers, text

    def _keep(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)  # deleted, as at sign-out
                else:
                    self.cookies[name] = morsel.value

    def form_token(self, server: int, path: str) -> str | None:
        """The CSRF token in the form on a page, as a browser would post it back."""
        status, _, text = self.send(server, "GET", path)
        found = CSRF_INPUT.search(text) if status == 200 else None
        return found.group(1) if found else None

    def post_form(self, server: int, path: str, fields: dict, token: str):
        body = urlencode({**fields, "csrfmiddlewaretoken": token})
        return self.send(server, "POST", path, body=body, headers={"Content-Type": FORM_TYPE})


def check_sessions(ports: list[int], window, people: list[Person]) -> list[tuple[str, bool]]:
    """For each server A and the next one B: sign in on A and use that session and CSRF token on B; sign out
    on B and find the session gone on A. Each check is (what, passed)."""
    from django.conf import settings
    from django.utils.crypto import get_random_string

    session_cookie = settings.SESSION_COOKIE_NAME
    rank_page, api = f"/preferences/windows/{window.pk}/rank/", f"/api/v1/windows/{window.pk}/preferences"
    codes = list(window.scheme.rotations.order_by("code").values_list("code", flat=True)[:3])
    checks = []
    for a, person in enumerate(people):
        b, browser = (a + 1) % len(ports), Browser(ports)
        name_a, name_b = server_name(a), server_name(b)
        token = browser.form_token(a, "/accounts/login/")
        status, headers, _ = browser.post_form(
            a, "/accounts/login/", {"login": person.email, "password": person.password}, token or ""
        )
        signed_in = status == 302 and session_cookie in browser.cookies
        checks.append((f"signed in on {name_a} (the sign-in form, with a password)", signed_in))
        status, _, _ = browser.send(b, "GET", rank_page)
        checks.append((f"{name_a}'s session cookie on {name_b}: the ranking page (200)", status == 200))
        status, _, _ = browser.send(b, "GET", api)
        checks.append((f"{name_a}'s session cookie on {name_b}: the API (200)", status == 200))

        token = browser.form_token(a, rank_page) or ""
        put = {"rotations": codes, "submit": True, "version": None}
        status = api_put(browser, b, api, put, token)
        checks.append((f"a CSRF token from {name_a}'s page accepted by {name_b} (PUT, 200)", status == 200))
        forged = api_put(browser, b, api, put, get_random_string(64))  # well formed, but not theirs
        checks.append((f"a forged CSRF token refused by {name_b} (403)", forged == 403))

        old_cookies = dict(browser.cookies)
        status, _, _ = browser.post_form(b, "/accounts/logout/", {}, browser.form_token(b, rank_page) or "")
        checks.append((f"signed out on {name_b} (302)", status == 302))
        status, headers, _ = browser.send(a, "GET", rank_page, cookies=old_cookies)
        gone = status == 302 and "/accounts/login/" in (headers.get("Location") or "")
        checks.append((f"after signing out on {name_b}, the old cookie on {name_a} is sent to sign in", gone))
    return checks


def api_put(browser: Browser, server: int, path: str, payload: dict, token: str) -> int:
    headers = {"Content-Type": "application/json", "X-CSRFToken": token}
    status, _, _ = browser.send(server, "PUT", path, body=json.dumps(payload), headers=headers)
    return status


def server_name(index: int) -> str:
    return f"server {'ABCDEFGH'[index]}" if index < 8 else f"server {index + 1}"


# --- checking for duplicates --------------------------------------------------------------------------------


def duplicate_rows(window) -> dict[str, int]:
    """Groups that should be single rows but are not (the constraints forbid them; this checks they held)."""
    from django.db.models import Count

    from heft.preferencing.models import Preference, PreferenceList

    def groups(queryset, *fields) -> int:
        return queryset.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).count()

    preferences = Preference.objects.filter(window=window)
    return {
        "lists": groups(PreferenceList.objects.filter(window=window), "trainee"),
        "ranks": groups(preferences, "trainee", "rank"),
        "rotations": groups(preferences, "trainee", "rotation"),
    }


# --- numbers and the report ---------------------------------------------------------------------------------


def per_server(outcomes: list[rush.Outcome], servers: int, wall: float) -> list[dict]:
    """Requests, accepted saves, requests/s and latency for each server, then for all of them together."""
    sent = [o for o in outcomes if not str(o.status).startswith("not sent")]
    rows = []
    for server in [*range(servers), None]:
        mine = [o for o in sent if server is None or o.server == server]
        rows.append(
            {
                "server": "all" if server is None else server_name(server),
                "requests": len(mine),
                "saves": sum(1 for o in mine if o.status == 200),
                "rate": len(mine) / wall if wall else 0.0,
                "latency": rush.latency_summary([o.seconds for o in mine]) if mine else None,
                "statuses": Counter(str(o.status) for o in mine),
            }
        )
    return rows


def report(settings: rush.Settings, ports: list[int], results: dict) -> str:
    sections = [
        _introduction(settings, ports, results),
        _servers_table(ports, results),
        _checks_table(results),
        _sessions_table(results),
        results.get("note", ""),
    ]
    return "\n\n".join(section for section in sections if section)


def _introduction(settings: rush.Settings, ports: list[int], results: dict) -> str:
    full = settings.trainees == rush.Settings.trainees
    command = "python -m bench.two_servers" + ("" if full else f" --trainees {settings.trainees}")
    return (
        "## Two app servers, one database: the stateless claim\n\n"
        f"Machine: {results['machine']}; {results['date']}. Load average (1 / 5 / 15 min) at the start "
        f"{results['load_before']}, after the rush {results['load_after']}. Written by `{command}`"
        f"{'' if full else ' (a small run; the default is 2,000 trainees)'}.\n\n"
        f"{len(ports)} gunicorn servers (`deploy/gunicorn.conf.py`, {settings.workers} sync workers each) on "
        f"ports {', '.join(map(str, ports))} of 127.0.0.1, started from the same environment "
        "(HEFT_ENVIRONMENT=production, one DJANGO_SECRET_KEY, DJANGO_SSL_REDIRECT=0 over plain http) against "
        "one fresh PostgreSQL database. The deadline rush of `bench.preferences_rush`, split between them: "
        f"trainees alternate between the servers and the {settings.resubmit:.0%} who change their list "
        "send the second save, with the version the first returned, to the other server. The client keeps "
        f"{settings.concurrency} requests in flight on the same machine. Requests per second are each "
        "server's answers over the whole rush's wall time. Then real sign-ins through the sign-in form check "
        "that a session and a CSRF token from one server work on the other, and that signing out on one ends "
        "the session on both.\n\n"
        "Needs PostgreSQL on 127.0.0.1:5432 (or HEFT_BENCH_POSTGRES); sizes are flags: `--trainees`, "
        "`--workers` (per server), `--concurrency`, `--ports 8191,8192` (one per server), `--time-limit`. "
        "`tests/bench/test_two_servers.py` runs a 20-trainee version in the PostgreSQL test run."
    )


def _servers_table(ports: list[int], results: dict) -> str:
    rows = []
    for row, port in zip(results["servers"], [*ports, None], strict=True):
        latency = row["latency"] or {"p50": 0, "p95": 0, "p99": 0}
        rows.append(
            (
                row["server"] + ("" if port is None else f" (:{port})"),
                f"{row['requests']:,}",
                f"{row['saves']:,}",
                f"{row['rate']:.0f}",
                "{p50:.0f} / {p95:.0f} / {p99:.0f} ms".format(**latency),
                ", ".join(f"{status}: {n:,}" for status, n in sorted(row["statuses"].items())),
            )
        )
    header = ("app server", "requests", "accepted (200)", "requests/s", "p50 / p95 / p99", "answers")
    wall = f"Wall time of the rush: {results['wall']:.2f} s."
    return rush._table(header, rows) + "\n\n" + wall


def _checks_table(results: dict) -> str:
    check, closed, dupes = results["verify"], results["closed"], results["duplicates"]
    saves = check["accepted_saves"]
    refusals = ", ".join(f"{status}: {n}" for status, n in sorted(closed["statuses"].items()))
    rows = [
        ("trainees whose stored list is not the last one accepted (whole, ranks 1..n, version = saves)",
         f"{check['lost_or_wrong']} of {check['trainees_checked']:,}"),
        ("trainees whose second save went to the other server", f"{results['crossed']:,}"),
        ("trainees with a request of unknown outcome (no answer or 5xx)", str(check["unknown_outcome"])),
        ("duplicate rows: lists / ranks / rotations in a list",
         "{lists} / {ranks} / {rotations}".format(**dupes)),
        ("audit events `preferences.submitted` / accepted saves", f"{check['audit_events']:,} / {saves:,}"),
        ("receipt emails queued / accepted saves", f"{check['receipts_queued']:,} / {saves:,}"),
        ("PUTs to both servers after the window was closed: answers", f"{refusals} of {closed['attempts']}"),
        ("lists unchanged by those PUTs", "yes" if closed["unchanged"] else "**no**"),
    ]  # fmt: skip
    return rush._table(("checked afterwards in the database", "result"), rows)


def _sessions_table(results: dict) -> str:
    rows = [(what, "yes" if ok else "**no**") for what, ok in results["sessions"]]
    return rush._table(("sessions across servers", "passed"), rows)


def all_checks_pass(results: dict) -> bool:
    check, saves = results["verify"], results["verify"]["accepted_saves"]
    return (
        rush.all_checks_pass(results)
        and check["unknown_outcome"] == 0
        and saves > 0
        and not any(results["duplicates"].values())
        and all(ok for _, ok in results["sessions"])
        and all(row["requests"] > 0 for row in results["servers"])
    )


# --- running it ---------------------------------------------------------------------------------------------


def run(settings: rush.Settings, ports: list[int]) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"{settings.database}-") as scratch:
        return _run(settings, ports, Path(scratch))


def _run(settings: rush.Settings, ports: list[int], scratch: Path) -> dict:
    environment = production_environment(settings, scratch)
    logs = [scratch / f"gunicorn-{port}.log" for port in ports]
    load_before = rush.load_average()
    rush.recreate_database(settings.database)
    servers = []
    try:
        configure_django(environment)
        migrate()
        collect_static()  # before the servers start: WhiteNoise lists the files once, at start-up
        print(f"Building {settings.trainees:,} trainees ...", flush=True)
        window, admin, trainees = rush.build_world(settings)
        people = add_people(window, len(ports))
        servers = start_servers(settings, environment, ports, logs)
        client = rush.Client(ports, window.pk)
        rush.warm_up(client, trainees, settings.concurrency)
        submissions = sum(len(t.lists) for t in trainees)
        print(f"Rush on {len(ports)} servers: {submissions:,} submissions ...", flush=True)
        outcomes, wall = rush.rush(client, trainees, settings)
        load_after = rush.load_average()
        results = {
            "outcomes": outcomes,
            "wall": wall,
            "servers": per_server(outcomes, len(ports), wall),
            "crossed": crossed(outcomes),
            "verify": rush.verify(window, trainees, outcomes),
            "duplicates": duplicate_rows(window),
        }
        print("Sessions across servers ...", flush=True)
        results["sessions"] = check_sessions(ports, window, people)
        results["closed"] = rush.check_closed_window(client, window, admin, trainees, settings.concurrency)
        results.update(
            machine=rush.machine(), date=datetime.date.today().isoformat(),
            load_before=load_before, load_after=load_after,
        )  # fmt: skip
    except BaseException:
        show_logs(logs)
        raise
    finally:
        stop_servers(servers)
        rush.drop_database(settings.database)
    if not all_checks_pass(results):
        show_logs(logs)
    return results


def crossed(outcomes: list[rush.Outcome]) -> int:
    """Trainees with two accepted saves answered by different servers."""
    servers: dict[int, set[int]] = {}
    for outcome in outcomes:
        if outcome.status == 200:
            servers.setdefault(outcome.trainee, set()).add(outcome.server)
    return sum(1 for answered_by in servers.values() if len(answered_by) > 1)


def show_logs(logs: list[Path]) -> None:
    for log in logs:
        rush._show_log(log)


def parse_args(argv: list[str] | None) -> tuple[rush.Settings, list[int], argparse.Namespace]:
    defaults = rush.Settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=defaults.trainees)
    parser.add_argument("--rotations", type=int, default=defaults.rotations)
    parser.add_argument("--resubmit", type=float, default=defaults.resubmit, help="share who change once")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn sync workers per server"
    )
    parser.add_argument(
        "--ports", default=",".join(map(str, DEFAULT_PORTS)), help="one per server, e.g. 8191,8192"
    )
    parser.add_argument("--time-limit", type=float, default=defaults.time_limit, help="seconds")
    parser.add_argument(
        "--database", default="heft_bench_two", help="dropped and recreated: heft_bench_two..."
    )
    parser.add_argument("--note", default="", help="a sentence added to the report, e.g. about the load")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    try:
        ports = [int(port) for port in args.ports.split(",")]
    except ValueError:
        parser.error("--ports must be port numbers separated by commas")
    if len(ports) < 2 or len(set(ports)) != len(ports):
        parser.error("--ports needs at least two different ports")
    if not 1 <= args.trainees <= 100_000 or not 1 <= args.concurrency <= 256 or args.workers < 1:
        parser.error("--trainees must be 1..100000, --concurrency 1..256 and --workers at least 1")
    if args.rotations < 15:
        parser.error("--rotations must be at least 15: lists are up to 15 long")
    if not re.fullmatch(r"heft_bench_two[a-z0-9_]*", args.database):
        parser.error("--database must start with heft_bench_two: the benchmark drops it")
    settings = rush.Settings(
        trainees=args.trainees, rotations=args.rotations, resubmit=args.resubmit,
        concurrency=args.concurrency, workers=args.workers, time_limit=args.time_limit,
        port=ports[0], database=args.database,
    )  # fmt: skip
    return settings, ports, args


def main(argv: list[str] | None = None) -> int:
    settings, ports, args = parse_args(argv)
    results = run(settings, ports)
    results["note"] = args.note
    markdown = report(settings, ports, results)
    print(markdown)
    if not args.no_report:
        write_section("two-servers", markdown, path=str(rush.ROOT / "docs" / "benchmarks.md"))
    return 0 if all_checks_pass(results) else 1


if __name__ == "__main__":
    sys.exit(main())
