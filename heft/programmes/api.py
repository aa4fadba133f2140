"""The programme structure in the REST API (mounted under /api/v1/): regions, schemes, posts and rotations,
readable by everyone holding VIEW_PROGRAMMES. The set-up writes on the same paths are added to this router
by heft/setup/api.py (a Django URL pattern answers all the methods of its path, so one router holds them).
"""

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api_common.auth import require
from heft.api_common.errors import API_ERRORS
from heft.api_common.pagination import Pagination
from heft.programmes.schemas import PostOut, RegionOut, RotationOut, SchemeOut
from heft.programmes.selectors import posts_list, regions_list, rotations_with_slots, schemes_with_localities

router = Router(tags=["programmes"])
ERRORS = API_ERRORS


def _operation_id(name: str) -> str:
    """The id the operation had before it moved here from heft/api/api.py: clients generated from the
    schema keep their method names."""
    return f"heft_api_api_{name}"


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, operation_id=_operation_id("list_regions"))
@paginate(Pagination)
def list_regions(request):
    require(request, Perm.VIEW_PROGRAMMES)
    return regions_list()


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, operation_id=_operation_id("list_schemes"))
@paginate(Pagination)
def list_schemes(request, region: str = ""):
    require(request, Perm.VIEW_PROGRAMMES)
    return schemes_with_localities(region_code=region)


@router.get("/posts", response={200: list[PostOut], **ERRORS}, operation_id=_operation_id("list_posts"))
@paginate(Pagination)
def list_posts(request, scheme: str = ""):
    require(request, Perm.VIEW_PROGRAMMES)
    return posts_list(scheme_code=scheme)


@router.get(
    "/rotations", response={200: list[RotationOut], **ERRORS}, operation_id=_operation_id("list_rotations")
)
@paginate(Pagination)
def list_rotations(request, scheme: str = "", intake: str = "", heft_only: bool = False):
    require(request, Perm.VIEW_PROGRAMMES)
    return rotations_with_slots(scheme_code=scheme, intake=intake, heft_only=heft_only)


@router.get(
    "/rotations/{code}", response={200: RotationOut, **ERRORS}, operation_id=_operation_id("get_rotation")
)
def get_rotation(request, code: str):
    require(request, Perm.VIEW_PROGRAMMES)
    return get_object_or_404(rotations_with_slots(), code=code)
