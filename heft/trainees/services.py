"""Writes to trainee records. Each runs in one transaction and leaves an audit event."""

import datetime

from django.db import transaction

from heft.audit.services import audit_record, snapshot
from heft.trainees.models import Interruption, ProgrammeMembership


def interruption_record(
    *, membership: ProgrammeMembership, kind: str, start_date: datetime.date, by, end_date=None
) -> Interruption:
    """Time out of training. The membership becomes interrupted and any HEFT place is released: a HEFT
    rotation is not guaranteed on return."""
    from heft.preferencing.services import heft_place_release

    with transaction.atomic():
        interruption = Interruption.objects.create(
            membership=membership, kind=kind, start_date=start_date, end_date=end_date
        )
        audit_record(by=by, verb="interruption.recorded", target=interruption, after=snapshot(interruption))
        before = {"status": membership.status}
        membership.status = ProgrammeMembership.Status.INTERRUPTED
        membership.save(update_fields=["status"])
        audit_record(
            by=by,
            verb="membership.interrupted",
            target=membership,
            before=before,
            after={"status": "interrupted"},
        )
        kind = interruption.get_kind_display().lower()
        reason = f"You interrupted your training ({kind}), so your HEFT place was released."
        heft_place_release(membership=membership, reason=reason, by=by)
    return interruption
