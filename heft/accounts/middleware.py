import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

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


# Session timestamps (seconds since the epoch): when the user signed in, and when they were last active.
SIGNED_IN_AT = "heft_signed_in_at"
LAST_ACTIVE_AT = "heft_last_active_at"
# Activity is written back at most this often, so that not every request rewrites the session.
ACTIVITY_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """Ends a session after HEFT_SESSION_IDLE_SECONDS without a request or HEFT_SESSION_ABSOLUTE_SECONDS
    after sign-in, whichever comes first, and refuses the session of a user who has been disabled.

    The session is deleted on the server (not just forgotten by the browser), so a copied cookie is no
    use either. It runs after the messages middleware so that the sign-in page can say what happened.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        signed_in_before = SESSION_KEY in request.session
        if signed_in_before:
            reason = self._why_ended(request, now)
            if reason:
                logout(request)
                messages.info(request, reason, fail_silently=True)
                signed_in_before = False
        response = self.get_response(request)
        if SESSION_KEY in request.session:  # the browser session: an API token leaves no session
            self._record_activity(request.session, now, new_sign_in=not signed_in_before)
        return response

    @staticmethod
    def _why_ended(request, now: float) -> str | None:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            # The authentication backend refuses disabled users; their session goes too.
            return "You have been signed out."
        session = request.session
        idle = settings.HEFT_SESSION_IDLE_SECONDS
        if now - session.get(SIGNED_IN_AT, now) > settings.HEFT_SESSION_ABSOLUTE_SECONDS:
            hours = settings.HEFT_SESSION_ABSOLUTE_SECONDS // 3600
            return f"You have been signed out because you signed in over {hours} hours ago. Sign in again."
        if now - session.get(LAST_ACTIVE_AT, now) > idle:
            return (
                f"You have been signed out because you were inactive for {idle // 60} minutes. Sign in again."
            )
        return None

    @staticmethod
    def _record_activity(session, now: float, *, new_sign_in: bool) -> None:
        if new_sign_in or SIGNED_IN_AT not in session:
            session[SIGNED_IN_AT] = session[LAST_ACTIVE_AT] = int(now)
        elif now - session.get(LAST_ACTIVE_AT, 0) >= ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_ACTIVE_AT] = int(now)


API_PREFIX = "/api/"


class NoStoreMiddleware:
    """No browser or proxy keeps a copy of anything shown to a signed-in user, or of any API answer:
    `Cache-Control: no-store, private` (the same headers as Django's never_cache). Pages for anonymous
    visitors keep whatever caching their view chose (the public feeds are cacheable); static files are
    served before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
