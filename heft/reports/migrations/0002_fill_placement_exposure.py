"""Stores the equity figures of every placement already recorded, so that the first report after this
migration has nothing to compute. The report refreshes stale rows before each read in any case
(heft.reports.exposure_store); this only moves the first, national-size fill to the deploy."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from heft.engines.deprivation import calendar_months

BATCH = 2_000


def fill(apps, schema_editor):
    Placement = apps.get_model("trainees", "Placement")
    PlacementExposure = apps.get_model("reports", "PlacementExposure")
    placements = Placement.objects.order_by("pk").values_list(
        "pk",
        "membership_id",
        "start_date",
        "end_date",
        "wte",
        F("post__category__kind"),
        Coalesce(F("post__practice__is_deep_end"), Value(False)),
        Coalesce(F("post__practice__imd_decile"), Value(0)),
    )
    batch = []
    for pk, membership_id, start, end, wte, kind, deep_end, decile in placements.iterator(chunk_size=BATCH):
        batch.append(
            PlacementExposure(
                placement_id=pk,
                membership_id=membership_id,
                start_date=start,
                end_date=end,
                wte=wte,
                kind=kind,
                deep_end=deep_end,
                imd_decile=decile,
                months=calendar_months(start, end) * float(wte),
            )
        )
        if len(batch) == BATCH:
            PlacementExposure.objects.bulk_create(batch)
            batch = []
    PlacementExposure.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("practices", "0004_deep_end_rule_preview_and_progress"),
        ("programmes", "0003_reference_post_categories"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
