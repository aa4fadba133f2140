"""Reads for data protection, limited to what the user's role and scope allow."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from heft.accounts.permissions import Perm, scope_for
from heft.privacy.models import RetentionReview
from heft.privacy.retention import KINDS
from heft.trainees.models import ProgrammeMembership, Trainee


def trainees_exportable_by(user, *, search: str = "") -> QuerySet[Trainee]:
    """Trainees whose data the user may export: all of England, or those in their regions or schemes."""
    scope = scope_for(user, Perm.EXPORT_PERSONAL_DATA)
    if scope.england:
        trainees = Trainee.objects.all()
    else:
        condition = Q(scheme__region_id__in=scope.region_ids) | Q(scheme_id__in=scope.scheme_ids)
        trainees = Trainee.objects.filter(
            pk__in=ProgrammeMembership.objects.filter(condition).values("trainee_id")
        )
    if search:
        trainees = trainees.filter(
            Q(surname__icontains=search) | Q(forenames__icontains=search) | Q(gmc_number=search)
        )
    return trainees.prefetch_related("memberships__scheme").order_by("surname", "forenames", "pk")


def trainee_for_export(user, pk: int) -> Trainee:
    """One trainee the user may export, or 404: out of scope looks the same as not there."""
    return get_object_or_404(trainees_exportable_by(user).select_related("user"), pk=pk)


# The name privacy's pages call: one lookup of the signed-in trainee's record (404 without one), in trainees.


def retention_reviews_for(user, *, status: str = "", kind: str = "") -> QuerySet[RetentionReview]:
    """The review queue: national (England-wide) reviewers only; anyone else sees nothing."""
    if not scope_for(user, Perm.MANAGE_RETENTION).england:
        return RetentionReview.objects.none()
    reviews = RetentionReview.objects.select_related("decided_by")
    if status:
        reviews = reviews.filter(status=status)
    if kind:
        reviews = reviews.filter(kind=kind)
    return reviews


def retention_review_for(user, pk: int) -> RetentionReview:
    return get_object_or_404(retention_reviews_for(user), pk=pk)


def retention_target(review: RetentionReview):
    """The record a review is about, or None once it is gone (erased, or removed some other way)."""
    return KINDS[review.kind].model._default_manager.filter(pk=review.target_id).first()
