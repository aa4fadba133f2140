"""Every page's latency: `python -m bench.page_latency [--quick]` from the repository root.

Loads the national-size demo (`manage.py load_demo --scale national`; `--quick` builds a tenth of it) into a
fresh PostgreSQL database, runs the app as deployed (gunicorn with deploy/gunicorn.conf.py and production
settings, on 127.0.0.1), signs in as each demo sign-in through the real forms (password, then the
authenticator code for staff), and requests every GET page and API operation of the access matrix
(tests/security/access_matrix.py) the role may see, with ids of real records in the role's scope, N times
each, one request at a time. The app sends no server-timing header, so the time is the client's on
localhost: the whole request, which on loopback is the server's time plus well under a millisecond.

A second pass in this process (Django's test client against the same database, signed in as the same
person) counts each page's queries. Writes its section of docs/benchmarks.md unless --no-report. The
database is dropped and gunicorn stopped at the end, even on failure.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import preferences_rush as rush
from bench import two_servers
from bench._report import write_section

TARGET_P95_MS = 150
SLOWEST = 15
BOOT_SECONDS = 180
RATE_LIMIT = 1_000_000  # one client signing in six times and reading every page is no attack to refuse


@dataclass(frozen=True)
class Settings:
    repeats: int = 10  # requests of each page by each role
    factor: float | None = None  # of national size; None for the whole
    workers: int = 3
    worker_class: str = "sync"
    threads: int = 1
    port: int = 8217
    database: str = "heft_page_latency"
    load: bool = True  # False: use the database as a previous run left it (--keep)


@dataclass
class Timing:
    route: str
    role: str
    url: str
    status: int = 0
    seconds: list[float] = field(default_factory=list)
    queries: int | None = None

    def percentile(self, q: float) -> float:
        return rush.percentile(sorted(s * 1000 for s in self.seconds), q)


# --- the data -----------------------------------------------------------------------------------------------


def load_demo(settings: Settings, environment: dict) -> float:
    """`manage.py load_demo --scale national` in a child process, as an operator runs it; its seconds."""
    command = [sys.executable, "manage.py", "load_demo", "--scale", "national", "--verbosity", "0"]
    command += ["--allow-production"]
    if settings.factor is not None:
        command += ["--factor", str(settings.factor)]
    started = time.monotonic()
    subprocess.run(command, cwd=rush.ROOT, env=environment, check=True)
    return time.monotonic() - started


def demo_values() -> dict[str, object]:
    """The access matrix's record names (see tests/security/matrix_*.py), each a real record of the demo
    in the scope of its sign-ins: scheme Bristol in region South West, the demo trainee's own records.

    A record in the state a page needs is looked up first; where the demo holds none at all (an import in
    the log, a Deep End rule application, a retention review, a run and an offer in Bristol, a batch of
    release notices), one is made here, once, through the app's own services, as a person would."""
    from heft.demo.world import SIGN_IN_BY_ROLE

    emails = {role.value: s.email for role, s in SIGN_IN_BY_ROLE.items()}
    values = {**_structure_values(), **_constant_values()}
    values.update(_people_values(emails))
    values.update(_preferencing_values(emails))
    values.update(_teaching_values(values, emails))
    values.update(_community_content_values())
    values.update(_log_values(emails))
    return {k: v for k, v in values.items() if v is not None}


def _pk(record):
    return None if record is None else record.pk


def _constant_values() -> dict[str, object]:
    return {
        "export_what": "offers",
        "export_fmt": "csv",
        "upload_template_kind": "rotations",
        "upload_template_fmt": "xlsx",
        "confirm_key": "not-a-real-key",
        "uidb36": "0",
        "reset_key": "not-a-real-key",
    }


def _structure_values() -> dict[str, object]:
    from heft.practices.models import Practice
    from heft.programmes.models import Post, PostCategory, PostSubtype, Rotation, School

    scheme, region = "bristol", "south-west"
    rotation = Rotation.objects.filter(scheme__code=scheme).order_by("code").first()
    practice = Practice.objects.filter(region__code=region).order_by("ods_code").first()
    return {
        "scheme_a_code": scheme,
        "structure_scheme_code": scheme,
        "structure_region_code": region,
        "content_region_code": region,
        "teaching_region_a_code": region,
        "rotation_a_code": rotation and rotation.code,
        "scheme_a_rotation_code": rotation and rotation.code,
        "practice_code": practice and practice.ods_code,
        "scheme_a_post_pk": _pk(Post.objects.filter(scheme__code=scheme).order_by("pk").first()),
        "structure_category_pk": _pk(PostCategory.objects.order_by("pk").first()),
        "structure_subtype_pk": _pk(PostSubtype.objects.order_by("pk").first()),
        "structure_school_pk": _pk(School.objects.filter(region__code=region).order_by("pk").first()),
    }


