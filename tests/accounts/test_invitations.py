"""Invitations and roles in heft.accounts: who may give which role where, the one-time link (single use,
7 days, replaced by a resend, stopped by a revoke), the emails and their links, every write audited; and
django-allauth's password reset, whose email links to HEFT_SITE_URL too."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from heft.accounts import services
from heft.accounts.invitations import invitation_link, invitation_token, read_invitation_token
from heft.accounts.models import Invitation, Role, RoleAssignment, User
from heft.audit.models import AuditEvent
from tests import factories as f

SITE = "https://heft.example.org"
LINK = re.compile(r"https?://\S+/people/invitation/(\S+)/")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as if its transaction committed: the emails it queues go (tests run tasks at once)."""

    def run(action, **arguments):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**arguments)

    return run


def invite(committed, by, **arguments):
    defaults = {"email": "new.person@example.org", "role": Role.EDUCATOR}
    return committed(services.invitation_create, by=by, **{**defaults, **arguments})


def token_in(message) -> str:
    return LINK.search(message.body).group(1)


def verbs(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk").values_list("verb", flat=True))


# --- who may give which role where (GRANTABLE and scope) ----------------------------------------------------

SCOPES = {
    "england": lambda w: {},
    "region_a": lambda w: {"region": w.region_a},
    "region_b": lambda w: {"region": w.region_b},
    "scheme_a": lambda w: {"scheme": w.scheme_a},
    "scheme_b": lambda w: {"scheme": w.scheme_b},
}
ALLOWED = [
    ("national_admin", Role.NATIONAL_ADMIN, "england"),
    ("national_admin", Role.REGIONAL_LEAD, "region_b"),
    ("national_admin", Role.SCHEME_ADMIN, "scheme_b"),
    ("national_admin", Role.EDUCATOR, "england"),
    ("national_admin", Role.MENTOR, "region_b"),
    ("national_admin", Role.TRAINEE, "scheme_b"),
    ("regional_lead", Role.SCHEME_ADMIN, "scheme_a"),
    ("regional_lead", Role.EDUCATOR, "region_a"),
    ("regional_lead", Role.EDUCATOR, "scheme_a"),
    ("regional_lead", Role.MENTOR, "region_a"),
    ("regional_lead", Role.TRAINEE, "scheme_a"),
    ("scheme_admin", Role.TRAINEE, "scheme_a"),
]
REFUSED = [
    ("regional_lead", Role.NATIONAL_ADMIN, "england"),
    ("regional_lead", Role.REGIONAL_LEAD, "region_a"),
    ("regional_lead", Role.SCHEME_ADMIN, "scheme_b"),
    ("regional_lead", Role.EDUCATOR, "region_b"),
    ("regional_lead", Role.EDUCATOR, "england"),
    ("regional_lead", Role.MENTOR, "region_b"),
    ("regional_lead", Role.TRAINEE, "scheme_b"),
    ("scheme_admin", Role.EDUCATOR, "region_a"),
    ("scheme_admin", Role.SCHEME_ADMIN, "scheme_a"),
    ("scheme_admin", Role.TRAINEE, "scheme_b"),
    ("educator", Role.EDUCATOR, "region_a"),
    ("mentor", Role.MENTOR, "region_a"),
    ("trainee", Role.TRAINEE, "scheme_a"),
]


@pytest.mark.parametrize(("inviter", "role", "scope"), ALLOWED)
def test_each_role_invites_what_it_may_give_where_it_may(world, committed, inviter, role, scope):
    outcome = invite(committed, world.user(inviter), role=role, **SCOPES[scope](world))
    assert outcome.invitation.role == role
    assert outcome.granted is None
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("inviter", "role", "scope"), REFUSED)
def test_each_role_is_refused_what_it_may_not_give(world, committed, inviter, role, scope):
    with pytest.raises(PermissionDenied):
        invite(committed, world.user(inviter), role=role, **SCOPES[scope](world))
    assert not User.objects.filter(email="new.person@example.org").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        (Role.REGIONAL_LEAD, "england", "region"),
        (Role.SCHEME_ADMIN, "region_a", "scheme"),
        (Role.MENTOR, "england", "region"),
        (Role.TRAINEE, "england", "scheme"),
        (Role.NATIONAL_ADMIN, "region_a", None),
        (Role.REGIONAL_LEAD, "scheme_a", None),
    ],
)
def test_a_role_must_be_held_where_it_fits(world, committed, role, scope, field):
    with pytest.raises(ValidationError) as refused:
        invite(committed, world.user("national_admin"), role=role, **SCOPES[scope](world))
    if field:
        assert field in refused.value.message_dict
    assert Invitation.objects.count() == 0


def test_a_bad_email_address_is_refused(world, committed):
    with pytest.raises(ValidationError) as refused:
        invite(committed, world.user("national_admin"), email="not an address")
    assert "email" in refused.value.message_dict


