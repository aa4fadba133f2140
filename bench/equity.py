"""Equity report at national size: `python -m bench.equity --database-url postgres://... [--write]`.

Against a database that already holds the national demo (`manage.py load_demo --scale national`; use a copy:
the report stores its figures in it), signed in as the demo's national admin in this process (Django's test
client, force_login), times the equity page (both periods, the first page and a later one), its CSV and
Excel downloads and the API's exposure lists: each REPEATS times, the chart and workbook cache emptied
before the first request of each (cold) and kept for the rest (warm). Also times the stored figures' check
on its own (every read makes it) and, with --refill, computing every placement's figures again (what the
first read after a deploy on an unfilled table, or a national Deep End rule, costs). Prints a Markdown
table; --write puts it in docs/benchmarks.md as the section `equity-national`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import time

TARGET_MS = 1000
REPEATS = 5
TRAINEES_API = "/api/v1/exposure/trainees"
ROUTES = [
    ("page, every placement, page 1", "/reports/equity/"),
    ("page, every placement, page 100", "/reports/equity/?page=100"),
    ("page, up to today, page 1", "/reports/equity/?period=to_date"),
    ("page, up to today, page 100, by region", "/reports/equity/?period=to_date&by=region&page=100"),
    ("CSV download", "/reports/equity/export/?format=csv"),
    ("CSV download, up to today", "/reports/equity/export/?format=csv&period=to_date"),
    ("Excel download", "/reports/equity/export/?format=xlsx"),
    ("API trainees (first 100)", f"{TRAINEES_API}?limit=100"),
    ("API trainees (offset 10,000), up to today", f"{TRAINEES_API}?limit=100&offset=10000&period=to_date"),
    ("API schemes", "/api/v1/exposure/schemes"),
    ("API regions, up to today", "/api/v1/exposure/regions?period=to_date"),
]


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("HEFT_ENVIRONMENT", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heft.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # An in-process cache, emptied at will; no limit on downloads: one reader asking fifty times is no attack.
    override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        HEFT_RATE_LIMITS=dict.fromkeys(settings.HEFT_RATE_LIMITS, (10**9, 60)),
        ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS],
    ).enable()


def signed_in_client():
    from django.test import Client

    from heft.accounts.models import Role, User
    from heft.demo.world import SIGN_IN_BY_ROLE

    client = Client()
    client.force_login(User.objects.get(email=SIGN_IN_BY_ROLE[Role.NATIONAL_ADMIN].email))
    return client


def timed(client, url: str) -> tuple[float, int, int, float, float]:
    """(milliseconds, queries, bytes, this process's CPU milliseconds, the queries' milliseconds) of one
    request: on a shared machine the wall time counts the waits for a core, the CPU time does not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, f"{url}: {response.status_code}"
    database = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    return elapsed, len(queries), len(response.content), cpu, database


def measure(client, repeats: int) -> list[dict]:
    from django.core.cache import cache

    client.get(ROUTES[0][1])  # templates compiled, modules loaded: a worker's first request is not timed here
    results = []
    for label, url in ROUTES:
        cache.clear()
        cold, queries, size, _, _ = timed(client, url)
        runs = [timed(client, url) for _ in range(repeats)]
        warm = [run[0] for run in runs]
        cpu = statistics.median(run[3] for run in runs)
        database = statistics.median(run[4] for run in runs)
        results.append(
            {"label": label, "cold": cold, "warm": warm, "cpu": cpu, "db": database, "queries": queries}
            | {"bytes": size}
        )
        print(f"{label}: cold {cold:.0f} ms, warm {', '.join(f'{ms:.0f}' for ms in warm)} ms", flush=True)
    return results


def check_and_refill(refill: bool, repeats: int) -> dict[str, float]:
    from heft.reports.exposure_store import exposure_refresh
    from heft.reports.models import PlacementExposure

    found = {}
    checks = []
    for _ in range(repeats):
        started = time.perf_counter()
        exposure_refresh()
        checks.append((time.perf_counter() - started) * 1000)
    found["check (nothing stale)"] = statistics.median(checks)
    if refill:
        PlacementExposure.objects.all().delete()
        started = time.perf_counter()
        count = exposure_refresh()
        found[f"refill of every placement ({count:,})"] = (time.perf_counter() - started) * 1000
    return found


def machine() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}"


def facts() -> str:
    from django.db import connection

    from heft.reports.models import PlacementExposure
    from heft.trainees.models import ProgrammeMembership

    memberships = ProgrammeMembership.objects.count()
    placements = PlacementExposure.objects.count()
    return f"{memberships:,} programme memberships, {placements:,} placements, {connection.vendor}"


def markdown(results: list[dict], store: dict[str, float], load_at_start: str) -> str:
    lines = [
        "## Equity report at national size",
        "",
        f"Machine: {machine()}; {datetime.date.today().isoformat()}. Data: the national demo ({facts()}). "
        f"Load average (1 / 5 / 15 min) at the start: {load_at_start}; at the end: {load_average()}. The "
        "machine is shared, so other work inflates these times. Written by `python -m bench.equity --write`.",
        "",
        "In process (Django's test client as the national admin), the whole request. **Cold**: the chart and "
        "workbook cache empty. **Warm**: the median of the repeats after it; beside it, the medians of this "
        "process's CPU time and of the queries' time (the database's work and the wait for it), which a "
        f"busy machine inflates less. Target: under {TARGET_MS:,} ms.",
        "",
        "| request | cold ms | warm ms (median) | warm: CPU ms | warm: query ms | queries | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        warm = statistics.median(r["warm"])
        lines.append(
            f"| {r['label']} | {r['cold']:,.0f} | {warm:,.0f} | {r['cpu']:,.0f} | {r['db']:,.0f} | "
            f"{r['queries']} | {r['bytes']:,} |"
        )
    lines += ["", "| stored figures | ms |", "| --- | ---: |"]
    lines += [f"| {label} | {ms:,.0f} |" for label, ms in store.items()]
    return "\n".join(lines) + "\n"


def load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", required=True, help="a copy of a database holding the national demo"
    )
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--refill", action="store_true", help="also time computing every placement again")
    parser.add_argument("--write", action="store_true", help="write the section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    load_at_start = load_average()
    setup(args.database_url)
    results = measure(signed_in_client(), args.repeats)
    text = markdown(results, check_and_refill(args.refill, args.repeats), load_at_start)
    print(text)
    if args.write:
        from bench._report import write_section

        write_section("equity-national", text)


if __name__ == "__main__":
    main()
