"""Writes to the programme structure. Each runs in one transaction and leaves an audit event.

Who may write what: national admins the regions, schools and post catalogue (MANAGE_STRUCTURE); programme
teams the schemes, posts and rotations within their MANAGE_PROGRAMMES scope (a regional lead creates
schemes in their region and edits its public contact details). Every service checks it, whoever calls.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

from heft.accounts.permissions import Perm, has_perm, scope_for
from heft.audit.services import audit_record, snapshot
from heft.engines.rotations import Slot, rotation_findings
from heft.programmes.models import (
    Locality,
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
from heft.programmes.selectors import can_manage_rotation, copied_code, rotations_holding, slot_for_checks

# --- permissions -------------------------------------------------------------------------------------------


def _check_structure(by) -> None:
    if not has_perm(by, Perm.MANAGE_STRUCTURE):
        raise PermissionDenied("Only national admins change regions, schools and the post catalogue.")


def _check_scheme(by, scheme: TrainingScheme) -> None:
    if not scope_for(by, Perm.MANAGE_PROGRAMMES).covers_scheme(scheme):
        raise PermissionDenied(f"{scheme.name} is outside the schemes you manage.")


def _check_region(by, region: Region) -> None:
    """Regional leads (and national admins) look after a region's schemes and public contact details."""
    if not scope_for(by, Perm.MANAGE_PROGRAMMES).covers_region(region.pk):
        raise PermissionDenied(f"{region.name} is not a region you lead.")


def _saved(instance: Model, *, by, verb: str, before: dict | None, fields: list[str] | None = None) -> Model:
    """Check the record against its model's rules, save it and audit the change (nothing when unchanged)."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    after = snapshot(instance, fields)
    if before is not None and after == before:
        return instance
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError("Another record already has these details.") from error
    after = snapshot(instance, fields)
    audit_record(by=by, verb=verb, target=instance, before=before, after=after)
    return instance


def _apply(instance: Model, values: dict) -> None:
    for name, value in values.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)


# --- regions and schools (national admins) ------------------------------------------------------------------

REGION_FIELDS = ["code", "name", "summary", "contact_email", "contact_phone", "contact_url"]
REGION_CONTACT_FIELDS = ["summary", "contact_email", "contact_phone", "contact_url"]


def region_save(*, region: Region | None = None, values: dict, by) -> Region:
    """Create a region or change it. National admins change every field; a regional lead only their own
    region's public summary and contact details."""
    is_new = region is None
    if is_new or set(values) - set(REGION_CONTACT_FIELDS):
        _check_structure(by)
    else:
        _check_region(by, region)
    with transaction.atomic():
        region = Region() if is_new else Region.objects.select_for_update().get(pk=region.pk)
        before = None if is_new else snapshot(region, REGION_FIELDS)
        _apply(region, values)
        verb = "region.created" if is_new else "region.changed"
        return _saved(region, by=by, verb=verb, before=before, fields=REGION_FIELDS)


def school_save(*, school: School | None = None, region: Region, name: str, by) -> School:
    _check_structure(by)
    with transaction.atomic():
        is_new = school is None
        school = School() if is_new else School.objects.select_for_update().get(pk=school.pk)
        before = None if is_new else snapshot(school, ["region", "name"])
        _apply(school, {"region": region, "name": name})
        return _saved(school, by=by, verb="school.created" if is_new else "school.changed", before=before)


# --- schemes (regional leads and national admins) -----------------------------------------------------------

SCHEME_FIELDS = ["code", "name", "region", "school"]


def scheme_save(
    *, scheme: TrainingScheme | None = None, values: dict, localities: Sequence[str] | None = None, by
) -> TrainingScheme:
    """Create or change a scheme: its name, code, region and school, and (when given) its localities, one
    name each; localities no longer listed are removed."""
    region = values.get("region") or (scheme.region if scheme else None)
    if region is None:
        raise ValidationError({"region": "Choose the region the scheme belongs to."})
    _check_region(by, region)
    if scheme is not None:
        _check_region(by, scheme.region)
    school = values.get("school")
    if school is not None and school.region_id != region.pk:
        raise ValidationError({"school": f"{school.name} is not in {region.name}."})
    with transaction.atomic():
        is_new = scheme is None
        scheme = TrainingScheme() if is_new else TrainingScheme.objects.select_for_update().get(pk=scheme.pk)
        before = None if is_new else snapshot(scheme, SCHEME_FIELDS)
        _apply(scheme, values)
        scheme = _saved(
            scheme,
            by=by,
            verb="scheme.created" if is_new else "scheme.changed",
            before=before,
            fields=SCHEME_FIELDS,
        )
        if localities is not None:
            _localities_set(scheme, localities, by=by)
    return scheme


