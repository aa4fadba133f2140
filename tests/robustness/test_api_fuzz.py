"""The REST API fuzzed from its own OpenAPI schema (schemathesis), in process against the WSGI app.

Every operation is called with generated requests, valid and not, as a national admin (bearer token) and
as a trainee (the browser's session cookie with its CSRF token). Every response must be documented and
match its schema, and none may be a server error. Path parameters are sometimes swapped for the ids of
records that exist (including those the fuzzing itself made), so the calls reach past the 404s.
"""

import datetime
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from heft.accounts.services import api_token_create
from heft.community.models import CommunityGroup, MentorAssignment, Opportunity
from heft.content import models as content
from heft.practices.models import DataImport, Practice
from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow
from heft.programmes.models import Region, Rotation, TrainingScheme
from heft.teaching.models import TeachingSession, TeachingYear
from heft.trainees.models import Interruption, Trainee
from tests.preferencing.conftest import make_window
from tests.teaching.conftest import make_session

DJANGO = WSGIHandler()


def wsgi_app(environ, start_response):
    """The Django app as a WSGI server presents it: every real server gives the client's address."""
    environ.setdefault("REMOTE_ADDR", "127.0.0.1")
    return DJANGO(environ, start_response)


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)

# Small enough that both roles together take about a minute on two cores; the `ci` profile in
# tests/conftest.py makes the examples the same on every run there.
FUZZ = settings(
    max_examples=8 * int(os.environ.get("HEFT_FUZZ_SCALE", "1")),  # HEFT_FUZZ_SCALE=10: look harder
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=settings.default.derandomize,
)

# Where the real values for a path parameter or a body field come from, read at the moment of the call.
REAL_VALUES = {
    "trainee_id": lambda: Trainee.objects.values_list("pk", flat=True),
    "window_id": lambda: PreferenceWindow.objects.values_list("pk", flat=True),
    "run_id": lambda: AllocationRun.objects.values_list("pk", flat=True),
    "offer_id": lambda: Offer.objects.values_list("pk", flat=True),
    "session_id": lambda: TeachingSession.objects.values_list("pk", flat=True),
    "import_id": lambda: DataImport.objects.values_list("pk", flat=True),
    "interruption_id": lambda: Interruption.objects.values_list("pk", flat=True),
    "group_id": lambda: CommunityGroup.objects.values_list("pk", flat=True),
    "assignment_id": lambda: MentorAssignment.objects.values_list("pk", flat=True),
    "opportunity_id": lambda: Opportunity.objects.values_list("pk", flat=True),
    "testimonial_id": lambda: content.Testimonial.objects.values_list("pk", flat=True),
    "code": lambda: Rotation.objects.values_list("code", flat=True),
    "ods_code": lambda: Practice.objects.values_list("ods_code", flat=True),
    "slug": lambda: [
        *content.Page.objects.values_list("slug", flat=True),
        *content.NewsItem.objects.values_list("slug", flat=True),
    ],
    "region": lambda: Region.objects.values_list("code", flat=True),
    "scheme": lambda: TrainingScheme.objects.values_list("code", flat=True),
    "trainee": lambda: Trainee.objects.values_list("pk", flat=True),
    "mentor": lambda: MentorAssignment.objects.values_list("mentor_id", flat=True),
}


