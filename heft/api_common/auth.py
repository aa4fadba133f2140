"""API authentication: bearer tokens for staff tools, the browser session (with CSRF) for pages."""

from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from heft.accounts.models import ApiToken, hash_token
from heft.accounts.permissions import Perm, has_any_perm, is_staff_member


class StaffTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None or not is_staff_member(api_token.user):
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


API_AUTH = [StaffTokenAuth(), django_auth]


def require(request, perm: Perm) -> None:
    """The same permission check as the pages use; 403 when the role does not grant it."""
    require_any(request, perm)


def require_any(request, *perms: Perm) -> None:
    """403 unless the caller holds at least one of `perms`: the API's twin of the pages' `requires_any`."""
    if not has_any_perm(request.auth, *perms):
        raise HttpError(403, "You do not have permission to do this.")