def _localities_set(scheme: TrainingScheme, names: Sequence[str], *, by) -> None:
    wanted = list(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))
    too_long = [n for n in wanted if len(n) > Locality._meta.get_field("name").max_length]
    if too_long:
        raise ValidationError(
            {"localities": f"A locality name can be at most 120 characters: {too_long[0][:40]}…"}
        )
    current = {loc.name: loc for loc in scheme.localities.all()}
    if set(wanted) == set(current):
        return
    for name in set(current) - set(wanted):
        current[name].delete()
    Locality.objects.bulk_create(Locality(scheme=scheme, name=n) for n in wanted if n not in current)
    audit_record(
        by=by,
        verb="scheme.localities_changed",
        target=scheme,
        before={"localities": sorted(current)},
        after={"localities": sorted(wanted)},
    )


def scheme_intake_set(
    *, scheme: TrainingScheme, intake: str, offers_heft: bool, note: str = "", by
) -> SchemeIntake:
    """Say whether the scheme offers HEFT for an intake (shown on the public site)."""
    _check_scheme(by, scheme)
    with transaction.atomic():
        record = SchemeIntake.objects.select_for_update().filter(scheme=scheme, intake=intake).first()
        before = snapshot(record, ["offers_heft", "note"]) if record else None
        record = record or SchemeIntake(scheme=scheme, intake=intake)
        _apply(record, {"offers_heft": offers_heft, "note": note})
        return _saved(
            record,
            by=by,
            verb="scheme.heft_offer_set",
            before=before,
            fields=["intake", "offers_heft", "note"],
        )


# --- the post catalogue (national admins) -------------------------------------------------------------------


def category_save(*, category: PostCategory | None = None, values: dict, by) -> PostCategory:
    _check_structure(by)
    with transaction.atomic():
        is_new = category is None
        category = PostCategory() if is_new else PostCategory.objects.select_for_update().get(pk=category.pk)
        fields = ["code", "name", "kind", "description"]
        before = None if is_new else snapshot(category, fields)
        if not is_new and category.kind != values.get("kind", category.kind) and category.posts.exists():
            raise ValidationError({"kind": "Posts are filed under this category: its kind cannot change."})
        _apply(category, values)
        verb = "category.created" if is_new else "category.changed"
        return _saved(category, by=by, verb=verb, before=before, fields=fields)


def subtype_save(
    *, subtype: PostSubtype | None = None, category: PostCategory, code: str, name: str, by
) -> PostSubtype:
    _check_structure(by)
    with transaction.atomic():
        is_new = subtype is None
        subtype = PostSubtype() if is_new else PostSubtype.objects.select_for_update().get(pk=subtype.pk)
        before = None if is_new else snapshot(subtype, ["category", "code", "name"])
        _apply(subtype, {"category": category, "code": code, "name": name})
        return _saved(subtype, by=by, verb="subtype.created" if is_new else "subtype.changed", before=before)


# --- posts (programme teams) --------------------------------------------------------------------------------

POST_FIELDS = [
    "post_number",
    "scheme",
    "category",
    "subtype",
    "practice",
    "site",
    "wte",
    "educational_supervisor_name",
    "educational_supervisor_email",
    "clinical_supervisor_name",
    "clinical_supervisor_email",
    "notes",
]


