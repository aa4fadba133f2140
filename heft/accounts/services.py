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


def national_admin_create(*, email: str, by: str) -> Invitation:
    """The first national admin of a new installation (accounts are never made by sign-up): a sign-in with
    no password yet, the role, and an invitation whose one-time link lets them set a password. Run again for
    an address that has never signed in, it sends a new link (the old one stops working). `by` names who
    ran it, for the audit trail."""
    email = User.objects.normalize_email(email.strip()).lower()  # as every sign-in is stored
    validate_email(email)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None and user.has_usable_password():
            raise ValidationError(
                f"There is already a sign-in for {email}: a national admin can give it the role on People."
            )
        if user is None:
            user = User(email=email)
            user.set_unusable_password()
            user.save()
            audit_record(by=by, verb="user.created", target=user, after={"email": email})
        if not _holds(user, Role.NATIONAL_ADMIN, None, None):
            _grant(user, Role.NATIONAL_ADMIN, None, None, by=by, verb="role.granted")
        waiting = _waiting_invitation(user, Role.NATIONAL_ADMIN, None, None)
        if waiting is not None:
            return _send_again(waiting, by=by)
        return _new_invitation(user, Role.NATIONAL_ADMIN, None, None, {}, by=by)


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
    invitation is waiting (not used, not revoked, even if expired) sends it again, with a new link.

    A trainee holds their role from the import on, before they ever sign in: `scheme` is their programme's
    (it says who may invite them), and their invitation only lets them set a password."""
    _check_scope(role, region, scheme)
    _check_may_grant(by, role, region, scheme)
    email = _normal_email(email)
    with transaction.atomic():
        user = _sign_in_for(email, first_name, last_name, by=by)
        if role == Role.TRAINEE:
            return InvitationOutcome(invitation=_trainee_invitation(user, scheme, by=by))
        if user.has_usable_password():
            if _holds(user, role, region, scheme):
                raise ValidationError({"email": f"{email} already holds this role."})
            granted = _grant(user, role, region, scheme, by=by, verb="role.granted")
            enqueue_with_change(send_role_granted_email, granted.pk)
            return InvitationOutcome(granted=granted)
        waiting = _waiting_invitation(user, role, region, scheme)
        if waiting is not None:
            waiting.details = details or {}
            return InvitationOutcome(invitation=_send_again(waiting, by=by))
        return InvitationOutcome(invitation=_new_invitation(user, role, region, scheme, details or {}, by=by))


def trainee_invitations_create(*, invitees: list[tuple[User, object]], by) -> list[Invitation]:
    """Invitations for many trainees at once (an import): (sign-in, scheme of their programme) pairs. The
    caller has chosen who needs one (a sign-in never used, never invited); each is audited and emailed."""
    for scheme in {scheme.pk: scheme for _, scheme in invitees}.values():
        _check_may_grant(by, Role.TRAINEE, None, scheme)
    now = timezone.now()
    with transaction.atomic():
        invitations = Invitation.objects.bulk_create(
            Invitation(
                user=user,
                role=Role.TRAINEE,
                scheme=scheme,
                nonce=new_nonce(),
                invited_by=_actor(by),
                sent_at=now,
                expires_at=now + timedelta(days=INVITATION_DAYS),
            )
            for user, scheme in invitees
        )
        for invitation in invitations:
            audit_record(
                by=by, verb="invitation.sent", target=invitation, after=_invitation_picture(invitation)
            )
            enqueue_with_change(send_invitation_email, invitation.pk)
    return invitations


def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """A new link (the old one stops working) valid for another INVITATION_DAYS, emailed again."""
    _check_may_grant(by, invitation.role, invitation.region, invitation.scheme)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError("This invitation has been accepted: they sign in as usual.")
        if invitation.revoked_at:
            raise ValidationError("This invitation was revoked: invite them again instead.")
        if invitation.role == Role.TRAINEE and invitation.user.has_usable_password():
            raise ValidationError(ALREADY_SIGNS_IN.format(email=invitation.user.email))
        return _send_again(invitation, by=by)


def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """The link stops working at once; the role it offered is never granted. Revoking twice is harmless."""
    _check_may_grant(by, invitation.role, invitation.region, invitation.scheme)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
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
        user = invitation.user
        if not invitation_is_live(invitation) or not user.is_active:
            raise ValidationError(INVITATION_NOT_LIVE)
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            by=user, verb="invitation.accepted", target=invitation, after=_invitation_picture(invitation)
        )
        role, region, scheme = _granted_scope(invitation)
        if _holds(user, role, region, scheme):
            return _held(user, role, region, scheme)
        return _grant(user, role, region, scheme, by=user, verb="role.granted")


INVITATION_NOT_LIVE = (
    "This link has expired or has already been used. Ask the person who invited you to send a new one."
)
ALREADY_SIGNS_IN = (
    "{email} already signs in. Anyone who has forgotten their password can reset it from the sign-in page."
)


def invitation_is_live(invitation: Invitation, now=None) -> bool:
    return invitation.status(now or timezone.now()) == "sent"


def invitation_from_token(token: str) -> Invitation | None:
    """The waiting invitation a link names; None for a link that was altered, replaced, used, revoked or
    has expired, or whose sign-in has been disabled (the page says the same for all, so a link tells nobody
    anything about an account)."""
    found = read_invitation_token(token)
    if found is None:
        return None
    invitation = Invitation.objects.select_related("user", "region", "scheme").filter(pk=found[0]).first()
    if invitation is None or not constant_time_compare(invitation.nonce, found[1]):
        return None
    return invitation if invitation_is_live(invitation) and invitation.user.is_active else None


def role_change(*, assignment: RoleAssignment, role: str, region=None, scheme=None, by) -> RoleAssignment:
    """Move a role to another role or scope. `by` must be able to grant both the old and the new."""
    _check_scope(role, region, scheme)
    _check_may_grant(by, assignment.role, assignment.region, assignment.scheme)
    _check_may_grant(by, role, region, scheme)
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
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
        assignment = RoleAssignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
        _refuse_losing_last_national_admin(assignment, None)
        audit_record(by=by, verb="role.removed", target=assignment, before=_role_picture(assignment))
        assignment.delete()


# What each role's scope must name; a role held in a region names no scheme and the other way round.
# Educators may cover all England (national sessions), a region or a scheme. A trainee's invitation names
# their programme's scheme (it says who may invite them); their role itself has no scope.
SCOPE_NEEDED = {
    Role.NATIONAL_ADMIN: {},
    Role.REGIONAL_LEAD: {"region": "Choose the region they lead."},
    Role.SCHEME_ADMIN: {"scheme": "Choose the scheme they run."},
    Role.EDUCATOR: {},
    Role.MENTOR: {"region": "Choose the region they mentor in."},
    Role.TRAINEE: {"scheme": "Choose the scheme of their programme."},
}


def _check_scope(role: str, region, scheme) -> None:
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if region is not None and scheme is not None:
        raise ValidationError("A role is held within a region or a scheme, not both.")
    given = {"region": region, "scheme": scheme}
    needed = SCOPE_NEEDED[role]
    for name, message in needed.items():
        if given[name] is None:
            raise ValidationError({name: message})
    unwanted = [name for name, value in given.items() if value is not None and name not in needed]
    if unwanted and role != Role.EDUCATOR:
        raise ValidationError(f"{Role(role).label} roles are not held within a {unwanted[0]}.")


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


def _actor(by) -> User | None:
    return by if getattr(by, "pk", None) else None


def _sign_in_for(email: str, first_name: str, last_name: str, *, by) -> User:
    """The sign-in with this address, or a new one without a usable password."""
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
        audit_record(by=by, verb="user.created", target=user, after={"email": email})
    elif not user.is_active:
        raise ValidationError({"email": f"The sign-in for {email} has been disabled: ask a national admin."})
    return user


def _trainee_invitation(user: User, scheme, *, by) -> Invitation:
    """A trainee's link to set a password, with their (unscoped) trainee role made sure of."""
    if user.has_usable_password():
        raise ValidationError({"email": ALREADY_SIGNS_IN.format(email=user.email)})
    if not _holds(user, Role.TRAINEE, None, None):
        _grant(user, Role.TRAINEE, None, None, by=by, verb="role.granted")
    waiting = _waiting_invitation(user, Role.TRAINEE, None, scheme)
    if waiting is None:
        return _new_invitation(user, Role.TRAINEE, None, scheme, {}, by=by)
    waiting.scheme = scheme  # their programme may have moved since
    return _send_again(waiting, by=by)