# --- a new person: a sign-in without a password and a link --------------------------------------------------


def test_a_new_person_gets_a_sign_in_without_password_and_an_email_with_the_link(world, committed):
    lead = world.user("regional_lead")
    outcome = invite(
        committed, lead, email=" New.Person@Example.org ", first_name="Robin", region=world.region_a
    )
    invitation = outcome.invitation
    user = invitation.user
    assert user.email == "new.person@example.org"
    assert user.first_name == "Robin"
    assert not user.has_usable_password()
    assert not RoleAssignment.objects.filter(user=user).exists(), "the role waits for the link to be used"
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=7)
    assert invitation.invited_by == lead
    assert verbs(actor=lead) == ["user.created", "invitation.sent"]
    (message,) = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert message.subject == "You are invited to HEFT Hub as an educator"
    assert services.invitation_from_token(token_in(message)) == invitation


@override_settings(HEFT_SITE_URL=SITE, ALLOWED_HOSTS=["internal-host.example.net"])
def test_the_email_names_heft_hub_and_links_to_the_site_address_not_the_request_host(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.user("regional_lead"))
    form = {"email": "host.test@example.org", "role": "educator", "educator_region": world.region_a.pk}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:invite"), form, HTTP_HOST="internal-host.example.net")
    (message,) = mail.outbox
    invitation = Invitation.objects.get(user__email="host.test@example.org")
    assert "HEFT Hub" in message.subject
    assert "HEFT Hub" in message.body
    assert invitation_link(invitation) in message.body
    assert f"{SITE}/people/invitation/" in message.body
    assert "internal-host.example.net" not in message.body
    assert "testserver" not in message.body
    assert "scheme administrator or TPD" not in message.body
    assert "educator in Region A" in message.body
    assert "authenticator app" in message.body  # staff set one up next


def test_the_scheme_administrator_role_keeps_its_capitals_in_the_email(world, committed):
    invite(committed, world.user("regional_lead"), role=Role.SCHEME_ADMIN, scheme=world.scheme_a)
    (message,) = mail.outbox
    assert message.subject == "You are invited to HEFT Hub as a scheme administrator or TPD"
    assert "as a scheme administrator or TPD for Scheme A" in message.body


# --- the link: single use, 7 days, replaced by a resend, stopped by a revoke --------------------------------


def test_the_link_works_once_and_grants_the_role(world, committed):
    invitation = invite(committed, world.user("regional_lead"), region=world.region_a).invitation
    token = token_in(mail.outbox[0])
    role = services.invitation_accept(invitation=invitation, password="a-new-long-password")
    user = User.objects.get(pk=invitation.user_id)
    assert user.check_password("a-new-long-password")
    assert (role.role, role.region, role.user) == (Role.EDUCATOR, world.region_a, user)
    assert verbs(actor=user) == ["invitation.accepted", "role.granted"]
    assert services.invitation_from_token(token) is None, "used"
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, password="another-long-password")


def test_the_link_expires_after_7_days(world, committed):
    invitation = invite(committed, world.user("national_admin")).invitation
    token = token_in(mail.outbox[0])
    almost = invitation.sent_at + datetime.timedelta(days=7, seconds=-1)
    with mock.patch("django.utils.timezone.now", return_value=almost):
        assert services.invitation_from_token(token) == invitation
    later = invitation.sent_at + datetime.timedelta(days=7)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert services.invitation_from_token(token) is None
        with pytest.raises(ValidationError):
            services.invitation_accept(invitation=invitation, password="a-new-long-password")


def test_sending_again_replaces_the_link_and_the_expiry(world, committed):
    admin = world.user("national_admin")
    invitation = invite(committed, admin).invitation
    old_token = token_in(mail.outbox[0])
    later = invitation.sent_at + datetime.timedelta(days=10)  # expired: it can still be sent again
    with mock.patch("django.utils.timezone.now", return_value=later):
        again = committed(services.invitation_resend, invitation=invitation, by=admin)
        new_token = token_in(mail.outbox[1])
        assert services.invitation_from_token(old_token) is None, "the old link stops working"
        assert services.invitation_from_token(new_token) == invitation
    assert (again.times_sent, again.expires_at) == (2, later + datetime.timedelta(days=7))
    assert old_token != new_token
    assert verbs(actor=admin)[-1] == "invitation.resent"


def test_inviting_again_while_one_waits_sends_it_again_with_a_new_link(world, committed):
    lead = world.user("regional_lead")
    first = invite(committed, lead, region=world.region_a).invitation
    second = invite(committed, lead, region=world.region_a).invitation
    assert first.pk == second.pk
    assert second.times_sent == 2
    assert services.invitation_from_token(token_in(mail.outbox[0])) is None
    assert services.invitation_from_token(token_in(mail.outbox[1])) == second
    assert Invitation.objects.count() == 1
    assert User.objects.filter(email="new.person@example.org").count() == 1


