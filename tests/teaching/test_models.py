"""Database rules and who a session is for."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from heft.teaching import selectors
from heft.teaching.models import Attendance, CalendarFeedToken, Feedback, TeachingSession
from heft.trainees.models import ProgrammeMembership
from tests import factories as f
from tests.teaching.conftest import make_session


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        TeachingSession.objects.create(**fields)


def test_the_database_refuses_inconsistent_sessions(world, teaching):
    base = {"year": teaching.year, "title": "T", "topic": "T", "start": teaching.future.start}
    end = teaching.future.end
    refused(**base, kind="regional", end=end)  # a regional session needs a region
    refused(**base, kind="national", region=world.region_a, end=end)
    refused(**base, kind="national", end=base["start"])  # ends when it starts
    refused(**base, kind="webinar", end=end)
    refused(**base, kind="national", end=end, status="published")  # published without a date


def test_the_database_refuses_duplicates_and_bad_ratings(world, teaching):
    Attendance.objects.create(
        session=teaching.past, trainee=world.trainee_a, status="attended", source="register"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            session=teaching.past, trainee=world.trainee_a, status="absent", source="register"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(session=teaching.past, trainee=world.trainee_a, rating=6)
    CalendarFeedToken.objects.create(trainee=world.trainee_a, token_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeedToken.objects.create(trainee=world.trainee_a, token_hash="b" * 64)


def test_who_a_regional_session_is_for(world, teaching):
    enrolment_only = f.MembershipFactory(
        scheme=world.scheme_a, heft_mode=ProgrammeMembership.HeftMode.ENROLMENT_ONLY
    )
    not_heft = f.MembershipFactory(scheme=world.scheme_a, heft_mode=ProgrammeMembership.HeftMode.NONE)
    withdrawn = f.MembershipFactory(scheme=world.scheme_a, status=ProgrammeMembership.Status.WITHDRAWN)
    trainees = set(selectors.trainees_for_session(teaching.regional_a))
    assert {world.trainee_a, world.trainee_a2, enrolment_only.trainee} == trainees
    assert not {not_heft.trainee, withdrawn.trainee, world.trainee_b} & trainees
    national = set(selectors.trainees_for_session(teaching.future))
    assert world.trainee_b in national
    assert not_heft.trainee not in national


def test_the_current_membership_decides_the_region(world, teaching):
    # trainee_a moves to scheme B (region B) with a later membership.
    f.MembershipFactory(
        trainee=world.trainee_a, scheme=world.scheme_b, intake="2027-08", start_date=datetime.date(2027, 8, 4)
    )
    sessions = set(selectors.sessions_for_trainee(world.trainee_a))
    assert teaching.regional_b in sessions
    assert teaching.regional_a not in sessions


def test_drafts_are_for_nobody(world, teaching):
    assert teaching.draft not in selectors.sessions_for_trainee(world.trainee_a)
    assert (
        make_session(teaching.year, start=teaching.future.start, status="draft")
        not in selectors.public_sessions()
    )
