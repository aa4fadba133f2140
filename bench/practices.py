"""Practices benchmark: `python -m bench.practices [--quick]` from the repository root.

In a throwaway test database (SQLite in memory, or PostgreSQL when DATABASE_URL points at it), with seeded,
invented data: imports a full-size synthetic epraccur.csv (7,000 GP practices among 9,000 rows), the same
file again (nothing changes), a full-size Fingertips 93553 export (6,500 practices), applies the Deep End
rule to every practice and computes equity exposure for 10,000 trainees (50,000 placements), through the
same services and selectors the pages use. Reports each step's time and database queries, the total, and
the process's peak memory; writes its section of docs/benchmarks.md. --quick runs a tenth of the size and
leaves the docs alone.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import platform
import random
import resource
import time
from dataclasses import dataclass

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heft.settings")
os.environ.setdefault("HEFT_ENVIRONMENT", "test")

import django  # noqa: E402 (after the settings are chosen)

django.setup()

from django.db import connection  # noqa: E402

from bench._report import write_section  # noqa: E402
from heft.practices.imports import NHS_REGIONS  # noqa: E402

SEED = 20261123
TARGET_SECONDS = 10.0


@dataclass(frozen=True)
class Size:
    gp_practices: int
    other_rows: int
    scored: int
    trainees: int
    placements_each: int


FULL = Size(gp_practices=7_000, other_rows=2_000, scored=6_500, trainees=10_000, placements_each=5)
QUICK = Size(gp_practices=700, other_rows=200, scored=650, trainees=1_000, placements_each=5)


def epraccur(size: Size, rng: random.Random) -> bytes:
    """epraccur.csv as NHS ODS publishes it: no header, 27 quoted columns; GP practices and other settings."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    regions = list(NHS_REGIONS)
    for n in range(size.gp_practices + size.other_rows):
        gp = n < size.gp_practices
        status = rng.choices("ACDP", weights=(90, 7, 2, 1))[0]
        opened = f"{rng.randint(1950, 2020)}{rng.randint(1, 12):02d}01"
        closed = "20240331" if status == "C" else ""
        setting = "4" if gp else rng.choice(["0", "1", "2", "8", "9", "25"])
        code = f"{'Y' if gp else 'V'}{n:05d}"
        writer.writerow(
            [
                code,
                f"BENCH PRACTICE {n}",
                rng.choice(regions),
                f"Q{n % 42:02d}",
                "1 BENCH ROAD",
                "",
                "BENCHTON",
                "",
                "",
                f"ZZ{n % 99} 1AA",
                opened,
                closed,
                status,
                "B",
                f"{n % 106:02d}A",
                opened,
                "",
                "",
                "",
                "",
                "",
                "0",
                "",
                f"{n % 106:02d}A",
                "",
                setting,
                "",
            ]
        )
    return out.getvalue().encode()


