from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from heft.core.links import site_url


class AccountAdapter(DefaultAccountAdapter):
    # Said when sign-in throttling refuses an attempt, whether of a password or an authenticator code.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "There have been too many failed attempts to sign in to this account. "
            "Wait 5 minutes, then try again. If you have forgotten your password, reset it."
        ),
    }

    def is_open_for_signup(self, request):
        """Programme teams create accounts; nobody signs themselves up."""
        return False

    def format_email_subject(self, subject: str) -> str:
        return f"HEFT Hub: {subject.strip()}"

    def render_mail(self, template_prefix, email, context, headers=None):
        """Every sign-in email signs off with the configured site address, not the request's host."""
        return super().render_mail(
            template_prefix, email, {**context, "heft_site_url": settings.HEFT_SITE_URL}, headers
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The reset link from HEFT_SITE_URL (allauth would take the host the request came in on)."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))