def _log_values(emails: dict[str, str]) -> dict[str, object]:
    """National records the demo keeps none of, made as the national admin would: a file refused by the
    import (an empty one: nothing changes), a Deep End rule application refused as no longer what was
    confirmed (so no practice changes; its page shows what the rule would change), and the retention
    review queue as the daily command fills it (records past their date are queued; nothing is erased)."""
    from heft.accounts.models import User
    from heft.practices.deep_end import RuleChoice
    from heft.practices.models import DataImport, DeepEndRuleApplication
    from heft.practices.services import data_import_run_file, deep_end_rule_apply
    from heft.privacy.models import RetentionReview
    from heft.privacy.services import retention_queue

    admin = User.objects.get(email=emails["national_admin"])
    data_import = DataImport.objects.order_by("-pk").first() or data_import_run_file(
        source=DataImport.Source.EPRACCUR, file_name="epraccur.csv", data=b"", by=admin
    )
    application = DeepEndRuleApplication.objects.order_by("-pk").first() or deep_end_rule_apply(
        choice=RuleChoice("imd_score", "decile"), expected="0" * 64, by=admin
    )
    pending = RetentionReview.objects.filter(status=RetentionReview.Status.PENDING).order_by("pk")
    if not pending.exists():
        retention_queue()
    return {
        "import_pk": data_import.pk,
        "rule_application_pk": application.pk,
        "retention_review_pk": _pk(pending.first()),
    }


def _people_values(emails: dict[str, str]) -> dict[str, object]:
    """The demo mentor's mentee in Bristol (the matrix's trainee A2), the demo trainee, the educator's role
    and an invitation waiting to be accepted."""
    from heft.accounts.invitations import invitation_token
    from heft.accounts.models import Role, RoleAssignment, User
    from heft.accounts.services import invitation_create
    from heft.community.models import MentorAssignment
    from heft.trainees.models import ProgrammeMembership, Trainee

    mentees = MentorAssignment.objects.filter(mentor__user__email=emails["mentor"]).values("trainee")
    membership = (
        ProgrammeMembership.objects.filter(scheme__code="bristol", trainee__in=mentees).order_by("pk").first()
        or ProgrammeMembership.objects.filter(scheme__code="bristol").order_by("pk").first()
    )
    lead = User.objects.get(email=emails["regional_lead"])
    region = lead.role_assignments.first().region
    email = "page-latency-invitee@heft.invalid"
    invitation = invitation_create(email=email, role=Role.EDUCATOR, region=region, by=lead).invitation
    own = Trainee.objects.filter(user__email=emails["trainee"]).first()
    return {
        "trainee_a_pk": _pk(own),
        "journey_own_trainee_pk": _pk(own),
        "trainee_a2_pk": membership and membership.trainee_id,
        "people_role_pk": _pk(RoleAssignment.objects.filter(user__email=emails["educator"]).first()),
        "people_invitation_token": invitation_token(invitation.pk, invitation.nonce),
    }


