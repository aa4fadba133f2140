"""The records named in the trainees routes' addresses in the access matrix (see access_matrix.py): trainee
A2 (scheme A, region A, assigned to the mentor) with sick leave under way and an LTFT change awaiting
approval. The statuses are in docs/security.md.
"""

import datetime

from heft.trainees.models import Interruption, LtftChange

URL_KWARGS: dict[str, dict[str, str]] = {
    "trainees:trainee_detail": {"pk": "trainee_a2_pk"},
    "trainees:interruption_add": {"pk": "trainee_a2_pk"},
    "trainees:training_return": {"pk": "trainee_a2_pk", "interruption_pk": "journey_interruption_pk"},
    "trainees:ltft_change_add": {"pk": "trainee_a2_pk"},
    "trainees:ltft_change_approve": {"pk": "trainee_a2_pk", "change_pk": "journey_ltft_change_pk"},
    "trainees:cct_recalculate": {"pk": "trainee_a2_pk"},
    "trainees:trainee_invite": {"pk": "trainee_a2_pk"},
    "trainees:heft_mode": {"pk": "trainee_a2_pk"},
    "api:list_interruptions": {"trainee_id": "trainee_a2_pk"},
    "api:record_interruption": {"trainee_id": "trainee_a2_pk"},
    "api:return_to_training": {"trainee_id": "trainee_a2_pk", "interruption_id": "journey_interruption_pk"},
    "api:list_ltft_changes": {"trainee_id": "trainee_a2_pk"},
    "api:record_ltft_change": {"trainee_id": "trainee_a2_pk"},
    "api:approve_ltft_change": {"trainee_id": "trainee_a2_pk", "change_id": "journey_ltft_change_pk"},
    "api:get_cct_estimate": {"trainee_id": "trainee_a2_pk"},
}

# The API's writes, with bodies each role could send.
BODIES = {
    "api:record_interruption": lambda v: {"kind": "sick", "start_date": "2026-12-01"},
    "api:return_to_training": lambda v: {"return_date": "2027-01-04"},
    "api:record_ltft_change": lambda v: {
        "wte": "0.8",
        "start_date": "2027-06-01",
        "requested_on": "2026-12-01",
    },
}


def kwargs(world) -> dict[str, str]:
    """Sick leave under way for trainee A2, for the return-to-training routes, and a non-standard LTFT
    pattern awaiting approval."""
    membership = world.trainee_a2.memberships.get()
    interruption = Interruption.objects.create(
        membership=membership, kind=Interruption.Kind.SICK, start_date=datetime.date(2026, 11, 2)
    )
    change = LtftChange.objects.create(
        membership=membership,
        wte="0.75",
        start_date=datetime.date(2027, 8, 4),
        requested_on=datetime.date(2027, 1, 4),
    )
    return {"journey_interruption_pk": interruption.pk, "journey_ltft_change_pk": change.pk}
