"""The set-up writes of the API: schemes, posts and rotations, with the pages' scopes and services."""

import json

import pytest

from heft.accounts.services import api_token_create
from heft.audit.models import AuditEvent
from heft.programmes.models import Post, PostCategory, Rotation
from tests import factories as f

API = "/api/v1"


@pytest.fixture
def call(client_for):
    """Send JSON to the API as a role (through the browser's session); the response's status and body."""

    def send(role: str, method: str, path: str, body=None):
        client = client_for(role)
        response = client.generic(method, f"{API}{path}", json.dumps(body or {}), "application/json")
        return response.status_code, response.json()

    return send


@pytest.fixture
def psychiatry(world):
    return PostCategory.objects.get(code="psychiatry")


@pytest.fixture
def posts(world, psychiatry):
    """Two posts of scheme A (an innovative one and a hospital one) and one of scheme B."""
    return {
        "a1": f.PostFactory(post_number="A/1", scheme=world.scheme_a),
        "a2": f.PostFactory(post_number="A/2", scheme=world.scheme_a, category=psychiatry, site="Ward 3"),
        "b1": f.PostFactory(post_number="B/1", scheme=world.scheme_b),
    }


def slot(post_number: str, start_month: int = 1, months: int = 6, year: str = "ST1") -> dict:
    return {"training_year": year, "start_month": start_month, "months": months, "post_number": post_number}


def rotation_body(**changes) -> dict:
    body = {
        "code": "A-2027-01",
        "name": "Inclusion health then psychiatry",
        "scheme": "scheme-a",
        "intake": "2027-08",
        "capacity": 2,
        "description": "Six months each.",
        "slots": [slot("A/1"), slot("A/2", start_month=7)],
    }
    return {**body, **changes}


def events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb))


# --- schemes -----------------------------------------------------------------------------------------------


def test_a_regional_lead_creates_a_scheme_in_their_region(call, world):
    world.region_a.schools.create(name="Severn")
    body = {
        "code": "north",
        "name": "North",
        "region": "region-a",
        "school": "Severn",
        "localities": ["Hills"],
    }
    status, scheme = call("regional_lead", "POST", "/schemes", body)
    assert status == 201
    assert scheme | {"id": 0} == {
        "id": 0,
        "code": "north",
        "name": "North",
        "region": "region-a",
        "school": "Severn",
        "localities": ["Hills"],
    }
    (created,) = events("scheme.created")
    assert created.actor == world.user("regional_lead")
    assert created.target_id == str(scheme["id"])
    assert len(events("scheme.localities_changed")) == 1


@pytest.mark.parametrize(
    "role,region,status",
    [
        ("regional_lead", "region-b", 404),  # another region: as if it did not exist
        ("regional_lead", "nowhere", 404),
        ("national_admin", "region-b", 201),
        ("scheme_admin", "region-a", 403),  # scheme administrators keep schemes, they do not make them
        ("educator", "region-a", 403),
        ("trainee", "region-a", 403),
    ],
)
def test_who_creates_schemes_where(call, world, role, region, status):
    assert call(role, "POST", "/schemes", {"code": "new", "name": "New", "region": region})[0] == status
    assert len(events("scheme.created")) == (1 if status == 201 else 0)


def test_a_scheme_with_bad_values_is_refused_by_field(call, world):
    body = {"code": "not a slug", "name": "Dup", "region": "region-a", "school": "Nowhere"}
    status, refused = call("regional_lead", "POST", "/schemes", body)
    assert status == 400
    assert list(refused["errors"]) == ["school"]
    status, refused = call("regional_lead", "POST", "/schemes", {**body, "school": None})
    assert status == 400
    assert list(refused["errors"]) == ["code"]
    assert refused["detail"] == "Nothing was saved: correct the errors."


def test_a_regional_lead_changes_a_scheme_and_its_localities(call, world):
    world.scheme_a.localities.create(name="Old town")
    body = {"name": "Scheme A (north)", "localities": ["Hills", "Coast"]}
    status, scheme = call("regional_lead", "PATCH", "/schemes/scheme-a", body)
    assert status == 200
    assert (scheme["name"], scheme["code"], scheme["localities"]) == (
        "Scheme A (north)",
        "scheme-a",
        ["Coast", "Hills"],
    )
    (changed,) = events("scheme.changed")
    assert changed.before["name"] == "Scheme A"
    assert changed.after["name"] == "Scheme A (north)"
    assert events("scheme.localities_changed")[0].before == {"localities": ["Old town"]}


