"""Writes to accounts. Each runs in one transaction and leaves an audit event."""

from django.db import transaction
from django.utils import timezone

from heft.accounts.models import ApiToken, hash_token
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
