"""A trainee's placements from the rotation they accepted: made when they accept it, taken back when they
give it up or a reallocation moves them, and dated from their programme's start.

Each slot of the rotation becomes one placement in its post, from the membership's start date plus the
slot's start month to the day before it ends; less than full time training stretches the months by 1 / WTE
(rounded up). The post's supervisors are copied onto the placement and kept. Placements that have begun stay
as they were when a rotation is given up: the past is not rewritten.
"""

import datetime
import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.engines.cct import add_months
from heft.trainees.models import Placement, ProgrammeMembership

DAY = datetime.timedelta(days=1)
SUPERVISOR_FIELDS = (
    "educational_supervisor_name",
    "educational_supervisor_email",
    "clinical_supervisor_name",
    "clinical_supervisor_email",
)


def slot_dates(
    membership: ProgrammeMembership, start_month: int, months: int
) -> tuple[datetime.date, datetime.date]:
    """First and last day of a slot (its start counted in months from 0) for this trainee."""

    def stretched(count: int) -> int:
        return math.ceil(Decimal(count) / membership.wte)

    start = add_months(membership.start_date, stretched(start_month))
    following = add_months(membership.start_date, stretched(start_month + months))
    return start, following - DAY


def rotation_placements_create(*, membership: ProgrammeMembership, rotation, by) -> list[Placement]:
    """One placement for each slot of `rotation` (an accepted rotation), audited. Slots already placed from
    the same rotation are left as they are, so accepting again changes nothing."""
    with transaction.atomic():
        placed = set(
            Placement.objects.filter(membership=membership, rotation=rotation).values_list(
                "slot_order", flat=True
            )
        )
        made = [
            _placement(membership, rotation, slot)
            for slot in rotation.slots.select_related("post").order_by("order")
            if slot.order not in placed
        ]
        Placement.objects.bulk_create(made)
        for placement in made:
            audit_record(by=by, verb="placement.created", target=placement, after=_picture(placement))
    return made


def rotation_placements_remove(*, membership: ProgrammeMembership, rotation, by) -> int:
    """Takes back the placements made from `rotation` that have not begun. Returns how many."""
    today = timezone.localdate()
    with transaction.atomic():
        future = list(
            Placement.objects.select_for_update().filter(
                membership=membership, rotation=rotation, start_date__gt=today
            )
        )
        for placement in future:
            audit_record(by=by, verb="placement.removed", target=placement, before=_picture(placement))
        Placement.objects.filter(pk__in=[p.pk for p in future]).delete()
    return len(future)


def _placement(membership: ProgrammeMembership, rotation, slot) -> Placement:
    start, end = slot_dates(membership, slot.start_offset_months, slot.months)
    post = slot.post
    return Placement(
        membership=membership,
        post=post,
        start_date=start,
        end_date=end,
        wte=(membership.wte * post.wte).quantize(Decimal("0.01")),
        training_year=slot.training_year,
        rotation=rotation,
        slot_order=slot.order,
        months=slot.months,
        **{name: getattr(post, name) for name in SUPERVISOR_FIELDS},
    )


def _picture(placement: Placement) -> dict:
    return {
        "post": placement.post_id,
        "rotation": placement.rotation_id,
        "slot_order": placement.slot_order,
        "start_date": str(placement.start_date),
        "end_date": str(placement.end_date),
        "wte": str(placement.wte),
    }