def _preferencing_values(emails: dict[str, str]) -> dict[str, object]:
    """Bristol's open window and a member of it (one of the demo mentor's mentees, not the demo trainee);
    a run of a closed Bristol window with the request that made it, and the demo trainee's offer that they
    accepted and may still give up."""
    from heft.community.models import MentorAssignment
    from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow, RunRequest
    from heft.preferencing.offers import can_give_up
    from heft.preferencing.problem import window_memberships

    windows = PreferenceWindow.objects.filter(scheme__code="bristol").order_by("-opens_at")
    window = windows.first()
    members = window_memberships(window).exclude(trainee__user__email=emails["trainee"]).order_by("pk")
    mentees = MentorAssignment.objects.filter(mentor__user__email=emails["mentor"]).values("trainee")
    runs = AllocationRun.objects.filter(window__scheme__code="bristol").order_by("-pk")
    requests = RunRequest.objects.filter(window__scheme__code="bristol", run__isnull=False).order_by("-pk")
    offers = Offer.objects.filter(trainee__user__email=emails["trainee"]).order_by("-pk")
    accepted = next((o for o in offers.filter(status=Offer.Status.ACCEPTED) if can_give_up(o)), None)
    if not (runs.exists() and requests.exists() and accepted):
        accepted = _closed_window_records(windows, emails, accepted)
    open_offer = offers.filter(status=Offer.Status.OFFERED).first()
    return {
        "window_pk": _pk(window),
        "chase_window_pk": _pk(window),
        "membership_a2_pk": _pk(members.filter(trainee__in=mentees).first() or members.first()),
        "run_pk": _pk(runs.first()),
        "run_request_pk": _pk(requests.first()),
        "offer_pk": _pk(open_offer or accepted),
        "accepted_offer_pk": _pk(accepted),
    }


def _closed_window_records(windows, emails: dict[str, str], accepted):
    """The demo's Bristol window is open (runs and offers wait for it to close), so: Bristol's window for an
    earlier intake with rotations, closed when the national schemes' closed; the demo trainee placed in it
    by hand by the regional lead, and accepting (they hold no membership of that intake, so the rotation has
    not started and they may give it up), after a draft run asked for and made as the worker makes it.
    Returns the accepted offer."""
    from django.utils import timezone

    from heft.accounts.models import User
    from heft.demo.national import WINDOWS, at
    from heft.preferencing import services
    from heft.preferencing.models import AllocationRun
    from heft.preferencing.offers import Reply, offer_reply
    from heft.preferencing.selectors import rotations_with_room
    from heft.programmes.models import Rotation
    from heft.trainees.models import ProgrammeMembership

    lead = User.objects.get(email=emails["regional_lead"])
    intakes = Rotation.objects.filter(scheme__code="bristol", intake__in=WINDOWS)
    intake = intakes.exclude(intake__in=windows.values("intake")).order_by("-intake").values("intake").first()
    window = windows.filter(closes_at__lt=timezone.now()).first()
    if window is None and intake is not None:
        opens, closes, *_ = WINDOWS[intake["intake"]]
        scheme = windows.first().scheme
        window = services.window_open(
            scheme=scheme, intake=intake["intake"], opens_at=at(opens), closes_at=at(closes, 17), by=lead
        )
    if window is None:
        return accepted
    if not window.runs.exists():  # first: a run keeps the places given by hand, and its members are ranked
        asked = services.run_request(
            window=window, kind=AllocationRun.Kind.INITIAL, mechanism="serial-dictatorship", by=lead
        )
        services.run_request_make(request_id=asked.pk)
    rooms = rotations_with_room(window)
    if accepted is None and rooms:
        membership = ProgrammeMembership.objects.filter(trainee__user__email=emails["trainee"]).first()
        offer = services.offer_place_by_hand(
            window=window, membership=membership, rotation_code=rooms[0][0].code,
            reason="A place kept for the demo trainee", by=lead, notify=False,
            respond_by=timezone.now() + datetime.timedelta(days=7),
        )  # fmt: skip
        accepted = offer_reply(offer=offer, reply=Reply.ACCEPT, by=membership.trainee.user)
    return accepted


def _teaching_values(values: dict, emails: dict[str, str]) -> dict[str, object]:
    """The current teaching year and its sessions; trainee A2's placement, with a batch of release notices
    for it (queued by the regional lead when the demo has none); the demo trainee's calendar feed."""
    from django.utils import timezone

    from heft.teaching.models import ReleaseNoticeBatch, TeachingSession, TeachingYear
    from heft.teaching.services import calendar_token_create
    from heft.trainees.models import Placement, Trainee

    today = timezone.localdate()
    year = TeachingYear.objects.filter(start__lte=today, end__gte=today).first()
    sessions = TeachingSession.objects.filter(status="published").order_by("start")
    regional = sessions.filter(region__code="south-west", start__gte=timezone.now()).first()
    placements = Placement.objects.filter(
        membership__trainee_id=values.get("trainee_a2_pk"), membership__scheme__code="bristol"
    )
    placement = placements.order_by("-start_date").first()
    trainee = Trainee.objects.filter(user__email=emails["trainee"]).select_related("user").first()
    batches = ReleaseNoticeBatch.objects.filter(notices__trainee__memberships__scheme__code="bristol")
    batch = batches.order_by("-pk").first() or (year and _release_batch(year, emails))
    return {
        "teaching_year_pk": _pk(year),
        "teaching_session_pk": _pk(sessions.filter(kind="national", start__gte=timezone.now()).first()),
        "teaching_regional_pk": _pk(regional),
        "teaching_draft_pk": _pk(TeachingSession.objects.filter(status="draft").first()),
        "teaching_batch_pk": _pk(batch),
        "teaching_placement_pk": _pk(placement),
        "teaching_feed_token": trainee and calendar_token_create(trainee=trainee, by=trainee.user),
    }


