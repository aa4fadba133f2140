"""The REST API, version 1. Every operation checks its permission and reads through scoped selectors."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from heft.accounts.permissions import Perm
from heft.api.auth import API_AUTH, require
from heft.api.checks import CheckedNinjaAPI
from heft.api.pagination import Pagination
from heft.api.reference import ApiReference, SchemaBuiltOnce
from heft.api.schemas import API_ERRORS, PracticeOut, TraineeOut
from heft.audit.services import audit_view_in_transaction
from heft.community.api import router as community_router
from heft.content.api import router as content_router
from heft.core.ratelimit import RateLimitThrottle
from heft.people.api import router as people_router
from heft.practices.api import router as practices_router
from heft.practices.selectors import practices_list
from heft.preferencing.api import router as preferencing_router
from heft.programmes.api import router as programmes_router
from heft.reports.api import router as reports_router
from heft.setup.api import router as setup_router
from heft.teaching.api import router as teaching_router
from heft.trainees.api import router as trainees_router
from heft.trainees.selectors import trainee_list_for, trainee_visible_or_none

APP_ROUTERS = [
    programmes_router,
    preferencing_router,
    teaching_router,
    practices_router,
    trainees_router,
    community_router,
    content_router,
    reports_router,
    setup_router,
    people_router,
]


class HeftApi(SchemaBuiltOnce, CheckedNinjaAPI):
    """The checks every request passes, and the schema built once per process."""


api = HeftApi(
    title="HEFT Hub API",
    version="1",
    description="Health Equity Focussed Training: programmes, practices and trainees. "
    "Staff use a bearer token; the browser uses its signed-in session.",
    auth=API_AUTH,
    # Every operation counts against the caller's API limit (settings.HEFT_RATE_LIMITS["api"]); 429 after.
    throttle=[RateLimitThrottle("api")],
    urls_namespace="api",
    # /api/v1/docs: the reference drawn on the server from the schema with the NHS.UK components.
    docs=ApiReference(),
)
ERRORS = API_ERRORS


@api.exception_handler(ValidationError)
def request_not_valid(request, exc: ValidationError):
    """Every unreadable request gets one documented 422 shape, the same as a form that does not validate."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())) or "__all__"
        errors.setdefault(where, []).append(str(error.get("msg", "Not valid.")))
    body = {"detail": "The request was not valid: correct the errors.", "errors": errors}
    return api.create_response(request, body, status=422)


practices = Router(tags=["practices"])
trainees = Router(tags=["trainees"])


@practices.get("/practices", response={200: list[PracticeOut], **ERRORS})
@paginate(Pagination)
def list_practices(request, search: str = "", deep_end_only: bool = False):
    require(request, Perm.VIEW_PRACTICES)
    return practices_list(search=search[:100], deep_end_only=deep_end_only)


@practices.get("/practices/{ods_code}", response={200: PracticeOut, **ERRORS})
def get_practice(request, ods_code: str):
    require(request, Perm.VIEW_PRACTICES)
    return get_object_or_404(practices_list(), ods_code=ods_code)


@trainees.get("/trainees", response={200: list[TraineeOut], **ERRORS})
@paginate(Pagination)
def list_trainees(request, search: str = "", scheme: str = ""):
    require(request, Perm.VIEW_TRAINEES)
    return trainee_list_for(request.auth, search=search[:100], scheme_code=scheme)


@trainees.get("/trainees/{trainee_id}", response={200: TraineeOut, **ERRORS})
def get_trainee(request, trainee_id: int):
    """A trainee in the caller's scope (or the caller themself); anyone else is 404."""
    trainee = trainee_visible_or_none(request.auth, trainee_id)
    if trainee is None:
        return Status(404, {"detail": "Not found."})
    if trainee.user_id != request.auth.pk:  # someone else's record: the view is audited, as on the page
        audit_view_in_transaction(by=request.auth, target=trainee, page="trainee record (API)")
    return trainee


api.add_router("/", practices)
api.add_router("/", trainees)
# Each app adds its own resources through its `api.router`.
for app_router in APP_ROUTERS:
    api.add_router("/", app_router)


def api_urls():
    """The API's URL patterns. The API answers 401 itself, so the sign-in redirect must not catch it."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
        pattern.callback.heft_access = "api"
    return patterns, app_name, namespace
