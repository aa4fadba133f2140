"""Sessions of kind "community" (community of practice meetings) in the teaching app: the database rules,
who they are for, the single-session service, and planning, attendance reports and release notices that
leave them alone or take them in."""

import datetime

import holidays
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from heft.audit.models import AuditEvent
from heft.community.models import CommunityGroup, GroupMember
from heft.teaching import selectors
from heft.teaching.models import Attendance, TeachingSession
from heft.teaching.services import session_create, session_update
from tests import factories as f
from tests.teaching.conftest import HOUR, make_session
from tests.teaching.test_planning import NATIONAL, region_url
from tests.teaching.test_timetable_2026_27 import PLAN, REGIONAL_PLAN

WEEK = 7 * 24 * HOUR


@pytest.fixture
def group_a(world):
    """Region A's group, led by the world's mentor, with trainee_a in it."""
    group = CommunityGroup.objects.create(
        region=world.region_a, scheme=world.scheme_a, name="Group A", lead=world.user("mentor").mentor
    )
    GroupMember.objects.create(group=group, trainee=world.trainee_a)
    return group


@pytest.fixture
def group_b(world):
    group = CommunityGroup.objects.create(region=world.region_b, scheme=world.scheme_b, name="Group B")
    GroupMember.objects.create(group=group, trainee=world.trainee_b)
    return group


def meeting(year, group, start, **fields):
    return make_session(
        year, kind="community", community_group=group, start=start, title=f"{group.name}: Meeting", **fields
    )


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        TeachingSession.objects.create(**fields)


def test_the_database_keeps_a_community_session_to_its_group(world, teaching, group_a):
    base = {"year": teaching.year, "title": "T", "topic": "T", "start": teaching.future.start}
    end = teaching.future.end
    refused(**base, end=end, kind="community")  # a community session needs its group
    refused(**base, end=end, kind="national", community_group=group_a)  # other kinds have none
    refused(**base, end=end, kind="regional", region=world.region_a, community_group=group_a)
    refused(**base, end=end, kind="community", community_group=group_a, region=world.region_a)
    refused(**base, end=end, kind="meeting", community_group=group_a)  # an unknown kind
    TeachingSession.objects.create(**base, end=end, kind="community", community_group=group_a)


def test_a_community_session_is_for_its_groups_current_members_only(world, teaching, group_a, group_b):
    mine = meeting(teaching.year, group_a, teaching.future.start + 4 * HOUR)
    theirs = meeting(teaching.year, group_b, teaching.future.start + 4 * HOUR)
    assert set(selectors.trainees_for_session(mine)) == {world.trainee_a}
    assert set(selectors.trainees_for_session(theirs)) == {world.trainee_b}
    own = set(selectors.sessions_for_trainee(world.trainee_a))
    assert mine in own
    assert theirs not in own
    assert teaching.future in own
    assert teaching.regional_a in own
    assert mine not in set(selectors.sessions_for_trainee(world.trainee_a2))  # same region, no group
    GroupMember.objects.filter(trainee=world.trainee_a).update(left_at=timezone.now())
    assert mine not in set(selectors.sessions_for_trainee(world.trainee_a))
    assert not selectors.trainees_for_session(mine).exists()


def test_staff_reach_a_groups_meetings_through_its_region(world, teaching, group_a, group_b):
    mine = meeting(teaching.year, group_a, teaching.future.start + 4 * HOUR)
    theirs = meeting(teaching.year, group_b, teaching.future.start + 4 * HOUR)
    for role in ("regional_lead", "scheme_admin", "educator"):
        runnable = set(selectors.sessions_runnable_by(world.user(role)))
        assert mine in runnable, role
        assert theirs not in runnable, role
    assert {mine, theirs} <= set(selectors.sessions_runnable_by(world.user("national_admin")))
    assert not selectors.sessions_visible_to(world.user("mentor")).exists()  # no teaching pages for mentors
    assert theirs not in set(selectors.sessions_visible_to(world.user("regional_lead")))


def test_the_single_session_service_makes_audited_drafts_for_planners(world, teaching):
    lead = world.user("regional_lead")
    start = teaching.future.start + 24 * HOUR
    session = session_create(
        kind="regional", region=world.region_a, title="Extra session", topic="Housing", start=start,
        end=start + 2 * HOUR, venue="Room 3", by=lead,
    )  # fmt: skip
    assert (session.status, session.year, session.published_at) == ("draft", teaching.year, None)
    assert AuditEvent.objects.get(verb="teaching_session.created").target_id == str(session.pk)
    with pytest.raises(PermissionDenied):  # a regional lead does not add national sessions
        session_create(kind="national", title="N", topic="N", start=start, end=start + HOUR, by=lead)
    with pytest.raises(ValidationError, match="No teaching year covers"):
        late = timezone.now() + 400 * 24 * HOUR
        session_create(
            kind="regional", region=world.region_a, title="R", topic="R", start=late, end=late + HOUR, by=lead
        )
    years = range(teaching.year.start.year, teaching.year.end.year + 1)
    bank_holiday = min(
        d for d in holidays.country_holidays("GB", subdiv="ENG", years=years) if d >= teaching.year.start
    )
    on_it = datetime.datetime.combine(bank_holiday, datetime.time(14), datetime.UTC)
    with pytest.raises(ValidationError, match="blackout"):
        session_create(
            kind="regional",
            region=world.region_a,
            title="R",
            topic="R",
            start=on_it,
            end=on_it + HOUR,
            by=lead,
        )


