"""Time out, LTFT changes and the CCT estimate through the API: the same rules and scope as the pages."""

import datetime

import pytest
from django.utils import timezone

from heft.trainees.models import ProgrammeMembership

BASE = "/api/v1/trainees"


@pytest.fixture
def lead(client_for):
    return client_for("regional_lead")


def test_record_and_list_time_out(world, lead):
    url = f"{BASE}/{world.trainee_a2.pk}/interruptions"
    response = lead.post(url, {"kind": "OOPE", "start_date": "2026-11-02"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["counts_towards_training"] is False
    assert world.trainee_a2.memberships.get().status == ProgrammeMembership.Status.INTERRUPTED
    assert [i["kind"] for i in lead.get(url).json()] == ["OOPE"]


def test_a_refused_period_is_a_400_with_the_reason(world, lead):
    url = f"{BASE}/{world.trainee_a2.pk}/interruptions"
    body = {"kind": "sick", "start_date": "2026-09-10", "end_date": "2026-09-01"}
    response = lead.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The last day cannot come before the first."


def test_return_to_training(world, lead):
    url = f"{BASE}/{world.trainee_a2.pk}/interruptions"
    interruption = lead.post(
        url, {"kind": "sick", "start_date": "2026-11-02"}, content_type="application/json"
    ).json()
    today = timezone.localdate()
    response = lead.post(
        f"{url}/{interruption['id']}/return", {"return_date": str(today)}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["end_date"] == str(today - datetime.timedelta(days=1))


def test_ltft_changes_come_back_with_their_flags(world, lead):
    url = f"{BASE}/{world.trainee_a2.pk}/ltft-changes"
    body = {"wte": "0.65", "start_date": "2027-08-05", "requested_on": "2027-07-01"}
    response = lead.post(url, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["flags"] == ["needs_approval", "short_notice"]
    assert lead.get(url).json()[0]["wte"] == "0.65"


def test_a_trainee_applies_and_the_programme_team_decides(world, lead, client_for):
    url = f"{BASE}/{world.trainee_a.pk}/ltft-applications"
    body = {"wte": "0.8", "start_date": "2027-08-05", "reason": "category_1"}
    applied = client_for("trainee").post(url, body, content_type="application/json")
    assert applied.status_code == 201, applied.content
    assert applied.json()["status"] == "applied"
    assert applied.json()["flags"] == []
    change = applied.json()["id"]
    lead = client_for("regional_lead")
    changes = f"{BASE}/{world.trainee_a.pk}/ltft-changes"
    approved = lead.post(f"{changes}/{change}/approve", {"note": ""}, content_type="application/json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_at"]
    again = lead.post(f"{changes}/{change}/decline", {"note": "Too late"}, content_type="application/json")
    assert again.status_code == 400
    assert "already approved" in again.json()["detail"]
    assert lead.get(f"{BASE}/{world.trainee_a.pk}/cct-estimate").json()["cct"] == "2030-02-03"


def test_only_the_trainee_applies_for_themself(world, client_for):
    body = {"wte": "0.8", "start_date": "2027-08-05", "reason": "category_3"}
    trainee = client_for("trainee")
    elsewhere = trainee.post(
        f"{BASE}/{world.trainee_a2.pk}/ltft-applications", body, content_type="application/json"
    )
    assert elsewhere.status_code == 404
    staff = client_for("regional_lead")
    own = staff.post(f"{BASE}/{world.trainee_a.pk}/ltft-applications", body, content_type="application/json")
    assert own.status_code == 403


def test_a_decline_needs_its_note(world, client_for):
    body = {"wte": "0.6", "start_date": "2027-08-05", "reason": "category_2"}
    change = (
        client_for("trainee")
        .post(f"{BASE}/{world.trainee_a.pk}/ltft-applications", body, content_type="application/json")
        .json()["id"]
    )
    url = f"{BASE}/{world.trainee_a.pk}/ltft-changes/{change}/decline"
    lead = client_for("regional_lead")
    refused = lead.post(url, {"note": " "}, content_type="application/json")
    assert refused.status_code == 400
    assert "Say why it is declined" in refused.json()["detail"]
    declined = lead.post(url, {"note": "Not this rotation."}, content_type="application/json")
    assert declined.json()["status"] == "declined"
    assert declined.json()["decision_note"] == "Not this rotation."


def test_the_cct_estimate_says_how_it_was_worked_out(world, lead):
    lead.post(
        f"{BASE}/{world.trainee_a2.pk}/ltft-changes",
        {"wte": "0.8", "start_date": "2027-08-05", "requested_on": "2027-03-01"},
        content_type="application/json",
    )
    data = lead.get(f"{BASE}/{world.trainee_a2.pk}/cct-estimate").json()
    assert data["cct"] == "2030-02-03"
    assert data["stored"] == "2030-02-03"
    assert data["is_estimate"] is True
    assert data["review"] is False
    assert data["training_year"] == "ST1"
    assert data["steps"][1].startswith("From 5 August 2027, less than full time at 80%")
    assert data["curriculum"]["gp_months_minimum"] == 12


def test_a_trainee_reads_their_own_estimate_but_cannot_record(world, client_for):
    client = client_for("trainee")
    assert client.get(f"{BASE}/{world.trainee_a.pk}/cct-estimate").status_code == 200
    response = client.post(
        f"{BASE}/{world.trainee_a.pk}/interruptions", {"kind": "sick", "start_date": "2026-11-02"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["regional_lead", "scheme_admin", "mentor"])
def test_out_of_scope_is_404(world, client_for, role):
    assert client_for(role).get(f"{BASE}/{world.trainee_b.pk}/cct-estimate").status_code == 404


def test_mentors_read_but_do_not_record(world, client_for):
    client = client_for("mentor")
    assert client.get(f"{BASE}/{world.trainee_a2.pk}/interruptions").status_code == 200
    response = client.post(
        f"{BASE}/{world.trainee_a2.pk}/interruptions", {"kind": "sick", "start_date": "2026-11-02"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403


def test_the_operations_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/trainees/{trainee_id}/interruptions"])
    assert "/api/v1/trainees/{trainee_id}/cct-estimate" in paths
    assert "/api/v1/trainees/{trainee_id}/ltft-changes" in paths
