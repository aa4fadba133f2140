from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from heft.accounts.permissions import is_staff_member

# Paths a staff member without two-factor sign-in may still reach: the pages that set it up.
MFA_SETUP_PREFIXES = ("/accounts/", "/static/", "/healthz")


class StaffMfaRequiredMiddleware:
    """Sends staff who have not set up an authenticator app to do so before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        if not settings.HEFT_REQUIRE_STAFF_MFA or request.path.startswith(MFA_SETUP_PREFIXES):
            return False
        user = request.user
        if not user.is_authenticated or not is_staff_member(user):
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return not is_mfa_enabled(user)