def _release_batch(year, emails: dict[str, str]):
    """The regional lead queues the release notice of a Bristol trainee's placement that coincides with the
    year's coming sessions (sent by the background worker, which the benchmark does not run), first giving
    its supervisor when the demo has none, as the lead does on the release notices page."""
    from heft.accounts.models import User
    from heft.teaching.release_selectors import release_overview
    from heft.teaching.release_services import placement_supervisor_correct, release_notices_queue

    lead = User.objects.get(email=emails["regional_lead"])
    tpd = User.objects.get(email=emails["scheme_admin"])
    region = lead.role_assignments.first().region
    rows = sorted(release_overview(tpd, year).rows, key=lambda row: row.supervisor is None)
    if not rows:
        return None
    if rows[0].supervisor is None:
        placement_supervisor_correct(
            placement=rows[0].placement, name="Dr Demo Supervisor",
            email="page-latency-supervisor@heft.invalid", by=lead,
        )  # fmt: skip
    return release_notices_queue(year=year, region=region, placement_ids=[rows[0].placement.pk], by=lead)


def _community_content_values() -> dict[str, object]:
    """A Bristol community group and its meeting, a South West opportunity and testimonial, and South West
    news showing today and a published South West page (which the regional lead manages)."""
    from heft.community.models import CommunityGroup, Opportunity
    from heft.content.models import NewsItem, Page, Testimonial
    from heft.content.selectors import news_showing
    from heft.teaching.models import TeachingSession

    group = CommunityGroup.objects.filter(scheme__code="bristol").order_by("pk").first()
    showing = NewsItem.objects.filter(news_showing()).order_by("-show_from", "-pk")
    news = showing.filter(region__code="south-west").first() or showing.first()
    pages = Page.objects.filter(is_published=True).order_by("pk")
    page = pages.filter(region__code="south-west").first() or pages.first()
    return {
        "community_group_pk": _pk(group),
        "community_meeting_pk": _pk(TeachingSession.objects.filter(community_group=group).first()),
        "community_opportunity_pk": _pk(Opportunity.objects.filter(region__code="south-west").first()),
        "content_news_pk": _pk(news),
        "content_news_slug": news and news.slug,
        "content_page_pk": _pk(page),
        "content_page_slug": page and page.slug,
        "content_testimonial_pk": _pk(Testimonial.objects.filter(region__code="south-west").first()),
    }


# --- the pages ----------------------------------------------------------------------------------------------


def pages_by_role(values: dict) -> tuple[dict[str, list[Timing]], list[str]]:
    """For each role, the GET routes the access matrix shows it (200), with their addresses; and the routes
    no demo record could name."""
    sys.path.insert(0, str(rush.ROOT))
    from django.urls import reverse

    from tests.security.access_matrix import MATRIX
    from tests.security.matrix_rules import ROLES

    pages, unnamed = {role: [] for role in ROLES}, []
    for name, route in MATRIX.items():
        if route.method not in ("", "GET") or 200 not in route.get.values():
            continue  # not read with GET by anyone: a form's POST, or a write of the API
        if any(v not in values for v in route.kwargs.values()):
            unnamed.append(name)
            continue
        url = reverse(name, kwargs={k: values[v] for k, v in route.kwargs.items()})
        for role in ROLES:
            if route.get.get(role) == 200:
                pages[role].append(Timing(name, role, url))
    return pages, unnamed


