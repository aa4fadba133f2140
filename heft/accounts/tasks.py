"""Emails about sign-ins and roles, sent by the task worker once the change has committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from heft.accounts.invitations import invitation_link
from heft.accounts.models import Invitation, Role, RoleAssignment
from heft.accounts.permissions import STAFF_ROLES
from heft.core.links import site_url_for
from heft.core.tasks import retried_task


@retried_task()
def send_invitation_email(invitation_id: int) -> None:
    """The invitation with its one-time link, built now from the invitation's current nonce (so only the
    invitation's id waits in the queue, and an email sent after a resend carries the newest link)."""
    invitation = Invitation.objects.select_related("user", "invited_by", "region", "scheme").get(
        pk=invitation_id
    )
    if invitation.accepted_at or invitation.revoked_at:
        return  # nothing to send: used or revoked while it waited in the queue
    context = {
        "invitation": invitation,
        "role": Role(invitation.role).label,
        "link": invitation_link(invitation),
        "expires": timezone.localtime(invitation.expires_at),
        "staff": invitation.role in STAFF_ROLES,
        "trainee": invitation.role == Role.TRAINEE,
        "site": site_url_for("home"),
    }
    subject = (
        "Set up your HEFT Hub sign-in"
        if invitation.role == Role.TRAINEE
        else f"You are invited to HEFT Hub as {Role(invitation.role).label.lower()}"
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
        "role": Role(assignment.role).label,
        "scope": assignment.scheme or assignment.region or "England",
        "sign_in": site_url_for("account_login"),
    }
    body = render_to_string("accounts/email/role_granted.txt", context)
    subject = f"You now hold a new role in HEFT Hub: {Role(assignment.role).label.lower()}"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [assignment.user.email])
