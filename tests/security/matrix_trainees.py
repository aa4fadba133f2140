"""The records named in the trainees routes' addresses in the access matrix (see access_matrix.py): trainee
A2 (scheme A, region A, assigned to the mentor) with sick leave under way and an application to train less
than full time waiting for a decision; trainee A (the signed-in trainee) for their own LTFT application. The
statuses are in docs/security.md.
"""

import datetime

from django.utils import timezone

from heft.trainees.models import Interruption, LtftChange

URL_KWARGS: dict[str, dict[str, str]] = {
    "trainees:trainee_detail": {"pk": "trainee_a2_pk"},
    "trainees:interruption_add": {"pk": "trainee_a2_pk"},
    "trainees:training_return": {"pk": "trainee_a2_pk", "interruption_pk": "journey_interruption_pk"},
    "trainees:heft_place_decide": {"pk": "trainee_a2_pk", "interruption_pk": "journey_interruption_pk"},
    "trainees:returning_intake": {"pk": "trainee_a2_pk"},
    "trainees:ltft_change_add": {"pk": "trainee_a2_pk"},
    "trainees:ltft_change_decide": {"pk": "trainee_a2_pk", "change_pk": "journey_ltft_change_pk"},
    "trainees:training_complete": {"pk": "trainee_a2_pk"},
    "trainees:training_extend": {"pk": "trainee_a2_pk"},
    "trainees:cct_recalculate": {"pk": "trainee_a2_pk"},
    "trainees:trainee_invite": {"pk": "trainee_a2_pk"},
    "trainees:heft_mode": {"pk": "trainee_a2_pk"},
    "api:list_interruptions": {"trainee_id": "trainee_a2_pk"},
    "api:record_interruption": {"trainee_id": "trainee_a2_pk"},
    "api:return_to_training": {"trainee_id": "trainee_a2_pk", "interruption_id": "journey_interruption_pk"},
    "api:decide_heft_place": {"trainee_id": "trainee_a2_pk", "interruption_id": "journey_interruption_pk"},
    "api:list_ltft_changes": {"trainee_id": "trainee_a2_pk"},
    "api:apply_for_ltft": {"trainee_id": "journey_own_trainee_pk"},
    "api:record_ltft_change": {"trainee_id": "trainee_a2_pk"},
    "api:approve_ltft_change": {"trainee_id": "trainee_a2_pk", "change_id": "journey_ltft_change_pk"},
    "api:decline_ltft_change": {"trainee_id": "trainee_a2_pk", "change_id": "journey_ltft_change_pk"},
    "api:complete_training": {"trainee_id": "trainee_a2_pk"},
    "api:extend_training": {"trainee_id": "trainee_a2_pk"},
    "api:get_cct_estimate": {"trainee_id": "trainee_a2_pk"},
}

# The API's writes, with bodies each role could send.
BODIES = {
    "api:record_interruption": lambda v: {"kind": "sick", "start_date": "2026-12-01"},
    "api:return_to_training": lambda v: {"return_date": "2027-01-04"},
    "api:decide_heft_place": lambda v: {"decision": "kept", "reason": "Back within the term."},
    "api:apply_for_ltft": lambda v: {"wte": "0.8", "start_date": "2027-08-05", "reason": "category_1"},
    "api:record_ltft_change": lambda v: {
        "wte": "0.8",
        "start_date": "2027-06-01",
        "requested_on": "2026-12-01",
    },
    "api:approve_ltft_change": lambda v: {"note": ""},
    "api:decline_ltft_change": lambda v: {"note": "The post cannot be shared."},
    "api:complete_training": lambda v: {"cct_date": str(timezone.localdate())},
    "api:extend_training": lambda v: {"months": 6, "reason": "ARCP outcome 3"},
}


def kwargs(world) -> dict[str, str]:
    """Sick leave under way for trainee A2, for the return-to-training and HEFT place routes, and an
    application from A2 to train at a non-standard pattern, waiting for a decision."""
    membership = world.trainee_a2.memberships.get()
    interruption = Interruption.objects.create(
        membership=membership, kind=Interruption.Kind.SICK, start_date=datetime.date(2026, 11, 2)
    )
    change = LtftChange.objects.create(
        membership=membership,
        wte="0.75",
        start_date=datetime.date(2027, 8, 4),
        requested_on=datetime.date(2027, 1, 4),
        status=LtftChange.Status.APPLIED,
        reason=LtftChange.Reason.CATEGORY_1,
    )
    return {
        "journey_interruption_pk": interruption.pk,
        "journey_ltft_change_pk": change.pk,
        "journey_own_trainee_pk": world.trainee_a.pk,
    }
