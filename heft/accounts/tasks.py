"""Emails about sign-ins and roles, sent by the task worker once the change has committed. Every link in
them is built from HEFT_SITE_URL, never from the host a request came in on."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from heft.accounts.invitations import ROLE_PHRASES, invitation_link
from heft.accounts.models import Invitation, Role, RoleAssignment
from heft.accounts.permissions import STAFF_ROLES
from heft.core.links import site_url_for
from heft.core.tasks import retried_task


@retried_task()
def send_invitation_email(invitation_id: int) -> None:
    """The invitation with its one-time link, built now from the invitation's current nonce (so only the
    invitation's id waits in the queue, and an email sent after a resend carries the newest link)."""
    invitation = (
        Invitation.objects.select_related("user", "invited_by", "region", "scheme")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status(timezone.now()) != "sent":
        return  # nothing to send: used, revoked or expired while it waited in the queue
    context = {
        "invitation": invitation,
        "role": ROLE_PHRASES[invitation.role],
        "inviter": _inviter(invitation),
        "link": invitation_link(invitation),
        "expires": timezone.localtime(invitation.expires_at),
        "staff": invitation.role in STAFF_ROLES,
        "trainee": invitation.role == Role.TRAINEE,
        "site": site_url_for("home"),
    }
    subject = (
        "Set up your HEFT Hub sign-in"
        if invitation.role == Role.TRAINEE
        else f"You are invited to HEFT Hub as {ROLE_PHRASES[invitation.role]}"
    )
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.user.email])


@retried_task()
def send_role_granted_email(assignment_id: int) -> None:
    """Someone who already signs in has been given a role: where to sign in to use it."""
    assignment = (
        RoleAssignment.objects.select_related("user", "region", "scheme").filter(pk=assignment_id).first()
    )
    if assignment is None:
        return  # taken away again before the email went
    context = {
        "assignment": assignment,
        "role": ROLE_PHRASES[assignment.role],
        "scope": assignment.scheme or assignment.region or "England",
        "staff": assignment.role in STAFF_ROLES,
        "sign_in": site_url_for("account_login"),
        "site": site_url_for("home"),
    }
    body = render_to_string("accounts/email/role_granted.txt", context)
    subject = f"You are now {ROLE_PHRASES[assignment.role]} in HEFT Hub"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [assignment.user.email])


def _inviter(invitation: Invitation) -> str:
    person = invitation.invited_by
    return (person.get_full_name() or person.email) if person else ""
