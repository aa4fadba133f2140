"""Demo teaching: the 2026/27 national programme and conference, planned by the timetable engine, and the
East of England and South West regional sessions planned around it, all published; attendance, feedback and
reflections for the sessions already past.

Sessions are keyed by year, kind, region and start, so loading again changes nothing; attendance is added
for sessions that have ended since the last load. Joining links use the reserved domain heft.invalid.
Community of practice meetings are sessions too, made with their groups (heft/demo/community.py), which
also records who checked in to them.
"""

import datetime
from collections import OrderedDict
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from heft.accounts.models import Role
from heft.demo.world import SIGN_IN_BY_ROLE, sync_rows
from heft.engines.timetable import parse_spec, plan_national, plan_regional
from heft.teaching.models import (
    Attendance,
    Feedback,
    Reflection,
    TeachingSession,
    TeachingYear,
    TimetablePlan,
)
from heft.teaching.selectors import trainees_for_session

LONDON = ZoneInfo("Europe/London")
PUBLISHED_AT = datetime.datetime(2026, 7, 1, 9, tzinfo=LONDON)
TOPICS = [
    "Introduction to Health Inequalities",
    "Women's Health",
    "Street Drugs",
    "Gypsies & Traveller Health",
    "Cardiovascular Health",
    "Surviving & Thriving",
]
NATIONAL_SPEC = {
    "academic_year": {"start": "2026-08-05", "end": "2027-08-03"},
    "national": {"weekday": "thursday", "start": "14:00", "end": "16:00", "topics": TOPICS},
    "conference": {
        "date": "2027-06-17",
        "end_date": "2027-06-18",
        "title": "HEFT annual conference",
        "venue": "Demo Conference Centre, Birmingham",
    },
    "blackouts": [{"from": "2026-12-21", "to": "2027-01-01", "reason": "Christmas break"}],
    "bank_holidays": "england",
}
REGIONS = {
    "east-of-england": {"every_weeks": 8, "blackouts": []},
    "south-west": {
        "every_weeks": 8,
        "blackouts": [{"from": "2027-03-15", "to": "2027-03-19", "reason": "regional training week"}],
    },
}
STATUS_WEIGHTS = OrderedDict([("attended", 0.78), ("apologies", 0.14), ("absent", 0.08)])
WORKED = [
    "Hearing from people with lived experience",
    "Small-group discussion",
    "Practical examples from clinics",
]
CHANGE = ["More time for questions", "Share the slides beforehand", "Shorter talks, more discussion"]


def build_timetable(fake, world) -> None:
    spec = parse_spec(NATIONAL_SPEC)
    year, _ = TeachingYear.objects.update_or_create(
        start=spec.year_start, defaults={"label": "2026/27", "end": spec.year_end}
    )
    national = plan_national(spec)
    _save(year, None, NATIONAL_SPEC, national)
    educator = world.users.get(SIGN_IN_BY_ROLE[Role.EDUCATOR].email)
    for code, settings in REGIONS.items():
        region = world.regions[code]
        region_spec = {
            **{key: value for key, value in NATIONAL_SPEC.items() if key != "conference"},
            "regional": {"name": region.name, "every_weeks": settings["every_weeks"]},
            "blackouts": settings["blackouts"],
        }
        result = plan_regional(parse_spec(region_spec), national.sessions)
        sessions = _save(year, region, region_spec, result)
        if educator and code == SIGN_IN_BY_ROLE[Role.EDUCATOR].region_code:
            for session in sessions:
                session.leads.add(educator)


def _save(year, region, spec_data, result) -> list[TeachingSession]:
    kinds = {"national": TeachingSession.Kind.NATIONAL, "regional": TeachingSession.Kind.REGIONAL}
    rows = []
    for s in result.sessions:
        kind = kinds.get(s.kind, TeachingSession.Kind.CONFERENCE)
        slug = s.topic.lower().replace(" ", "-").replace("&", "and").replace("'", "")[:40]
        rows.append(
            {
                "year_id": year.pk,
                "kind": kind,
                "region_id": region.pk if kind == TeachingSession.Kind.REGIONAL else None,
                "start": s.start,
                "end": s.end,
                "title": s.title,
                "topic": s.topic,
                "venue": s.venue,
                "online_link": ""
                if s.venue
                else f"https://meet.heft.invalid/{region.code if region else 'national'}/{slug}",
                "status": TeachingSession.Status.PUBLISHED,
                "published_at": PUBLISHED_AT,
            }
        )
    saved = sync_rows(TeachingSession, ("year_id", "kind", "region_id", "start"), rows)
    sync_rows(
        TimetablePlan,
        ("year_id", "region_id"),
        [
            {
                "year_id": year.pk,
                "region_id": region.pk if region else None,
                "spec": spec_data,
                "warnings": [w.to_dict() for w in result.warnings],
            }
        ],
    )
    return list(saved.values())


def build_attendance(fake, world) -> None:
    """Registers for the sessions already over, some feedback, and the demo trainee's reflections."""
    now = timezone.now()
    educator = world.users.get(SIGN_IN_BY_ROLE[Role.EDUCATOR].email)
    demo_trainee_email = SIGN_IN_BY_ROLE[Role.TRAINEE].email
    # The demo's own year, national sessions and regions, and trainees: national-size data (national.py)
    # records its own.
    past = (
        TeachingSession.objects.filter(
            status=TeachingSession.Status.PUBLISHED,
            end__lt=now,
            year__start=parse_spec(NATIONAL_SPEC).year_start,
        )
        .filter(Q(region__isnull=True) | Q(region__code__in=REGIONS))
        .exclude(kind=TeachingSession.Kind.COMMUNITY)
        .order_by("start")
    )
    demo_gmc_numbers = set(world.trainees)
    attendance, feedback, reflections = [], [], []
    for session in past:
        for trainee in trainees_for_session(session):
            if trainee.gmc_number not in demo_gmc_numbers:
                continue
            status = fake.random_element(STATUS_WEIGHTS)
            if trainee.email == demo_trainee_email:
                status = "attended"
            attendance.append(
                {
                    "session_id": session.pk,
                    "trainee_id": trainee.pk,
                    "status": status,
                    "source": "register",
                    "recorded_by_id": educator.pk if educator else None,
                }
            )
            if status == "attended" and fake.random_int(0, 2) == 0:
                feedback.append(
                    {
                        "session_id": session.pk,
                        "trainee_id": trainee.pk,
                        "rating": fake.random_element([3, 4, 4, 5, 5]),
                        "what_worked": fake.random_element(WORKED),
                        "what_to_change": fake.random_element(CHANGE),
                    }
                )
            if status == "attended" and trainee.email == demo_trainee_email:
                reflections.append(
                    {
                        "session_id": session.pk,
                        "trainee_id": trainee.pk,
                        "text": f"What I take from {session.topic}: {fake.sentence(nb_words=14)}",
                    }
                )
    sync_rows(Attendance, ("session_id", "trainee_id"), attendance)
    sync_rows(Feedback, ("session_id", "trainee_id"), feedback)
    sync_rows(Reflection, ("session_id", "trainee_id"), reflections)


STEPS = [
    ("Teaching timetable 2026/27", build_timetable),
    ("Teaching attendance and reflections", build_attendance),
]
MODELS = (TeachingYear, TeachingSession, TimetablePlan, Attendance, Feedback, Reflection)