def test_moving_a_scheme_leaves_no_school_behind(call, world):
    world.scheme_a.school = world.region_a.schools.create(name="Severn")
    world.scheme_a.save()
    status, refused = call("national_admin", "PATCH", "/schemes/scheme-a", {"region": "region-b"})
    assert status == 400
    assert list(refused["errors"]) == ["school"]
    status, scheme = call(
        "national_admin", "PATCH", "/schemes/scheme-a", {"region": "region-b", "school": None}
    )
    assert status == 200
    assert (scheme["region"], scheme["school"]) == ("region-b", None)


@pytest.mark.parametrize(
    "role,code,status",
    [
        ("regional_lead", "scheme-b", 404),
        ("regional_lead", "no-such-scheme", 404),
        ("scheme_admin", "scheme-a", 403),
        ("mentor", "scheme-a", 403),
        ("national_admin", "scheme-b", 200),
    ],
)
def test_who_changes_which_scheme(call, world, role, code, status):
    assert call(role, "PATCH", f"/schemes/{code}", {"name": "Renamed"})[0] == status


def test_a_regional_lead_cannot_move_a_scheme_out_of_their_region(call, world):
    assert call("regional_lead", "PATCH", "/schemes/scheme-a", {"region": "region-b"})[0] == 404
    assert events("scheme.changed") == []


# --- posts -------------------------------------------------------------------------------------------------


def test_a_scheme_admin_creates_a_post_named_by_codes(call, world):
    subtype = PostCategory.objects.get(code="inclusion-health").subtypes.get(code="homelessness")
    body = {
        "post_number": "SW/A/0001",
        "scheme": "scheme-a",
        "category": "inclusion-health",
        "subtype": subtype.code,
        "site": "Street outreach",
        "wte": "0.5",
        "educational_supervisor_name": "Dr A. Example",
        "educational_supervisor_email": "a.example@example.org",
    }
    status, post = call("scheme_admin", "POST", "/posts", body)
    assert status == 201
    assert post["post_number"] == "SW/A/0001"
    assert post["subtype"] == "homelessness"
    assert post["innovative"]
    assert post["wte"] == "0.50"
    assert post["practice"] is None
    assert post["educational_supervisor_email"] == "a.example@example.org"
    (created,) = events("post.created")
    assert created.actor == world.user("scheme_admin")
    assert created.target_id == str(post["id"])


def test_a_gp_post_is_in_a_practice_named_by_ods_code(call, world):
    body = {"post_number": "GP/1", "scheme": "scheme-a", "category": "gp-practice"}
    status, refused = call("scheme_admin", "POST", "/posts", body)
    assert status == 400
    assert list(refused["errors"]) == ["practice"]
    status, post = call(
        "scheme_admin", "POST", "/posts", {**body, "practice": world.practice.ods_code.lower()}
    )
    assert status == 201
    assert post["practice"] == world.practice.ods_code


def test_every_unknown_code_in_a_post_is_refused_at_once(call, world):
    body = {"post_number": "X/1", "scheme": "scheme-a", "category": "astrology", "subtype": "tarot"}
    status, refused = call("scheme_admin", "POST", "/posts", {**body, "practice": "Z99999"})
    assert status == 400
    assert refused["errors"] == {
        "category": ["No post category has the code astrology."],
        "subtype": ["No post subtype has the code tarot."],
        "practice": ["No open practice has the ODS code Z99999."],
    }
    assert not Post.objects.filter(post_number="X/1").exists()


def test_a_subtype_of_another_category_is_refused(call, world):
    body = {"post_number": "X/2", "scheme": "scheme-a", "category": "psychiatry", "subtype": "homelessness"}
    body["site"] = "Ward 1"
    status, refused = call("scheme_admin", "POST", "/posts", body)
    assert status == 400
    assert list(refused["errors"]) == ["subtype"]


@pytest.mark.parametrize(
    "role,scheme,status",
    [("scheme_admin", "scheme-b", 404), ("regional_lead", "scheme-b", 404), ("educator", "scheme-a", 403)],
)
def test_posts_are_made_only_in_schemes_one_manages(call, world, role, scheme, status):
    body = {"post_number": "X/3", "scheme": scheme, "category": "psychiatry", "site": "Ward 2"}
    assert call(role, "POST", "/posts", body)[0] == status


def test_a_post_is_changed_by_its_id(call, world, posts):
    post = posts["a2"]
    body = {"site": "Ward 4", "clinical_supervisor_name": "Dr B. Example", "wte": 1}
    status, changed = call("scheme_admin", "PATCH", f"/posts/{post.pk}", body)
    assert status == 200
    assert (changed["site"], changed["clinical_supervisor_name"], changed["category"]) == (
        "Ward 4",
        "Dr B. Example",
        "psychiatry",
    )
    (event,) = events("post.changed")
    assert event.before["site"] == "Ward 3"
    assert event.after["site"] == "Ward 4"


