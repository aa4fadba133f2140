"""Writes to accounts. Each runs in one transaction and leaves an audit event."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from heft.accounts.invitations import new_nonce, read_invitation_token
from heft.accounts.models import ApiToken, Invitation, Role, RoleAssignment, User, UserSession, hash_token
from heft.accounts.permissions import may_grant
from heft.accounts.tasks import send_invitation_email, send_role_granted_email
from heft.audit.services import audit_record
from heft.core.tasks import enqueue_with_change


def api_token_create(*, name: str, by) -> tuple[ApiToken, str]:
    """A new token for `by`. The raw value is returned once and never stored."""
    raw = ApiToken.new_raw_value()
    with transaction.atomic():
        token = ApiToken.objects.create(user=by, name=name.strip(), token_hash=hash_token(raw))
        audit_record(by=by, verb="api_token.created", target=token, after={"name": token.name})
    return token, raw


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(by=by, verb="api_token.revoked", target=token, after={"name": token.name})
    return token


def user_sessions_end(*, user, by) -> int:
    """Signs `user` out everywhere by deleting their sessions on the server; used when an account is
    disabled. Returns how many sessions ended."""
    with transaction.atomic():
        ended, _ = UserSession.objects.filter(user=user).delete()
        if ended:
            audit_record(by=by, verb="user.signed_out_everywhere", target=user, after={"sessions": ended})
    return ended


def national_admin_create(*, email: str, by: str) -> User:
    """The first national admin of a new installation (accounts are never made by sign-up): a sign-in
    with no usable password yet, and the role. `by` names who ran it, for the audit trail."""
    email = User.objects.normalize_email(email.strip()).lower()  # as every sign-in is stored
    validate_email(email)
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(f"There is already a sign-in for {email}: give it the role in the admin.")
        user = User(email=email)
        user.set_unusable_password()
        user.save()
        role = RoleAssignment.objects.create(user=user, role=Role.NATIONAL_ADMIN)
        audit_record(by=by, verb="user.created", target=user, after={"email": email, "role": role.role})
    return user


# --- invitations and roles ----------------------------------------------------------------------------------

INVITATION_DAYS = 7


@dataclass(frozen=True)
class InvitationOutcome:
    """What inviting someone did: an invitation sent (a new sign-in), or the role given at once (someone
    who already signs in, told by email). Exactly one of the two is set."""

    invitation: Invitation | None = None
    granted: RoleAssignment | None = None


def invitation_create(
    *,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    region=None,
    scheme=None,
    details: dict | None = None,
    by,
) -> InvitationOutcome:
    """Invite `email` to hold `role` within a region or scheme. Someone new gets a sign-in with no password
    and an email with a one-time link (INVITATION_DAYS) to set one; the role is theirs once they use it.
    Someone who already signs in gets the role at once and an email saying so. Inviting again while an
    invitation is waiting sends it again, with a new link. A trainee holds their role from the import on,
    before they ever sign in: their invitation only lets them set a password."""
    _check_may_grant(by, role, region, scheme)
    email = _normal_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
            user.set_unusable_password()
            user.save()
            audit_record(by=by, verb="user.created", target=user, after={"email": email})
        if user.has_usable_password():
            if _holds(user, role, region, scheme):
                raise ValidationError({"email": f"{email} already holds this role."})
            granted = _grant(user, role, region, scheme, by=by, verb="role.granted")
            enqueue_with_change(send_role_granted_email, granted.pk)
            return InvitationOutcome(granted=granted)
        invitation = _waiting_invitation(user, role, region, scheme)
        if invitation is not None:
            invitation.details = details or {}
            return InvitationOutcome(invitation=_send_again(invitation, by=by))
        invitation = Invitation.objects.create(
            user=user,
            role=role,
            region=region,
            scheme=scheme,
            details=details or {},
            nonce=new_nonce(),
            invited_by=by if getattr(by, "pk", None) else None,
            sent_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        audit_record(by=by, verb="invitation.sent", target=invitation, after=_invitation_picture(invitation))
        enqueue_with_change(send_invitation_email, invitation.pk)
    return InvitationOutcome(invitation=invitation)


def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """A new link (the old one stops working) valid for another INVITATION_DAYS, emailed again."""
    _check_may_grant(by, invitation.role, invitation.region, invitation.scheme)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError("This invitation has been accepted: they sign in as usual.")
        if invitation.revoked_at:
            raise ValidationError("This invitation was revoked: invite them again instead.")
        return _send_again(invitation, by=by)


def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """The link stops working at once; the role it offered is never granted."""
    _check_may_grant(by, invitation.role, invitation.region, invitation.scheme)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError("This invitation has been accepted: remove the role instead.")
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
            audit_record(
                by=by, verb="invitation.revoked", target=invitation, after=_invitation_picture(invitation)
            )
    return invitation


def invitation_accept(*, invitation: Invitation, password: str) -> RoleAssignment:
    """The invited person sets their password through the link: the link is used up and the role is
    theirs. The caller has checked the password against the validators (the form does)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if not invitation_is_live(invitation):
            raise ValidationError(INVITATION_NOT_LIVE)
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            by=user, verb="invitation.accepted", target=invitation, after=_invitation_picture(invitation)
        )
        if _holds(user, invitation.role, invitation.region, invitation.scheme):
            return _held(user, invitation.role, invitation.region, invitation.scheme)
        return _grant(
            user, invitation.role, invitation.region, invitation.scheme, by=user, verb="role.granted"
        )


