"""Writes for data protection: audited subject access exports, and the retention review queue.

Nothing is erased or anonymised except by `retention_approve`, which a national admin runs on one reviewed
item at a time. Its audit event names the record by type and id only.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.privacy.export import SubjectAccessExport, subject_access_data
from heft.privacy.models import RetentionReview
from heft.privacy.retention import KINDS

EXPORT_FORMATS = ("json", "html")


def subject_access_export(*, trainee, by, fmt: str) -> SubjectAccessExport:
    """Everything held about the trainee, with an audit event saying who exported whose data, and how."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    with transaction.atomic():
        export = subject_access_data(trainee)
        audit_record(
            by=by,
            verb="privacy.exported",
            target=trainee,
            after={"format": fmt, "records": export.record_count},
        )
    return export


def _held_back(kind: str, today: datetime.date) -> set[int]:
    """Records of a kind already waiting for review, or kept by a rejection that has not yet run out."""
    reviews = RetentionReview.objects.filter(kind=kind)
    pending = reviews.filter(status=RetentionReview.Status.PENDING)
    kept = reviews.filter(status=RetentionReview.Status.REJECTED, keep_until__gt=today)
    return set(pending.values_list("target_id", flat=True)) | set(kept.values_list("target_id", flat=True))


def retention_queue(*, today: datetime.date | None = None, by=None) -> dict[str, int]:
    """Queue every record past its retention date for review. Erases nothing. Returns counts by kind.

    Safe to re-run: a record already waiting, or kept by a recent rejection, is not queued again.
    """
    today = today or timezone.localdate()
    queued = {}
    with transaction.atomic():
        for key, kind in KINDS.items():
            held_back = _held_back(key, today)
            queued[key] = 0
            for due in kind.due(today):
                if due.target.pk in held_back:
                    continue
                review = RetentionReview.objects.create(
                    kind=key,
                    target_type=due.target._meta.label_lower,
                    target_id=due.target.pk,
                    summary=due.summary[:300],
                    due_on=due.due_on,
                )
                audit_record(by=by, verb="retention.queued", target=review, after=_identity(review))
                queued[key] += 1
    return queued


def _identity(review: RetentionReview) -> dict:
    """How an audit event names a reviewed record: kind, type and id, never its content."""
    return {"kind": review.kind, "target_type": review.target_type, "target_id": review.target_id}


def _pending(review: RetentionReview) -> RetentionReview:
    review = RetentionReview.objects.select_for_update().get(pk=review.pk)
    if review.status != RetentionReview.Status.PENDING:
        raise ValidationError("This review has already been decided.")
    return review


def retention_approve(*, review: RetentionReview, by, today: datetime.date | None = None) -> dict[str, int]:
    """Erase or anonymise the reviewed record, if it is still past its retention date. Returns counts."""
    today = today or timezone.localdate()
    with transaction.atomic():
        review = _pending(review)
        kind = KINDS[review.kind]
        target = kind.model._default_manager.filter(pk=review.target_id).first()
        if target is None or not kind.is_due(target, today):
            raise ValidationError(
                "This record is no longer due for erasure (it has changed or gone since it was queued). "
                "Reject the review to keep it."
            )
        counts = {name: count for name, count in kind.apply(target).items() if count}
        review.status = RetentionReview.Status.APPROVED
        review.decided_by = by
        review.decided_at = timezone.now()
        review.result = counts
        review.save()
        audit_record(
            by=by,
            verb=f"retention.{kind.action}d",
            target=review,
            after={**_identity(review), "records": counts},
        )
    return counts


def retention_reject(
    *, review: RetentionReview, by, reason: str, keep_until: datetime.date, today: datetime.date | None = None
) -> RetentionReview:
    """Keep the record: it is not queued again before `keep_until`."""
    today = today or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is kept."})
    if keep_until <= today:
        raise ValidationError({"keep_until": "The date to keep it until must be in the future."})
    with transaction.atomic():
        review = _pending(review)
        review.status = RetentionReview.Status.REJECTED
        review.decided_by = by
        review.decided_at = timezone.now()
        review.reason = reason.strip()
        review.keep_until = keep_until
        review.save()
        audit_record(
            by=by,
            verb="retention.kept",
            target=review,
            after={**_identity(review), "keep_until": keep_until.isoformat()},
        )
    return review
