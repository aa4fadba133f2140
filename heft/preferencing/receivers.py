"""Reactions to what the apps below preferencing decide (connected in apps.py, when Django starts)."""

from django.dispatch import receiver

from heft.preferencing.services import heft_place_release
from heft.trainees.signals import heft_place_released


@receiver(heft_place_released, dispatch_uid="preferencing.heft_place_release")
def release_heft_place(sender, *, membership, reason: str, by, **kwargs) -> None:
    """The programme team released a HEFT place during time out (trainees.services.heft_place_decide)."""
    heft_place_release(membership=membership, reason=reason, by=by)
