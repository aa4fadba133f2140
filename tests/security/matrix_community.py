"""The records named in the community routes' addresses in the access matrix (see access_matrix.py): a group
in scheme A led by the world's mentor with trainee A in it and a meeting (a teaching session of kind
community), a note, a mentor assignment and an opportunity. The statuses are in docs/security.md.
"""

import datetime

from django.utils import timezone

from heft.community.models import (
    CommunityGroup,
    GroupMember,
    GroupNote,
    Mentor,
    MentorAssignment,
    Opportunity,
)
from heft.teaching.models import TeachingSession, TeachingYear
from tests.security.matrix_rules import MENTOR, TRAINEE

URL_KWARGS: dict[str, dict[str, str]] = {
    "community:group_detail": {"pk": "community_group_pk"},
    "community:group_note_add": {"pk": "community_group_pk"},
    "community:group_note_delete": {"pk": "community_group_pk", "note_pk": "community_note_pk"},
    "community:group_meeting_add": {"pk": "community_group_pk"},
    "community:group_meeting_edit": {"pk": "community_group_pk", "meeting_pk": "community_meeting_pk"},
    "community:group_meeting_cancel": {"pk": "community_group_pk", "meeting_pk": "community_meeting_pk"},
    "community:group_calendar": {"pk": "community_group_pk"},
    "community:opportunity_detail": {"pk": "community_opportunity_pk"},
    "community:manage_group": {"pk": "community_group_pk"},
    "community:manage_group_place": {"pk": "community_group_pk"},
    "community:manage_group_remove": {"pk": "community_group_pk", "trainee_pk": "trainee_a_pk"},
    "community:manage_group_lead": {"pk": "community_group_pk"},
    "community:manage_group_meeting": {"pk": "community_group_pk"},
    "community:manage_group_meeting_edit": {"pk": "community_group_pk", "meeting_pk": "community_meeting_pk"},
    "community:manage_group_meeting_cancel": {
        "pk": "community_group_pk",
        "meeting_pk": "community_meeting_pk",
    },
    "community:assignment_end": {"pk": "community_assignment_pk"},
    "community:opportunity_interest": {"pk": "community_opportunity_pk"},
    "api:get_community": {"group_id": "community_group_pk"},
    "api:end_mentor_assignment": {"assignment_id": "community_assignment_pk"},
    "api:list_interest": {"opportunity_id": "community_opportunity_pk"},
    "api:express_interest": {"opportunity_id": "community_opportunity_pk"},
}

# The API's writes, with bodies each role could send: region A's scheme A is every programme team's.
SCHEME_A = {"region": "region-a", "scheme": "scheme-a"}
BODIES = {
    "api:form_communities": lambda v: SCHEME_A,
    "api:match_mentors": lambda v: SCHEME_A,
    "api:create_mentor_assignment": lambda v: {
        "mentor": Mentor.objects.get(user__email="mentor@example.org").pk,
        "trainee": v["trainee_a_pk"],
    },
    "api:create_opportunity": lambda v: {
        "title": "Salaried GP",
        "kind": "salaried_deprived",
        "organisation": "A fictional practice",
        "region": "region-a",
        "description": "A salaried post.",
        "closes_on": "2099-01-01",
    },  # fmt: skip
    "api:express_interest": lambda v: {"message": "I am interested."},
}


def kwargs(world) -> dict[str, str]:
    """A group in scheme A led by the world's mentor with trainee A in it and a meeting next week, a note of
    trainee A's, a current assignment, and an open opportunity in region A."""
    mentor = world.user(MENTOR).mentor
    group = CommunityGroup.objects.create(
        region=world.region_a, scheme=world.scheme_a, name="Scheme A 1", lead=mentor
    )
    GroupMember.objects.create(group=group, trainee=world.trainee_a)
    note = GroupNote.objects.create(group=group, author=world.user(TRAINEE), text="Reading for next time.")
    assignment = MentorAssignment.objects.create(
        mentor=mentor, trainee=world.trainee_a, start_date=datetime.date(2026, 9, 1)
    )
    opportunity = Opportunity.objects.create(
        region=world.region_a, kind=Opportunity.Kind.DEEP_END_FELLOWSHIP, title="Deep End fellowship",
        organisation="A fictional PCN", description="A year's fellowship.",
        closes_on=datetime.date(2099, 1, 1),
    )  # fmt: skip
    return {
        "community_group_pk": group.pk,
        "community_meeting_pk": _meeting(group).pk,
        "community_note_pk": note.pk,
        "community_assignment_pk": assignment.pk,
        "community_opportunity_pk": opportunity.pk,
        "trainee_a_pk": world.trainee_a.pk,
    }


def _meeting(group) -> TeachingSession:
    start = timezone.now() + datetime.timedelta(days=7)
    today = timezone.localdate()
    year = TeachingYear.objects.filter(
        start__lte=today, end__gte=today
    ).first() or TeachingYear.objects.create(
        label="community matrix",
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=300),
    )
    return TeachingSession.objects.create(
        year=year, kind="community", community_group=group, title=f"{group.name}: Reading", topic="Reading",
        start=start, end=start + datetime.timedelta(hours=1), online_link="https://meet.heft.invalid/matrix",
        status="published", published_at=timezone.now(),
    )  # fmt: skip
