"""`manage.py create_national_admin`: the first national admin of a new installation, made from the shell
because nobody can sign up."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from heft.accounts.models import Invitation, Role, User
from heft.accounts.permissions import Perm, has_perm
from heft.audit.models import AuditEvent

EMAIL = "first.admin@example.test"


def create(email: str) -> str:
    out = StringIO()
    call_command("create_national_admin", email, stdout=out)
    return out.getvalue()


def printed_link(out: str) -> str:
    return re.search(r"^(http\S+/people/invitation/\S+/)$", out, re.M).group(1)


def test_it_makes_an_audited_national_admin_without_a_password(db, client, settings):
    settings.HEFT_SITE_URL = "https://heft.example.test"
    create("  First.Admin@Example.TEST ")
    user = User.objects.get(email=EMAIL)
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.NATIONAL_ADMIN]
    assert not user.has_usable_password()
    assert has_perm(user, Perm.VIEW_AUDIT)
    [event] = AuditEvent.objects.filter(verb="user.created", target_id=str(user.pk))
    assert event.actor is None
    assert event.actor_label.startswith("manage.py create_national_admin (")
    assert event.after == {"email": EMAIL}
    assert AuditEvent.objects.filter(verb="role.granted").count() == 1
    assert AuditEvent.objects.filter(verb="invitation.sent").count() == 1


def test_it_prints_and_emails_a_one_time_link_to_set_the_password(
    db, client, settings, django_capture_on_commit_callbacks
):
    settings.HEFT_SITE_URL = "https://heft.example.test"
    with django_capture_on_commit_callbacks(execute=True):  # the email is queued once the change commits
        link = printed_link(create(EMAIL))
    assert link.startswith("https://heft.example.test/people/invitation/")
    [email] = mail.outbox
    assert email.to == [EMAIL]
    assert link in email.body
    password = "a-long-and-unguessable-password"
    path = link.removeprefix(settings.HEFT_SITE_URL)
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    # Signed in with the new password, and sent to set up two-factor sign-in before anything else.
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")
    assert User.objects.get(email=EMAIL).check_password(password)


def test_running_it_again_before_the_link_is_used_sends_a_new_one(db):
    first = printed_link(create(EMAIL))
    second = printed_link(create(EMAIL))
    assert first != second
    assert Invitation.objects.filter(user__email=EMAIL).count() == 1
    assert User.objects.get(email=EMAIL).role_assignments.count() == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("FIRST.ADMIN@example.test", "There is already a sign-in for first.admin@example.test"),
        ("not an address", "Enter a valid email address."),
    ],
)
def test_it_refuses_an_existing_sign_in_or_a_bad_address_and_changes_nothing(db, email, message):
    create(EMAIL)
    admin = User.objects.get(email=EMAIL)
    admin.set_password("a-long-and-unguessable-password")  # they have signed in: no new link
    admin.save()
    before = (User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match=message):
        create(email)
    assert (User.objects.count(), AuditEvent.objects.count()) == before