def _granted_scope(invitation: Invitation) -> tuple:
    """The role an accepted invitation gives: a trainee's role has no scope of its own."""
    if invitation.role == Role.TRAINEE:
        return Role.TRAINEE, None, None
    return invitation.role, invitation.region, invitation.scheme


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
    """The invitation not yet used or revoked (expired or not) for this role; a trainee has one at most."""
    waiting = Invitation.objects.select_for_update().filter(
        user=user, role=role, accepted_at=None, revoked_at=None
    )
    if role != Role.TRAINEE:
        waiting = waiting.filter(region=region, scheme=scheme)
    return waiting.first()


def _new_invitation(user, role: str, region, scheme, details: dict, *, by) -> Invitation:
    now = timezone.now()
    invitation = Invitation.objects.create(
        user=user,
        role=role,
        region=region,
        scheme=scheme,
        details=details,
        nonce=new_nonce(),
        invited_by=_actor(by),
        sent_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    audit_record(by=by, verb="invitation.sent", target=invitation, after=_invitation_picture(invitation))
    enqueue_with_change(send_invitation_email, invitation.pk)
    return invitation


def _send_again(invitation: Invitation, *, by) -> Invitation:
    now = timezone.now()
    invitation.nonce = new_nonce()
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    invitation.times_sent += 1
    invitation.save(update_fields=["nonce", "sent_at", "expires_at", "times_sent", "details", "scheme"])
    audit_record(by=by, verb="invitation.resent", target=invitation, after=_invitation_picture(invitation))
    enqueue_with_change(send_invitation_email, invitation.pk)
    return invitation


def _refuse_losing_last_national_admin(assignment: RoleAssignment, new_role: str | None) -> None:
    if assignment.role != Role.NATIONAL_ADMIN or new_role == Role.NATIONAL_ADMIN:
        return
    # Lock every national admin role, so that two admins removing each other at once cannot both succeed.
    admins = RoleAssignment.objects.select_for_update().filter(role=Role.NATIONAL_ADMIN)
    others = [a for a in admins.select_related("user") if a.pk != assignment.pk and a.user.is_active]
    if not others:
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