def fingertips(size: Size, rng: random.Random) -> bytes:
    """A Fingertips export of indicator 93553 for GP practices (with its England row)."""
    header = [
        "Indicator ID",
        "Indicator Name",
        "Parent Code",
        "Parent Name",
        "Area Code",
        "Area Name",
        "Area Type",
        "Sex",
        "Age",
        "Category Type",
        "Category",
        "Time period",
        "Value",
        "Lower CI 95.0 limit",
        "Upper CI 95.0 limit",
        "Lower CI 99.8 limit",
        "Upper CI 99.8 limit",
        "Count",
        "Denominator",
        "Value note",
        "Recent Trend",
        "Compared to England value or percentiles",
        "Compared to ICB value or percentiles",
        "Time period Sortable",
        "New data",
        "Compared to goal",
        "Time period range",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    tail = ["", "", "", "", "", "", "", "", "Not compared", "Not compared", "20190000", "", "", "1y"]
    name = "Deprivation score (IMD 2019)"
    writer.writerow(
        [
            "93553",
            name,
            "",
            "",
            "E92000001",
            "England",
            "England",
            "Persons",
            "All ages",
            "",
            "",
            "2019",
            "21.7",
            *tail,
        ]
    )
    for n in rng.sample(range(size.gp_practices), size.scored):
        score = f"{min(70.0, rng.lognormvariate(3.0, 0.45)):.3f}"
        writer.writerow(
            [
                "93553",
                name,
                "U00001",
                "BENCH PCN",
                f"Y{n:05d}",
                f"BENCH PRACTICE {n}",
                "GPs",
                "Persons",
                "All ages",
                "",
                "",
                "2019",
                score,
                *tail,
            ]
        )
    return out.getvalue().encode()


def build_trainees(size: Size, rng: random.Random):
    """Regions, schemes, posts (at scored practices, innovative, hospital), trainees with placements, and a
    national admin to read them. Not timed: it stands in for data the service builds up over years."""
    from heft.accounts.models import Role, RoleAssignment, User
    from heft.practices.models import Practice
    from heft.programmes.models import Post, PostCategory, Region, TrainingScheme
    from heft.trainees.models import Placement, ProgrammeMembership, Trainee

    regions = list(Region.objects.all())
    schemes = TrainingScheme.objects.bulk_create(
        TrainingScheme(code=f"scheme-{n}", name=f"Scheme {n}", region=regions[n % len(regions)])
        for n in range(70)
    )
    kinds = {"gp": PostCategory.Kind.GP, "inclusion": PostCategory.Kind.INNOVATIVE, "paeds": "hospital"}
    categories = {
        code: PostCategory.objects.create(code=code, name=code, kind=kind) for code, kind in kinds.items()
    }
    practices = list(Practice.objects.filter(imd_score__isnull=False).values_list("pk", flat=True))
    posts = Post.objects.bulk_create(
        [
            Post(post_number=f"GP/{n}", category=categories["gp"], scheme=schemes[n % 70], practice_id=pk)
            for n, pk in enumerate(practices[:3_000])
        ]
        + [
            Post(
                post_number=f"IN/{n}",
                category=categories["inclusion"],
                scheme=schemes[n % 70],
                site="Outreach",
            )
            for n in range(140)
        ]
        + [
            Post(post_number=f"HO/{n}", category=categories["paeds"], scheme=schemes[n % 70], site="Hospital")
            for n in range(210)
        ],
        batch_size=1_000,
    )
    trainees = Trainee.objects.bulk_create(
        (
            Trainee(
                gmc_number=f"{9_000_000 + n}",
                forenames="Bench",
                surname=f"Trainee {n:05d}",
                email=f"bench{n}@example.org",
            )
            for n in range(size.trainees)
        ),
        batch_size=2_000,
    )
    modes = list(ProgrammeMembership.HeftMode.values)
    memberships = ProgrammeMembership.objects.bulk_create(
        (
            ProgrammeMembership(
                trainee=t,
                scheme=schemes[n % 70],
                intake="2024-08",
                start_date=datetime.date(2024, 8, 7),
                heft_mode=modes[n % 3],
            )
            for n, t in enumerate(trainees)
        ),
        batch_size=2_000,
    )
    placements = []
    for membership in memberships:
        start = membership.start_date
        for _ in range(size.placements_each):
            end = start + datetime.timedelta(days=rng.choice([181, 182, 364]))
            wte = rng.choice(["1.00", "1.00", "0.80", "0.60"])
            placements.append(
                Placement(
                    membership=membership, post=rng.choice(posts), start_date=start, end_date=end, wte=wte
                )
            )
            start = end + datetime.timedelta(days=1)
    Placement.objects.bulk_create(placements, batch_size=5_000)
    admin = User.objects.create(email="bench-admin@example.org")
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)
    return admin, len(placements)


