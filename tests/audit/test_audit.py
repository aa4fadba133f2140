import pytest
from django.db import transaction

from heft.audit.models import AuditEvent
from heft.audit.services import audit_record, snapshot


def test_events_cannot_be_changed_or_deleted(world):
    with transaction.atomic():
        event = audit_record(by=world.user("national_admin"), verb="test.done", target=world.rotation_a)
    event.verb = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(verb="rewritten")
    assert AuditEvent.objects.get().verb == "test.done"


def test_snapshot_leaves_out_secrets(world):
    picture = snapshot(world.user("trainee"))
    assert "password" not in picture
    assert picture["email"] == "trainee@example.org"


def test_event_keeps_the_actor_label_when_the_account_is_deleted(world):
    user = world.user("educator")
    with transaction.atomic():
        audit_record(by=user, verb="test.done", target=world.rotation_a)
    user.delete()
    event = AuditEvent.objects.get()
    assert event.actor is None
    assert event.actor_label == "educator@example.org"


def test_admin_edit_is_audited(world, client_for):
    client = client_for("national_admin")
    url = f"/admin/programmes/region/{world.region_a.pk}/change/"
    response = client.post(url, {"code": "region-a", "name": "Region A renamed", "summary": ""})
    assert response.status_code == 302
    event = AuditEvent.objects.get(verb="admin.changed")
    assert event.before["name"] == "Region A"
    assert event.after["name"] == "Region A renamed"


def test_audit_page_lists_events_for_national_admin(world, client_for):
    with transaction.atomic():
        audit_record(by=world.user("national_admin"), verb="test.done", target=world.rotation_a)
    body = client_for("national_admin").get("/audit/").content.decode()
    assert "test.done" in body
