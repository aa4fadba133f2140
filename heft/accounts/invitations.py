"""The one-time link in an invitation: the invitation's id and nonce, signed with the secret key.

Nothing secret is stored: the database holds only the nonce, and without the key no link can be made from
it. Drawing a new nonce (sending again) makes every earlier link fail."""

import secrets

from django.core import signing

from heft.accounts.models import Invitation, Role
from heft.core.links import site_url_for

SALT = "heft.accounts.invitation"

# A role as a sentence names it ("invited as a scheme administrator or TPD"): labels keep their capitals.
ROLE_PHRASES = {
    Role.NATIONAL_ADMIN: "a national admin",
    Role.REGIONAL_LEAD: "a regional programme lead",
    Role.SCHEME_ADMIN: "a scheme administrator or TPD",
    Role.EDUCATOR: "an educator",
    Role.MENTOR: "a mentor",
    Role.TRAINEE: "a trainee",
}


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def invitation_token(invitation_id: int, nonce: str) -> str:
    return signing.Signer(salt=SALT).sign(f"{invitation_id}.{nonce}")


def read_invitation_token(token: str) -> tuple[int, str] | None:
    """(id, nonce) from a link's token; None when it was not made here or has been altered."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    identifier, _, nonce = value.partition(".")
    return (int(identifier), nonce) if identifier.isdigit() and nonce else None


def invitation_link(invitation) -> str:
    """The address in the email: the page where the invited person sets their password."""
    return site_url_for("people:invitation_accept", token=invitation_token(invitation.pk, invitation.nonce))


def latest_invitation(user, role: str):
    """The invitation of `user` to `role` sent most recently, or None: what a page says about where their
    sign-in stands (a trainee's record)."""
    if user is None:
        return None
    return Invitation.objects.filter(user=user, role=role).order_by("-sent_at").first()
