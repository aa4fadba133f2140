"""Reads of the programme structure. Not personal data: every signed-in user may see all of it;
writes are limited to the schemes in the user's MANAGE_PROGRAMMES scope."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from heft.accounts.permissions import Perm, scope_for
from heft.programmes.models import Region, Rotation, RotationSlot, TrainingScheme


def heft_slot_condition() -> Q:
    return Q(post__category__kind="innovative") | Q(post__practice__is_deep_end=True)


def rotations_with_heft_flag() -> QuerySet[Rotation]:
    heft_slots = RotationSlot.objects.filter(heft_slot_condition(), rotation=OuterRef("pk"))
    return Rotation.objects.annotate(heft=Exists(heft_slots))


def rotations_list(*, scheme_code: str = "", heft_only: bool = False, intake: str = "") -> QuerySet[Rotation]:
    rotations = rotations_with_heft_flag().select_related("scheme", "scheme__region")
    if scheme_code:
        rotations = rotations.filter(scheme__code=scheme_code)
    if intake:
        rotations = rotations.filter(intake=intake)
    if heft_only:
        rotations = rotations.filter(heft=True)
    return rotations.order_by("scheme__name", "intake", "code")


def rotation_detail(code: str) -> Rotation:
    slots = RotationSlot.objects.select_related("post__category", "post__practice").order_by("order")
    return (
        rotations_with_heft_flag()
        .select_related("scheme__region", "scheme__school")
        .prefetch_related(Prefetch("slots", queryset=slots))
        .get(code=code)
    )


def regions_with_schemes() -> QuerySet[Region]:
    return Region.objects.prefetch_related("schools", "schemes__school").order_by("name")


def schemes_managed_by(user) -> QuerySet[TrainingScheme]:
    scope = scope_for(user, Perm.MANAGE_PROGRAMMES)
    if scope.england:
        return TrainingScheme.objects.all()
    return TrainingScheme.objects.filter(Q(pk__in=scope.scheme_ids) | Q(region_id__in=scope.region_ids))


def can_manage_rotation(user, rotation: Rotation) -> bool:
    return scope_for(user, Perm.MANAGE_PROGRAMMES).covers_scheme(rotation.scheme)
