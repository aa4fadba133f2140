"""The session engine (SESSION_ENGINE): Django's database sessions, stored as UserSession rows that carry
the signed-in user's id, so heft.accounts.services.user_sessions_end can find a user's sessions by index."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from heft.accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = signed_in_user_id(data)
        return session


def signed_in_user_id(data: dict) -> int | None:
    """The user a session's data signs in (Django keeps the id as text), or None."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None
