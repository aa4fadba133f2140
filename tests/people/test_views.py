"""The people pages: the staff and invitations in one's scope, inviting, sending again, revoking, changing
and removing roles (out of scope answers 404), and the page where an invited person sets their password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from heft.accounts.models import Invitation, Role, RoleAssignment, User
from heft.accounts.services import INVITATION_NOT_LIVE, invitation_create
from heft.audit.models import AuditEvent
from heft.programmes.models import Locality
from tests import factories as f
from tests.people.conftest import link_path

NEW_PASSWORD = "correct horse battery staple"


@pytest.fixture
def region_b_staff(world):
    """An educator and a waiting invitation in region B: out of the regional lead's scope."""
    educator = f.RoleFactory(role=Role.EDUCATOR, region=world.region_b, user__email="educator.b@example.org")
    invitation = invitation_create(
        email="tpd.b@example.org",
        role=Role.SCHEME_ADMIN,
        scheme=world.scheme_b,
        by=world.user("national_admin"),
    ).invitation
    return educator, invitation


@pytest.fixture
def waiting(world):
    return invitation_create(
        email="tpd.a@example.org",
        role=Role.SCHEME_ADMIN,
        scheme=world.scheme_a,
        by=world.user("regional_lead"),
    ).invitation


def body(response) -> str:
    return response.content.decode()


# --- the list -----------------------------------------------------------------------------------------------


def test_a_lead_sees_the_staff_and_invitations_of_their_region_only(
    world, client_for, region_b_staff, waiting
):
    client = client_for("regional_lead")
    staff = body(client.get(reverse("people:person_list")))
    assert "educator@example.org" in staff
    assert "Educator (Region A)" in staff
    assert "educator.b@example.org" not in staff
    assert "national_admin@example.org" not in staff
    invitations = body(client.get(reverse("people:person_list"), {"show": "invitations"}))
    assert "tpd.a@example.org" in invitations
    assert "tpd.b@example.org" not in invitations
    assert ">Sent<" in invitations
    assert "Send again" in invitations
    assert "Revoke" in invitations


def test_a_national_admin_sees_everyone_and_can_filter(world, client_for, region_b_staff, waiting):
    client = client_for("national_admin")
    staff = body(client.get(reverse("people:person_list"), {"q": "educator.b"}))
    assert "educator.b@example.org" in staff
    assert "educator@example.org" not in staff
    revoked = body(client.get(reverse("people:person_list"), {"show": "invitations", "status": "revoked"}))
    assert "No invitations match" in revoked


def test_a_lead_is_offered_only_what_they_may_change(world, client_for):
    f.RoleFactory(role=Role.REGIONAL_LEAD, region=world.region_a, user__email="co.lead@example.org")
    page = body(client_for("regional_lead").get(reverse("people:person_list")))
    educator_role = world.user("educator").role_assignments.get()
    lead_role = world.user("regional_lead").role_assignments.get()
    assert reverse("people:role_edit", args=[educator_role.pk]) in page
    assert reverse("people:role_edit", args=[lead_role.pk]) not in page
    assert "co.lead@example.org" in page  # seen, not changed: leads give no lead roles


# --- inviting -----------------------------------------------------------------------------------------------


