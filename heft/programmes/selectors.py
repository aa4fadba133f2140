"""Reads of the programme structure. Not personal data: every signed-in user may see all of it;
writes are limited to the schemes in the user's MANAGE_PROGRAMMES scope."""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from heft.accounts.permissions import Perm, has_perm, scope_for
from heft.engines.rotations import Slot, rotation_findings
from heft.programmes.models import (
    Post,
    PostCategory,
    PostSubtype,
    Region,
    Rotation,
    RotationSlot,
    SchemeIntake,
    School,
    TrainingScheme,
)
from heft.programmes.signals import Consequence, rotation_withdrawal_consequences


def heft_slot_condition(*, deep_end_added: Collection[int] = (), deep_end_removed: Collection[int] = ()) -> Q:
    """The HEFT rule for a slot: an innovative post, or a post at a Deep End practice. Given the ids of
    practices whose Deep End flag a change would set (added) or clear (removed), the rule as it would be
    after that change: the one rule serves the pages and the preview of a change."""
    deep_end = Q(post__practice__is_deep_end=True)
    if deep_end_removed:
        deep_end &= ~Q(post__practice__in=deep_end_removed)
    if deep_end_added:
        deep_end |= Q(post__practice__in=deep_end_added)
    return Q(post__category__kind="innovative") | deep_end


def rotations_with_heft_flag() -> QuerySet[Rotation]:
    heft_slots = RotationSlot.objects.filter(heft_slot_condition(), rotation=OuterRef("pk"))
    return Rotation.objects.annotate(heft=Exists(heft_slots))


def rotations_heft_would_change(
    *, deep_end_added: Collection[int], deep_end_removed: Collection[int]
) -> list[Rotation]:
    """The rotations that would start or stop counting as HEFT were those practices' Deep End flags changed,
    each with `heft` (now) and `heft_after`, with its scheme and region; by region, scheme and code."""
    touched = set(deep_end_added) | set(deep_end_removed)
    if not touched:
        return []
    after = RotationSlot.objects.filter(
        heft_slot_condition(deep_end_added=deep_end_added, deep_end_removed=deep_end_removed),
        rotation=OuterRef("pk"),
    )
    holding = RotationSlot.objects.filter(post__practice__in=touched).values("rotation")
    rotations = (
        rotations_with_heft_flag()
        .filter(pk__in=holding)
        .annotate(heft_after=Exists(after))
        .select_related("scheme__region")
        .order_by("scheme__region__name", "scheme__name", "code")
    )
    return [rotation for rotation in rotations if rotation.heft != rotation.heft_after]


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


def schemes_list() -> QuerySet[TrainingScheme]:
    return TrainingScheme.objects.order_by("name")


def scheme_detail(code: str) -> TrainingScheme:
    return TrainingScheme.objects.select_related("region", "school").get(code=code)


def regions_with_schemes() -> QuerySet[Region]:
    return Region.objects.prefetch_related("schools", "schemes__school").order_by("name")


def regions_list() -> QuerySet[Region]:
    return Region.objects.order_by("name")


def schemes_with_localities(*, region_code: str = "") -> QuerySet[TrainingScheme]:
    """Every scheme, or a region's, with its region, school and localities; by name."""
    schemes = (
        TrainingScheme.objects.select_related("region", "school")
        .prefetch_related("localities")
        .order_by("name")
    )
    return schemes.filter(region__code=region_code) if region_code else schemes


def posts_list(*, scheme_code: str = "") -> QuerySet[Post]:
    """Every post, or a scheme's, with its category, subtype, scheme and practice; by post number."""
    posts = Post.objects.select_related("category", "subtype", "scheme", "practice").order_by("post_number")
    return posts.filter(scheme__code=scheme_code) if scheme_code else posts


def rotations_with_slots(**filters) -> QuerySet[Rotation]:
    """`rotations_list` with each rotation's slots, their posts and the posts' categories."""
    return rotations_list(**filters).prefetch_related("slots__post__category")