def test_revoking_stops_the_link_at_once_and_for_good(world, committed):
    lead = world.user("regional_lead")
    invitation = invite(committed, lead, region=world.region_a).invitation
    token = token_in(mail.outbox[0])
    services.invitation_revoke(invitation=invitation, by=lead)
    services.invitation_revoke(invitation=invitation, by=lead)  # twice is harmless
    assert services.invitation_from_token(token) is None
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, password="a-new-long-password")
    with pytest.raises(ValidationError):
        services.invitation_resend(invitation=invitation, by=lead)
    assert verbs(actor=lead).count("invitation.revoked") == 1
    assert not RoleAssignment.objects.filter(user=invitation.user).exists()


def test_an_accepted_invitation_is_neither_sent_again_nor_revoked(world, committed):
    admin = world.user("national_admin")
    invitation = invite(committed, admin).invitation
    services.invitation_accept(invitation=invitation, password="a-new-long-password")
    with pytest.raises(ValidationError):
        services.invitation_resend(invitation=invitation, by=admin)
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, by=admin)


def test_only_who_may_give_the_role_sends_it_again_or_revokes_it(world, committed):
    invitation = invite(
        committed, world.user("national_admin"), role=Role.REGIONAL_LEAD, region=world.region_a
    )
    for action in (services.invitation_resend, services.invitation_revoke):
        with pytest.raises(PermissionDenied):
            action(invitation=invitation.invitation, by=world.user("regional_lead"))


@pytest.mark.parametrize(
    "how", ["altered", "another key", "replaced", "used", "revoked", "expired", "disabled", "gone", "rubbish"]
)
def test_every_dead_link_gives_nothing_away(world, committed, how):
    admin = world.user("national_admin")
    invitation = invite(committed, admin).invitation
    token = invitation_token(invitation.pk, invitation.nonce)
    if how == "altered":
        token = (
            invitation_token(invitation.pk + 1, invitation.nonce).split(":")[0] + ":" + token.split(":")[1]
        )
    elif how == "another key":
        with override_settings(SECRET_KEY="another-secret-key-entirely-for-this-test"):
            token = invitation_token(invitation.pk, invitation.nonce)
    elif how == "replaced":
        services.invitation_resend(invitation=invitation, by=admin)
    elif how == "used":
        services.invitation_accept(invitation=invitation, password="a-new-long-password")
    elif how == "revoked":
        services.invitation_revoke(invitation=invitation, by=admin)
    elif how == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    elif how == "disabled":
        User.objects.filter(pk=invitation.user_id).update(is_active=False)
    elif how == "gone":
        token = invitation_token(invitation.pk + 100, invitation.nonce)
    else:
        token = "12.abc"
    assert services.invitation_from_token(token) is None


def test_a_token_is_signed(world):
    token = invitation_token(42, "a-nonce")
    assert read_invitation_token(token) == (42, "a-nonce")
    assert read_invitation_token(token.replace("42", "43", 1)) is None
    assert read_invitation_token("42.a-nonce") is None


# --- someone who already signs in: the role at once ---------------------------------------------------------


def test_someone_who_already_signs_in_gets_the_role_at_once_and_an_email(world, committed):
    lead = world.user("regional_lead")
    existing = f.UserFactory(email="already@example.org", first_name="Sam")
    outcome = invite(committed, lead, email="Already@example.org", region=world.region_a)
    assert outcome.invitation is None
    assert (outcome.granted.user, outcome.granted.role) == (existing, Role.EDUCATOR)
    assert Invitation.objects.count() == 0
    assert verbs(actor=lead) == ["role.granted"]
    (message,) = mail.outbox
    assert message.to == ["already@example.org"]
    assert message.subject == "You are now an educator in HEFT Hub"
    assert "Region A" in message.body
    assert "/accounts/login/" in message.body
    with pytest.raises(ValidationError):
        invite(committed, lead, email="already@example.org", region=world.region_a)


@override_settings(HEFT_SITE_URL=SITE)
def test_the_role_granted_email_links_to_the_site_address(world, committed):
    f.UserFactory(email="already@example.org")
    invite(committed, world.user("national_admin"), email="already@example.org")
    assert f"{SITE}/accounts/login/" in mail.outbox[0].body


def test_a_disabled_sign_in_is_not_invited(world, committed):
    f.UserFactory(email="gone@example.org", is_active=False)
    with pytest.raises(ValidationError):
        invite(committed, world.user("national_admin"), email="gone@example.org")
    assert mail.outbox == []


# --- trainees: their role from the import, a link to set a password -----------------------------------------