@pytest.fixture(autouse=True)
def one_connection(db):
    """The WSGI app runs in the test's own transaction: it must not close the connection between requests
    (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(world):
    """Something behind most addresses: an open window, teaching sessions, a published page and news."""
    make_window(world.scheme_a)
    today = timezone.localdate()
    year = TeachingYear.objects.create(
        label="fuzz", start=today - datetime.timedelta(days=100), end=today + datetime.timedelta(days=200)
    )
    now = timezone.now()
    make_session(year, start=now - datetime.timedelta(minutes=30))
    make_session(year, kind="regional", region=world.region_a, start=now + datetime.timedelta(days=7))
    return world


def with_real_values(case, data) -> None:
    """Now and then put a value that exists in place of a generated one, so calls get past lookups. Only
    where the generated part is valid: a deliberately invalid request must stay invalid."""
    if not _negative_at(case, ParameterLocation.PATH):
        _swap(case.path_parameters or {}, data)
    if isinstance(case.body, dict) and not _negative_at(case, ParameterLocation.BODY):
        _swap(case.body, data)


def _negative_at(case, location) -> bool:
    return case.meta is not None and case.meta.is_negative_at(location)


def _swap(values: dict, data) -> None:
    for name in list(values):
        if name in REAL_VALUES:
            real = list(REAL_VALUES[name]())
            if real and data.draw(st.booleans(), label=f"real {name}"):
                values[name] = data.draw(st.sampled_from(real), label=name)


def call_and_check(case, data):
    with_real_values(case, data)
    # Schema-valid requests may still break a rule the schema cannot state (a window still open, a wrong
    # check-in code, dates the wrong way round): those are a documented 400 or 409, so that one check is off.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500, response.text


# The credentials of the test under way; schemathesis's auth hooks read them, and so know which
# request parts are credentials (its check that the API refuses a request without them needs that).
CREDENTIALS: dict[str, str] = {}


class BearerToken:
    def get(self, case, ctx):
        return CREDENTIALS["token"]

    def set(self, case, token, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


class BrowserSession:
    def get(self, case, ctx):
        return CREDENTIALS["session"]

    def set(self, case, session, ctx):
        csrf = CREDENTIALS["csrf"]
        case.cookies = {**(case.cookies or {}), "sessionid": session, "csrftoken": csrf}
        case.headers = {**(case.headers or {}), "X-CSRFToken": csrf}


@pytest.fixture
def national_admin_token(records):
    CREDENTIALS["token"] = api_token_create(name="fuzzing", by=records.user("national_admin"))[1]
    yield
    CREDENTIALS.clear()


@pytest.fixture
def trainee_session(records, client):
    client.force_login(records.user("trainee"))
    CREDENTIALS.update(session=client.cookies["sessionid"].value, csrf=get_random_string(32))
    yield
    CREDENTIALS.clear()


@schema.auth.apply(BearerToken, refresh_interval=None)
@schema.parametrize()
@schema.given(data=st.data())
@FUZZ
def test_api_as_a_national_admin(case, data, national_admin_token):
    call_and_check(case, data)


@schema.auth.apply(BrowserSession, refresh_interval=None)
@schema.parametrize()
@schema.given(data=st.data())
@FUZZ
def test_api_as_a_trainee(case, data, trainee_session):
    call_and_check(case, data)


# --- what the fuzzing found, pinned down --------------------------------------------------------------------


@pytest.fixture
def admin_api(records, client):
    _, raw = api_token_create(name="regressions", by=records.user("national_admin"))
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "query", [{"limit": 10**28}, {"offset": 10**28}, {"limit": 0}, {"offset": -1}, {"limit": 1001}]
)
def test_paging_beyond_what_a_database_holds_is_422_not_500(admin_api, query):
    """An unbounded limit or offset reached the database as a number it cannot hold."""
    response = admin_api.get("/api/v1/rotations", query)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request was not valid: correct the errors."
    assert list(body["errors"]) == [f"query.{next(iter(query))}"]


@pytest.mark.parametrize(
    "method,url,kwargs,where",
    [
        ("get", "/api/v1/posts", {"data": {"scheme": "a\x00b"}}, "query"),
        ("get", "/api/v1/rotations/ROT%00A", {}, "path"),
        ("get", "/api/v1/content/pages/a%00b", {}, "path"),
        (
            "post",
            "/api/v1/opportunities",
            {"data": {"title": "x\x00"}, "content_type": "application/json"},
            "body",
        ),
    ],
)
def test_the_nul_character_is_422_on_every_database(admin_api, method, url, kwargs, where):
    """PostgreSQL cannot store or compare text holding NUL: that was a server error there."""
    response = getattr(admin_api, method)(url, **kwargs)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [where]


@pytest.mark.parametrize("method", ["get", "put"])
def test_a_window_id_beyond_any_database_integer_is_404_not_500(records, client, method):
    """The hand-written window query bound the id as it came; SQLite cannot hold it, PostgreSQL refuses it."""
    client.force_login(records.user("trainee"))
    client.raise_request_exception = False
    body = {"data": '{"rotations": []}', "content_type": "application/json"} if method == "put" else {}
    response = getattr(client, method)("/api/v1/windows/-323530793869926334464/preferences", **body)
    assert response.status_code == 404


def test_every_id_beyond_any_database_integer_is_404_not_500(admin_api, records):
    """A trainee id of 2**64 reached a foreign-key filter in the exposure report, which has no range check."""
    assert admin_api.get(f"/api/v1/exposure/trainees/{records.trainee_a.pk}").status_code in {200, 404}
    for huge in (2**63, 24776058194208923648, -(2**63) - 1):
        assert admin_api.get(f"/api/v1/exposure/trainees/{huge}").status_code == 404
    for not_a_number in ("--5", "\u00b2", "1e99"):  # not ids at all: the parameter's own check answers
        assert admin_api.get(f"/api/v1/exposure/trainees/{not_a_number}").status_code == 422
    assert admin_api.get("/api/v1/rotations/99999999999999999999").status_code == 404  # a code, not an id
    response = admin_api.get("/api/v1/teaching/attendance", {"session": 2**64})  # an id in the query
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_body_that_is_not_json_is_a_documented_400(admin_api, records):
    schema_paths = admin_api.get("/api/v1/openapi.json").json()["paths"]
    assert "400" in schema_paths["/api/v1/content/pages"]["post"]["responses"]
    response = admin_api.post("/api/v1/content/pages", "\x12", content_type="application/json")
    assert response.status_code == 400


def test_every_operation_documents_422_and_every_signed_in_one_401_and_403(admin_api):
    operations = admin_api.get("/api/v1/openapi.json").json()["paths"]
    for path, methods in operations.items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {"422", "429"} <= codes, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= codes, (method, path)