def test_a_lead_invites_an_educator_through_the_page(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("regional_lead")
    form = {
        "email": "new.educator@example.org",
        "first_name": "Robin",
        "last_name": "Fictional",
        "role": "educator",
        "educator_region": world.region_a.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:invite"), form)
    assert response.status_code == 302
    assert response["Location"].endswith("?show=invitations")
    invitation = Invitation.objects.get(user__email="new.educator@example.org")
    assert (invitation.role, invitation.region) == (Role.EDUCATOR, world.region_a)
    assert len(mail.outbox) == 1
    page = body(client.get(response["Location"]))
    assert "Invitation sent to new.educator@example.org" in page


def test_the_invite_form_offers_a_lead_only_their_roles_and_region(world, client_for):
    client = client_for("regional_lead")
    page = body(client.get(reverse("people:invite")))
    assert "Which role will they have?" in page
    assert 'value="scheme_admin"' in page
    assert 'value="mentor"' in page
    assert 'value="regional_lead"' not in page
    assert 'value="national_admin"' not in page
    page = body(client.get(reverse("people:invite"), {"role": "educator"}))
    assert "Where they teach" in page
    assert "Region A" in page
    assert "Region B" not in page
    assert "All England" not in page
    assert "Scheme they run" not in page, "only the role's own questions"
    assert "Kind of mentor" not in page, "only the role's own questions"


def test_the_invite_form_refuses_what_the_lead_may_not_give(world, client_for):
    client = client_for("regional_lead")
    form = {"email": "x@example.org", "role": "scheme_admin", "admin_scheme": world.scheme_b.pk}
    response = client.post(reverse("people:invite"), form)
    assert response.status_code == 400
    form = {"email": "x@example.org", "role": "regional_lead", "lead_region": world.region_a.pk}
    assert client.post(reverse("people:invite"), form).status_code == 400
    assert not User.objects.filter(email="x@example.org").exists()


def test_the_invite_form_asks_the_role_first_then_what_it_needs(world, client_for):
    client = client_for("regional_lead")
    unanswered = client.get(reverse("people:invite"), {"step": "role"})
    assert unanswered.status_code == 400
    assert "Choose a role." in body(unanswered)
    assert 'href="#id_role"' in body(unanswered)
    assert 'id="id_role"' in body(unanswered)
    empty = client.post(reverse("people:invite"), {})
    assert empty.status_code == 400
    assert "Choose a role." in body(empty)
    page = body(client.post(reverse("people:invite"), {"email": "x@example.org", "role": "mentor"}))
    assert "Choose the kind of mentor." in page
    assert "Choose the scheme they work in." in page
    assert 'href="#id_mentor_kind"' in page
    page = body(client.post(reverse("people:invite"), {"role": "scheme_admin"}))
    assert "Enter their email address." in page
    assert "Choose the scheme they run." in page
    change = body(client.get(reverse("people:invite"), {"choose": "role", "role": "mentor"}))
    assert re.search(r'value="mentor"\s+checked', change), "the role chosen before is chosen again"


def test_a_mentor_is_invited_with_their_details(world, client_for, locality_a):
    form = {
        "email": "new.mentor@example.org",
        "role": "mentor",
        "mentor_kind": "trailblazer_fellow",
        "mentor_scheme": world.scheme_a.pk,
        "mentor_locality": locality_a.pk,
        "mentor_capacity": "5",
    }
    assert client_for("regional_lead").post(reverse("people:invite"), form).status_code == 302
    invitation = Invitation.objects.get(user__email="new.mentor@example.org")
    assert invitation.details["kind"] == "trailblazer_fellow"
    assert invitation.region == world.region_a


# --- sending again and revoking -----------------------------------------------------------------------------


def test_a_lead_sends_again_and_revokes_in_their_region(world, client_for, waiting):
    client = client_for("regional_lead")
    old_nonce = waiting.nonce
    assert client.post(reverse("people:invitation_resend", args=[waiting.pk])).status_code == 302
    waiting.refresh_from_db()
    assert waiting.nonce != old_nonce
    assert waiting.times_sent == 2
    assert client.post(reverse("people:invitation_revoke", args=[waiting.pk])).status_code == 302
    waiting.refresh_from_db()
    assert waiting.revoked_at is not None
    lead = world.user("regional_lead")
    assert (
        AuditEvent.objects.filter(actor=lead, verb__in=["invitation.resent", "invitation.revoked"]).count()
        == 2
    )
    response = client.post(reverse("people:invitation_resend", args=[waiting.pk]), follow=True)
    assert "revoked: invite them again instead" in body(response)


def test_out_of_scope_records_answer_404(world, client_for, region_b_staff):
    educator_b, invitation_b = region_b_staff
    client = client_for("regional_lead")
    lead_role = world.user("regional_lead").role_assignments.get()
    admin_role = world.user("national_admin").role_assignments.get()
    for name in ("people:invitation_resend", "people:invitation_revoke"):
        assert client.post(reverse(name, args=[invitation_b.pk])).status_code == 404
        assert client.post(reverse(name, args=[999_999])).status_code == 404
    for pk in (educator_b.pk, lead_role.pk, admin_role.pk, 999_999):
        assert client.get(reverse("people:role_edit", args=[pk])).status_code == 404
        assert client.post(reverse("people:role_remove", args=[pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk__in=[educator_b.pk, lead_role.pk, admin_role.pk]).count() == 3
    invitation_b.refresh_from_db()
    assert invitation_b.revoked_at is None
    assert invitation_b.times_sent == 1


# --- changing and removing roles ----------------------------------------------------------------------------


def test_a_lead_changes_an_educator_into_a_scheme_administrator(world, client_for):
    educator_role = world.user("educator").role_assignments.get()
    client = client_for("regional_lead")
    url = reverse("people:role_edit", args=[educator_role.pk])
    page = body(client.get(url))
    assert "Change or remove a role" in page
    assert "Remove the role" in page
    assert "Where they teach" in page
    pick = body(client.get(url, {"choose": "role", "role": "educator"}))
    assert "Which role will they have?" in pick
    assert re.search(r'value="educator"\s+checked', pick)
    page = body(client.get(url, {"step": "role", "role": "scheme_admin"}))
    assert "Scheme they run" in page
    assert "Where they teach" not in page
    response = client.post(url, {"role": "scheme_admin", "admin_scheme": world.scheme_a.pk})
    assert response.status_code == 302
    educator_role.refresh_from_db()
    assert (educator_role.role, educator_role.scheme) == (Role.SCHEME_ADMIN, world.scheme_a)
    assert AuditEvent.objects.filter(verb="role.changed", actor=world.user("regional_lead")).exists()


def test_a_role_moved_nowhere_says_so(world, client_for):
    educator_role = world.user("educator").role_assignments.get()
    url = reverse("people:role_edit", args=[educator_role.pk])
    response = client_for("regional_lead").post(
        url, {"role": "educator", "educator_region": world.region_a.pk}
    )
    assert response.status_code == 400
    assert "Nothing to change" in body(response)


def test_a_national_admin_gives_a_national_educator_role(world, client_for):
    educator_role = world.user("educator").role_assignments.get()
    url = reverse("people:role_edit", args=[educator_role.pk])
    response = client_for("national_admin").post(url, {"role": "educator", "educator_region": ""})
    assert response.status_code == 302
    educator_role.refresh_from_db()
    assert (educator_role.region, educator_role.scheme) == (None, None)


def test_a_lead_removes_a_role(world, client_for):
    educator_role = world.user("educator").role_assignments.get()
    response = client_for("regional_lead").post(reverse("people:role_remove", args=[educator_role.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_list")
    assert not RoleAssignment.objects.filter(pk=educator_role.pk).exists()
    assert AuditEvent.objects.filter(verb="role.removed", actor=world.user("regional_lead")).exists()


def test_the_last_national_admin_cannot_remove_their_role(world, client_for):
    own = world.user("national_admin").role_assignments.get()
    client = client_for("national_admin")
    response = client.post(reverse("people:role_remove", args=[own.pk]), follow=True)
    assert "the only national admin" in body(response)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_the_remove_button_is_never_the_enter_key_of_the_change_form(world, client_for):
    educator_role = world.user("educator").role_assignments.get()
    page = body(client_for("regional_lead").get(reverse("people:role_edit", args=[educator_role.pk])))
    change_form = page.split("<h2>Change the role</h2>")[1].split("</form>")[0]
    assert "Remove" not in change_form
    assert "nhsuk-button--warning" not in change_form


# --- accepting ----------------------------------------------------------------------------------------------


@pytest.fixture
def invited(world, committed):
    """A new scheme administrator invited by the lead, and the path of the link in their email."""
    committed(
        invitation_create,
        email="new.tpd@example.org",
        first_name="Alex",
        role=Role.SCHEME_ADMIN,
        scheme=world.scheme_a,
        by=world.user("regional_lead"),
    )
    return link_path(mail.outbox[-1])


def test_the_invited_person_sets_a_password_and_is_signed_in(world, client, invited):
    page = body(client.get(invited))
    assert "Set your password" in page
    assert "new.tpd@example.org" in page
    assert "as a scheme administrator or TPD for Scheme A" in page
    response = client.post(invited, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(email="new.tpd@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert RoleAssignment.objects.filter(user=user, role=Role.SCHEME_ADMIN, scheme=world.scheme_a).exists()
    # Staff meet the authenticator set-up before anything else.
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    # The link is used up.
    client.logout()
    again = client.get(invited)
    assert again.status_code == 404
    assert INVITATION_NOT_LIVE in body(again)


def test_a_trainee_sets_a_password_and_goes_straight_in(world, client, committed):
    user = f.UserFactory(email="trainee.new@example.org")
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    committed(invitation_create, email=user.email, role=Role.TRAINEE, scheme=world.scheme_a,
              by=world.user("scheme_admin"))  # fmt: skip
    path = link_path(mail.outbox[-1])
    assert "authenticator" not in body(client.get(path))
    client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("short", "short", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "password1234", "This password is too common."),
        ("836459201774", "836459201774", "This password is entirely numeric."),
        ("new.tpd@example.org", "new.tpd@example.org", "The password is too similar to the email address."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords are different"),
        ("", "", "Enter a password."),
    ],
)
def test_a_password_django_refuses_is_refused_with_its_message(
    world, client, invited, first, second, message
):
    response = client.post(invited, {"new_password1": first, "new_password2": second})
    assert response.status_code == 400
    page = body(response)
    assert message in page
    assert "There is a problem" in page
    assert not re.search(r'type="password"[^>]*value="[^"]', page), "a password is never sent back"
    assert not User.objects.get(email="new.tpd@example.org").has_usable_password()


@pytest.mark.parametrize("how", ["altered", "revoked", "expired", "used", "replaced"])
def test_a_dead_link_says_only_that_it_no_longer_works(world, client, committed, invited, how):
    invitation = Invitation.objects.get(user__email="new.tpd@example.org")
    path = invited
    if how == "altered":
        path = invited[:-3] + ("A" if invited[-3] != "A" else "B") + invited[-2:]
    elif how == "revoked":
        invitation.revoked_at = invitation.sent_at
        invitation.save()
    elif how == "expired":
        invitation.expires_at = invitation.sent_at
        invitation.save()
    elif how == "used":
        client.post(invited, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        client.logout()
    else:
        from heft.accounts.services import invitation_resend

        committed(invitation_resend, invitation=invitation, by=world.user("regional_lead"))
    for method in (client.get, client.post):
        response = method(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert response.status_code == 404
        page = body(response)
        assert INVITATION_NOT_LIVE in page
        assert "new.tpd@example.org" not in page


def test_someone_else_signed_in_is_asked_to_sign_out_first(world, client_for, invited):
    client = client_for("educator")
    page = body(client.get(invited))
    assert "Sign out first" in page
    assert "educator@example.org" in page
    response = client.post(invited, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 409
    assert not User.objects.get(email="new.tpd@example.org").has_usable_password()
    # The button signs them out and brings them back to the link.
    response = client.post(reverse("account_logout"), {"next": invited})
    assert response["Location"] == invited
    assert "Set your password" in body(client.get(invited))


def test_someone_with_an_authenticator_is_not_signed_in_by_a_password_alone(world, client, committed):
    """A second invitation of someone who set up their authenticator after the first: the link sets the
    password, and the sign-in still asks for a code."""
    from heft.accounts.services import invitation_accept
    from tests.conftest import give_totp

    admin = world.user("national_admin")
    first = committed(
        invitation_create, email="two.roles@example.org", role=Role.EDUCATOR, by=admin
    ).invitation
    second = committed(
        invitation_create,
        email="two.roles@example.org",
        role=Role.REGIONAL_LEAD,
        region=world.region_b,
        by=admin,
    ).invitation
    invitation_accept(invitation=first, password=NEW_PASSWORD)
    give_totp(first.user)
    path = [link_path(m) for m in mail.outbox if "regional programme lead" in m.subject][0]
    response = client.post(path, {"new_password1": NEW_PASSWORD + "2", "new_password2": NEW_PASSWORD + "2"})
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert RoleAssignment.objects.filter(user=second.user, role=Role.REGIONAL_LEAD).exists()


def test_a_refusal_of_the_service_shows_at_its_field(world, client_for):
    other_scheme = f.SchemeFactory(region=world.region_a, name="Fictional Other Scheme")
    locality = Locality.objects.create(scheme=other_scheme, name="Fictional East")
    form = {
        "email": "new.mentor@example.org",
        "role": "mentor",
        "mentor_kind": "pcn_lead",
        "mentor_scheme": world.scheme_a.pk,
        "mentor_locality": locality.pk,
        "mentor_capacity": "4",
    }
    response = client_for("regional_lead").post(reverse("people:invite"), form)
    assert response.status_code == 400
    assert 'href="#id_mentor_locality">Choose a locality of Scheme A, or none.' in body(response)
