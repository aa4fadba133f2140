"""The cold-start benchmark's report and verdict, without seeding a database or starting processes, and on
PostgreSQL the databases it makes: the seed, a copy for each child, every one dropped (CI's PostgreSQL pass
runs the whole benchmark after the suite, `.ci/run`)."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from bench.cold_starts import database_for, measurements, parse_args, report, seeded_database, verdict


def timing(first: float, again: float = 0.1, startup: float = 3.0) -> dict:
    return {"first": first, "again": again, "startup": startup, "detail": "done"}


def row(label: str, cold: float, warmed: float, again: float = 0.1, kind: str = "equity") -> dict:
    timings = {"cold": timing(cold), "warmed": timing(warmed, again), "preloaded": timing(0.02)}
    return {"label": label, "kind": kind, **timings}


def test_the_verdict_counts_first_runs_under_two_seconds_once_warmed_and_explains_the_others():
    rows = [
        row("allocation run, rank-maximal", cold=20.5, warmed=0.7),
        row("equity report, everyone", cold=3.4, warmed=3.1, again=2.9),
    ]
    text = verdict(rows)
    assert "**met for 1 of 2**" in text
    assert "The equity report, everyone takes 3.1 s warmed and 2.9 s again in the same process" in text
    assert "rank-maximal" not in text


def test_a_first_run_slow_only_once_in_its_process_is_a_first_use_that_warming_does_not_cover():
    text = verdict([row("equity report, one region", cold=4.2, warmed=7.1, again=0.2)])
    assert "**met for 0 of 1**" in text
    assert "takes 7.1 s warmed and 0.2 s again in the same process: a first use that warming" in text
    assert "not a first use" not in text


def test_a_deep_end_rule_slow_only_the_first_time_did_the_writing_then():
    text = verdict([row("Deep End rule", cold=2.1, warmed=2.3, again=0.9, kind="deep_end")])
    assert "the second run changes nothing, so the gap is the first run's writes, not a first use" in text


def test_the_report_shows_each_state_with_the_warmed_time_in_bold():
    facts = {"practices": 7_000, "rotations": 700, "trainees": 10_000, "placements": 50_000}
    rows = [row("allocation run, stable", cold=7.45, warmed=0.38)]
    text = report(rows, 43.4, facts, "1.0 / 1.0 / 1.0", "a SQLite file")
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


def test_the_section_says_which_database_the_data_sat_in():
    facts = {"practices": 700, "rotations": 700, "trainees": 1_000, "placements": 5_000}
    rows = [row("allocation run, stable", cold=7.45, warmed=0.38)]
    sqlite = report(rows, 43.4, facts, "1.0 / 1.0 / 1.0", "a SQLite file")
    postgres = report(rows, 43.4, facts, "1.0 / 1.0 / 1.0", "a PostgreSQL 15.20 database")
    assert sqlite.startswith("## Cold starts:") and sqlite.splitlines()[0].endswith("(SQLite)")
    assert "Database: a SQLite file." in sqlite
    assert postgres.splitlines()[0].endswith("(PostgreSQL)")
    assert "Invented data in a PostgreSQL 15.20 database (each child on its own copy, made by" in postgres
    assert "`python -m bench.cold_starts --database-url postgres://...`" in postgres


def test_a_postgresql_url_names_a_server_for_a_database_of_the_benchs_own(tmp_path):
    sqlite = database_for(None, tmp_path)
    assert (sqlite.section, sqlite.url) == ("cold-starts", f"sqlite:///{tmp_path / 'seeded.sqlite3'}")
    assert database_for("sqlite:///db.sqlite3", tmp_path).section == "cold-starts"  # that file is not used
    first = database_for("postgres://heft:secret@db.internal:6543/heft?sslmode=require", tmp_path)
    second = database_for("postgresql://heft@db.internal/heft", tmp_path)
    assert first.section == "cold-starts-postgresql"
    assert first.name.startswith("heft_cold_starts_") and first.name != second.name
    assert first.url == f"postgres://heft:secret@db.internal:6543/{first.name}?sslmode=require"
    assert "secret" not in first.where and first.where.endswith("on db.internal:6543")


def test_the_server_defaults_to_database_url_and_ci_can_leave_the_docs_alone(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    assert parse_args([]).database_url == "postgres://postgres@127.0.0.1:5432/test"
    args = parse_args(["--quick", "--no-report", "--database-url", "postgres://elsewhere/x"])
    assert (args.quick, args.no_report, args.database_url) == (True, True, "postgres://elsewhere/x")


# --- on PostgreSQL: the databases the bench makes, copies and drops ----------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the bench's own databases and their copies are made on a PostgreSQL server: PostgreSQL only",
)


def postgres_server_url(database: str | None = None) -> str:
    """The server the suite runs on; by default with the suite's database, which the bench must not use."""
    db = settings.DATABASES["default"]
    database = database or db["NAME"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def databases_named(prefix: str) -> set[str]:
    with psycopg.connect(postgres_server_url("postgres"), autocommit=True) as admin:
        rows = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"])
        return {name for (name,) in rows}


@on_postgresql
def test_each_child_gets_a_copy_of_the_seed_and_every_database_is_dropped(tmp_path):
    with seeded_database(postgres_server_url(), tmp_path) as database:
        with psycopg.connect(database.url, autocommit=True) as seeded:  # stands in for the parent's seed
            seeded.execute("CREATE TABLE practice (code text); INSERT INTO practice VALUES ('Y00001')")
        with database.copy("deep_end") as copy:
            with psycopg.connect(copy, autocommit=True) as child:
                assert child.execute("SELECT code FROM practice").fetchall() == [("Y00001",)]
                child.execute("DELETE FROM practice")  # a child's changes stay in its copy
            assert databases_named(database.name) == {database.name, f"{database.name}_1"}
        assert databases_named(database.name) == {database.name}
        with psycopg.connect(database.url) as seeded:
            assert seeded.execute("SELECT count(*) FROM practice").fetchone() == (1,)
    assert databases_named(database.name) == set()


@on_postgresql
def test_a_failed_run_still_drops_its_databases(tmp_path):
    server = postgres_server_url()
    with (
        pytest.raises(RuntimeError, match="a child failed"),
        seeded_database(server, tmp_path) as database,
        database.copy("equity"),
    ):
        session = psycopg.connect(database.url)  # still open on the seed when it is dropped
        raise RuntimeError("a child failed")
    session.close()
    assert databases_named(database.name) == set()