def sign_in(browser: two_servers.Browser, email: str, staff: bool) -> bool:
    """Through the sign-in form, then the authenticator code for staff (the demo's derived secrets)."""
    from heft.demo.world import DEMO_PASSWORD, demo_totp_code

    token = browser.form_token(0, "/accounts/login/") or ""
    status, headers, _ = browser.post_form(
        0, "/accounts/login/", {"login": email, "password": DEMO_PASSWORD}, token
    )
    if staff:
        path = "/accounts/2fa/authenticate/"
        status, headers, _ = browser.post_form(
            0, path, {"code": demo_totp_code(email)}, browser.form_token(0, path) or ""
        )
    return status == 302 and "/accounts/" not in (headers.get("Location") or "")


def time_pages(settings: Settings, pages: dict[str, list[Timing]]) -> None:
    """Each role signed in once; each of its pages requested `repeats` times, round after round."""
    from heft.accounts.permissions import STAFF_ROLES
    from heft.demo.world import SIGN_IN_BY_ROLE

    for role, timings in pages.items():
        sign_in_ = SIGN_IN_BY_ROLE[role]
        browser = two_servers.Browser([settings.port])
        if not sign_in(browser, sign_in_.email, sign_in_.role in STAFF_ROLES):
            raise RuntimeError(f"Could not sign in as {sign_in_.email}.")
        for timing in timings:  # once first: a first request pays for compiling its templates
            timing.status, _, _ = browser.send(0, "GET", timing.url)
        for _ in range(settings.repeats):
            for timing in timings:
                if timing.status == 200:
                    started = time.perf_counter()
                    browser.send(0, "GET", timing.url)
                    timing.seconds.append(time.perf_counter() - started)