def test_a_meeting_moves_into_the_teaching_year_of_its_new_date(world, teaching, group_a):
    next_year = type(teaching.year).objects.create(
        label="next", start=teaching.year.end + datetime.timedelta(days=1),
        end=teaching.year.end + datetime.timedelta(days=365),
    )  # fmt: skip
    session = meeting(teaching.year, group_a, teaching.future.start)
    later = datetime.datetime.combine(
        next_year.start + datetime.timedelta(days=7), datetime.time(18), datetime.UTC
    )
    session_update(session=session, start=later, end=later + HOUR, by=world.user("mentor"))
    session.refresh_from_db()
    assert session.year == next_year
    assert session.sequence == 1
    event = AuditEvent.objects.get(verb="teaching_session.updated")
    assert (event.before["year"], event.after["year"]) == (teaching.year.pk, next_year.pk)
    regional = teaching.regional_a  # a planned session stays in its year
    with pytest.raises(ValidationError, match="teaching year"):
        session_update(session=regional, start=later, end=later + HOUR, by=world.user("regional_lead"))


def test_planning_neither_replaces_nor_counts_community_meetings(client_for, world, group_a):
    admin = client_for("national_admin")
    admin.post(NATIONAL, {**PLAN, "action": "save"})
    year = TeachingSession.objects.first().year
    start = datetime.datetime(2026, 10, 7, 17, 30, tzinfo=datetime.UTC)
    kept = meeting(year, group_a, start)
    admin.post(NATIONAL, {**PLAN, "topics": "Only one topic", "action": "save"})  # replaces the drafts
    lead = client_for("regional_lead")
    assert (
        lead.post(region_url(world), {**REGIONAL_PLAN, "year": year.pk, "action": "save"}).status_code == 302
    )
    assert TeachingSession.objects.filter(pk=kept.pk).exists()
    assert TeachingSession.objects.filter(kind="national").count() == 1
    assert all(
        kept.pk not in e.after["replaced_drafts"] for e in AuditEvent.objects.filter(verb="timetable.planned")
    )
    national_page = admin.get(reverse("teaching:plan_list"), {"year": year.pk}).content.decode()
    assert "Publish 2 draft sessions" in national_page  # the national session and the conference
    assert kept.title not in national_page
    assert kept.title not in lead.get(reverse("teaching:plan_list")).content.decode()
    # Publishing the region's drafts leaves the meeting as it was.
    lead.post(reverse("teaching:publish_drafts"), {"year": year.pk, "region": world.region_a.code})
    kept_after = TeachingSession.objects.get(pk=kept.pk)
    assert (kept_after.status, kept_after.published_at) == (kept.status, kept.published_at)


def test_attendance_reports_and_charts_take_community_meetings_in(client_for, world, teaching, group_a):
    held = meeting(teaching.year, group_a, teaching.past.start + 4 * HOUR, topic="Continuity")
    Attendance.objects.create(session=held, trainee=world.trainee_a, status="attended", source="check_in")
    Attendance.objects.create(
        session=teaching.past, trainee=world.trainee_a, status="absent", source="register"
    )
    admin = client_for("national_admin")
    for by in ("session", "region", "trainee"):
        page = admin.get(reverse("teaching:attendance"), {"by": by})
        chart = admin.get(reverse("teaching:attendance_chart"), {"by": by})
        assert page.status_code == 200
        assert chart["Content-Type"] == "image/svg+xml"
    by_session = admin.get(reverse("teaching:attendance")).content.decode()
    assert "Group A: Meeting" in by_session
    by_region = admin.get(reverse("teaching:attendance"), {"by": "region"}).content.decode()
    assert "Region A" in by_region
    assert "50%" in by_region  # one of two
    trainee_page = admin.get(
        reverse("teaching:trainee_attendance", kwargs={"trainee_id": world.trainee_a.pk})
    )
    assert "Group A: Meeting" in trainee_page.content.decode()


def test_release_notices_leave_community_meetings_out(client_for, world, teaching, group_a):
    today = timezone.localdate()
    f.PlacementFactory(
        membership=world.trainee_a.memberships.get(),
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
    )
    coming = meeting(teaching.year, group_a, teaching.future.start + 4 * HOUR)
    assert coming in set(selectors.sessions_for_trainee(world.trainee_a))
    page = client_for("trainee").get(reverse("teaching:release_notice")).content.decode()
    assert teaching.future.title in page
    assert coming.title not in page


def test_the_teaching_home_lists_the_trainees_meetings_but_not_among_sessions_to_run(
    client_for, world, teaching, group_a
):
    coming = meeting(teaching.year, group_a, teaching.future.start + 4 * HOUR)
    assert coming.title in client_for("trainee").get(reverse("teaching:home")).content.decode()
    educator = client_for("educator").get(reverse("teaching:home")).content.decode()
    assert teaching.regional_a.title in educator
    assert coming.title not in educator
