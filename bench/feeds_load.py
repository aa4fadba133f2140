"""Calendar feeds under load: `python -m bench.feeds_load [--trainees N]` from the repository root.

Every trainee's calendar app polls their private feed (GET /teaching/calendar/trainee/<token>.ics, the
secret token being the only key). Here N trainees' feeds are fetched concurrently, each `--rounds` times in a
shuffled order, from the app as in production (HEFT_ENVIRONMENT=production under gunicorn with several
workers) on a fresh PostgreSQL database (heft_bench_feeds), on 127.0.0.1 only.

The world: a few regions, a teaching year of national sessions (one cancelled), the annual conference and
each region's sessions (one still a draft); trainees in HEFT (rotation or enrolment only) spread over the
regions, a few not in HEFT (their feed is empty), and a few whose feed address was revoked (404). Every answer
is checked afterwards, outside the timed part: a 200 must parse as an iCalendar (icalendar) holding exactly
that trainee's sessions (the national programme and conference plus their own region's published sessions,
never another region's or a draft), the cancelled one marked CANCELLED; a revoked address must get 404.

Rate limits: HEFT_RATE_LIMITS allows each feed token 120 requests an hour and one address 1,200 public feed
requests an hour, so a load test from one address is what they exist to refuse. The servers run with every
limit raised to HEFT_BENCH_RATE_LIMIT (see bench/server_settings.py); the counters are still kept (a
table in the database), so their cost is in the figures. The database is dropped and gunicorn stopped at
the end, even on failure. Writes its section of docs/benchmarks.md unless --no-report.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from bench import preferences_rush as rush
from bench._report import write_section
from bench.two_servers import BOOT_SECONDS, collect_static, configure_django, migrate, production_environment

LONDON = ZoneInfo("Europe/London")
RAISED_LIMIT = 1_000_000_000  # requests per window, for every rate-limit scope
FEED_NAME = "My HEFT teaching"
REFRESH_HOURS = 6  # REFRESH-INTERVAL in every feed (heft/engines/timetable/ical.py)


@dataclass(frozen=True)
class Settings:
    trainees: int = 2_000
    regions: int = 4
    national: int = 10  # national sessions in the year, besides the conference
    regional: int = 8  # published sessions per region
    rounds: int = 2  # fetches of each feed
    not_in_heft: float = 0.05  # share of trainees not in HEFT: an empty feed
    revoked: float = 0.02  # share whose feed address was revoked: 404
    concurrency: int = 32
    workers: int = 5  # sync workers, as the deadline rush measured best on 2 cores
    worker_class: str = "sync"
    threads: int = 1
    port: int = 8193
    database: str = "heft_bench_feeds"
    seed: int = 1


@dataclass(frozen=True)
class Feed:
    trainee: int  # pk
    token: str  # the raw secret in the address
    expected: frozenset[str] | None  # the UIDs its calendar must hold; None: revoked, must be 404
    cancelled: frozenset[str]  # the UIDs among them that must be marked CANCELLED


@dataclass(frozen=True)
class Fetch:
    trainee: int
    status: int | str  # HTTP status, or the name of the error when no response came
    seconds: float
    content_type: str
    body: bytes


# --- the world ----------------------------------------------------------------------------------------------


def build_world(settings: Settings) -> list[Feed]:
    """Regions with a scheme each, a year's sessions, trainees with memberships and feed tokens."""
    from heft.programmes.models import Region, TrainingScheme
    from heft.teaching.models import TeachingYear

    rng = random.Random(settings.seed)
    regions = [
        Region.objects.create(code=f"feeds-region-{n}", name=f"Feeds Region {n} (fictional)")
        for n in range(1, settings.regions + 1)
    ]
    schemes = [
        TrainingScheme.objects.create(code=f"feeds-scheme-{r.pk}", name=f"{r.name} scheme", region=r)
        for r in regions
    ]
    year = TeachingYear.objects.create(
        label="2026/27", start=datetime.date(2026, 8, 5), end=datetime.date(2027, 8, 3)
    )
    everyone, by_region, cancelled = create_sessions(settings, year, regions)
    people = create_trainees(settings, schemes, rng)
    tokens = create_tokens(settings, [pk for pk, _ in people], rng)
    feeds = []
    for pk, region_id in people:
        raw, revoked = tokens[pk]
        if revoked:
            expected = None
        elif region_id is None:  # not in HEFT: an empty calendar
            expected = frozenset()
        else:
            expected = everyone | by_region[region_id]
        feeds.append(Feed(pk, raw, expected, cancelled & (expected or frozenset())))
    return feeds


