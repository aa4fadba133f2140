"""Eager refreshes of the equity report's stored figures after placements or practices are saved: one by one,
inside the write's transaction; in bulk (an import, the Deep End rule), in the background once it commits.
They are not what keeps the figures right (exposure_refresh before each read does that, whatever wrote);
they do the work at the write, so that the report's next read has nothing left to compute.

Posts and post categories have none: an upload saves thousands of posts one by one, and a query after each
would cost more than the read's refresh of the few placements whose post changed.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from heft.core.tasks import enqueue_with_change
from heft.practices.models import Practice
from heft.practices.signals import practices_saved_in_bulk
from heft.reports.exposure_store import exposure_refresh
from heft.reports.tasks import exposure_refresh_at_practices
from heft.trainees.models import Placement

# The fields of each model that the figures read; a save naming none of them changes nothing.
READ = {
    Placement: {"membership", "membership_id", "post", "post_id", "start_date", "end_date", "wte"},
    Practice: {"is_deep_end", "imd_decile"},
}
PLACEMENTS_OF = {Placement: "pk", Practice: "post__practice"}


def _touches_figures(sender, created: bool, update_fields) -> bool:
    """A new practice has no placements yet; a save of named fields may read none of them."""
    if update_fields is not None:
        return bool(READ[sender] & set(update_fields))
    return sender is Placement or not created


@receiver(post_save, sender=Placement, dispatch_uid="reports.exposure.placement")
@receiver(post_save, sender=Practice, dispatch_uid="reports.exposure.practice")
def exposure_refresh_after_save(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or not _touches_figures(sender, created, update_fields):
        return  # a fixture being loaded, or a save that leaves the figures as they are
    exposure_refresh(Placement.objects.filter(**{PLACEMENTS_OF[sender]: instance.pk}))


@receiver(practices_saved_in_bulk, dispatch_uid="reports.exposure.practices_in_bulk")
def exposure_refresh_after_bulk_save(sender, pks, fields, **kwargs):
    """An import or the Deep End rule saved practices in bulk: their placements' figures are refreshed in
    the background once it commits (thousands of placements: not a wait for the person applying the rule)."""
    if READ[Practice] & set(fields):
        enqueue_with_change(exposure_refresh_at_practices, list(pks))
