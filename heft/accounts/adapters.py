from allauth.account.adapter import DefaultAccountAdapter


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
