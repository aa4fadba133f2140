"""The set-up writes of the REST API: schemes, posts and rotations with their slots.

The same services and scopes as the set-up pages. Programme teams (MANAGE_PROGRAMMES) write the posts and
rotations of the schemes they manage; only regional leads (their region) and national admins create and
change schemes. A scheme, post or rotation outside the caller's scope answers 404 like one that does not
exist, wherever the request names it; a school, category, subtype, practice or post number that matches
nothing is refused input: 400 with the errors by field (the slots' under "slots").

These operations share paths with the programmes reads (GET and POST /schemes). Django answers a path from
one URL pattern, and ninja makes one per path of each router, so they are added to the programmes router.
"""

import functools

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from ninja import Router, Status
from ninja.errors import HttpError

from heft.accounts.permissions import Perm
from heft.api_common.auth import require
from heft.api_common.errors import API_ERRORS, ValidationErrorOut
from heft.programmes import services
from heft.programmes.schemas import PostOut, RotationOut, SchemeOut
from heft.programmes.selectors import post_managed_by, rotation_detail, rotation_managed_by, scheme_managed_by
from heft.setup import api_selectors as lookups
from heft.setup.api_schemas import (
    AvailabilityIn,
    PostIn,
    PostPatch,
    RotationFields,
    RotationIn,
    RotationPut,
    SchemeIn,
    SchemePatch,
    SlotIn,
)

TAGS = ["set-up"]
ERRORS = {**API_ERRORS, 400: ValidationErrorOut}
NOT_FOUND = "Not found."
REFUSED = "Nothing was saved: correct the errors."

# What a post names by code, how to find it, and what to say when nothing matches.
POST_REFERENCES = {
    "category": (lookups.category_by_code, "No post category has the code {}."),
    "subtype": (lookups.subtype_by_code, "No post subtype has the code {}."),
    "practice": (lookups.open_practice, "No open practice has the ODS code {}."),
}


def _refusals(operation):
    """The services' refusals as the API answers them: 403 for what the role may not do, 400 for input."""

    @functools.wraps(operation)
    def answered(request, *args, **kwargs):
        try:
            return operation(request, *args, **kwargs)
        except PermissionDenied as error:
            raise HttpError(403, str(error)) from None
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            return Status(400, {"detail": REFUSED, "errors": errors})

    return answered


# --- schemes -----------------------------------------------------------------------------------------------


@_refusals
def create_scheme(request, payload: SchemeIn):
    """Create a scheme in a region the caller leads, with its localities."""
    _require_scheme_editor(request)
    region = _region_led(request, payload.region)
    values = {"code": payload.code, "name": payload.name, "region": region}
    values["school"] = _school(region, payload.school)
    scheme = services.scheme_save(values=values, localities=payload.localities, by=request.auth)
    return Status(201, scheme_managed_by(request.auth, scheme.code))


@_refusals
def update_scheme(request, code: str, payload: SchemePatch):
    """Change a scheme's code, name, region, school or localities (the whole list, when sent)."""
    _require_scheme_editor(request)
    scheme = _found(scheme_managed_by, request.auth, code)
    changes = payload.dict(exclude_unset=True)
    localities = changes.pop("localities", None)
    if "region" in changes:
        changes["region"] = _region_led(request, changes["region"])
        changes.setdefault("school", scheme.school)  # the service refuses one left in the old region
    if isinstance(changes.get("school"), str):
        changes["school"] = _school(changes.get("region", scheme.region), changes["school"])
    scheme = services.scheme_save(scheme=scheme, values=changes, localities=localities, by=request.auth)
    return scheme_managed_by(request.auth, scheme.code)


def _require_scheme_editor(request) -> None:
    require(request, Perm.MANAGE_PROGRAMMES)
    if not lookups.leads_a_region(request.auth):
        raise HttpError(403, "Only regional leads and national admins create and change schemes.")


def _region_led(request, code: str):
    region = lookups.region_led_by(request.auth, code)
    if region is None:
        raise HttpError(404, NOT_FOUND)
    return region


def _school(region, name: str | None):
    if name is None:
        return None
    school = lookups.school_in(region, name)
    if school is None:
        raise ValidationError({"school": f"{region.name} has no school named {name}."})
    return school


# --- posts -------------------------------------------------------------------------------------------------


@_refusals
def create_post(request, payload: PostIn):
    """Create a post in a scheme the caller manages."""
    require(request, Perm.MANAGE_PROGRAMMES)
    post = services.post_save(values=_post_values(request, payload.dict()), by=request.auth)
    return Status(201, post_managed_by(request.auth, post.pk))


