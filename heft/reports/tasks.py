"""Background work (django-tasks): the equity report's stored figures after practices change in bulk."""

from heft.core.tasks import retried_task
from heft.reports.exposure_store import exposure_refresh
from heft.trainees.models import Placement


@retried_task()
def exposure_refresh_at_practices(practice_ids: list[int]) -> int:
    """Compute again the figures of the placements at these practices, which an import or the Deep End rule
    has just changed; returns how many. The report's read refreshes whatever is still stale, so a run that
    comes late costs that read some time, never a wrong figure."""
    return exposure_refresh(Placement.objects.filter(post__practice__in=practice_ids))
