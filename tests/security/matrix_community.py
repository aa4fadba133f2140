"""Access matrix entries for the community app's routes (see access_matrix.py).

Trainees and mentors (JOIN_COMMUNITY) reach their own community: the world's trainee A is in a group in
scheme A led by the world's mentor. Programme teams (MANAGE_COMMUNITY) reach what their scope covers.
"""

import datetime

from heft.community.models import CommunityGroup, GroupMember, GroupNote, MentorAssignment, Opportunity
from tests.security.matrix_rules import (
    ANON,
    MENTOR,
    NATIONAL,
    PROGRAMME_TEAM,
    REGIONAL,
    TPD,
    TRAINEE,
    Route,
    action,
    api,
    page,
    route,
    statuses,
)

JOIN = [MENTOR, TRAINEE]
BOTH = [*PROGRAMME_TEAM, *JOIN]
API_WRITE = statuses(400, **{ANON: 401})  # a POST with no JSON body is malformed once signed in
READ_BOTH = statuses(403, **{ANON: 401}, **dict.fromkeys(BOTH, 200))
NOT_YET_ELIGIBLE = statuses(403, **{ANON: 302, MENTOR: 404, TRAINEE: 404})  # trainee A is in ST1
# The first programme team role ends the assignment; for the others it is gone.
ENDED_BY_THE_FIRST = {NATIONAL: 302, REGIONAL: 404, TPD: 404}

ROUTES: dict[str, Route] = {
    # Trainees and mentors.
    "community:home": route(page(JOIN)),
    "community:interests": route(page(JOIN, post_ok=302)),  # nothing ticked is a valid choice
    "community:directory": route(page(JOIN)),
    "community:group_detail": route(page(JOIN), pk="community_group_pk"),
    "community:group_note_add": route(action(JOIN, post_ok=400), pk="community_group_pk"),
    "community:group_note_delete": route(
        (page(JOIN, ok=405)[0], statuses(403, **{ANON: 302, MENTOR: 404, TRAINEE: 302})),
        pk="community_group_pk",
        note_pk="community_note_pk",
    ),
    "community:group_meeting_add": route(
        (page(JOIN, ok=405)[0], statuses(403, **{ANON: 302, MENTOR: 400, TRAINEE: 404})),
        pk="community_group_pk",
    ),
    "community:group_calendar": route(page(JOIN), pk="community_group_pk"),
    "community:opportunity_list": route(page(JOIN)),
    "community:opportunity_detail": route(
        (NOT_YET_ELIGIBLE, NOT_YET_ELIGIBLE), pk="community_opportunity_pk"
    ),
    # Programme teams.
    "community:manage": route(page(PROGRAMME_TEAM)),
    "community:groups_form": route(page(PROGRAMME_TEAM, post_ok=400)),
    "community:manage_group": route(page(PROGRAMME_TEAM), pk="community_group_pk"),
    "community:manage_group_place": route(action(PROGRAMME_TEAM, post_ok=400), pk="community_group_pk"),
    "community:manage_group_remove": route(
        action(PROGRAMME_TEAM, post_ok=302), pk="community_group_pk", trainee_pk="trainee_a_pk"
    ),
    "community:manage_group_lead": route(action(PROGRAMME_TEAM, post_ok=302), pk="community_group_pk"),
    "community:manage_group_meeting": route(action(PROGRAMME_TEAM, post_ok=400), pk="community_group_pk"),
    "community:mentor_list": route(page(PROGRAMME_TEAM)),
    "community:mentor_match": route(action(PROGRAMME_TEAM, post_ok=302)),
    "community:assignment_add": route(action(PROGRAMME_TEAM, post_ok=400)),
    "community:assignment_end": route(
        (page(PROGRAMME_TEAM, ok=405)[0], statuses(403, **{ANON: 302}, **ENDED_BY_THE_FIRST)),
        pk="community_assignment_pk",
    ),
    "community:opportunity_manage": route(page(PROGRAMME_TEAM, post_ok=400)),
    "community:opportunity_interest": route(page(PROGRAMME_TEAM), pk="community_opportunity_pk"),
    "community:outcomes": route(page(PROGRAMME_TEAM, post_ok=400)),
    "community:outcomes_chart": route(page(PROGRAMME_TEAM)),
    # The API. Reads and writes on the same address share its entry.
    **{name: route((READ_BOTH, API_WRITE)) for name in ("api:list_communities", "api:form_communities")},
    "api:get_community": route((READ_BOTH, statuses(405)), group_id="community_group_pk"),
    "api:list_mentors": route(api(PROGRAMME_TEAM)),
    **{
        name: route((READ_BOTH, API_WRITE))
        for name in ("api:list_mentor_assignments", "api:create_mentor_assignment")
    },
    "api:match_mentors": route((statuses(405), API_WRITE)),
    "api:end_mentor_assignment": route(
        (statuses(405), statuses(403, **{ANON: 401, NATIONAL: 200, REGIONAL: 404, TPD: 404})),
        assignment_id="community_assignment_pk",
    ),
    **{name: route((READ_BOTH, API_WRITE)) for name in ("api:list_opportunities", "api:create_opportunity")},
    **{
        name: route((api(PROGRAMME_TEAM)[0], API_WRITE), opportunity_id="community_opportunity_pk")
        for name in ("api:list_interest", "api:express_interest")
    },
}


def kwargs(world) -> dict[str, str]:
    """A group in scheme A led by the world's mentor with trainee A in it, a note of trainee A's, a current
    assignment, and an open opportunity in region A."""
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
        "community_note_pk": note.pk,
        "community_assignment_pk": assignment.pk,
        "community_opportunity_pk": opportunity.pk,
        "trainee_a_pk": world.trainee_a.pk,
    }