@_refusals
def update_post(request, post_id: int, payload: PostPatch):
    """Change a post (by its id: post numbers hold slashes). Moving it to another scheme needs both."""
    require(request, Perm.MANAGE_PROGRAMMES)
    post = _found(post_managed_by, request.auth, post_id)
    values = _post_values(request, payload.dict(exclude_unset=True))
    post = services.post_save(post=post, values=values, by=request.auth)
    return post_managed_by(request.auth, post.pk)


def _post_values(request, changes: dict) -> dict:
    """The changes with each code swapped for its record; every code that matches nothing refused at once."""
    values, problems = dict(changes), {}
    if "scheme" in changes:
        values["scheme"] = _found(scheme_managed_by, request.auth, changes["scheme"])
    for field, (find, message) in POST_REFERENCES.items():
        if changes.get(field) is not None:
            values[field] = find(changes[field])
            if values[field] is None:
                problems[field] = message.format(changes[field])
    if problems:
        raise ValidationError(problems)
    return values


# --- rotations ---------------------------------------------------------------------------------------------


@_refusals
def create_rotation(request, payload: RotationIn):
    """Create a rotation with its slots. Refused when a slot's post is in another scheme or the slots break
    a rule of the rotation checks (overlapping posts, past month 36)."""
    require(request, Perm.MANAGE_PROGRAMMES)
    values = _rotation_values(request, payload) | {
        "code": payload.code,
        "availability": payload.availability.value,
    }
    slots = _slots(payload.slots)
    rotation = services.rotation_save(values=values, slots=slots, by=request.auth)
    return Status(201, rotation_detail(rotation.code))


@_refusals
def replace_rotation(request, code: str, payload: RotationPut):
    """Replace a rotation and all its slots. Sending the same body again changes nothing (and records
    nothing)."""
    require(request, Perm.MANAGE_PROGRAMMES)
    rotation = _found(rotation_managed_by, request.auth, code)
    values = _rotation_values(request, payload) | {"code": payload.code or rotation.code}
    slots = _slots(payload.slots)
    rotation = services.rotation_save(rotation=rotation, values=values, slots=slots, by=request.auth)
    return rotation_detail(rotation.code)


@_refusals
def change_rotation_availability(request, code: str, payload: AvailabilityIn):
    """Make a rotation available, subject to change or withdrawn, saying why (trainees see it)."""
    require(request, Perm.MANAGE_PROGRAMMES)
    rotation = _found(rotation_managed_by, request.auth, code)
    services.rotation_set_availability(
        rotation=rotation, availability=payload.availability.value, reason=payload.reason, by=request.auth
    )
    return rotation_detail(rotation.code)


def _rotation_values(request, payload: RotationFields) -> dict:
    values = payload.dict(include={"name", "intake", "capacity", "description"})
    return {**values, "scheme": _found(scheme_managed_by, request.auth, payload.scheme)}


def _slots(slots: list[SlotIn]) -> list[services.SlotValues]:
    posts = lookups.posts_by_number(slot.post_number for slot in slots)
    unknown = dict.fromkeys(slot.post_number for slot in slots if slot.post_number not in posts)
    if unknown:
        raise ValidationError({"slots": [f"No post has the number {number}." for number in unknown]})
    return [
        services.SlotValues(slot.training_year, slot.start_month, slot.months, posts[slot.post_number])
        for slot in slots
    ]


def _found(find, *args):
    """What `find` finds, or 404: a selector raises DoesNotExist for what is absent or out of scope."""
    try:
        return find(*args)
    except ObjectDoesNotExist:
        raise HttpError(404, NOT_FOUND) from None


# Set-up writes share their paths with the programmes API's reads (POST /schemes beside GET /schemes), and
# Django sends one path to one router, so heft/api adds them to the programmes router with add_operations_to.
OPERATIONS = [
    ("post", "/schemes", {201: SchemeOut, **ERRORS}, create_scheme),
    ("patch", "/schemes/{code}", {200: SchemeOut, **ERRORS}, update_scheme),
    ("post", "/posts", {201: PostOut, **ERRORS}, create_post),
    ("patch", "/posts/{post_id}", {200: PostOut, **ERRORS}, update_post),
    ("post", "/rotations", {201: RotationOut, **ERRORS}, create_rotation),
    ("put", "/rotations/{code}", {200: RotationOut, **ERRORS}, replace_rotation),
    ("post", "/rotations/{code}/availability", {200: RotationOut, **ERRORS}, change_rotation_availability),
]


def add_operations_to(router: Router) -> None:
    for method, path, response, operation in OPERATIONS:
        getattr(router, method)(path, response=response, tags=TAGS)(operation)
