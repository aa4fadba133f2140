"""Cold starts: `python -m bench.cold_starts [--quick] [--database-url URL] [--no-report]` (repository root).

What the first person after an install or upgrade waits for: the first allocation run (numba compiling the
engine's kernels), the first Deep End rule preview and application, and the first equity report (matplotlib
building its font list), each timed in a fresh process, as a new server worker meets them. Twice: with cold
caches (empty numba and matplotlib cache directories, as right after installing) and after
`manage.py warm_engines` has filled them (as after the deploy steps in docs/deploy.md). Target: under 2 s
each after warming.

The parent seeds a throwaway database with invented data (7,000 practices with IMD scores, 70 schemes,
rotations through their posts, 10,000 trainees with 50,000 placements); each measurement runs in a child
process on its own copy. The database is a SQLite file (each child gets a copy of the file) unless
--database-url, or else DATABASE_URL, names a PostgreSQL server: then the parent creates a database of its
own there (heft_cold_starts_<pid>_<random>; the URL's own database is never touched), each child gets a copy
made with `CREATE DATABASE ... TEMPLATE`, and every one is dropped at the end, on failure too. A child loads
Django and every module, as a server worker does before its first request (that start-up is timed too),
then times its one first run. Writes its section of docs/benchmarks.md (cold-starts for SQLite,
cold-starts-postgresql); --quick runs a tenth of the data and only the first mechanism, and leaves the docs
alone, as --no-report does. Exits non-zero if a measurement fails; the 2 s target is reported, not asserted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPOSITORY = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0
SEED = 20261207
MECHANISMS = ["serial-dictatorship", "random-serial-dictatorship", "stable", "min-total-rank", "rank-maximal"]
RULE = {"measure": "imd_score", "method": "top_n", "top_n": 300}  # the seed's rule is the top tenth
ADMIN, LEAD = "bench-admin@example.org", "bench-lead@example.org"  # bench/practices.py makes the admin
# How the caches stand in each measurement: empty; filled by warm_engines; filled, and loaded into the
# process at start-up as a server's master process does before its workers fork (heft.core.warmup).
STATES = ("cold", "warmed", "preloaded")


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heft.settings")
    os.environ.setdefault("HEFT_ENVIRONMENT", "test")
    import django

    django.setup()


# --- the databases: the seeded one, and a copy of it for each child ---------------------------------------


class SQLiteDatabase:
    """A throwaway SQLite file; each child gets a copy of the file."""

    section = "cold-starts"

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.url = f"sqlite:///{workdir / 'seeded.sqlite3'}"
        self.where = str(workdir / "seeded.sqlite3")
        self.description = "a SQLite file"

    def create(self) -> None:
        """Nothing to do: the seed's migrate creates the file."""

    @contextmanager
    def copy(self, kind: str) -> Iterator[str]:
        copy = self.workdir / f"{kind}-{time.monotonic_ns()}.sqlite3"
        shutil.copy(self.workdir / "seeded.sqlite3", copy)
        try:
            yield f"sqlite:///{copy}"
        finally:
            copy.unlink(missing_ok=True)

    def drop(self) -> None:
        """Nothing to do: the file goes with the parent's temporary directory."""


