"""A trainee's placements from the rotation they accepted: made when they accept it, taken back when they
give it up or a reallocation moves them, and re-dated when an approved LTFT change or time out moves them.

Dates come from heft.engines.cct.placement_dates, on the CCT estimate's own clock: each slot of the rotation
runs from its start month to its end in whole-time months after the membership's start, stretched by
1 / WTE after each approved LTFT change and pushed later by time out that does not count. A slot becomes one
placement per stretch in post (a slot split by time out or by a change of WTE has two or more), so each
placement has one WTE: the trainee's at the time times the post's. The post's supervisors are copied onto the
placement and kept. The past is not rewritten: placements already over stay as they were.
"""

import datetime
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.engines.cct import Slot, Stretch, placement_dates, replan
from heft.trainees.models import Placement, ProgrammeMembership
from heft.trainees.selectors import cct_spec

SUPERVISOR_FIELDS = (
    "educational_supervisor_name",
    "educational_supervisor_email",
    "clinical_supervisor_name",
    "clinical_supervisor_email",
)
SMALLEST_WTE = Decimal("0.01")


def rotation_placements_planned(
    membership: ProgrammeMembership, rotation, today: datetime.date | None = None
) -> list[Placement]:
    """The placements `rotation` would give this trainee, dated for their working pattern and time out, not
    saved: what accepting it makes, and what a plan shows before any placement is recorded."""
    slots = list(rotation.slots.select_related("post__category", "post__practice").order_by("order"))
    dated = placement_dates(
        cct_spec(membership, today or timezone.localdate()),
        [Slot(slot.start_offset_months, slot.months) for slot in slots],
    )
    return [
        _placement(membership, rotation, slot, stretch)
        for slot, dates in zip(slots, dated, strict=True)
        for stretch in dates.stretches
    ]


def rotation_placements_create(*, membership: ProgrammeMembership, rotation, by) -> list[Placement]:
    """The placements of each slot of `rotation` (an accepted rotation), audited. Slots already placed from
    the same rotation are left as they are, so accepting again changes nothing."""
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        placed = set(
            Placement.objects.filter(membership=membership, rotation=rotation).values_list(
                "slot_order", flat=True
            )
        )
        made = [p for p in rotation_placements_planned(membership, rotation) if p.slot_order not in placed]
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


def placements_redate(*, membership: ProgrammeMembership, by, today: datetime.date | None = None) -> int:
    """Dates again the placements made from a rotation that have not ended, for the approved LTFT changes
    and time out recorded now: call it after an LTFT change is approved and after time out is recorded,
    changed or ended. A placement in progress keeps its start; one that a change of WTE or time out now
    splits gains a placement for the rest of its slot; one not begun that its slot no longer needs goes.
    Each change is audited. Returns how many placements changed, were made or went."""
    today = today or timezone.localdate()
    with transaction.atomic():
        membership = ProgrammeMembership.objects.select_for_update().get(pk=membership.pk)
        spec = cct_spec(membership, today)
        out = [(t.start, t.end) for t in spec.time_out if not t.counts]
        changes = 0
        for rotation, slots_placed in _placed_by_rotation(membership).items():
            slots = list(rotation.slots.order_by("order"))
            dated = placement_dates(spec, [Slot(s.start_offset_months, s.months) for s in slots])
            for slot, dates in zip(slots, dated, strict=True):
                if slot.order in slots_placed:
                    changes += _follow(slots_placed[slot.order], dates.stretches, today, out, by)
    return changes


def _placed_by_rotation(membership: ProgrammeMembership) -> dict:
    """{rotation: {slot order: [its placements]}} for the placements made from a rotation, locked."""
    placements = (
        Placement.objects.select_for_update()
        .filter(membership=membership, rotation__isnull=False, slot_order__isnull=False)
        .select_related("rotation", "post")
        .order_by("start_date")
    )
    found: dict = {}
    for placement in placements:
        found.setdefault(placement.rotation, {}).setdefault(placement.slot_order, []).append(placement)
    return found


def _follow(placements: list[Placement], stretches, today: datetime.date, out, by) -> int:
    """Fits one slot's placements to its stretches as dated now."""
    plan = replan([(p.start_date, p.end_date) for p in placements], stretches, today, out)
    gone = [placements[i] for i in plan.gone]
    for placement in gone:
        audit_record(by=by, verb="placement.removed", target=placement, before=_picture(placement))
    Placement.objects.filter(pk__in=[p.pk for p in gone]).delete()
    moves = [(placements[i], stretch) for i, stretch in plan.moves if _differs(placements[i], stretch)]
    for placement, stretch in _in_travel_order(moves):
        before = _picture(placement)
        placement.start_date, placement.end_date = stretch.start, stretch.end
        placement.wte = _wte(stretch.wte, placement.post.wte)
        placement.save(update_fields=["start_date", "end_date", "wte"])
        audit_record(
            by=by, verb="placement.redated", target=placement, before=before, after=_picture(placement)
        )
    made = Placement.objects.bulk_create([_copy(placements[0], stretch) for stretch in plan.new])
    for placement in made:
        audit_record(by=by, verb="placement.created", target=placement, after=_picture(placement))
    return len(gone) + len(moves) + len(made)


def _in_travel_order(moves: list[tuple[Placement, Stretch]]) -> list[tuple[Placement, Stretch]]:
    """Those moving later from the last, then those moving earlier from the first: one placement never
    takes another's start date on the way (a post may start only once on a date for a trainee)."""
    later = [m for m in moves if m[1].start > m[0].start_date]
    earlier = [m for m in moves if m[1].start <= m[0].start_date]
    return [
        *sorted(later, key=lambda m: m[0].start_date, reverse=True),
        *sorted(earlier, key=lambda m: m[0].start_date),
    ]


def _differs(placement: Placement, stretch: Stretch) -> bool:
    wte = _wte(stretch.wte, placement.post.wte)
    return (placement.start_date, placement.end_date, placement.wte) != (stretch.start, stretch.end, wte)


def _wte(trainee_wte: Fraction, post_wte: Decimal) -> Decimal:
    """The trainee's share of full time in this post: their WTE times the post's (a split post is 0.5)."""
    share = Decimal(trainee_wte.numerator) / Decimal(trainee_wte.denominator) * post_wte
    return max(share.quantize(SMALLEST_WTE), SMALLEST_WTE)


def _placement(membership: ProgrammeMembership, rotation, slot, stretch: Stretch) -> Placement:
    post = slot.post
    return Placement(
        membership=membership,
        post=post,
        start_date=stretch.start,
        end_date=stretch.end,
        wte=_wte(stretch.wte, post.wte),
        training_year=slot.training_year,
        rotation=rotation,
        slot_order=slot.order,
        months=slot.months,
        **{name: getattr(post, name) for name in SUPERVISOR_FIELDS},
    )


def _copy(placement: Placement, stretch: Stretch) -> Placement:
    """More of the same slot: same post, year and supervisors (as copied when the slot was placed)."""
    return Placement(
        membership_id=placement.membership_id,
        post=placement.post,
        start_date=stretch.start,
        end_date=stretch.end,
        wte=_wte(stretch.wte, placement.post.wte),
        training_year=placement.training_year,
        rotation_id=placement.rotation_id,
        slot_order=placement.slot_order,
        months=placement.months,
        **{name: getattr(placement, name) for name in SUPERVISOR_FIELDS},
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