def schemes_managed_by(user) -> QuerySet[TrainingScheme]:
    scope = scope_for(user, Perm.MANAGE_PROGRAMMES)
    if scope.england:
        return TrainingScheme.objects.all()
    return TrainingScheme.objects.filter(Q(pk__in=scope.scheme_ids) | Q(region_id__in=scope.region_ids))


def manages_any_scheme(user) -> bool:
    return schemes_managed_by(user).exists()


def schemes_with_regions_managed_by(user) -> list[TrainingScheme]:
    """The schemes `user` manages with their regions, by region then name: for choosing one."""
    return list(schemes_managed_by(user).select_related("region").order_by("region__name", "name"))


def can_manage_rotation(user, rotation: Rotation) -> bool:
    return scope_for(user, Perm.MANAGE_PROGRAMMES).covers_scheme(rotation.scheme)


def rotation_withdrawal_preview(rotation: Rotation) -> list[Consequence]:
    """What withdrawing the rotation would touch, as the apps above programmes tell it (signals.py)."""
    replies = rotation_withdrawal_consequences.send(sender=Rotation, rotation=rotation)
    return [consequence for _, consequences in replies for consequence in consequences or []]


def regions_led_by(user) -> QuerySet[Region]:
    """The regions whose schemes and contact details `user` looks after (all, for national admins)."""
    scope = scope_for(user, Perm.MANAGE_PROGRAMMES)
    regions = Region.objects.order_by("name")
    return regions if scope.england else regions.filter(pk__in=scope.region_ids)


def may_manage_structure(user) -> bool:
    return has_perm(user, Perm.MANAGE_STRUCTURE)


def schools_in(region: Region) -> QuerySet[School]:
    return School.objects.filter(region=region).order_by("name")


def scheme_managed_by(user, code: str) -> TrainingScheme:
    """A scheme `user` manages, by code; TrainingScheme.DoesNotExist for any other (out of scope looks
    absent)."""
    return (
        schemes_managed_by(user)
        .select_related("region", "school")
        .prefetch_related("localities", "intakes")
        .get(code=code)
    )


def scheme_intakes(scheme: TrainingScheme) -> list[dict]:
    """Each intake the scheme has rotations for or has decided on: the team's HEFT decision and the hints
    beside it (how many rotations hold an innovative post, how many a Deep End practice)."""
    decided = {i.intake: i for i in SchemeIntake.objects.filter(scheme=scheme)}
    counts = (
        Rotation.objects.filter(scheme=scheme)
        .exclude(availability=Rotation.Availability.WITHDRAWN)
        .values("intake")
        .annotate(
            rotations=Count("pk", distinct=True),
            innovative=Count(
                "pk", distinct=True, filter=Q(slots__post__category__kind=PostCategory.Kind.INNOVATIVE)
            ),
            deep_end=Count("pk", distinct=True, filter=Q(slots__post__practice__is_deep_end=True)),
        )
    )
    hints = {row["intake"]: row for row in counts}
    return [
        {
            "intake": intake,
            "decision": decided.get(intake),
            "rotations": hints.get(intake, {}).get("rotations", 0),
            "innovative": hints.get(intake, {}).get("innovative", 0),
            "deep_end": hints.get(intake, {}).get("deep_end", 0),
        }
        for intake in sorted(set(decided) | set(hints), reverse=True)
    ]


def categories_list() -> QuerySet[PostCategory]:
    return PostCategory.objects.prefetch_related("subtypes").order_by("kind", "name")


def subtypes_list() -> QuerySet[PostSubtype]:
    return PostSubtype.objects.select_related("category").order_by("category__name", "name")


def posts_managed_by(user, *, scheme_code: str = "") -> QuerySet[Post]:
    posts = Post.objects.filter(scheme__in=schemes_managed_by(user)).select_related(
        "scheme", "category", "subtype", "practice"
    )
    return (posts.filter(scheme__code=scheme_code) if scheme_code else posts).order_by(
        "scheme__name", "post_number"
    )


