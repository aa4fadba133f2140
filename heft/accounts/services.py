"""Writes to accounts. Each runs in one transaction and leaves an audit event."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from heft.accounts.models import ApiToken, Role, RoleAssignment, User, UserSession, hash_token
from heft.audit.services import audit_record


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