class PostgreSQLDatabase:
    """A database of the bench's own on a PostgreSQL server; each child gets a copy made from it as a
    template. Only databases this object created are dropped: the name is unique to this run (the process id
    alone could repeat in another container sharing the server), and the URL's own database is untouched."""

    section = "cold-starts-postgresql"

    def __init__(self, server_url: str):
        self.server = urlsplit(server_url)
        self.name = f"heft_cold_starts_{os.getpid()}_{secrets.token_hex(3)}"
        self.url = self._url(self.name)
        # What the log shows: never the URL, which may hold a password.
        self.where = f"{self.name} on {self.server.hostname}:{self.server.port or 5432}"
        self.copies = 0
        self.description = "a PostgreSQL database"

    def _url(self, name: str) -> str:
        return urlunsplit(self.server._replace(path=f"/{name}"))

    def _admin(self, statement: str) -> None:
        """CREATE and DROP DATABASE cannot run inside a transaction, nor in the database they act on."""
        import psycopg

        with psycopg.connect(self._url("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}"')
        self.description = f"a PostgreSQL {self.server_version()} database"

    def server_version(self) -> str:
        import psycopg

        with psycopg.connect(self.url) as connection:
            return connection.execute("SHOW server_version").fetchone()[0].split(" ")[0]

    @contextmanager
    def copy(self, kind: str) -> Iterator[str]:
        # A template must have no other sessions: the parent's own connection from seeding is the one left.
        close_django_connections_to(self.name)
        self.copies += 1
        name = f"{self.name}_{self.copies}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        try:
            yield self._url(name)
        finally:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop(self) -> None:
        close_django_connections_to(self.name)
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def close_django_connections_to(name: str) -> None:
    """Close this process's Django connections to database `name`, and only those (a test's stay open)."""
    from django.apps import apps

    if not apps.ready:
        return
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.settings_dict.get("NAME") == name:
            connection.close()


def database_for(url: str | None, workdir: Path) -> SQLiteDatabase | PostgreSQLDatabase:
    """PostgreSQL when the URL names a server; otherwise SQLite, as before (a SQLite URL's file is unused)."""
    if url and urlsplit(url).scheme in ("postgres", "postgresql", "pgsql"):
        return PostgreSQLDatabase(url)
    return SQLiteDatabase(workdir)


@contextmanager
def seeded_database(url: str | None, workdir: Path) -> Iterator[SQLiteDatabase | PostgreSQLDatabase]:
    """The database to seed, dropped afterwards whatever happens, with every copy already dropped."""
    database = database_for(url, workdir)
    try:
        database.create()  # inside: a database created but not yet described is dropped too
        yield database
    finally:
        database.drop()


# --- the parent: seed, then run the children ----------------------------------------------------------------


def seed(database_url: str, quick: bool) -> dict:
    """Invented data through the same services the pages use (bench/practices.py's files and trainees)."""
    django_setup(database_url)
    from django.core.management import call_command

    from bench import practices as data
    from heft.accounts.models import Role, RoleAssignment, User
    from heft.practices.deep_end import RuleChoice
    from heft.practices.selectors import deep_end_rule_preview
    from heft.practices.services import data_import_run_file, deep_end_rule_apply
    from heft.programmes.models import Region
    from heft.reports.exposure_store import exposure_refresh

    call_command("migrate", verbosity=0)
    size = data.QUICK if quick else data.FULL
    rng = random.Random(SEED)
    Region.objects.bulk_create(
        Region(code=name.lower().replace(" ", "-"), name=name) for name in data.NHS_REGIONS.values()
    )
    for source, content in (
        ("epraccur", data.epraccur(size, rng)),
        ("fingertips", data.fingertips(size, rng)),
    ):
        data_import_run_file(source=source, file_name=f"{source}.csv", data=content, by="bench")
    admin, placements = data.build_trainees(size, rng)
    exposure_refresh()  # the equity figures stored, as the migration that added the store does on deploy
    lead = User.objects.create(email=LEAD)
    RoleAssignment.objects.create(
        user=lead, role=Role.REGIONAL_LEAD, region=Region.objects.order_by("name").first()
    )
    rotations = build_rotations(rng)
    choice = RuleChoice("imd_score", "decile")
    deep_end_rule_apply(choice=choice, expected=deep_end_rule_preview(choice).digest, by="bench")
    return {
        "practices": size.gp_practices,
        "trainees": size.trainees,
        "placements": placements,
        "rotations": rotations,
    }


def build_rotations(rng: random.Random) -> int:
    """Ten rotations a scheme, each through three of its posts (most of them at GP practices)."""
    from heft.programmes.models import Post, Rotation, RotationSlot, TrainingScheme

    slots = []
    for scheme in TrainingScheme.objects.all():
        posts = list(Post.objects.filter(scheme=scheme))
        for number in range(10):
            rotation = Rotation.objects.create(
                code=f"{scheme.code}-R{number:02d}",
                name=f"Rotation {number}",
                scheme=scheme,
                intake="2027-08",
            )
            for order, post in enumerate(rng.sample(posts, 3)):
                slots.append(
                    RotationSlot(
                        rotation=rotation,
                        order=order,
                        training_year=["ST1", "ST2", "ST3"][order],
                        start_offset_months=12 * order,
                        months=12,
                        post=post,
                    )
                )
    RotationSlot.objects.bulk_create(slots)
    return Rotation.objects.count()


def child(kind: str, arguments: list[str], database, cache: Path, preload: bool) -> dict:
    """Run one measurement in a fresh process on its own copy of the database, with the caches in `cache`."""
    flags = ["--preload"] if preload else []
    command = [sys.executable, "-m", "bench.cold_starts", *flags, "--child", kind, *arguments]
    with database.copy(kind) as copy:
        environment = os.environ | {
            "NUMBA_CACHE_DIR": str(cache / "numba"),
            "MPLCONFIGDIR": str(cache / "matplotlib"),
            "HEFT_ENVIRONMENT": "test",
            "DATABASE_URL": copy,  # in the environment, not the command line: a password stays out of `ps`
        }
        done = subprocess.run(
            command, env=environment, cwd=REPOSITORY, capture_output=True, text=True, check=False
        )
    if done.returncode:
        raise RuntimeError(f"{kind} {arguments} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm(cache: Path, database_url: str) -> float:
    """`manage.py warm_engines` into `cache`, as the deploy steps run it; returns its time."""
    environment = os.environ | {
        "NUMBA_CACHE_DIR": str(cache / "numba"),
        "MPLCONFIGDIR": str(cache / "matplotlib"),
        "HEFT_ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
    }
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "warm_engines"],
        env=environment,
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def measurements(quick: bool, practices: int) -> list[tuple[str, str, list[str]]]:
    """(label, kind, arguments) of each first run timed."""
    mechanisms = MECHANISMS[:1] if quick else MECHANISMS
    return [
        *[(f"allocation run, {m} (60 trainees x 30 rotations)", "allocation", [m]) for m in mechanisms],
        (f"Deep End rule preview and application ({practices:,} practices)", "deep_end", []),
        ("equity report and its two charts, a regional lead (one region)", "equity", [LEAD]),
        ("equity report and its two charts, a national admin (every trainee)", "equity", [ADMIN]),
    ]


def run_all(database, workdir: Path, quick: bool, practices: int) -> tuple[list[dict], float]:
    rows = []
    warmed = workdir / "warmed"
    warm_seconds = warm(warmed, database.url)
    for number, (label, kind, arguments) in enumerate(measurements(quick, practices)):
        row = {"label": label, "kind": kind}
        for state in STATES:
            cache = warmed if state != "cold" else workdir / f"cold-{number}"
            row[state] = child(kind, arguments, database, cache, preload=state == "preloaded")
        rows.append(row)
        print(f"{label}: " + ", ".join(f"{k} {row[k]['first']:.2f} s" for k in STATES), file=sys.stderr)
    return rows, warm_seconds


# --- a child: one fresh process, one first run -----------------------------------------------------------


def run_child(kind: str, database_url: str, arguments: list[str], preload: bool) -> dict:
    started = time.perf_counter()
    django_setup(database_url)
    import heft.urls  # noqa: F401 (every module a server worker loads before its first request)

    if preload:
        from heft.core.warmup import warm_in_process

        warm_in_process()
    ready = time.perf_counter()
    run = {"allocation": first_allocation, "deep_end": first_deep_end, "equity": first_equity}[kind]
    detail = run(*arguments)
    done = time.perf_counter()
    run(*arguments)  # again, in the same process: what the work itself takes, first use or not
    return {
        "startup": ready - started,
        "first": done - ready,
        "again": time.perf_counter() - done,
        "detail": detail,
    }


def first_allocation(mechanism: str) -> str:
    from bench.allocation import SPECS, generate
    from heft.engines.allocation import solve

    result = solve(generate(SPECS["scheme"]), mechanism, seed=1)
    result.to_dict()  # metrics and explanations, as the run's page shows them
    return f"{sum(r is not None for r in result.assignments.values())} placed"


def first_deep_end() -> str:
    from heft.practices.deep_end import RuleChoice
    from heft.practices.selectors import deep_end_rule_preview
    from heft.practices.services import deep_end_rule_apply

    choice = RuleChoice(**RULE)
    plan = deep_end_rule_preview(choice)
    application = deep_end_rule_apply(choice=choice, expected=plan.digest, by="bench")
    assert application.status == "applied", application.status
    return plan.sentence()  # run again, the same rule ranks as much and finds nothing left to change


def first_equity(email: str) -> str:
    from heft.accounts.models import User
    from heft.reports.report import deep_end_chart, equity_report, quintile_chart

    report = equity_report(User.objects.get(email=email))
    deep_end_chart(report), quintile_chart(report)
    return f"{len(report.rows):,} trainees in {len({row.scheme for row in report.rows})} schemes"


# --- the report ------------------------------------------------------------------------------------------


def machine() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("Django", "numba", "matplotlib"))
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram_gb:.0f} GB RAM; Python {platform.python_version()}; "
        f"{versions}; {datetime.date.today().isoformat()}"
    )


