"""`manage.py create_national_admin`: the first national admin of a new installation, made from the shell
because nobody can sign up."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from heft.accounts.models import Role, User
from heft.accounts.permissions import Perm, has_perm
from heft.audit.models import AuditEvent

EMAIL = "first.admin@example.test"


def create(email: str) -> str:
    out = StringIO()
    call_command("create_national_admin", email, stdout=out)
    return out.getvalue()


def test_it_makes_an_audited_national_admin_without_a_password(db, client):
    out = create("  First.Admin@Example.TEST ")
    user = User.objects.get(email=EMAIL)
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.NATIONAL_ADMIN]
    assert not user.has_usable_password()
    assert has_perm(user, Perm.VIEW_AUDIT)
    [event] = AuditEvent.objects.filter(verb="user.created", target_id=str(user.pk))
    assert event.actor is None and event.actor_label.startswith("manage.py create_national_admin (")
    assert event.after == {"email": EMAIL, "role": Role.NATIONAL_ADMIN}
    assert f"changepassword {EMAIL}" in out

    client.force_login(user)  # once a password is set and they sign in: two factors first, as all staff
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("FIRST.ADMIN@example.test", "There is already a sign-in for first.admin@example.test"),
        ("not an address", "Enter a valid email address."),
    ],
)
def test_it_refuses_an_existing_sign_in_or_a_bad_address_and_changes_nothing(db, email, message):
    create(EMAIL)
    before = (User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match=message):
        create(email)
    assert (User.objects.count(), AuditEvent.objects.count()) == before
