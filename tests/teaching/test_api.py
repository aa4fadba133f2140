"""The teaching API: sessions, attendance and calendar tokens, with the same scopes as the pages."""

import json

from django.urls import reverse

from heft.accounts.services import api_token_create
from heft.teaching.models import Attendance, CalendarFeedToken
from tests import factories as f


def get(client, path, **params):
    response = client.get(f"/api/v1/teaching/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_trainee_lists_only_their_published_sessions(client_for, world, teaching):
    items = get(client_for("trainee"), "sessions")["items"]
    mine = [teaching.past, teaching.now, teaching.future, teaching.regional_a, teaching.conference]
    assert [i["id"] for i in items] == [s.pk for s in sorted(mine, key=lambda s: s.start)]
    now = next(i for i in items if i["id"] == teaching.now.pk)
    assert now["uid"] == teaching.now.ical_uid
    assert now["online_link"] == "https://meet.heft.invalid/now"
    assert get(client_for("trainee"), "sessions", kind="regional")["count"] == 1


def test_staff_see_the_sessions_in_their_scope_including_drafts_they_plan(client_for, world, teaching):
    lead_ids = {i["id"] for i in get(client_for("regional_lead"), "sessions", limit=100)["items"]}
    assert teaching.draft.pk in lead_ids
    assert teaching.regional_b.pk not in lead_ids
    educator_ids = {i["id"] for i in get(client_for("educator"), "sessions")["items"]}
    assert teaching.draft.pk not in educator_ids
    assert teaching.regional_a.pk in educator_ids
    assert client_for("trainee").get(f"/api/v1/teaching/sessions/{teaching.regional_b.pk}").status_code == 404


def test_mentors_have_no_teaching_api(client_for, teaching):
    assert client_for("mentor").get("/api/v1/teaching/sessions").status_code == 403


def test_check_in_through_the_api(client_for, world, teaching):
    client = client_for("trainee")
    url = f"/api/v1/teaching/sessions/{teaching.now.pk}/check-in"
    wrong = client.post(url, json.dumps({"code": "NOPE"}), content_type="application/json")
    assert wrong.status_code == 400
    assert "not right" in wrong.json()["detail"]
    right = client.post(
        url, json.dumps({"code": teaching.now.check_in_code}), content_type="application/json"
    )
    assert right.status_code == 200
    assert right.json()["status"] == "attended"
    assert get(client, "attendance/me")["items"][0]["session"] == teaching.now.pk
    other = f"/api/v1/teaching/sessions/{teaching.regional_b.pk}/check-in"
    assert client.post(other, json.dumps({"code": "X"}), content_type="application/json").status_code == 404


def test_staff_attendance_is_scoped(client_for, world, teaching):
    for trainee in (world.trainee_a, world.trainee_b):
        Attendance.objects.create(
            session=teaching.past, trainee=trainee, status="attended", source="register"
        )
    names = {i["trainee_name"] for i in get(client_for("regional_lead"), "attendance")["items"]}
    assert names == {world.trainee_a.full_name}
    assert get(client_for("national_admin"), "attendance", session=teaching.past.pk)["count"] == 2
    assert {i["trainee"] for i in get(client_for("educator"), "attendance")["items"]} == {world.trainee_a.pk}
    assert client_for("trainee").get("/api/v1/teaching/attendance").status_code == 403


def test_staff_with_a_bearer_token(client, world, teaching):
    _, raw = api_token_create(name="reports", by=world.user("scheme_admin"))
    response = client.get("/api/v1/teaching/sessions", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    ids = {i["id"] for i in response.json()["items"]}  # published, in scheme A's region; no planning scope
    assert ids == {
        s.pk for s in (teaching.past, teaching.now, teaching.future, teaching.conference, teaching.regional_a)
    }


def test_calendar_tokens_through_the_api(client_for, world, teaching):
    client = client_for("trainee")
    assert get(client, "calendar-token") == {"active": False, "created_at": None, "last_used_at": None}
    made = client.post("/api/v1/teaching/calendar-token")
    assert made.status_code == 201
    feed_url = made.json()["url"]
    assert feed_url.startswith("http://testserver/teaching/calendar/trainee/")
    assert made.json()["webcal"].startswith("webcal://testserver/")
    assert client.get(feed_url.removeprefix("http://testserver")).status_code == 200
    assert get(client, "calendar-token")["active"] is True
    assert client.delete("/api/v1/teaching/calendar-token").status_code == 204
    assert not CalendarFeedToken.objects.filter(revoked_at__isnull=True).exists()
    assert client_for("educator").post("/api/v1/teaching/calendar-token").status_code == 403


def test_a_trainee_without_a_record_gets_404(client, db, teaching):
    user = f.RoleFactory(role="trainee").user
    client.force_login(user)
    assert client.get("/api/v1/teaching/attendance/me").status_code == 404


def test_the_schema_lists_the_teaching_operations(client, db):
    paths = client.get(reverse("api:openapi-json")).json()["paths"]
    assert {"get", "post", "delete"} <= set(paths["/api/v1/teaching/calendar-token"])
    for path in (
        "sessions",
        "sessions/{session_id}",
        "sessions/{session_id}/check-in",
        "attendance",
        "attendance/me",
    ):
        assert f"/api/v1/teaching/{path}" in paths
