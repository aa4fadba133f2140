"""Reads of the audit trail: only for users whose VIEW_AUDIT reaches all of England."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from heft.accounts.permissions import Perm, scope_for
from heft.audit.models import AuditEvent


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events_search(
    user,
    *,
    q: str = "",
    actor: str = "",
    verb: str = "",
    target_type: str = "",
    target_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every term given, newest first. Dates are whole days in UK time, both included."""
    if not scope_for(user, Perm.VIEW_AUDIT).england:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if verb:
        events = events.filter(verb__istartswith=verb)
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if date_from:
        events = events.filter(at__gte=_local_midnight(date_from))
    if date_to:
        events = events.filter(at__lt=_local_midnight(date_to + datetime.timedelta(days=1)))
    if q:
        events = events.filter(
            Q(actor_label__icontains=q)
            | Q(verb__icontains=q)
            | Q(target_type__icontains=q)
            | Q(target_id=q)
            | Q(before__icontains=q)
            | Q(after__icontains=q)
        )
    return events.order_by("-at", "-id")


def audited_record_types() -> list[str]:
    """The kinds of record the trail holds events about, for choosing one."""
    return list(AuditEvent.objects.order_by("target_type").values_list("target_type", flat=True).distinct())
