"""Writes to accounts. Each runs in one transaction and leaves an audit event."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from heft.accounts.models import ApiToken, Role, RoleAssignment, User, hash_token
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
    disabled. Returns how many sessions ended.

    Sessions are not indexed by user, so each live one is decoded: about 0.1 s per 10,000 sessions."""
    with transaction.atomic():
        live = Session.objects.filter(expire_date__gt=timezone.now())
        theirs = [s.pk for s in live.iterator() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
        Session.objects.filter(pk__in=theirs).delete()
        if theirs:
            audit_record(
                by=by, verb="user.signed_out_everywhere", target=user, after={"sessions": len(theirs)}
            )
    return len(theirs)


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
