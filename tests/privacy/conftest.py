"""A trainee with at least one record of every kind HEFT Hub keeps about a person."""

import datetime
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from heft.accounts.models import ApiToken, Invitation, Role, hash_token
from heft.audit.services import audit_record
from heft.community.models import (
    CareerOutcome,
    CommunityGroup,
    CommunityProfile,
    ExpressionOfInterest,
    GroupMember,
    GroupNote,
    InterestArea,
    Mentor,
    Opportunity,
)
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.teaching.models import (
    Attendance,
    CalendarFeedToken,
    Feedback,
    PlacementSupervisor,
    Reflection,
    ReleaseNotice,
    ReminderSent,
    TeachingSession,
    TeachingYear,
)
from heft.trainees.models import Interruption, LtftChange
from tests import factories as f
from tests.conftest import give_totp

HOUR = datetime.timedelta(hours=1)


@dataclass
class Records:
    """What was made for one trainee, for tests to look for (and for other trainees' tests to miss)."""

    trainee: object
    session: TeachingSession
    window: PreferenceWindow
    opportunity: Opportunity
    reflection_text: str
    note_text: str


def _session(year, start, title) -> TeachingSession:
    return TeachingSession.objects.create(
        year=year,
        kind="national",
        title=title,
        topic="Inclusion health",
        start=start,
        end=start + 2 * HOUR,
        status="published",
        published_at=start - 30 * 24 * HOUR,
    )


def give_every_kind_of_record(trainee, *, at: datetime.datetime, tag: str) -> Records:
    """One or more records of every kind for `trainee` (who needs a sign-in account), around `at`.

    `tag` goes into free text so that tests can tell one trainee's records from another's.
    """
    user, membership = trainee.user, trainee.memberships.get()
    day = timezone.localtime(at).date()
    placement = f.PlacementFactory(
        membership=membership, start_date=day, end_date=day + datetime.timedelta(180)
    )
    PlacementSupervisor.objects.create(
        placement=placement, name=f"Supervisor {tag}", email=f"sup-{tag}@example.org"
    )
    Interruption.objects.create(membership=membership, kind="sick", start_date=day, notes=f"Sick note {tag}")
    LtftChange.objects.create(membership=membership, wte="0.8", start_date=day, requested_on=day)
    year, _ = TeachingYear.objects.get_or_create(
        label=f"{day.year}",
        defaults={"start": day - datetime.timedelta(30), "end": day + datetime.timedelta(300)},
    )
    session = _session(year, at, f"Session {tag}")
    session.leads.add(user)
    Attendance.objects.create(
        session=session, trainee=trainee, status="attended", source="check_in", recorded_by=user
    )
    reflection_text = f"Reflection {tag}"
    Reflection.objects.create(session=session, trainee=trainee, text=reflection_text)
    Feedback.objects.create(session=session, trainee=trainee, rating=4, what_worked=f"Worked {tag}")
    ReminderSent.objects.create(session=session, trainee=trainee)
    ReleaseNotice.objects.create(
        trainee=trainee,
        placement=placement,
        supervisor_name=f"Supervisor {tag}",
        supervisor_email=f"sup-{tag}@example.org",
        sessions=[{"title": session.title}],
        sent_by=user,
    )
    CalendarFeedToken.objects.create(trainee=trainee, token_hash=hash_token(f"feed-{tag}"))
    window = PreferenceWindow.objects.create(
        scheme=membership.scheme, intake=membership.intake, opens_at=at - 48 * HOUR, closes_at=at - 24 * HOUR
    )
    rotation = f.SlotFactory(rotation__scheme=membership.scheme).rotation
    PreferenceList.objects.create(window=window, trainee=trainee, status="submitted", version=1)
    Preference.objects.create(window=window, trainee=trainee, rotation=rotation, rank=1)
    run = AllocationRun.objects.create(
        window=window,
        mechanism="serial_dictatorship",
        engine_version="test",
        input_snapshot={},
        input_digest="0" * 64,
        assignments={str(trainee.pk): rotation.code},
        metrics={},
        explanations={},
        created_by=f.UserFactory(),
    )
    Offer.objects.create(window=window, run=run, trainee=trainee, rotation=rotation, respond_by=at)
    mentor = f.MentorFactory(region=membership.scheme.region)
    f.MentorAssignmentFactory(mentor=mentor, trainee=trainee, start_date=day)
    group = CommunityGroup.objects.create(region=membership.scheme.region, name=f"Group {tag}", lead=mentor)
    GroupMember.objects.create(group=group, trainee=trainee, reason=f"Placed {tag}")
    note_text = f"Note {tag}"
    GroupNote.objects.create(group=group, author=user, text=note_text)
    opportunity = Opportunity.objects.create(
        region=membership.scheme.region,
        kind="other",
        title=f"Opportunity {tag}",
        organisation="Fictional Health Centre",
        description="A post",
        closes_on=day,
    )
    ExpressionOfInterest.objects.create(opportunity=opportunity, trainee=trainee, message=f"Message {tag}")
    CareerOutcome.objects.create(trainee=trainee, as_at=day, role="salaried", notes=f"Outcome {tag}")
    interest, _ = InterestArea.objects.get_or_create(
        code="homelessness", defaults={"name": "Homelessness", "group": "inclusion"}
    )
    profile = CommunityProfile.objects.create(user=user, listed=True, listed_since=at, about=f"About {tag}")
    profile.interests.add(interest)
    Mentor.objects.create(user=user, kind="pcn_lead", region=membership.scheme.region)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    give_totp(user)
    ApiToken.objects.create(user=user, name=f"Token {tag}", token_hash=hash_token(f"api-{tag}"))
    Invitation.objects.create(
        user=user,
        role=Role.TRAINEE,
        nonce=f"nonce-{tag}",
        sent_at=at,
        expires_at=at + 7 * 24 * HOUR,
        accepted_at=at,
    )
    with transaction.atomic():
        audit_record(by=user, verb="test.did", target=trainee, after={"tag": tag})
        audit_record(by=run.created_by, verb="test.changed", target=placement, after={"tag": tag})
    return Records(trainee, session, window, opportunity, reflection_text, note_text)


@pytest.fixture
def records_a(world) -> Records:
    """Trainee A (signed in as world.user("trainee")) with every kind of record."""
    return give_every_kind_of_record(world.trainee_a, at=timezone.now() - 24 * HOUR, tag="alpha")


@pytest.fixture
def records_b(world) -> Records:
    """Trainee B (region B) with every kind of record, and an account of their own."""
    trainee = world.trainee_b
    trainee.user = f.RoleFactory(role=Role.TRAINEE).user
    trainee.save()
    return give_every_kind_of_record(trainee, at=timezone.now() - 24 * HOUR, tag="bravo")
