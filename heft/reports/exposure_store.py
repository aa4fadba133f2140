"""Keeping the equity report's stored figures (PlacementExposure) in step with placements, posts, practices.

Before every read the report calls exposure_refresh(): one query finds the placements whose stored inputs
differ from the live ones (or that have none yet) and only those are computed again, by
heft.engines.deprivation. So the figures are right after any write, including those that tell nobody:
Placement.objects.bulk_create in heft/trainees/placements.py (a rotation's few placements), posts saved by
an upload, queryset updates. Deleted placements take their rows with them (CASCADE). The receivers in
heft/reports/receivers.py refresh eagerly after a placement or practice is saved, one by one or in bulk (an
import, the Deep End rule, the demo loader), so that the first read after them finds nothing to do.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Coalesce

from heft.engines.deprivation import calendar_months
from heft.reports.models import PlacementExposure
from heft.trainees.models import Placement

INPUTS = ("membership_id", "start_date", "end_date", "wte", "kind", "deep_end", "imd_decile")
BATCH = 2_000


def _live(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """Placements with the inputs as the stored rows hold them: no practice is not Deep End, decile 0."""
    return placements.annotate(
        kind=F("post__category__kind"),
        deep_end=Coalesce(F("post__practice__is_deep_end"), Value(False)),
        imd_decile=Coalesce(F("post__practice__imd_decile"), Value(0)),
    )


def stale_placements(placements: QuerySet[Placement] | None = None) -> QuerySet[Placement]:
    """Placements whose stored figures are missing or were computed from inputs that have changed."""
    same = PlacementExposure.objects.filter(placement=OuterRef("pk"), **{f: OuterRef(f) for f in INPUTS})
    live = _live(Placement.objects.all() if placements is None else placements)
    return live.filter(~Exists(same)).order_by("pk")  # in key order: concurrent refreshes lock alike


def exposure_refresh(placements: QuerySet[Placement] | None = None) -> int:
    """Computes again the stale figures among `placements` (all by default). Returns how many."""
    found = list(stale_placements(placements).values_list("pk", *INPUTS))
    for start in range(0, len(found), BATCH):
        PlacementExposure.objects.bulk_create(
            [_stored(*row) for row in found[start : start + BATCH]],
            update_conflicts=True,
            unique_fields=["placement"],
            update_fields=[*(f.removesuffix("_id") for f in INPUTS), "months"],
        )
    return len(found)


def _stored(pk, membership_id, start, end, wte, kind, deep_end, decile) -> PlacementExposure:
    return PlacementExposure(
        placement_id=pk,
        membership_id=membership_id,
        start_date=start,
        end_date=end,
        wte=wte,
        kind=kind,
        deep_end=deep_end,
        imd_decile=decile,
        months=calendar_months(start, end) * float(wte),  # as Exposure.add weighs a stint
    )