def test_a_post_out_of_scope_or_absent_is_404(call, world, posts):
    assert call("scheme_admin", "PATCH", f"/posts/{posts['b1'].pk}", {"site": "Here"})[0] == 404
    assert call("scheme_admin", "PATCH", "/posts/999999", {"site": "Here"})[0] == 404
    assert call("scheme_admin", "PATCH", f"/posts/{posts['a1'].pk}", {"scheme": "scheme-b"})[0] == 404
    assert call("trainee", "PATCH", f"/posts/{posts['a1'].pk}", {"site": "Here"})[0] == 403


def test_null_is_only_for_what_may_be_empty(call, world, posts):
    status, refused = call("scheme_admin", "PATCH", f"/posts/{posts['a1'].pk}", {"site": None})
    assert status == 422
    assert list(refused["errors"]) == ["body.payload.site"]
    status, post = call("scheme_admin", "PATCH", f"/posts/{posts['a1'].pk}", {"subtype": None})
    assert status == 200
    assert post["subtype"] is None


# --- rotations ---------------------------------------------------------------------------------------------


def test_a_scheme_admin_creates_a_rotation_with_its_slots(call, world, posts):
    status, rotation = call("scheme_admin", "POST", "/rotations", rotation_body())
    assert status == 201, rotation
    assert (rotation["code"], rotation["scheme"], rotation["availability"]) == (
        "A-2027-01",
        "scheme-a",
        "available",
    )
    assert rotation["heft"] is True
    assert rotation["description"] == "Six months each."
    assert [(s["post"], s["start_offset_months"], s["months"]) for s in rotation["slots"]] == [
        ("A/1", 0, 6),
        ("A/2", 6, 6),
    ]
    (created,) = events("rotation.created")
    assert created.actor == world.user("scheme_admin")
    assert created.target_id == str(rotation["id"])
    assert call("trainee", "GET", "/rotations/A-2027-01")[1] == rotation  # as the read endpoint shows it


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"slots": [slot("A/1", months=8), slot("A/2", start_month=7)]}, "slots"),  # months 7-8 overlap
        ({"slots": [slot("A/1"), slot("B/1", start_month=7)]}, "slots"),  # a post of scheme B
        ({"slots": [slot("A/1"), slot("A/9", start_month=7)]}, "slots"),  # no such post
        ({"slots": [slot("A/1", start_month=33)]}, "slots"),  # past month 36
        ({"slots": []}, "slots"),
        ({"intake": "August 2027"}, "intake"),
        ({"code": "ROT-A"}, "code"),  # taken
    ],
)
def test_a_rotation_that_breaks_a_rule_is_refused_by_field(call, world, posts, changes, field):
    status, refused = call("scheme_admin", "POST", "/rotations", rotation_body(**changes))
    assert status == 400, refused
    assert list(refused["errors"]) == [field]
    assert events("rotation.created") == []


def test_the_slot_errors_are_the_rotation_checks_messages(call, world, posts):
    body = rotation_body(
        slots=[slot("A/1", months=8), slot("A/2", start_month=7), slot("B/1", 13), slot("Z")]
    )
    refused = call("scheme_admin", "POST", "/rotations", body)[1]
    assert refused["errors"]["slots"] == ["No post has the number Z."]
    refused = call("scheme_admin", "POST", "/rotations", {**body, "slots": body["slots"][:3]})[1]
    assert refused["errors"]["slots"][0] == "B/1 is a post of Scheme B, not Scheme A."
    assert "Months 7–8: " in refused["errors"]["slots"][1]
    assert "overlap" in refused["errors"]["slots"][1]


@pytest.mark.parametrize(
    "role,scheme,status",
    [("scheme_admin", "scheme-b", 404), ("regional_lead", "scheme-b", 404), ("mentor", "scheme-a", 403)],
)
def test_rotations_are_made_only_in_schemes_one_manages(call, world, posts, role, scheme, status):
    assert call(role, "POST", "/rotations", rotation_body(scheme=scheme))[0] == status


def test_a_slot_outside_the_three_years_is_not_understood(call, world, posts):
    status, refused = call("scheme_admin", "POST", "/rotations", rotation_body(slots=[slot("A/1", 0)]))
    assert status == 422
    assert list(refused["errors"]) == ["body.payload.slots.0.start_month"]


