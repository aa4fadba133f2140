"""Reads of a user's own account: their API tokens."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from heft.accounts.models import ApiToken


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """The user's own tokens, live and revoked, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def own_api_token_or_404(user, pk: int) -> ApiToken:
    """One of the user's own tokens; anyone else's is a 404, as if there were none."""
    return get_object_or_404(ApiToken, pk=pk, user=user)