def create_sessions(settings: Settings, year, regions):
    """(UIDs every HEFT trainee gets, UIDs per region id, UIDs of cancelled sessions). Weekly on Thursday
    afternoons from September; one national session cancelled after publication, one draft per region."""
    from django.utils import timezone

    from heft.teaching.models import TeachingSession

    published_at, sessions = timezone.now(), []
    thursdays = (datetime.date(2026, 9, 3) + datetime.timedelta(weeks=n) for n in range(10_000))

    def session(kind, title, region=None, status=TeachingSession.Status.PUBLISHED, **place):
        day = next(thursdays)
        start = datetime.datetime.combine(day, datetime.time(14), LONDON)
        sessions.append(
            TeachingSession(
                year=year, kind=kind, region=region, title=title, topic=f"{title}: health inequalities",
                start=start, end=start + datetime.timedelta(hours=2), status=status,
                published_at=None if status == TeachingSession.Status.DRAFT else published_at,
                sequence=1 if status == TeachingSession.Status.CANCELLED else 0, **place,
            )
        )  # fmt: skip

    for n in range(1, settings.national + 1):
        status = TeachingSession.Status.CANCELLED if n == 1 else TeachingSession.Status.PUBLISHED
        session("national", f"National session {n}", status=status, online_link=f"https://meet.invalid/n{n}")
    session("conference", "HEFT annual conference", venue="Conference centre (fictional)")
    for region in regions:
        for n in range(1, settings.regional + 1):
            session("regional", f"{region.name} session {n}", region, venue=f"Venue {n} (fictional)")
        session("regional", f"{region.name} draft", region, TeachingSession.Status.DRAFT, venue="Venue")
    TeachingSession.objects.bulk_create(sessions)

    published = [s for s in sessions if s.status != TeachingSession.Status.DRAFT]
    everyone = frozenset(s.ical_uid for s in published if s.region is None)
    by_region = {r.pk: frozenset(s.ical_uid for s in published if s.region == r) for r in regions}
    cancelled = frozenset(s.ical_uid for s in published if s.status == TeachingSession.Status.CANCELLED)
    return everyone, by_region, cancelled


def create_trainees(settings: Settings, schemes, rng: random.Random) -> list[tuple[int, int | None]]:
    """(trainee pk, the region whose sessions they get, or None when not in HEFT) for each trainee.
    Invented people (Faker en_GB); no sign-in is needed to read a feed."""
    from faker import Faker

    from heft.trainees.models import ProgrammeMembership, Trainee

    fake = Faker("en_GB")
    fake.seed_instance(settings.seed)
    trainees = Trainee.objects.bulk_create(
        (
            Trainee(
                gmc_number=f"{6_000_000 + n}", forenames=fake.first_name(), surname=fake.last_name(),
                email=f"feeds-trainee-{n:05d}@heft.invalid",
            )
            for n in range(settings.trainees)
        ),
        batch_size=1000,
    )  # fmt: skip
    Mode = ProgrammeMembership.HeftMode
    memberships, people = [], []
    for n, trainee in enumerate(trainees):
        scheme = schemes[n % len(schemes)]
        draw = rng.random()
        mode = (
            Mode.NONE
            if draw < settings.not_in_heft
            else (Mode.ENROLMENT_ONLY if draw < 0.3 else Mode.ROTATION)
        )
        memberships.append(
            ProgrammeMembership(
                trainee=trainee, scheme=scheme, intake="2026-08", start_date=datetime.date(2026, 8, 5),
                heft_mode=mode,
            )
        )  # fmt: skip
        people.append((trainee.pk, None if mode == Mode.NONE else scheme.region_id))
    ProgrammeMembership.objects.bulk_create(memberships, batch_size=1000)
    return people


def create_tokens(
    settings: Settings, trainee_pks: list[int], rng: random.Random
) -> dict[int, tuple[str, bool]]:
    """A feed token per trainee, as `calendar_token_create` makes them (only the hash is stored); a few
    revoked. Returns trainee pk -> (raw token, revoked)."""
    from django.utils import timezone

    from heft.accounts.models import hash_token
    from heft.teaching.models import CalendarFeedToken

    tokens, rows = {}, []
    for pk in trainee_pks:
        raw, revoked = secrets.token_urlsafe(32), rng.random() < settings.revoked
        tokens[pk] = (raw, revoked)
        rows.append(
            CalendarFeedToken(
                trainee_id=pk, token_hash=hash_token(raw), revoked_at=timezone.now() if revoked else None
            )
        )
    CalendarFeedToken.objects.bulk_create(rows, batch_size=1000)
    return tokens


# --- the load -----------------------------------------------------------------------------------------------