def test_replacing_a_rotation_twice_changes_it_once(call, world, posts):
    body = rotation_body(code=None, name="Rotation A, revised", slots=[slot("A/1"), slot("A/2", 7, 12)])
    first = call("scheme_admin", "PUT", "/rotations/ROT-A", body)
    again = call("scheme_admin", "PUT", "/rotations/ROT-A", body)
    assert first[0] == again[0] == 200
    assert first[1] == again[1]
    assert first[1]["code"] == "ROT-A"
    assert [s["post"] for s in first[1]["slots"]] == ["A/1", "A/2"]
    (changed,) = events("rotation.changed")
    assert len(changed.before["slots"]) == 1
    assert len(changed.after["slots"]) == 2


def test_replacing_keeps_the_availability_and_may_rename(call, world, posts):
    Rotation.objects.filter(code="ROT-A").update(availability=Rotation.Availability.SUBJECT_TO_CHANGE)
    status, rotation = call("national_admin", "PUT", "/rotations/ROT-A", rotation_body(code="ROT-A2"))
    assert status == 200
    assert (rotation["code"], rotation["availability"]) == ("ROT-A2", "subject_to_change")
    assert call("national_admin", "GET", "/rotations/ROT-A")[0] == 404


@pytest.mark.parametrize(
    "role,code,status",
    [
        ("scheme_admin", "ROT-B", 404),
        ("regional_lead", "ROT-B", 404),
        ("scheme_admin", "NO-SUCH", 404),
        ("educator", "ROT-A", 403),
        ("trainee", "ROT-A", 403),
    ],
)
def test_who_replaces_which_rotation(call, world, posts, role, code, status):
    assert call(role, "PUT", f"/rotations/{code}", rotation_body(code=None))[0] == status


def test_a_rotation_cannot_move_to_a_scheme_out_of_scope(call, world, posts):
    body = rotation_body(code=None, scheme="scheme-b", slots=[slot("B/1")])
    assert call("scheme_admin", "PUT", "/rotations/ROT-A", body)[0] == 404


def test_withdrawing_a_rotation_says_why(call, world):
    body = {"availability": "withdrawn", "reason": "The practice has closed."}
    status, rotation = call("regional_lead", "POST", "/rotations/ROT-A/availability", body)
    assert status == 200
    assert rotation["availability"] == "withdrawn"
    assert rotation["code"] == "ROT-A"
    (event,) = events("rotation.availability_changed")
    assert event.after == {"availability": "withdrawn", "reason": "The practice has closed."}


def test_an_availability_change_without_a_reason_or_in_scope_is_refused(call, world):
    blank = {"availability": "withdrawn", "reason": "  "}
    status, refused = call("scheme_admin", "POST", "/rotations/ROT-A/availability", blank)
    assert status == 400
    assert list(refused["errors"]) == ["reason"]
    body = {**blank, "reason": "Closed."}
    assert call("scheme_admin", "POST", "/rotations/ROT-B/availability", body)[0] == 404
    assert call("educator", "POST", "/rotations/ROT-A/availability", body)[0] == 403
    assert (
        call("scheme_admin", "POST", "/rotations/ROT-A/availability", {**body, "availability": "gone"})[0]
        == 422
    )
    assert events("rotation.availability_changed") == []


def test_a_bearer_token_writes_as_its_holder(client, world, posts):
    _, raw = api_token_create(name="set-up tool", by=world.user("scheme_admin"))
    response = client.post(
        f"{API}/rotations",
        rotation_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    assert events("rotation.created")[0].actor == world.user("scheme_admin")


# --- the schema --------------------------------------------------------------------------------------------

OPERATIONS = {
    ("post", "/schemes"): "201",
    ("patch", "/schemes/{code}"): "200",
    ("post", "/posts"): "201",
    ("patch", "/posts/{post_id}"): "200",
    ("post", "/rotations"): "201",
    ("put", "/rotations/{code}"): "200",
    ("post", "/rotations/{code}/availability"): "200",
}


def test_the_openapi_schema_lists_the_set_up_writes(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for (method, path), success in OPERATIONS.items():
        operation = paths[f"{API}{path}"][method]
        assert operation["tags"] == ["set-up"], (method, path)
        assert {success, "400", "401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
    assert (
        "subtype"
        in client.get(f"{API}/openapi.json").json()["components"]["schemas"]["PostOut"]["properties"]
    )


def test_the_programmes_reads_keep_their_operation_ids(client, db):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    ids = {path: methods["get"]["operationId"] for path, methods in paths.items() if "get" in methods}
    assert ids[f"{API}/regions"] == "heft_api_api_list_regions"
    assert ids[f"{API}/rotations/{{code}}"] == "heft_api_api_get_rotation"
    assert paths[f"{API}/schemes"]["get"]["tags"] == ["programmes"]
