import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from heft.audit.models import AuditEvent
from heft.programmes.services import rotation_set_availability


def test_change_is_saved_with_an_audit_event(world):
    lead = world.user("regional_lead")
    rotation_set_availability(
        rotation=world.rotation_a, availability="withdrawn", reason="Post closed", by=lead
    )
    world.rotation_a.refresh_from_db()
    assert world.rotation_a.availability == "withdrawn"
    event = AuditEvent.objects.get(verb="rotation.availability_changed")
    assert event.actor == lead
    assert event.target_id == str(world.rotation_a.pk)
    assert event.before == {"availability": "available"}
    assert event.after == {"availability": "withdrawn", "reason": "Post closed"}


def test_out_of_scope_rotation_is_refused_and_nothing_written(world):
    with pytest.raises(PermissionDenied):
        rotation_set_availability(
            rotation=world.rotation_b, availability="withdrawn", reason="x", by=world.user("regional_lead")
        )
    world.rotation_b.refresh_from_db()
    assert world.rotation_b.availability == "available"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("availability,reason", [("gone", "x"), ("withdrawn", "  ")])
def test_bad_input_is_refused(world, availability, reason):
    with pytest.raises(ValidationError):
        rotation_set_availability(
            rotation=world.rotation_a,
            availability=availability,
            reason=reason,
            by=world.user("national_admin"),
        )
    assert not AuditEvent.objects.exists()


def test_form_without_reason_shows_the_error(world, client_for):
    url = reverse("programmes:rotation_availability", args=[world.rotation_a.code])
    response = client_for("scheme_admin").post(url, {"availability": "withdrawn", "reason": ""})
    assert response.status_code == 400
    assert "Say why the availability is changing" in response.content.decode()


def test_form_saves_and_redirects(world, client_for):
    url = reverse("programmes:rotation_availability", args=[world.rotation_a.code])
    response = client_for("scheme_admin").post(url, {"availability": "subject_to_change", "reason": "Review"})
    assert response.status_code == 302
    world.rotation_a.refresh_from_db()
    assert world.rotation_a.availability == "subject_to_change"


def test_lead_of_another_region_gets_404(world, client_for):
    url = reverse("programmes:rotation_availability", args=[world.rotation_b.code])
    response = client_for("regional_lead").post(url, {"availability": "withdrawn", "reason": "x"})
    assert response.status_code == 404


def test_rotation_list_filters_heft_rotations(world, client_for):
    plain = world.rotation_b
    plain.slots.update(post=_hospital_post(world))
    response = client_for("trainee").get(reverse("programmes:rotation_list"), {"heft": "on"})
    body = response.content.decode()
    assert world.rotation_a.name in body
    assert plain.name not in body


def _hospital_post(world):
    from tests import factories as f

    category = f.CategoryFactory(code="paediatrics", name="Paediatrics", kind="hospital")
    return f.PostFactory(category=category, scheme=world.scheme_b)