class Queries:
    """Counts the database queries run inside it."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, results: list, step):
    queries = Queries()
    started = time.perf_counter()
    with connection.execute_wrapper(queries):
        outcome = step()
    results.append(
        {
            "step": label,
            "seconds": time.perf_counter() - started,
            "queries": queries.count,
            "peak_mb": peak_rss_mb(),
        }
    )
    return outcome


def run(size: Size) -> tuple[list[dict], dict]:
    from heft.practices.deep_end import RuleChoice
    from heft.practices.models import Practice
    from heft.practices.selectors import deep_end_rule_preview
    from heft.practices.services import data_import_run_file, deep_end_rule_apply
    from heft.programmes.models import Region
    from heft.reports.exposure_store import exposure_refresh
    from heft.reports.selectors import exposure_rows, group_summaries, mode_summaries

    rng = random.Random(SEED)
    Region.objects.bulk_create(
        Region(code=name.lower().replace(" ", "-"), name=name) for name in NHS_REGIONS.values()
    )
    ods, scores = epraccur(size, rng), fingertips(size, rng)
    by = "bench"
    results: list[dict] = []

    def load(source, data):
        outcome = data_import_run_file(source=source, file_name=f"{source}.csv", data=data, by=by)
        assert outcome.status == "loaded", outcome.problems[:3]
        return outcome

    first = timed("import epraccur.csv (new practices)", results, lambda: load("epraccur", ods))
    again = timed("import the same epraccur.csv again", results, lambda: load("epraccur", ods))
    timed("import Fingertips 93553", results, lambda: load("fingertips", scores))

    def preview_and_apply():
        choice = RuleChoice("imd_score", "decile")  # as a person does: look at the changes, then confirm them
        return deep_end_rule_apply(choice=choice, expected=deep_end_rule_preview(choice).digest, by=by)

    rule = timed(
        "preview and apply the Deep End rule (most deprived tenth, England)", results, preview_and_apply
    )
    admin, placements = build_trainees(size, rng)
    timed("store each placement's equity figures (once, as on deploy)", results, exposure_refresh)

    def exposure():
        rows = exposure_rows(admin)
        group_summaries(rows, "scheme"), group_summaries(rows, "region"), mode_summaries(rows)
        return rows

    rows = timed(f"exposure of {size.trainees:,} trainees, with summaries", results, exposure)
    facts = {
        "practices": Practice.objects.count(),
        "added": dict(first.summary["counts"])["Added"],
        "unchanged_again": dict(again.summary["counts"])["Unchanged"],
        "deep_end": rule.deep_end,
        "ranked": rule.assessed,
        "rows": len(rows),
        "placements": placements,
        "file_mb": (len(ods) + len(scores)) / 1e6,
        "other_rows": size.other_rows,
        "scored": size.scored,
    }
    return results, facts


def machine() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        cpu = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown"
        )
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram_gb:.0f} GB RAM; Python {platform.python_version()}; "
        f"Django {django.get_version()}; {datetime.date.today().isoformat()}"
    )


def report(results: list[dict], facts: dict, database: str, load: str) -> str:
    total = sum(r["seconds"] for r in results)
    verdict = "met" if total < TARGET_SECONDS else "missed"
    lines = [
        f"## Practices: imports, Deep End rule and equity exposure ({database.split(' ')[0]})",
        "",
        f"Machine: {machine()}. Database: {database}. Load average when the run began: {load}. "
        "Written by `python -m bench.practices`.",
        "",
        f"Seeded synthetic files in the real formats: epraccur.csv with {facts['added']:,} GP practices "
        f"among {facts['added'] + facts['other_rows']:,} rows, and a Fingertips 93553 export for "
        f"{facts['scored']:,} practices ({facts['file_mb']:.1f} MB together). Exposure: {facts['rows']:,} "
        f"trainees with {facts['placements']:,} placements. Each step runs through the same services as the "
        "pages (all or nothing, audited, logged); the queries column shows writes are in bulk, not per row.",
        "",
        "| step | time | queries | peak memory (process) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r['step']} | {r['seconds']:.2f} s | {r['queries']:,} | {r['peak_mb']:,.0f} MB |")
    lines += [
        f"| **total** | **{total:.2f} s** | {sum(r['queries'] for r in results):,} | "
        f"{max(r['peak_mb'] for r in results):,.0f} MB |",
        "",
        f"Target: all of it under {TARGET_SECONDS:.0f} s: **{verdict}**."
        f" The second epraccur import found {facts['unchanged_again']:,} practices unchanged and wrote none."
        f" The rule ranked {facts['ranked']:,} open practices and put {facts['deep_end']:,} in the Deep End."
        " Peak memory is the whole process's (Python, Django and the data), as the system counts it.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size; leaves docs alone")
    args = parser.parse_args()
    load = "{:.1f} / {:.1f} / {:.1f} (1 / 5 / 15 min)".format(*os.getloadavg())
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    vendor = f"{connection.vendor} ({'in memory' if 'memory' in database else database})"
    try:
        results, facts = run(QUICK if args.quick else FULL)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
    markdown = report(results, facts, vendor, load)
    print(markdown)
    if not args.quick:
        write_section(f"practices-{connection.vendor}", markdown)


if __name__ == "__main__":
    main()