class FeedClient:
    """A keep-alive connection per thread (reopened when the server closes it, as sync workers do)."""

    def __init__(self, port: int):
        self.port, self.local = port, threading.local()

    def fetch(self, feed: Feed) -> Fetch:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(rush.HOST, self.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request("GET", f"/teaching/calendar/trainee/{feed.token}.ics")
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            self.local.connection = None
            return Fetch(feed.trainee, type(error).__name__, time.perf_counter() - started, "", b"")
        seconds = time.perf_counter() - started
        return Fetch(feed.trainee, response.status, seconds, response.getheader("Content-Type", ""), body)


def load(client: FeedClient, feeds: list[Feed], settings: Settings) -> tuple[list[Fetch], float]:
    """Each feed fetched `rounds` times, all shuffled together, `concurrency` at a time. Only the fetching
    is timed; the answers are checked afterwards. Returns (fetches, wall seconds)."""
    order = [feed for _ in range(settings.rounds) for feed in feeds]
    random.Random(settings.seed + 1).shuffle(order)
    started = time.perf_counter()
    with ThreadPoolExecutor(settings.concurrency) as pool:
        fetches = list(pool.map(client.fetch, order))
    return fetches, time.perf_counter() - started


def warm_up(client: FeedClient, feeds: list[Feed], settings: Settings) -> None:
    """A few fetches, so that every worker has loaded the app and connected before the clock starts."""
    live = [f for f in feeds if f.expected is not None][: 4 * settings.concurrency]
    with ThreadPoolExecutor(settings.concurrency) as pool:
        statuses = Counter(fetch.status for fetch in pool.map(client.fetch, live))
    if set(statuses) != {200}:
        raise RuntimeError(f"Warm-up fetches failed: {dict(statuses)}")


# --- checking every answer ----------------------------------------------------------------------------------


def check_fetch(fetch: Fetch, feed: Feed) -> str | None:
    """None when the answer is right for this feed, else what is wrong with it."""
    if feed.expected is None:
        return None if fetch.status == 404 else f"revoked feed answered {fetch.status}"
    if fetch.status != 200:
        return f"answered {fetch.status}"
    if not fetch.content_type.startswith("text/calendar"):
        return f"content type {fetch.content_type!r}"
    try:
        calendar = icalendar.Calendar.from_ical(fetch.body)
    except ValueError as error:
        return f"not an iCalendar: {error}"
    if str(calendar.get("X-WR-CALNAME")) != FEED_NAME:
        return "not the trainee's own feed"
    events = calendar.walk("VEVENT")
    uids = [str(event["UID"]) for event in events]
    if len(uids) != len(set(uids)) or set(uids) != feed.expected:
        return "not the trainee's sessions"
    cancelled = {str(e["UID"]) for e in events if str(e.get("STATUS")) == "CANCELLED"}
    return None if cancelled == feed.cancelled else "cancellations wrong"


def verify(fetches: list[Fetch], feeds: list[Feed]) -> dict:
    by_trainee = {feed.trainee: feed for feed in feeds}
    problems, right_calendars = Counter(), 0
    for fetch in fetches:
        feed = by_trainee[fetch.trainee]
        problem = check_fetch(fetch, feed)
        if problem:
            problems[problem] += 1
        elif feed.expected is not None:
            right_calendars += 1
    live = [f for f in fetches if by_trainee[f.trainee].expected is not None]
    return {
        "fetches": len(fetches),
        "wrong": sum(problems.values()),
        "problems": dict(problems.most_common(5)),
        "calendars": right_calendars,
        "live": len(live),
        "revoked": len(fetches) - len(live),
        "events": sum(len(by_trainee[f.trainee].expected) for f in live),
        "bytes": sum(len(f.body) for f in live),
        "empty": sum(1 for f in live if not by_trainee[f.trainee].expected),
        "tokens_used": tokens_used(feeds),
    }


def tokens_used(feeds: list[Feed]) -> tuple[int, int]:
    """(live tokens with last_used_at set, live tokens): every fetch notes its token's use."""
    from heft.accounts.models import hash_token
    from heft.teaching.models import CalendarFeedToken

    live = [hash_token(f.token) for f in feeds if f.expected is not None]
    used = CalendarFeedToken.objects.filter(token_hash__in=live, last_used_at__isnull=False).count()
    return used, len(live)


def all_checks_pass(results: dict) -> bool:
    check = results["verify"]
    used, live = check["tokens_used"]
    return check["wrong"] == 0 and check["calendars"] == check["live"] > 0 and used == live


# --- the report ---------------------------------------------------------------------------------------------


def report(settings: Settings, results: dict) -> str:
    sections = [_introduction(settings, results), _results_table(settings, results), _checks_table(results)]
    sections.append(_what_limits_it(results))
    sections.append(results.get("note", ""))
    return "\n\n".join(section for section in sections if section)


def _introduction(settings: Settings, results: dict) -> str:
    full = settings.trainees == Settings.trainees
    command = "python -m bench.feeds_load" + ("" if full else f" --trainees {settings.trainees}")
    return (
        "## Calendar feeds under load: trainees' private .ics feeds\n\n"
        f"Machine: {results['machine']}; {results['date']}. Load average (1 / 5 / 15 min) at the start "
        f"{results['load_before']}, after the load {results['load_after']}. Written by `{command}`"
        f"{'' if full else ' (a small run; the default is 2,000 trainees)'}.\n\n"
        "The app as in production (HEFT_ENVIRONMENT=production; DJANGO_SSL_REDIRECT=0 and plain http on "
        f"127.0.0.1) under gunicorn (`deploy/gunicorn.conf.py`, {settings.workers} sync workers) on a fresh "
        "PostgreSQL database. "
        f"{settings.trainees:,} trainees in {settings.regions} regions each have a private feed address; "
        f"{settings.not_in_heft:.0%} are not in HEFT (an empty calendar) and {settings.revoked:.0%} revoked "
        f"their address (404). The year holds {settings.national} national sessions (one cancelled), the "
        f"conference and {settings.regional} published sessions per region (plus a draft each, never shown). "
        f"Each feed is fetched {settings.rounds} times, all in one shuffled order, {settings.concurrency} at "
        "a time, by a client on the same machine (so it takes CPU from the server); latency is from sending "
        "the request to reading the whole calendar. Every answer is parsed with `icalendar` afterwards, "
        "outside the timed part.\n\n"
        "Rate limits are raised for this run: the servers' settings (`bench/server_settings.py`, "
        f"HEFT_BENCH_RATE_LIMIT={RAISED_LIMIT}) set every scope of HEFT_RATE_LIMITS to {RAISED_LIMIT:,} "
        "requests per window, since one address fetching thousands of feeds is what the limits refuse. The "
        "counters are still kept (a table in the database), so their cost is in these figures.\n\n"
        "Needs PostgreSQL on 127.0.0.1:5432 (or HEFT_BENCH_POSTGRES); sizes are flags: `--trainees`, "
        "`--rounds`, `--regions`, `--national`, `--regional`, `--workers`, `--concurrency`, `--port`."
    )


def _results_table(settings: Settings, results: dict) -> str:
    fetches, wall, check = results["fetches"], results["wall"], results["verify"]
    latency = rush.latency_summary([f.seconds for f in fetches])
    cpu = {part: 1000 * seconds / len(fetches) for part, seconds in results["cpu"].items()}
    statuses = Counter(str(f.status) for f in fetches)
    live = max(1, check["live"])
    rows = [
        ("feeds / fetches", f"{settings.trainees:,} / {len(fetches):,}"),
        ("events per calendar (mean) / bytes per calendar (mean)",
         f"{check['events'] / live:.1f} / {check['bytes'] / live:,.0f}"),
        ("wall time", f"{wall:.2f} s"),
        ("requests per second", f"{len(fetches) / wall:.0f}"),
        ("latency p50 / p95 / p99", "{p50:.0f} / {p95:.0f} / {p99:.0f} ms".format(**latency)),
        ("latency mean / max", "{mean:.0f} / {max:.0f} ms".format(**latency)),
        ("answers by status", ", ".join(f"{status}: {n:,}" for status, n in sorted(statuses.items()))),
        ("CPU per request: app / PostgreSQL / client",
         "{app:.1f} / {postgres:.1f} / {client:.1f} ms".format(**cpu)),
    ]  # fmt: skip
    return rush._table(("measure", "value"), rows)


def _checks_table(results: dict) -> str:
    check = results["verify"]
    used, live_tokens = check["tokens_used"]
    problems = "; ".join(f"{what}: {n}" for what, n in check["problems"].items()) or "none"
    rows = [
        ("answers that are not the right calendar (or 404 for a revoked address)",
         f"{check['wrong']} of {check['fetches']:,}"),
        ("valid calendars with exactly the trainee's sessions / fetches of live addresses",
         f"{check['calendars']:,} / {check['live']:,}"),
        ("of which empty (trainee not in HEFT)", f"{check['empty']:,}"),
        ("fetches of revoked addresses (all must be 404)", f"{check['revoked']:,}"),
        ("what was wrong", problems),
        ("live feed tokens marked as used", f"{used:,} / {live_tokens:,}"),
    ]  # fmt: skip
    return rush._table(("checked afterwards", "result"), rows)


def _what_limits_it(results: dict) -> str:
    fetches = len(results["fetches"])
    cpu_ms = 1000 * sum(results["cpu"].values()) / fetches
    rate = fetches / results["wall"]
    polls = REFRESH_HOURS * 3600 * rate
    polls = round(polls, 2 - len(str(int(polls))))  # two significant figures: an estimate
    return (
        f"What limits it: each fetch costs {cpu_ms:.0f} ms of CPU in all (app, PostgreSQL and client), so "
        f"{os.cpu_count()} idle cores could serve at most about {(os.cpu_count() or 1) * 1000 / cpu_ms:.0f} "
        f"fetches/s. Calendar apps are asked to poll every {REFRESH_HOURS} hours (the feed's "
        f"REFRESH-INTERVAL): at the {rate:.0f} fetches/s measured here, this one server keeps about "
        f"{polls:,.0f} subscribed feeds up to date."
    )


# --- running it ---------------------------------------------------------------------------------------------


def run(settings: Settings) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"{settings.database}-") as scratch:
        return _run(settings, Path(scratch))