def post_problems(values: dict) -> dict[str, str]:
    """What is wrong with a post's values beyond each field's own format, by field: the rules the form, the
    bulk upload and the API share. `values` holds POST_FIELDS (practice: a Practice or None)."""
    problems = {}
    category, subtype, practice = values.get("category"), values.get("subtype"), values.get("practice")
    is_gp = category is not None and category.kind == PostCategory.Kind.GP
    if is_gp and practice is None:
        problems["practice"] = "Choose the GP practice: a GP placement is in a practice."
    elif category is not None and not is_gp:  # (no category: the model's own check asks for one)
        if practice is not None:
            problems["practice"] = "Only GP placements are in a practice: give the site instead."
        elif not (values.get("site") or "").strip():
            problems["site"] = "Say where the post is: the hospital, service or organisation."
    if subtype is not None and category is not None and subtype.category_id != category.pk:
        problems["subtype"] = f"{subtype.name} is not a kind of {category.name}."
    wte = _finite_decimal(values.get("wte"))
    if wte is not None and not Decimal(0) < wte <= Decimal(1):
        problems["wte"] = "The whole-time equivalent is more than 0 and at most 1, e.g. 1 or 0.5."
    for role in ("educational", "clinical"):
        if values.get(f"{role}_supervisor_email") and not values.get(f"{role}_supervisor_name"):
            problems[f"{role}_supervisor_name"] = f"Give the {role} supervisor's name with their email."
    return problems


def post_save(*, post: Post | None = None, values: dict, by) -> Post:
    """Create or change a post in a scheme `by` manages (moving it to another scheme needs both)."""
    if post is not None:
        _check_scheme(by, post.scheme)
    scheme = values.get("scheme") or (post.scheme if post else None)
    if scheme is None:
        raise ValidationError({"scheme": "Choose the scheme the post belongs to."})
    _check_scheme(by, scheme)
    if values.get("wte") is not None:
        values = {**values, "wte": _as_stored_wte(values["wte"])}
    merged = {**({f: getattr(post, f) for f in POST_FIELDS} if post else {}), **values}
    problems = post_problems(merged)
    if post is not None and scheme.pk != post.scheme_id:
        problems.update(_post_move_problems(post, scheme))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        is_new = post is None
        post = Post() if is_new else Post.objects.select_for_update().get(pk=post.pk)
        before = None if is_new else snapshot(post, POST_FIELDS)
        _apply(post, values)
        return _saved(
            post, by=by, verb="post.created" if is_new else "post.changed", before=before, fields=POST_FIELDS
        )


def _finite_decimal(value) -> Decimal | None:
    """A number given as a number or text; None for anything else (the model's own checks say so)."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _as_stored_wte(value):
    """The WTE as the database keeps it (1 as 1.00), so that saving an unchanged post changes nothing."""
    number = _finite_decimal(value)
    try:
        return value if number is None else number.quantize(Decimal("0.01"))
    except ArithmeticError:  # too many digits to be a WTE at all
        return value


def _post_move_problems(post: Post, scheme: TrainingScheme) -> dict[str, str]:
    """A post in rotations stays in its scheme: its rotations may hold only their own scheme's posts."""
    codes = rotations_holding(post)
    if not codes:
        return {}
    return {
        "scheme": f"{post.post_number} is in rotations of {post.scheme.name} ({', '.join(codes[:5])}"
        f"{'…' if len(codes) > 5 else ''}): take it out of them before moving it to {scheme.name}."
    }


# --- rotations (programme teams) ----------------------------------------------------------------------------

ROTATION_FIELDS = ["code", "name", "scheme", "intake", "capacity", "availability", "description"]


@dataclass(frozen=True)
class SlotValues:
    """One slot as a form, a file row or the API gives it. `start_month` counts from 1."""

    training_year: str
    start_month: int
    months: int
    post: Post

    def as_check(self, order: int) -> Slot:
        return slot_for_checks(self.post, order, self.training_year, self.start_month - 1, self.months)


def slot_problems(scheme: TrainingScheme | None, slots: Sequence[SlotValues]) -> list[str]:
    """What stops these slots being saved for `scheme`: posts of another scheme and the engine's errors."""
    problems = [
        f"{s.post.post_number} is a post of {s.post.scheme.name}, not {scheme.name}."
        for s in slots
        if scheme is not None and s.post.scheme_id != scheme.pk
    ]
    problems += [
        f"{s.post.post_number}: the training year is ST1, ST2 or ST3, not {s.training_year or 'blank'}."
        for s in slots
        if s.training_year not in RotationSlot.TrainingYear.values
    ]
    checks = [s.as_check(order) for order, s in enumerate(slots, start=1)]
    return problems + [f.message for f in rotation_findings(checks) if f.is_error]


