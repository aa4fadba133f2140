"""Answers to what the apps below content ask of it (connected in apps.py, when Django starts)."""

from django.dispatch import receiver
from django.urls import reverse

from heft.content.selectors import intake_label, public_rotations
from heft.programmes.signals import Consequence, rotation_withdrawal_consequences


@receiver(rotation_withdrawal_consequences, dispatch_uid="content.rotation_withdrawal")
def public_pages_listing(sender, *, rotation, **kwargs) -> list[Consequence]:
    """Before a rotation is withdrawn: the public page that lists it stops listing it."""
    scheme = rotation.scheme
    listed = [r for r in public_rotations(scheme.code) if r.intake == rotation.intake]
    if rotation.pk not in {r.pk for r in listed}:
        return [Consequence("No public page lists it")]
    heft = [r for r in listed if r.heft]
    label = intake_label(rotation.intake)
    if rotation.pk in {r.pk for r in heft}:
        listing = f"It is one of the {len(heft)} HEFT rotations it shows for the {label} intake"
        after = f"{len(heft) - 1} would be left" if len(heft) > 1 else "none would be left"
        note = f"{listing}: {after}."
    else:
        note = f"It is one of the {len(listed)} rotations it shows for the {label} intake."
    url = reverse(
        "content:scheme_detail", kwargs={"region_code": scheme.region.code, "scheme_code": scheme.code}
    )
    return [
        Consequence(
            f"The public page for {scheme.name} stops listing it",
            note=note,
            link_text=f"See the public page for {scheme.name}",
            link_url=url,
        )
    ]
