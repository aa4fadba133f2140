"""The programme structure in the REST API (mounted under /api/v1/): regions, schemes, posts and rotations,
readable by everyone holding VIEW_PROGRAMMES. The set-up writes on the same paths are added to this router
by heft/setup/api.py (a Django URL pattern answers all the methods of its path, so one router holds them).
"""

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api.auth import require
from heft.api.pagination import Pagination
from heft.api.schemas import API_ERRORS, PostOut, RegionOut, RotationOut, SchemeOut
from heft.programmes.models import Post, Region, TrainingScheme
from heft.programmes.selectors import rotations_list

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
    return Region.objects.order_by("name")


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, operation_id=_operation_id("list_schemes"))
@paginate(Pagination)
def list_schemes(request, region: str = ""):
    require(request, Perm.VIEW_PROGRAMMES)
    schemes = (
        TrainingScheme.objects.select_related("region", "school")
        .prefetch_related("localities")
        .order_by("name")
    )
    return schemes.filter(region__code=region) if region else schemes


@router.get("/posts", response={200: list[PostOut], **ERRORS}, operation_id=_operation_id("list_posts"))
@paginate(Pagination)
def list_posts(request, scheme: str = ""):
    require(request, Perm.VIEW_PROGRAMMES)
    posts = Post.objects.select_related("category", "subtype", "scheme", "practice").order_by("post_number")
    return posts.filter(scheme__code=scheme) if scheme else posts


def _rotations(**filters):
    return rotations_list(**filters).prefetch_related("slots__post__category")


@router.get(
    "/rotations", response={200: list[RotationOut], **ERRORS}, operation_id=_operation_id("list_rotations")
)
@paginate(Pagination)
def list_rotations(request, scheme: str = "", intake: str = "", heft_only: bool = False):
    require(request, Perm.VIEW_PROGRAMMES)
    return _rotations(scheme_code=scheme, intake=intake, heft_only=heft_only)


@router.get(
    "/rotations/{code}", response={200: RotationOut, **ERRORS}, operation_id=_operation_id("get_rotation")
)
def get_rotation(request, code: str):
    require(request, Perm.VIEW_PROGRAMMES)
    return get_object_or_404(_rotations(), code=code)