def post_number_taken(post_number: str, *, excluding: Post | None = None) -> bool:
    """Whether another post has this national post number (they are unique across England)."""
    posts = Post.objects.filter(post_number__iexact=post_number.strip())
    return posts.exclude(pk=excluding.pk).exists() if excluding is not None else posts.exists()


def rotations_holding(post: Post) -> list[str]:
    """The codes of the rotations that hold `post`, in order."""
    codes = RotationSlot.objects.filter(post=post).values_list("rotation__code", flat=True)
    return sorted(set(codes))


def post_managed_by(user, pk: int) -> Post:
    """Post.DoesNotExist for a post outside the schemes `user` manages."""
    return posts_managed_by(user).get(pk=pk)


def rotation_managed_by(user, code: str) -> Rotation:
    """Rotation.DoesNotExist for a rotation outside the schemes `user` manages."""
    rotation = rotation_detail(code)
    if not can_manage_rotation(user, rotation):
        raise Rotation.DoesNotExist
    return rotation


def rotation_code_taken(code: str, *, excluding: Rotation | None = None) -> bool:
    """Whether another rotation has this code (codes are unique across England, whatever the case)."""
    rotations = Rotation.objects.filter(code__iexact=code.strip())
    return rotations.exclude(pk=excluding.pk).exists() if excluding is not None else rotations.exists()


def intakes_of(scheme: TrainingScheme) -> list[str]:
    """The intakes the scheme has rotations for, newest first."""
    return _intakes(Rotation.objects.filter(scheme=scheme))


def intakes_managed_by(user) -> list[str]:
    """The intakes any scheme `user` manages has rotations for, newest first."""
    return _intakes(Rotation.objects.filter(scheme__in=schemes_managed_by(user)))


def _intakes(rotations: QuerySet[Rotation]) -> list[str]:
    # order_by() drops the model's ordering, whose columns would otherwise defeat the DISTINCT.
    return list(rotations.order_by("-intake").values_list("intake", flat=True).distinct())


def posts_listed_for(user, *, scheme_code: str = "") -> QuerySet[Post]:
    """The posts `user` manages with how many rotations hold each, for the set-up list. The count is a
    subquery, so a page of posts counts only its own (a join and GROUP BY counted every post's slots)."""
    holding = (
        RotationSlot.objects.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(n=Count("rotation", distinct=True))
        .values("n")
    )
    return posts_managed_by(user, scheme_code=scheme_code).annotate(
        rotation_count=Coalesce(Subquery(holding), 0)
    )


# Suggested codes read SCHEME-2027-08-01: the scheme's code shortened so that the whole fits the column.
_CODE_LENGTH = Rotation._meta.get_field("code").max_length


def next_rotation_code(scheme: TrainingScheme, intake: str) -> str:
    """The next free code of the form <SCHEME>-<intake>-NN, for a rotation the team leaves uncoded."""
    suffix_length = len(f"-{intake}-00")
    prefix = f"{scheme.code.upper()[: _CODE_LENGTH - suffix_length]}-{intake}-"
    taken = set(Rotation.objects.filter(code__istartswith=prefix).values_list("code", flat=True))
    numbers = [int(code[len(prefix) :]) for code in taken if code[len(prefix) :].isdigit()]
    number = max(numbers, default=0) + 1
    while f"{prefix}{number:02d}" in taken:
        number += 1
    return f"{prefix}{number:02d}"


@dataclass(frozen=True)
class PlannedCopy:
    """One rotation of the intake copied from, and what copying the intake does with it."""

    source: Rotation
    code: str  # its code in the new intake
    existing: Rotation | None  # the rotation already holding that code: left as it is
    withdrawn: bool  # withdrawn rotations are not copied

    @property
    def to_copy(self) -> bool:
        return self.existing is None and not self.withdrawn


def copied_code(code: str, from_intake: str, to_intake: str) -> str:
    """A rotation's code in the intake it is copied to: the new intake in place of the old, or added."""
    return code.replace(from_intake, to_intake) if from_intake in code else f"{code}-{to_intake}"


