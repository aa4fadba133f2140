"""A year of teaching on top of the `world` fixture: region A (trainee_a signs in) and region B."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from heft.teaching.models import TeachingSession, TeachingYear

HOUR = datetime.timedelta(hours=1)


def make_session(year, *, kind="national", region=None, start, hours=2, status="published", **fields):
    published = status != "draft"
    defaults = {"title": f"{kind.capitalize()} session", "topic": "Women's Health"}
    return TeachingSession.objects.create(
        year=year,
        kind=kind,
        region=region,
        start=start,
        end=start + hours * HOUR,
        status=status,
        published_at=timezone.now() - 30 * 24 * HOUR if published else None,
        **{**defaults, **fields},
    )


@dataclass
class Teaching:
    year: TeachingYear
    past: TeachingSession  # national, last week
    now: TeachingSession  # national, under way
    future: TeachingSession  # national, next week
    regional_a: TeachingSession  # region A, next week
    regional_b: TeachingSession  # region B, next week
    conference: TeachingSession
    draft: TeachingSession  # region A, not published


@pytest.fixture
def teaching(world) -> Teaching:
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    year = TeachingYear.objects.create(
        label="test", start=today - datetime.timedelta(days=120), end=today + datetime.timedelta(days=240)
    )
    week = 7 * 24 * HOUR
    return Teaching(
        year=year,
        past=make_session(
            year, start=now - week, topic="Street Drugs", title="National session: Street Drugs"
        ),
        now=make_session(
            year,
            start=now - HOUR / 2,
            topic="Women's Health",
            title="National session: Women's Health",
            online_link="https://meet.heft.invalid/now",
        ),
        future=make_session(
            year, start=now + week, topic="Cardiovascular Health", title="National session: CVD"
        ),
        regional_a=make_session(
            year,
            kind="regional",
            region=world.region_a,
            start=now + week + 24 * HOUR,
            title="Region A session",
        ),
        regional_b=make_session(
            year,
            kind="regional",
            region=world.region_b,
            start=now + week + 24 * HOUR,
            title="Region B session",
        ),
        conference=make_session(year, kind="conference", start=now + 3 * week, hours=8, title="Conference"),
        draft=make_session(
            year, kind="regional", region=world.region_a, start=now + 2 * week, status="draft"
        ),
    )


@pytest.fixture
def before_2026_27(monkeypatch):
    """Plan as on 1 July 2026, before the 2026/27 year began: what has begun is never planned again."""
    moment = datetime.datetime(2026, 7, 1, 9, tzinfo=datetime.UTC)
    monkeypatch.setattr("heft.teaching.planning.planning_now", lambda: moment)
    return moment