def load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def report(rows: list[dict], warm_seconds: float, facts: dict, load_at_start: str, database: str) -> str:
    """`database` says what the data sat in, e.g. "a SQLite file" or "a PostgreSQL 15.20 database"."""
    vendor = "PostgreSQL" if "PostgreSQL" in database else "SQLite"
    flag = " --database-url postgres://..." if vendor == "PostgreSQL" else ""
    lines = [
        "## Cold starts: the first allocation run, Deep End rule and equity report after an install "
        f"({vendor})",
        "",
        f"Machine: {machine()}. Database: {database}. Load average (1 / 5 / 15 min) when the run began: "
        f"{load_at_start}; when it ended: {load_average()}. The machine is shared, so other work inflates "
        f"these times. Written by `python -m bench.cold_starts{flag}`.",
        "",
        "Each first run is timed in a fresh process that has loaded Django and every module, as a server "
        "worker has before its first request (that start-up is timed apart). **Cold**: empty numba and "
        "matplotlib cache directories (`NUMBA_CACHE_DIR`, `MPLCONFIGDIR`), as right after installing. "
        f"**Warmed**: after `manage.py warm_engines` filled them ({warm_seconds:.1f} s, once per deploy). "
        "**Preloaded**: warmed, and `heft.core.warmup.warm_in_process()` run at start-up, as a server's "
        "master process can before its workers fork. **Again**: the same run a second time in the warmed "
        f"process, which is what the work itself takes. Invented data in {database}{copies(vendor)}: "
        f"{facts['practices']:,} practices, {facts['rotations']:,} rotations, {facts['trainees']:,} trainees "
        f"with {facts['placements']:,} placements; the rule is the top 300 practices by IMD score, applied "
        "after the top tenth.",
        "",
        "| first run | cold | warmed | preloaded | again | start-up: cold | warmed | preloaded |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        times = [f"{row[state]['first']:.2f} s" for state in STATES]
        times[1] = f"**{times[1]}**"
        again = f"{row['warmed']['again']:.2f} s"
        startups = [f"{row[state]['startup']:.1f} s" for state in STATES]
        lines.append(f"| {row['label']} | {' | '.join(times)} | {again} | {' | '.join(startups)} |")
    lines += [
        "",
        verdict(rows),
        "",
        "What the runs found: "
        + "; ".join(f"{row['label']}: {row['warmed']['detail']}" for row in rows[-3:])
        + ".",
    ]
    return "\n".join(lines)


def copies(vendor: str) -> str:
    if vendor == "PostgreSQL":
        return " (each child on its own copy, made by `CREATE DATABASE ... TEMPLATE`)"
    return " (each child on its own copy of the file)"


def verdict(rows: list[dict]) -> str:
    met = [row for row in rows if row["warmed"]["first"] < TARGET_SECONDS]
    text = (
        f"Target: each first run under {TARGET_SECONDS:.0f} s once warmed: "
        f"**met for {len(met)} of {len(rows)}**. Cold, numba compiles the kernels a mechanism calls on its "
        "first run, and matplotlib builds its font list while the report modules are imported (so in the "
        "start-up)."
    )
    return text + "".join(missed(row) for row in rows if row not in met)


def missed(row: dict) -> str:
    """Why a first run missed: slow every time, or slow only the first time in a process (then the cost is
    one that warm_engines does not cover, and the row's detail says where to look)."""
    warmed = row["warmed"]
    text = (
        f" The {row['label']} takes {warmed['first']:.1f} s warmed and {warmed['again']:.1f} s again "
        "in the same process: "
    )
    if warmed["again"] >= TARGET_SECONDS:
        return text + "the work itself, not a first use."
    if row["kind"] == "deep_end":  # run again, the rule finds nothing left to change: less work, not warmer
        return text + "the second run changes nothing, so the gap is the first run's writes, not a first use."
    return text + "a first use that warming does not cover."


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data; leaves the docs alone")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server to run on, e.g. postgres://postgres@127.0.0.1:5432/test (its database is "
        "not used: the bench makes and drops its own); default DATABASE_URL; SQLite unless it is PostgreSQL",
    )
    parser.add_argument("--no-report", action="store_true", help="print the section; leave the docs alone")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--preload", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, workdir: Path) -> tuple[str, str]:
    """Seed, time every first run, and return the section's name and text; the databases are gone after."""
    load_at_start = load_average()
    with seeded_database(args.database_url, workdir) as database:
        print(f"Seeding {database.description}: {database.where}", file=sys.stderr)
        started = time.perf_counter()
        facts = seed(database.url, args.quick)
        print(f"Seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        rows, warm_seconds = run_all(database, workdir, args.quick, facts["practices"])
        description = database.description
    return database.section, report(rows, warm_seconds, facts, load_at_start, description)


def stop_on_sigterm(*_) -> None:
    """A CI time-out or `kill` ends the run through the `finally`s, so the PostgreSQL databases go too."""
    sys.exit(143)


def main() -> None:
    args = parse_args()
    if args.child:
        kind, *arguments = args.child
        print(json.dumps(run_child(kind, os.environ["DATABASE_URL"], arguments, args.preload)))
        return
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="heft-cold-") as directory:
        section, markdown = measure(args, Path(directory))
    print(markdown)
    if not (args.quick or args.no_report):
        from bench._report import write_section

        write_section(section, markdown, path=str(REPOSITORY / "docs" / "benchmarks.md"))


if __name__ == "__main__":
    main()