def intake_copy_plan(scheme: TrainingScheme, from_intake: str, to_intake: str) -> list[PlannedCopy]:
    """What rotations_copy_to_intake would do, rotation by rotation, without doing it."""
    sources = list(rotations_with_heft_flag().filter(scheme=scheme, intake=from_intake).order_by("code"))
    codes = {s.pk: copied_code(s.code, from_intake, to_intake) for s in sources}
    existing = {r.code: r for r in Rotation.objects.filter(code__in=codes.values()).select_related("scheme")}
    return [
        PlannedCopy(
            source=s,
            code=codes[s.pk],
            existing=existing.get(codes[s.pk]),
            withdrawn=s.availability == Rotation.Availability.WITHDRAWN,
        )
        for s in sources
    ]


def post_label(post: Post) -> str:
    """How people name a post in a rotation: "Psychiatry at Riverside Liaison Service"."""
    return f"{post.category.name} at {post.place}"


def slot_for_checks(post: Post, order: int, training_year: str, start: int, months: int) -> Slot:
    """A slot as the rotation checks take it (heft.engines.rotations)."""
    deep_end = post.practice_id and post.practice.is_deep_end
    return Slot(
        order=order,
        training_year=training_year,
        start=start,
        months=months,
        wte=Decimal(str(post.wte)),  # a post not yet read back from the database may hold an int
        post=post_label(post),
        innovative=post.category.is_innovative,
        deep_end_practice=post.practice.name if deep_end else "",
    )


def rotation_check_slots(rotation: Rotation) -> list[Slot]:
    return [
        slot_for_checks(s.post, s.order, s.training_year, s.start_offset_months, s.months)
        for s in rotation.slots.all()
    ]


# --- intakes and set-up, for the home pages -----------------------------------------------------------------

# GP specialty training's yearly intake starts in August: "2026-08" is the intake that began in August 2026.
INTAKE_MONTH = 8


def current_intake(today) -> str:
    """The yearly intake under way on `today` (the one that started most recently)."""
    year = today.year if today.month >= INTAKE_MONTH else today.year - 1
    return f"{year}-{INTAKE_MONTH:02d}"


def next_intake(today) -> str:
    """The yearly intake still to start after `today`, whose rotations and windows are being set up."""
    return f"{int(current_intake(today)[:4]) + 1}-{INTAKE_MONTH:02d}"


def intake_set_up(schemes: QuerySet[TrainingScheme], intake: str) -> list[dict]:
    """Each scheme with how far its set-up for `intake` has gone: rotations not withdrawn, and the team's
    decision on offering HEFT (None: not decided). Two queries, by region then scheme name."""
    counts = dict(
        Rotation.objects.filter(scheme__in=schemes, intake=intake)
        .exclude(availability=Rotation.Availability.WITHDRAWN)
        .order_by()
        .values("scheme_id")
        .annotate(n=Count("pk"))
        .values_list("scheme_id", "n")
    )
    decisions = dict(
        SchemeIntake.objects.filter(scheme__in=schemes, intake=intake).values_list("scheme_id", "offers_heft")
    )
    return [
        {"scheme": s, "rotations": counts.get(s.pk, 0), "offers_heft": decisions.get(s.pk)}
        for s in schemes.select_related("region").order_by("region__name", "name")
    ]


def rotations_with_findings(user, *, from_intake: str) -> list[tuple[Rotation, list]]:
    """The rotations the user manages, from `from_intake` on and not withdrawn, that the rotation checks
    find something wrong with: (rotation, findings), errors first. Three queries, however many rotations."""
    slots = RotationSlot.objects.select_related("post__category", "post__practice").order_by("order")
    rotations = (
        Rotation.objects.filter(scheme__in=schemes_managed_by(user), intake__gte=from_intake)
        .exclude(availability=Rotation.Availability.WITHDRAWN)
        .select_related("scheme")
        .prefetch_related(Prefetch("slots", queryset=slots))
        .order_by("intake", "scheme__name", "code")
    )
    found = ((r, rotation_findings(rotation_check_slots(r))) for r in rotations)
    return [(r, findings) for r, findings in found if findings]
