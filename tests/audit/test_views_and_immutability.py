"""Views of sensitive records leave an audit event; audit events cannot be changed or deleted through the
admin site or the API."""

import pytest
from django.db import transaction

from heft.audit.models import AuditEvent
from heft.audit.services import audit_record, audit_view
from tests import factories as f


def viewed(target) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            verb="viewed", target_type=target._meta.label_lower, target_id=str(target.pk)
        )
    )


@pytest.mark.parametrize("role", ["national_admin", "regional_lead", "scheme_admin", "mentor"])
def test_staff_viewing_a_trainee_record_is_audited(role, world, client_for):
    assert client_for(role).get(f"/trainees/{world.trainee_a2.pk}/").status_code == 200
    [event] = viewed(world.trainee_a2)
    assert event.actor == world.user(role)
    assert event.after == {"page": "trainee record"}


def test_a_record_out_of_scope_is_not_shown_and_not_logged_as_seen(world, client_for):
    assert client_for("regional_lead").get(f"/trainees/{world.trainee_b.pk}/").status_code == 404
    assert viewed(world.trainee_b) == []


def test_a_trainee_reading_their_own_record_is_not_a_staff_view(world, client_for):
    assert client_for("trainee").get("/trainees/me/").status_code == 200
    assert viewed(world.trainee_a) == []


def test_audit_view_must_run_in_a_transaction(transactional_db):
    trainee = f.TraineeFactory()
    with pytest.raises(RuntimeError):
        audit_view(by=f.UserFactory(), target=trainee, page="trainee record")
    assert not AuditEvent.objects.exists()


@pytest.fixture
def event(world):
    with transaction.atomic():
        return audit_record(by=world.user("national_admin"), verb="test.done", target=world.rotation_a)


def test_the_admin_site_cannot_change_or_delete_an_event(world, event, client_for):
    client = client_for("national_admin")
    base = f"/admin/audit/auditevent/{event.pk}"
    assert client.get(f"{base}/change/").status_code == 200  # read-only view
    assert client.post(f"{base}/change/", {"verb": "rewritten"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    changelist = client.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert changelist.status_code in {200, 302}
    event.refresh_from_db()
    assert (AuditEvent.objects.count(), event.verb) == (1, "test.done")


def test_the_api_has_no_way_to_write_audit_events(client_for):
    schema = client_for("national_admin").get("/api/v1/openapi.json").json()
    audit_operations = [
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if "audit" in path.lower() and method in {"post", "put", "patch", "delete"}
    ]
    assert audit_operations == []
