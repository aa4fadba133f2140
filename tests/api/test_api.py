import pytest

from heft.accounts.models import ApiToken
from heft.accounts.services import api_token_create, api_token_revoke
from heft.audit.models import AuditEvent


@pytest.fixture
def token_for(world):
    def make(role: str) -> str:
        _, raw = api_token_create(name="test tool", by=world.user(role))
        return raw

    return make


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_schema_lists_every_resource(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in ["/regions", "/schemes", "/posts", "/rotations", "/practices", "/trainees"]:
        assert f"/api/v1{path}" in schema["paths"], path
    assert {"StaffTokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_without_credentials_is_401(client, db):
    assert client.get("/api/v1/regions").status_code == 401


def test_staff_token_reads_rotations(client, world, token_for):
    response = client.get("/api/v1/rotations", **bearer(token_for("regional_lead")))
    assert response.status_code == 200
    codes = {item["code"] for item in response.json()["items"]}
    assert codes == {"ROT-A", "ROT-B"}
    assert response.json()["items"][0]["slots"][0]["training_year"] == "ST1"


def test_token_is_scoped_like_the_pages(client, world, token_for):
    response = client.get("/api/v1/trainees", **bearer(token_for("scheme_admin")))
    gmc = {item["gmc_number"] for item in response.json()["items"]}
    assert gmc == {world.trainee_a.gmc_number, world.trainee_a2.gmc_number}


def test_out_of_scope_trainee_is_404(client, world, token_for):
    response = client.get(f"/api/v1/trainees/{world.trainee_b.pk}", **bearer(token_for("regional_lead")))
    assert response.status_code == 404


def test_staff_reading_a_trainee_is_audited_but_a_trainee_reading_themself_is_not(
    client, world, token_for, client_for
):
    client.get(f"/api/v1/trainees/{world.trainee_a2.pk}", **bearer(token_for("regional_lead")))
    viewed = AuditEvent.objects.get(verb="viewed")
    assert viewed.actor == world.user("regional_lead")
    assert viewed.target_id == str(world.trainee_a2.pk)
    client_for("trainee").get(f"/api/v1/trainees/{world.trainee_a.pk}")
    assert AuditEvent.objects.filter(verb="viewed").count() == 1


def test_role_without_permission_is_403(client, world, token_for):
    response = client.get("/api/v1/trainees", **bearer(token_for("educator")))
    assert response.status_code == 403


def test_trainees_cannot_use_tokens(client, world):
    _, raw = api_token_create(name="mine", by=world.user("trainee"))
    assert client.get("/api/v1/regions", **bearer(raw)).status_code == 401


def test_revoked_and_unknown_tokens_are_refused(client, world, token_for):
    raw = token_for("national_admin")
    api_token_revoke(token=ApiToken.objects.get(), by=world.user("national_admin"))
    assert client.get("/api/v1/regions", **bearer(raw)).status_code == 401
    assert client.get("/api/v1/regions", **bearer("heft_made-up")).status_code == 401


def test_only_the_token_hash_is_stored_and_creation_is_audited(world, token_for):
    raw = token_for("educator")
    token = ApiToken.objects.get()
    assert raw not in token.token_hash
    assert AuditEvent.objects.filter(verb="api_token.created", target_id=str(token.pk)).exists()


def test_session_auth_works_for_the_browser(world, client_for):
    response = client_for("trainee").get("/api/v1/practices")
    assert response.status_code == 200
    assert response.json()["items"][0]["ods_code"] == world.practice.ods_code


def test_trainee_reads_only_their_own_record_through_the_api(world, client_for):
    client = client_for("trainee")
    assert client.get(f"/api/v1/trainees/{world.trainee_a.pk}").status_code == 200
    assert client.get(f"/api/v1/trainees/{world.trainee_a2.pk}").status_code == 404


def test_bad_query_parameters_are_422_not_500(world, client_for):
    response = client_for("national_admin").get("/api/v1/rotations", {"limit": "many"})
    assert response.status_code == 422


def test_token_page_shows_a_new_token_once(world, client_for):
    client = client_for("educator")
    body = client.post("/tokens/", {"name": "reporting"}).content.decode()
    assert "heft_" in body
    assert "heft_" not in client.get("/tokens/").content.decode()