def _run(settings: Settings, scratch: Path) -> dict:
    environment = production_environment(settings, scratch, rate_limit=RAISED_LIMIT)
    log, load_before = scratch / "gunicorn.log", rush.load_average()
    rush.recreate_database(settings.database)
    server = None
    try:
        configure_django(environment)
        migrate()
        collect_static()  # before the server starts: WhiteNoise lists the files once, at start-up
        print(f"Building {settings.trainees:,} trainees' feeds ...", flush=True)
        feeds = build_world(settings)
        server = rush.start_server(settings, environment, log, boot_seconds=BOOT_SECONDS)
        client = FeedClient(settings.port)
        warm_up(client, feeds, settings)
        print(f"Fetching {settings.rounds * len(feeds):,} feeds ...", flush=True)
        cpu_before = rush.cpu_snapshot(server, settings.database)
        fetches, wall = load(client, feeds, settings)
        cpu = rush.cpu_used(cpu_before, rush.cpu_snapshot(server, settings.database))
        load_after = rush.load_average()
        print("Checking every calendar ...", flush=True)
        results = {
            "fetches": fetches, "wall": wall, "cpu": cpu, "verify": verify(fetches, feeds),
            "machine": rush.machine(), "date": datetime.date.today().isoformat(),
            "load_before": load_before, "load_after": load_after,
        }  # fmt: skip
    except BaseException:
        rush._show_log(log)
        raise
    finally:
        if server is not None:
            rush.stop_server(server)
        rush.drop_database(settings.database)
    if not all_checks_pass(results):
        rush._show_log(log)
    return results


