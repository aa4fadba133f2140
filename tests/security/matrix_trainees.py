"""Access matrix entries for the trainees app's routes (see access_matrix.py).

Trainee records are personal data: programme teams and mentors read them within scope (trainee A2 is in
region A and assigned to the mentor); only programme teams record time out, LTFT changes and CCT estimates;
trainees read their own record only.
"""

import datetime

from heft.trainees.models import Interruption
from tests.security.matrix_rules import (
    ANON,
    MENTOR,
    PROGRAMME_TEAM,
    TRAINEE,
    Route,
    action,
    page,
    route,
    statuses,
)

READERS = [*PROGRAMME_TEAM, MENTOR]


def api_read() -> dict:
    """A scoped API read of trainee A2: the trainee sees only themself (404 for anyone else)."""
    return statuses(403, **{ANON: 401, TRAINEE: 404}, **dict.fromkeys(READERS, 200))


# A POST with no JSON body is refused as malformed (400) once signed in, before any other check.
API_WRITE = statuses(400, **{ANON: 401})

ROUTES: dict[str, Route] = {
    "trainees:trainee_list": route(page(READERS)),
    "trainees:trainee_detail": route(page(READERS), pk="trainee_a2_pk"),
    "trainees:me": route(page([TRAINEE])),
    # Writes: an empty form is refused (400); recalculating needs no input.
    "trainees:interruption_add": route(action(PROGRAMME_TEAM, post_ok=400), pk="trainee_a2_pk"),
    "trainees:training_return": route(
        action(PROGRAMME_TEAM, post_ok=400), pk="trainee_a2_pk", interruption_pk="journey_interruption_pk"
    ),
    "trainees:ltft_change_add": route(action(PROGRAMME_TEAM, post_ok=400), pk="trainee_a2_pk"),
    "trainees:cct_recalculate": route(action(PROGRAMME_TEAM, post_ok=302), pk="trainee_a2_pk"),
    # The API: reads and writes share an address.
    **{
        name: route((api_read(), API_WRITE), trainee_id="trainee_a2_pk")
        for name in (
            "api:list_interruptions",
            "api:record_interruption",
            "api:list_ltft_changes",
            "api:record_ltft_change",
        )
    },
    "api:return_to_training": route(
        (statuses(405), API_WRITE), trainee_id="trainee_a2_pk", interruption_id="journey_interruption_pk"
    ),
    "api:get_cct_estimate": route((api_read(), statuses(405)), trainee_id="trainee_a2_pk"),
}


def kwargs(world) -> dict[str, str]:
    """Sick leave under way for trainee A2, for the return-to-training routes."""
    membership = world.trainee_a2.memberships.get()
    interruption = Interruption.objects.create(
        membership=membership, kind=Interruption.Kind.SICK, start_date=datetime.date(2026, 11, 2)
    )
    return {"journey_interruption_pk": interruption.pk}
