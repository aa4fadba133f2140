"""The vocabulary of the access matrix: roles, expected statuses and route entries.

Statuses: 200 shown, 302 redirected (to sign-in for anonymous users, or after a successful action),
400 refused input, 401 API without credentials, 403 role lacks the permission, 404 out of scope or
absent, 405 wrong method.
"""

from dataclasses import dataclass, field

ANON = "anonymous"
NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR, TRAINEE = (
    "national_admin",
    "regional_lead",
    "scheme_admin",
    "educator",
    "mentor",
    "trainee",
)
ROLES = [NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR, TRAINEE]
EVERYONE = [ANON, *ROLES]
PROGRAMME_TEAM = [NATIONAL, REGIONAL, TPD]
STAFF = [NATIONAL, REGIONAL, TPD, EDUCATOR, MENTOR]


def statuses(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in EVERYONE}


def page(allowed: list[str], *, ok: int = 200, post_ok: int = 405) -> tuple[dict, dict]:
    """A page for signed-in users holding a permission: sign-in redirect, 403, or the page."""
    get = statuses(403, anonymous=302, **dict.fromkeys(allowed, ok))
    post = statuses(403, anonymous=302, **dict.fromkeys(allowed, post_ok))
    return get, post


def action(allowed: list[str], *, post_ok: int) -> tuple[dict, dict]:
    """A POST-only action: GET is 405 for those allowed."""
    return page(allowed, ok=405, post_ok=post_ok)


def api(allowed: list[str]) -> tuple[dict, dict]:
    """A read-only API operation: 401 without credentials, 403 without the permission."""
    get = statuses(403, anonymous=401, **dict.fromkeys(allowed, 200))
    post = statuses(405)
    return get, post


@dataclass(frozen=True)
class Route:
    get: dict[str, int]
    post: dict[str, int]
    kwargs: dict[str, str] = field(default_factory=dict)  # names of World attributes, see test


def route(pair: tuple[dict, dict], **kwargs: str) -> Route:
    return Route(pair[0], pair[1], kwargs)