def parse_args(argv: list[str] | None) -> tuple[Settings, argparse.Namespace]:
    defaults = Settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=defaults.trainees)
    parser.add_argument("--regions", type=int, default=defaults.regions)
    parser.add_argument("--national", type=int, default=defaults.national, help="national sessions")
    parser.add_argument("--regional", type=int, default=defaults.regional, help="sessions per region")
    parser.add_argument("--rounds", type=int, default=defaults.rounds, help="fetches of each feed")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--workers", type=int, default=defaults.workers, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument(
        "--database", default=defaults.database, help="dropped and recreated: heft_bench_feeds..."
    )
    parser.add_argument("--note", default="", help="a sentence added to the report, e.g. about the load")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/benchmarks.md")
    args = parser.parse_args(argv)
    if not 1 <= args.trainees <= 100_000 or not 1 <= args.concurrency <= 256:
        parser.error("--trainees must be 1..100000 and --concurrency 1..256")
    if min(args.regions, args.national, args.regional, args.rounds, args.workers) < 1:
        parser.error("--regions, --national, --regional, --rounds and --workers must be at least 1")
    if not re.fullmatch(r"heft_bench_feeds[a-z0-9_]*", args.database):
        parser.error("--database must start with heft_bench_feeds: the benchmark drops it")
    settings = Settings(
        trainees=args.trainees, regions=args.regions, national=args.national, regional=args.regional,
        rounds=args.rounds, concurrency=args.concurrency, workers=args.workers, port=args.port,
        database=args.database,
    )  # fmt: skip
    return settings, args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse_args(argv)
    results = run(settings)
    results["note"] = args.note
    markdown = report(settings, results)
    print(markdown)
    if not args.no_report:
        write_section("feeds-load", markdown, path=str(rush.ROOT / "docs" / "benchmarks.md"))
    return 0 if all_checks_pass(results) else 1


if __name__ == "__main__":
    sys.exit(main())