def rotation_save(
    *, rotation: Rotation | None = None, values: dict, slots: Sequence[SlotValues], by
) -> Rotation:
    """Create a rotation or change it, with its slots in the order given. Refused (nothing written) when a
    slot's post is in another scheme or the engine finds an error; warnings are for the page to show."""
    if rotation is not None:
        _check_scheme(by, rotation.scheme)
    scheme = values.get("scheme") or (rotation.scheme if rotation else None)
    if scheme is None:
        raise ValidationError({"scheme": "Choose the scheme the rotation belongs to."})
    _check_scheme(by, scheme)
    problems = slot_problems(scheme, slots)
    if problems:
        raise ValidationError({"slots": problems})
    with transaction.atomic():
        is_new = rotation is None
        rotation = Rotation() if is_new else Rotation.objects.select_for_update().get(pk=rotation.pk)
        before = (
            None if is_new else {**snapshot(rotation, ROTATION_FIELDS), "slots": _slots_picture(rotation)}
        )
        _apply(rotation, values)
        rotation.full_clean()
        new_slots = [_slot_row(order, s) for order, s in enumerate(slots, start=1)]
        after = {**snapshot(rotation, ROTATION_FIELDS), "slots": [_slot_row_picture(s) for s in new_slots]}
        if before == after:
            return rotation
        try:
            with transaction.atomic():
                rotation.save()
                rotation.slots.all().delete()
                RotationSlot.objects.bulk_create(_with_rotation(new_slots, rotation))
        except IntegrityError as error:
            raise ValidationError({"code": "Another rotation already has this code."}) from error
        audit_record(
            by=by,
            verb="rotation.created" if is_new else "rotation.changed",
            target=rotation,
            before=before,
            after=after,
        )
    return rotation


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


def rotations_copy_to_intake(
    *, scheme: TrainingScheme, from_intake: str, to_intake: str, by
) -> list[Rotation]:
    """The yearly job: every rotation of `from_intake` that is not withdrawn, copied to `to_intake` with
    the same posts and months (its dates follow the new intake's start). Codes take the new intake in place
    of the old (or gain it at the end). Rotations already copied are left as they are, so running it again
    adds only what is missing."""
    _check_scheme(by, scheme)
    if from_intake == to_intake:
        raise ValidationError({"to_intake": "Choose an intake other than the one copied from."})
    Rotation._meta.get_field("intake").run_validators(to_intake)
    sources = (
        Rotation.objects.filter(scheme=scheme, intake=from_intake)
        .exclude(availability=Rotation.Availability.WITHDRAWN)
        .prefetch_related("slots__post")
        .order_by("code")
    )
    copies = []
    with transaction.atomic():
        for source in sources:
            code = copied_code(source.code, from_intake, to_intake)
            if Rotation.objects.filter(code=code).exists():
                continue
            values = {f: getattr(source, f) for f in ROTATION_FIELDS} | {
                "code": code,
                "intake": to_intake,
                "availability": Rotation.Availability.AVAILABLE,
            }
            slots = [
                SlotValues(s.training_year, s.start_offset_months + 1, s.months, s.post)
                for s in source.slots.all()
            ]
            try:
                copies.append(rotation_save(values=values, slots=slots, by=by))
            except ValidationError as error:
                raise ValidationError(
                    f"{source.code} cannot be copied: {' '.join(error.messages)}"
                ) from error
    return copies


def _slot_row(order: int, values: SlotValues) -> RotationSlot:
    return RotationSlot(
        order=order,
        training_year=values.training_year,
        start_offset_months=values.start_month - 1,
        months=values.months,
        post=values.post,
    )


def _with_rotation(slots: list[RotationSlot], rotation: Rotation) -> list[RotationSlot]:
    for slot in slots:
        slot.rotation = rotation
    return slots


def _slot_row_picture(slot: RotationSlot, order: int | None = None) -> dict:
    return {
        "order": slot.order if order is None else order,
        "training_year": slot.training_year,
        "start_offset_months": slot.start_offset_months,
        "months": slot.months,
        "post": slot.post_id,
    }


def _slots_picture(rotation: Rotation) -> list[dict]:
    """The slots as saved, numbered 1, 2, 3 as rotation_save numbers them: gaps in the stored numbers (an
    older import's) are no change."""
    return [_slot_row_picture(s, n) for n, s in enumerate(rotation.slots.order_by("order"), start=1)]