def test_a_trainee_invitation_only_lets_them_set_a_password(world, committed):
    user = f.UserFactory(email="trainee.new@example.org")
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.create(user=user, role=Role.TRAINEE)
    admin = world.user("scheme_admin")
    outcome = invite(committed, admin, email=user.email, role=Role.TRAINEE, scheme=world.scheme_a)
    assert outcome.invitation.scheme == world.scheme_a
    (message,) = mail.outbox
    assert message.subject == "Set up your HEFT Hub sign-in"
    assert "authenticator" not in message.body
    role = services.invitation_accept(invitation=outcome.invitation, password="a-new-long-password")
    assert (role.role, role.region, role.scheme) == (Role.TRAINEE, None, None)
    assert RoleAssignment.objects.filter(user=user).count() == 1, "no second, scoped trainee role"


def test_a_trainee_who_signs_in_already_is_not_sent_a_link(world, committed):
    trainee = world.user("trainee")
    with pytest.raises(ValidationError) as refused:
        invite(
            committed,
            world.user("scheme_admin"),
            email=trainee.email,
            role=Role.TRAINEE,
            scheme=world.scheme_a,
        )
    assert "reset" in str(refused.value)


# --- changing and removing roles ----------------------------------------------------------------------------


def test_a_lead_changes_a_role_in_their_region_audited(world):
    lead = world.user("regional_lead")
    assignment = world.user("educator").role_assignments.get()
    changed = services.role_change(
        assignment=assignment, role=Role.SCHEME_ADMIN, scheme=world.scheme_a, by=lead
    )
    assert (changed.role, changed.region, changed.scheme) == (Role.SCHEME_ADMIN, None, world.scheme_a)
    event = AuditEvent.objects.get(verb="role.changed")
    assert event.before["role"] == "educator"
    assert event.after["scheme"] == world.scheme_a.pk


def test_a_lead_cannot_move_a_role_out_of_their_region_or_change_a_role_they_may_not_give(world):
    lead = world.user("regional_lead")
    educator = world.user("educator").role_assignments.get()
    with pytest.raises(PermissionDenied):
        services.role_change(assignment=educator, role=Role.EDUCATOR, region=world.region_b, by=lead)
    with pytest.raises(PermissionDenied):
        services.role_change(assignment=educator, role=Role.REGIONAL_LEAD, region=world.region_a, by=lead)
    own = lead.role_assignments.get()
    with pytest.raises(PermissionDenied):
        services.role_remove(assignment=own, by=lead)
    assert not AuditEvent.objects.filter(verb__startswith="role.").exists()


def test_removing_a_role_is_audited(world):
    assignment = world.user("educator").role_assignments.get()
    services.role_remove(assignment=assignment, by=world.user("regional_lead"))
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(verb="role.removed")
    assert event.before == {"user": "educator@example.org", "role": "educator", "region": world.region_a.pk,
                            "scheme": None}  # fmt: skip


def test_the_last_national_admin_is_never_lost(world):
    admin = world.user("national_admin")
    only = admin.role_assignments.get()
    with pytest.raises(ValidationError):
        services.role_remove(assignment=only, by=admin)
    with pytest.raises(ValidationError):
        services.role_change(assignment=only, role=Role.REGIONAL_LEAD, region=world.region_a, by=admin)
    disabled = f.RoleFactory(role=Role.NATIONAL_ADMIN, user=f.UserFactory(is_active=False))
    with pytest.raises(ValidationError):
        services.role_remove(assignment=only, by=admin)  # a disabled admin does not count
    f.RoleFactory(role=Role.NATIONAL_ADMIN)
    services.role_remove(assignment=only, by=admin)
    assert RoleAssignment.objects.filter(role=Role.NATIONAL_ADMIN).exclude(pk=disabled.pk).count() == 1


# --- django-allauth's password reset ------------------------------------------------------------------------


@override_settings(HEFT_SITE_URL=SITE, ALLOWED_HOSTS=["internal-host.example.net"])
def test_the_password_reset_email_names_heft_hub_and_links_to_the_site_address(world, client):
    response = client.post(
        reverse("account_reset_password"),
        {"email": "educator@example.org"},
        HTTP_HOST="internal-host.example.net",
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "HEFT Hub: Reset your password"
    assert "HEFT Hub" in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link.startswith(f"{SITE}/accounts/password/reset/key/")
    assert "internal-host.example.net" not in message.body
    assert "testserver" not in message.body


def test_the_reset_page_says_the_same_for_an_address_with_and_without_an_account(world, client):
    pages = []
    for email in ("educator@example.org", "nobody.here@example.org"):
        response = client.post(reverse("account_reset_password"), {"email": email}, follow=True)
        body = response.content.decode()
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        pages.append((response.redirect_chain, re.sub(r'nonce="[^"]+"', "", body)))
    assert pages[0] == pages[1]
    assert len(mail.outbox) == 2  # the one without an account is told it has none, by email only