def count_queries(pages: dict[str, list[Timing]]) -> None:
    """Each page's queries, in this process, signed in as the same person (the second request counted, as the
    first of a session writes it)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from heft.accounts.models import User
    from heft.demo.world import SIGN_IN_BY_ROLE

    for role, timings in pages.items():
        client = Client(SERVER_NAME=rush.HOST)
        client.force_login(User.objects.get(email=SIGN_IN_BY_ROLE[role].email))
        for timing in (t for t in timings if t.status == 200):
            client.get(timing.url)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                client.get(timing.url)
            timing.queries = len(queries)


# --- the run ------------------------------------------------------------------------------------------------


def run(settings: Settings) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="heft-page-latency-"))
    environment = two_servers.production_environment(rush_settings(settings), scratch, rate_limit=RATE_LIMIT)
    environment["DATABASE_URL"] = f"{rush.POSTGRES}/{settings.database}"
    load_seconds = None
    if settings.load:
        rush.recreate_database(settings.database)
    two_servers.configure_django(environment)
    two_servers.migrate()
    server = None
    try:
        if settings.load:
            load_seconds = load_demo(settings, environment)
        two_servers.collect_static()
        values = demo_values()
        pages, unnamed = pages_by_role(values)
        server = rush.start_server(
            rush_settings(settings), environment, scratch / "gunicorn.log", None, BOOT_SECONDS
        )
        load_before = rush.load_average()
        started = time.monotonic()
        time_pages(settings, pages)
        elapsed = time.monotonic() - started
        load_after = rush.load_average()
        rush.stop_server(server)
        server = None
        count_queries(pages)
        return {
            "timings": [t for timings in pages.values() for t in timings],
            "unnamed": unnamed,
            "load_seconds": load_seconds,
            "seconds": elapsed,
            "load": (load_before, load_after),
            "machine": rush.machine(),
            "size": size_of_data(),
        }
    finally:
        if server is not None:
            rush.stop_server(server)
        if settings.load:
            rush.drop_database(settings.database)


def rush_settings(settings: Settings) -> rush.Settings:
    return rush.Settings(
        workers=settings.workers, worker_class=settings.worker_class, threads=settings.threads,
        port=settings.port, database=settings.database,
    )  # fmt: skip


def size_of_data() -> dict[str, int]:
    from heft.practices.models import Practice
    from heft.programmes.models import TrainingScheme
    from heft.teaching.models import Attendance
    from heft.trainees.models import Placement, Trainee

    models = {
        "schemes": TrainingScheme,
        "practices": Practice,
        "trainees": Trainee,
        "placements": Placement,
        "attendance": Attendance,
    }
    return {name: model.objects.count() for name, model in models.items()}


# --- the report ---------------------------------------------------------------------------------------------


def report(settings: Settings, results: dict) -> str:
    measured = [t for t in results["timings"] if t.seconds]
    refused = [t for t in results["timings"] if not t.seconds]
    slowest = sorted(measured, key=lambda t: t.percentile(95), reverse=True)
    over = [t for t in measured if t.percentile(95) > TARGET_P95_MS]
    lines = [
        "## Every page's latency",
        "",
        _introduction(settings, results),
        "",
        "| target | result | met |",
        "| --- | --- | --- |",
        f"| every page's p95 under {TARGET_P95_MS} ms | {len(over)} of {len(measured)} pages "
        f"(route and role) over; the slowest p95 {slowest[0].percentile(95):.0f} ms "
        f"({slowest[0].route} as {slowest[0].role}) "
        f"| {'yes' if not over else 'no'} |",
        "",
        f"The slowest {SLOWEST} (p95, then p50, in milliseconds; queries counted in-process):",
        "",
        "| page | role | p50 | p95 | queries |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    lines += [_row(t) for t in slowest[:SLOWEST]]
    lines += ["", *_spread(measured), *_not_measured(refused, results["unnamed"])]
    return "\n".join(lines)


def _introduction(settings: Settings, results: dict) -> str:
    size = ", ".join(f"{n:,} {name}" for name, n in results["size"].items())
    scale = "national" if settings.factor is None else f"national × {settings.factor}"
    loaded = "" if results["load_seconds"] is None else f" (loaded in {results['load_seconds']:.0f} s)"
    return (
        f"Written by `python -m bench.page_latency` on {datetime.date.today():%Y-%m-%d}, on "
        f"{results['machine']}; "
        f"load average (1/5/15 min) {results['load'][0]} before and {results['load'][1]} after. The demo at "
        f"{scale} scale{loaded}: {size}. gunicorn as deployed (deploy/gunicorn.conf.py, {settings.workers} "
        f"{settings.worker_class} workers, production settings via bench/server_settings.py, rate limits "
        f"raised to {RATE_LIMIT:,}) on 127.0.0.1 and a fresh PostgreSQL database on the same 2-core machine, "
        "shared with other work. Each demo sign-in signs in through the forms (password, then the "
        "authenticator code for staff) and requests every GET page and API operation of the access matrix "
        f"its role may see, with real records in its scope (scheme Bristol, region South West), once to warm "
        f"up and then {settings.repeats} times in rounds, one request at a time "
        f"({results['seconds']:.0f} s in all). The app sends no server-timing header: "
        "times are the client's over loopback, the whole response read."
    )


def _row(timing: Timing) -> str:
    queries = "" if timing.queries is None else str(timing.queries)
    return (
        f"| `{timing.route}` | {timing.role} | {timing.percentile(50):.0f} | {timing.percentile(95):.0f} | "
        f"{queries} |"
    )


def _spread(measured: list[Timing]) -> list[str]:
    p95s = sorted(t.percentile(95) for t in measured)
    queries = sorted(t.queries for t in measured if t.queries is not None)
    return [
        f"Over all {len(measured)} pages: p95 median {rush.percentile(p95s, 50):.0f} ms, 90th percentile "
        f"{rush.percentile(p95s, 90):.0f} ms; queries per page median {rush.percentile(queries, 50)}, "
        f"most {queries[-1]}.",
    ]


def _not_measured(refused: list[Timing], unnamed: list[str]) -> list[str]:
    lines = []
    if refused:
        shown = ", ".join(f"`{t.route}` as {t.role} ({t.status})" for t in refused)
        lines += ["", f"Not timed, as they did not answer 200 with the demo's records: {shown}."]
    if unnamed:
        lines += [
            "",
            f"Not timed, as no demo record names their address: {', '.join(f'`{n}`' for n in unnamed)}.",
        ]
    return lines


def parse_args(argv: list[str] | None) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of national size, 3 requests a page")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database a load left (no load, no drop)"
    )
    parser.add_argument("--port", type=int, default=Settings.port)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else Settings.repeats)
    factor = 0.1 if args.quick else None
    return Settings(repeats=repeats, factor=factor, load=not args.keep, port=args.port), args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse_args(argv)
    results = run(settings)
    markdown = report(settings, results)
    print(markdown)
    if not args.no_report:
        write_section("page-latency", markdown, path=str(rush.ROOT / "docs" / "benchmarks.md"))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heft.settings")
    sys.exit(main())
