"""The REST API, version 1. Every operation checks its permission and reads through scoped selectors."""

from ninja.errors import ValidationError

from heft.api.reference import ApiReference, SchemaBuiltOnce
from heft.api_common.auth import API_AUTH
from heft.api_common.checks import CheckedNinjaAPI
from heft.community.api import router as community_router
from heft.content.api import router as content_router
from heft.core.ratelimit import RateLimitThrottle
from heft.people.api import router as people_router
from heft.practices.api import router as practices_router
from heft.preferencing.api import router as preferencing_router
from heft.programmes.api import router as programmes_router
from heft.reports.api import router as reports_router
from heft.setup.api import add_operations_to as add_set_up_operations
from heft.teaching.api import router as teaching_router
from heft.trainees.api import router as trainees_router

APP_ROUTERS = [
    programmes_router,
    preferencing_router,
    teaching_router,
    practices_router,
    trainees_router,
    community_router,
    content_router,
    reports_router,
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


@api.exception_handler(ValidationError)
def request_not_valid(request, exc: ValidationError):
    """Every unreadable request gets one documented 422 shape, the same as a form that does not validate."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())) or "__all__"
        errors.setdefault(where, []).append(str(error.get("msg", "Not valid.")))
    body = {"detail": "The request was not valid: correct the errors.", "errors": errors}
    return api.create_response(request, body, status=422)


# Each app adds its own resources through its `api.router`; set-up's writes join the programmes router.
add_set_up_operations(programmes_router)
for app_router in APP_ROUTERS:
    api.add_router("/", app_router)


def api_urls():
    """The API's URL patterns. The API answers 401 itself, so the sign-in redirect must not catch it."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
        pattern.callback.heft_access = "api"
    return patterns, app_name, namespace
