"""Writes to the programme structure. Each runs in one transaction and leaves an audit event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from heft.audit.services import audit_record
from heft.programmes.models import Rotation
from heft.programmes.selectors import can_manage_rotation


def rotation_set_availability(*, rotation: Rotation, availability: str, reason: str, by) -> Rotation:
    if not can_manage_rotation(by, rotation):
        raise PermissionDenied("This rotation is outside the schemes you manage.")
    if availability not in Rotation.Availability.values:
        raise ValidationError({"availability": "Choose available, subject to change or withdrawn."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the availability is changing: trainees will see it."})
    with transaction.atomic():
        rotation = Rotation.objects.select_for_update().get(pk=rotation.pk)
        before = {"availability": rotation.availability}
        rotation.availability = availability
        rotation.save(update_fields=["availability"])
        audit_record(
            by=by,
            verb="rotation.availability_changed",
            target=rotation,
            before=before,
            after={"availability": availability, "reason": reason.strip()},
        )
    return rotation
