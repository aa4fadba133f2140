"""Something for every role's home page to show, on top of the `world` fixture (every role scoped to region
A, the scheme administrator to scheme A): dates are relative to now, so the pages read the same any day."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from heft.community.models import CommunityGroup
from heft.practices.models import DataImport, DeepEndRuleApplication, Practice
from heft.preferencing.models import AllocationRun, Offer, PreferenceList, PreferenceWindow
from heft.programmes.selectors import current_intake, next_intake
from heft.teaching.models import Attendance, TeachingSession, TeachingYear
from heft.trainees.models import Interruption, LtftChange, ProgrammeMembership
from tests import factories as f
from tests.content.factories import PageFactory
from tests.trainees.conftest import rotation_placements  # noqa: F401  (trainee A's three years, for the record page)

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@dataclass
class Home:
    world: object
    window_a: PreferenceWindow  # open, scheme A: trainee A ranked nothing, A4 saved a draft, A2 submitted
    window_a2: PreferenceWindow  # open, scheme A2 (region A, not the scheme administrator's)
    window_b: PreferenceWindow  # open, scheme B (region B)
    offer: Offer  # to trainee A, waiting for a reply
    trainee_a3: object  # scheme A2
    trainee_a4: object  # scheme A
    session_now: TeachingSession  # national, under way, online
    session_past: TeachingSession  # national, last week: trainee A attended, no reflection
    session_to_register: TeachingSession  # region A, ended an hour ago, led by the educator, no register
    draft_page: object
    scheme_a2: object


def window(scheme, intake, *, closes_in=3 * DAY):
    now = timezone.now()
    return PreferenceWindow.objects.create(
        scheme=scheme, intake=intake, opens_at=now - 7 * DAY, closes_at=now + closes_in
    )


def session(year, *, title, start, kind="national", region=None, **fields):
    return TeachingSession.objects.create(
        year=year, kind=kind, region=region, title=title, topic=title, start=start, end=start + 2 * HOUR,
        status="published", published_at=timezone.now() - 30 * DAY, **fields,
    )  # fmt: skip


@pytest.fixture
def home(world) -> Home:
    now = timezone.now()
    today = timezone.localdate()
    intake = current_intake(today)
    ProgrammeMembership.objects.update(intake=intake)
    scheme_a2 = f.SchemeFactory(code="scheme-a2", name="Scheme A2", region=world.region_a)
    trainee_a3 = f.MembershipFactory(scheme=scheme_a2, intake=intake).trainee
    trainee_a4 = f.MembershipFactory(scheme=world.scheme_a, intake=intake).trainee
    window_a = window(world.scheme_a, intake)
    PreferenceList.objects.create(window=window_a, trainee=world.trainee_a2, status="submitted")
    PreferenceList.objects.create(window=window_a, trainee=trainee_a4, status="draft")
    closed = window(world.scheme_a, intake, closes_in=-DAY)
    run = AllocationRun.objects.create(
        window=closed, mechanism="serial-dictatorship", engine_version="test", input_snapshot={},
        input_digest="0" * 64, assignments={}, metrics={}, explanations={}, status="published",
        created_by=world.user("national_admin"),
    )  # fmt: skip
    rotation = f.SlotFactory(
        rotation__scheme=world.scheme_a, rotation__intake=intake, rotation__name="Riverside HEFT rotation"
    ).rotation  # one six-month post: the checks warn of the months with no post
    offer = Offer.objects.create(
        window=closed, run=run, trainee=world.trainee_a, rotation=rotation, respond_by=now + 2 * DAY
    )
    f.SlotFactory(rotation__scheme=scheme_a2, rotation__intake=next_intake(today))

    membership_a = world.trainee_a.memberships.get()
    LtftChange.objects.create(
        membership=membership_a, wte="0.8", start_date=today + 120 * DAY, requested_on=today, status="applied"
    )
    membership_a2 = world.trainee_a2.memberships.get()
    membership_a2.status = ProgrammeMembership.Status.INTERRUPTED
    membership_a2.save()
    Interruption.objects.create(
        membership=membership_a2, kind=Interruption.Kind.PARENTAL, start_date=today - 60 * DAY,
        end_date=today + 30 * DAY,
    )  # fmt: skip

    year = TeachingYear.objects.create(label="2026/27 (test)", start=today - 100 * DAY, end=today + 250 * DAY)
    session_now = session(
        year, title="Inclusion health now", start=now - HOUR, online_link="https://meet.heft.invalid/now"
    )
    session_past = session(year, title="Street drugs", start=now - 7 * DAY)
    Attendance.objects.create(
        session=session_past, trainee=world.trainee_a, status="attended", source="register"
    )
    session_to_register = session(
        year, title="Region A case review", start=now - 3 * HOUR, kind="regional", region=world.region_a
    )
    session_to_register.leads.add(world.user("educator"))
    TeachingSession.objects.create(
        year=year, kind="regional", region=world.region_a, title="Region A draft", topic="Draft",
        start=now + 20 * DAY, end=now + 20 * DAY + 2 * HOUR,
    )  # fmt: skip
    f.PlacementFactory(membership=membership_a, start_date=today - 30 * DAY, end_date=today + 150 * DAY)

    mentor = world.user("mentor").mentor
    group = CommunityGroup.objects.create(region=world.region_a, name="Riverside group", lead=mentor)
    TeachingSession.objects.create(
        year=year, kind="community", community_group=group, title="Riverside meeting", topic="Meeting",
        start=now + 5 * DAY, end=now + 5 * DAY + HOUR, status="published", published_at=now,
    )  # fmt: skip

    draft_page = PageFactory(title="Region A draft page", region=world.region_a, is_published=False)
    _national_data(world, now)
    return Home(
        world, window_a, window(scheme_a2, intake), window(world.scheme_b, intake), offer, trainee_a3,
        trainee_a4, session_now, session_past, session_to_register, draft_page, scheme_a2,
    )  # fmt: skip


def _national_data(world, now):
    """ODS data loaded 200 days ago (out of date), a Fingertips file refused, the Deep End rule applied 30
    days ago and patients by LSOA loaded since; a practice the NHS closed still holds a post."""
    common = {"checksum": "0" * 64, "size": 1, "by_label": "national-admin@example.org"}
    DataImport.objects.create(
        source="epraccur", status="loaded", file_name="epraccur.csv", vintage="ODS, 200 days ago",
        finished_at=now - 200 * DAY, **common,
    )  # fmt: skip
    DataImport.objects.create(source="fingertips", status="refused", file_name="wrong.csv", **common)
    DeepEndRuleApplication.objects.create(
        measure="share_15", method="decile", description="Lowest decile by share in the most deprived 15%",
        data_vintage="Patients by LSOA, last quarter", status="applied", finished_at=now - 30 * DAY,
        by_label="national-admin@example.org",
    )  # fmt: skip
    DataImport.objects.create(
        source="lsoa_patients", status="loaded", file_name="lsoa.csv", vintage="This quarter",
        finished_at=now - DAY, **common,
    )  # fmt: skip
    closed = f.PracticeFactory(name="Closed Lane Surgery", status=Practice.Status.CLOSED, imd_decile=2)
    f.PostFactory(scheme=world.scheme_a, practice=closed)
