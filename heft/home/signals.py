"""What changed since the last visit needs the sign-in before this one: Django overwrites `last_login` as
the person signs in, so the one before is kept in their new session."""

import datetime

PREVIOUS_SIGN_IN = "heft_previous_sign_in"


def remember_previous_sign_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    previous = user.last_login
    request.session[PREVIOUS_SIGN_IN] = previous.isoformat() if previous else ""


def previous_sign_in(session) -> datetime.datetime | None:
    """When the person last signed in before this session; None on a first sign-in or when not known."""
    value = session.get(PREVIOUS_SIGN_IN) or ""
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