INVITATION_NOT_LIVE = (
    "This link has expired or has already been used. Ask the person who invited you to send a new one."
)


def invitation_is_live(invitation: Invitation, now=None) -> bool:
    return invitation.status(now or timezone.now()) == "sent"


def invitation_from_token(token: str) -> Invitation | None:
    """The waiting invitation a link names; None for a link that was altered, replaced, used, revoked or
    has expired (the page says the same for all, so a link tells nobody anything about an account)."""
    found = read_invitation_token(token)
    if found is None:
        return None
    invitation = Invitation.objects.select_related("user", "region", "scheme").filter(pk=found[0]).first()
    if invitation is None or not constant_time_compare(invitation.nonce, found[1]):
        return None
    return invitation if invitation_is_live(invitation) else None


def role_change(*, assignment: RoleAssignment, role: str, region=None, scheme=None, by) -> RoleAssignment:
    """Move a role to another role or scope. `by` must be able to grant both the old and the new."""
    _check_may_grant(by, assignment.role, assignment.region, assignment.scheme)
    _check_may_grant(by, role, region, scheme)
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        before = _role_picture(assignment)
        _refuse_losing_last_national_admin(assignment, role)
        if _holds(assignment.user, role, region, scheme):
            raise ValidationError(f"{assignment.user.email} already holds that role.")
        assignment.role, assignment.region, assignment.scheme = role, region, scheme
        assignment.full_clean(exclude=["user"])
        assignment.save(update_fields=["role", "region", "scheme"])
        audit_record(
            by=by, verb="role.changed", target=assignment, before=before, after=_role_picture(assignment)
        )
    return assignment


def role_remove(*, assignment: RoleAssignment, by) -> None:
    _check_may_grant(by, assignment.role, assignment.region, assignment.scheme)
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
        _refuse_losing_last_national_admin(assignment, None)
        audit_record(by=by, verb="role.removed", target=assignment, before=_role_picture(assignment))
        assignment.delete()


def _check_may_grant(by, role: str, region, scheme) -> None:
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if not may_grant(by, role, region_id=region.pk if region else None, scheme=scheme):
        raise PermissionDenied("You cannot give this role with this scope.")


def _normal_email(email: str) -> str:
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address, like name@example.nhs.uk."}) from None
    return email


def _holds(user, role: str, region, scheme) -> bool:
    return RoleAssignment.objects.filter(user=user, role=role, region=region, scheme=scheme).exists()


def _held(user, role: str, region, scheme) -> RoleAssignment:
    return RoleAssignment.objects.get(user=user, role=role, region=region, scheme=scheme)


def _grant(user, role: str, region, scheme, *, by, verb: str) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=role, region=region, scheme=scheme)
    assignment.full_clean(exclude=["user"])
    assignment.save()
    audit_record(by=by, verb=verb, target=assignment, after=_role_picture(assignment))
    return assignment


def _waiting_invitation(user, role: str, region, scheme) -> Invitation | None:
    waiting = Invitation.objects.select_for_update().filter(
        user=user, role=role, region=region, scheme=scheme, accepted_at=None, revoked_at=None
    )
    return waiting.first()


def _send_again(invitation: Invitation, *, by) -> Invitation:
    now = timezone.now()
    invitation.nonce = new_nonce()
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    invitation.times_sent += 1
    invitation.save(update_fields=["nonce", "sent_at", "expires_at", "times_sent", "details"])
    audit_record(by=by, verb="invitation.resent", target=invitation, after=_invitation_picture(invitation))
    enqueue_with_change(send_invitation_email, invitation.pk)
    return invitation


def _refuse_losing_last_national_admin(assignment: RoleAssignment, new_role: str | None) -> None:
    if assignment.role != Role.NATIONAL_ADMIN or new_role == Role.NATIONAL_ADMIN:
        return
    others = RoleAssignment.objects.filter(role=Role.NATIONAL_ADMIN).exclude(pk=assignment.pk)
    if not others.filter(user__is_active=True).exists():
        raise ValidationError("This is the only national admin: invite another before changing this role.")


def _role_picture(assignment: RoleAssignment) -> dict:
    return {
        "user": assignment.user.email,
        "role": assignment.role,
        "region": assignment.region_id,
        "scheme": assignment.scheme_id,
    }


def _invitation_picture(invitation: Invitation) -> dict:
    return {
        "email": invitation.user.email,
        "role": invitation.role,
        "region": invitation.region_id,
        "scheme": invitation.scheme_id,
        "expires_at": invitation.expires_at.isoformat(),
        "times_sent": invitation.times_sent,
    }
