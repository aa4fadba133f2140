"""Reactions to what the apps below preferencing decide (connected in apps.py, when Django starts)."""

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from heft.preferencing.selectors import rotation_reach
from heft.preferencing.services import heft_place_release
from heft.programmes.signals import Consequence, rotation_withdrawal_consequences
from heft.trainees.signals import heft_place_released


@receiver(heft_place_released, dispatch_uid="preferencing.heft_place_release")
def release_heft_place(sender, *, membership, reason: str, by, **kwargs) -> None:
    """The programme team released a HEFT place during time out (trainees.services.heft_place_decide)."""
    heft_place_release(membership=membership, reason=reason, by=by)


@receiver(rotation_withdrawal_consequences, dispatch_uid="preferencing.rotation_withdrawal")
def rotation_withdrawal_reach(sender, *, rotation, **kwargs) -> list[Consequence]:
    """Before a rotation is withdrawn (programmes' confirmation page): who ranked it, the offers it holds."""
    reach = rotation_reach(rotation)
    return [_ranked_it(reach), _offers_in_it(reach)]


def _ranked_it(reach: dict) -> Consequence:
    ranked = reach["ranked"]
    if not ranked:
        return Consequence("No trainee has ranked it")
    items = [
        f"{row['trainee'].full_name}: choice {row['choice']}, {'submitted' if row['submitted'] else 'draft'}"
        for row in ranked
    ]
    open_now = [window for window in reach["windows"] if window.is_open()]
    note = (
        "It leaves the ranking page at once, and no run offers it: they are placed from their other choices."
    )
    if open_now:
        closes = timezone.localtime(open_now[0].closes_at).strftime("%H:%M on %-d %B %Y")
        note += f" Their window is open until {closes}: they can change their lists."
    return Consequence(f"{_count(len(ranked), 'trainee has', 'trainees have')} ranked it", items, note)


def _offers_in_it(reach: dict) -> Consequence:
    offers = reach["offers"]
    if not offers:
        return Consequence("No offer is held in it")
    items = [f"{offer.trainee.full_name}: {_offer_state(offer)}" for offer in offers]
    window = offers[0].window
    return Consequence(
        f"{_count(len(offers), 'offer is', 'offers are')} held in it",
        items,
        "Withdrawing does not move them by itself: reallocate from the window's page, and they are offered "
        "another rotation and told why.",
        "Reallocate from the window's page",
        reverse("preferencing:window_detail", args=[window.pk]) + "#reallocate",
    )


def _offer_state(offer) -> str:
    if offer.status == offer.Status.ACCEPTED:
        return "accepted with upgrades" if offer.upgrades else "accepted"
    return f"offered, reply due by {timezone.localtime(offer.respond_by).strftime('%H:%M on %-d %B %Y')}"


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
