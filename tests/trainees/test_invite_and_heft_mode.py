"""A trainee invited (again) from their record to set a password, and their HEFT mode changed there: both
by the programme team within scope, audited. The record's forms each have their own ids."""

import re
from collections import Counter

from django.core import mail
from django.urls import reverse

from heft.accounts.models import Invitation, Role, RoleAssignment
from heft.audit.models import AuditEvent
from heft.trainees.models import ProgrammeMembership


def record(client, trainee) -> str:
    return client.get(reverse("trainees:trainee_detail", args=[trainee.pk])).content.decode()


def test_a_trainee_without_a_sign_in_is_given_one_and_invited(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("scheme_admin")
    trainee = world.trainee_a2
    assert "They have not been invited to set a password yet." in record(client, trainee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("trainees:trainee_invite", args=[trainee.pk]))
    assert response.status_code == 302
    trainee.refresh_from_db()
    user = trainee.user
    assert user.email == trainee.email
    assert not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role=Role.TRAINEE, scheme=None).exists()
    invitation = Invitation.objects.get(user=user)
    assert (invitation.role, invitation.scheme) == (Role.TRAINEE, world.scheme_a)
    (message,) = mail.outbox
    assert message.to == [trainee.email]
    assert "/people/invitation/" in message.body
    verbs = AuditEvent.objects.filter(actor=world.user("scheme_admin")).values_list("verb", flat=True)
    assert sorted(verbs) == sorted(
        ["viewed", "user.created", "role.granted", "invitation.sent", "trainee.sign_in_linked"]
    )
    page = record(client, trainee)
    assert "An invitation to set a password was sent on" in page
    assert "Send the invitation again" in page


def test_inviting_again_sends_a_new_link(world, client_for):
    client = client_for("regional_lead")
    url = reverse("trainees:trainee_invite", args=[world.trainee_a2.pk])
    client.post(url)
    first = Invitation.objects.get().nonce
    client.post(url)
    invitation = Invitation.objects.get()
    assert invitation.times_sent == 2
    assert invitation.nonce != first


def test_a_trainee_who_signs_in_already_is_not_sent_a_link(world, client_for):
    client = client_for("scheme_admin")
    page = record(client, world.trainee_a)
    assert "They have set a password and sign in to HEFT Hub" in page
    assert reverse("trainees:trainee_invite", args=[world.trainee_a.pk]) not in page
    response = client.post(reverse("trainees:trainee_invite", args=[world.trainee_a.pk]), follow=True)
    assert "already signs in" in response.content.decode()
    assert not Invitation.objects.exists()


def test_only_the_programme_team_in_scope_invites(world, client_for):
    url = reverse("trainees:trainee_invite", args=[world.trainee_b.pk])
    assert client_for("regional_lead").post(url).status_code == 404
    assert client_for("scheme_admin").post(url).status_code == 404
    mentor_url = reverse("trainees:trainee_invite", args=[world.trainee_a2.pk])
    assert client_for("mentor").post(mentor_url).status_code == 403
    assert client_for("trainee").post(mentor_url).status_code == 403
    assert not Invitation.objects.exists()


def test_the_heft_mode_is_changed_on_the_record_and_audited(world, client_for):
    client = client_for("scheme_admin")
    url = reverse("trainees:heft_mode", args=[world.trainee_a2.pk])
    response = client.post(url, {"heft-heft_mode": "enrolment_only"})
    assert response.status_code == 302
    membership = world.trainee_a2.memberships.get()
    assert membership.heft_mode == ProgrammeMembership.HeftMode.ENROLMENT_ONLY
    event = AuditEvent.objects.get(verb="membership.heft_mode_changed")
    assert (event.before, event.after) == ({"heft_mode": "rotation"}, {"heft_mode": "enrolment_only"})
    client.post(url, {"heft-heft_mode": "enrolment_only"})  # no change, no event
    assert AuditEvent.objects.filter(verb="membership.heft_mode_changed").count() == 1
    assert "Enrolment only (teaching and community)" in record(client, world.trainee_a2)


def test_a_heft_mode_not_chosen_is_refused_on_the_record(world, client_for):
    response = client_for("regional_lead").post(reverse("trainees:heft_mode", args=[world.trainee_a2.pk]), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_heft-heft_mode"' in page
    assert 'id="id_heft-heft_mode"' in page
    assert "Choose how they take part in HEFT." in page


def test_only_the_programme_team_in_scope_changes_the_heft_mode(world, client_for):
    body = {"heft-heft_mode": "none"}
    assert (
        client_for("regional_lead")
        .post(reverse("trainees:heft_mode", args=[world.trainee_b.pk]), body)
        .status_code
        == 404
    )
    assert (
        client_for("mentor").post(reverse("trainees:heft_mode", args=[world.trainee_a2.pk]), body).status_code
        == 403
    )
    assert ProgrammeMembership.objects.filter(heft_mode="none").count() == 0


def test_every_id_on_the_record_is_its_own_and_every_label_finds_its_field(world, client_for):
    page = record(client_for("scheme_admin"), world.trainee_a2)
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [name for name, count in ids.items() if count > 1] == []
    for target in re.findall(r'<label[^>]*for="([^"]+)"', page):
        assert ids[target] == 1, f"a label for {target} finds nothing"
    assert '<label class="nhsuk-label" for="id_ltft_start_date">From</label>' in page


def test_a_trainee_s_own_record_has_no_staff_forms(world, client_for):
    page = client_for("trainee").get(reverse("trainees:me")).content.decode()
    assert "Sign-in" not in page
    assert "heft-heft_mode" not in page
