"""The one place that writes audit events. Call it inside the transaction of the change it records."""

from django.db import models, transaction
from django.forms.models import model_to_dict

from heft.audit.models import AuditEvent

# Never copied into the audit trail.
SECRET_FIELDS = {"password", "token_hash"}


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of a record's own fields, for before/after. Secrets are left out."""
    data = model_to_dict(instance, fields=fields, exclude=SECRET_FIELDS)
    return {
        key: value if isinstance(value, (int, float, bool, type(None))) else str(value)
        for key, value in data.items()
    }


def audit_record(
    *, by, verb: str, target: models.Model, before: dict | None = None, after: dict | None = None
):
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records.")
    return AuditEvent.objects.create(
        actor=by if getattr(by, "pk", None) else None,
        actor_label=getattr(by, "email", None) or str(by or "system"),
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before,
        after=after,
    )


def audit_view(*, by, target: models.Model, page: str):
    """Record that `by` looked at a sensitive record (a trainee's record, their data, their attendance).

    Call it inside a transaction, like every audit event (`audit_view_in_transaction` opens one for a read
    that writes nothing else). The event names the page seen; it copies none of what was on it.
    """
    return audit_record(by=by, verb="viewed", target=target, after={"page": page})


def audit_view_in_transaction(*, by, target: models.Model, page: str):
    """`audit_view` for a read that changes nothing else: the event is the only write, in its own
    transaction, so the view or API operation opens none."""
    with transaction.atomic():
        return audit_view(by=by, target=target, page=page)
