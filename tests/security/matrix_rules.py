"""The roles of the access matrix, in the order of its columns, and what the tests read for one route.

Statuses: 200 shown, 201 made, 202 accepted, 204 done, 302 redirected (to sign-in for anonymous users, or
after a successful action), 400 refused input, 401 API without credentials, 403 role lacks the
permission, 404 out of scope or absent, 405 wrong method, 409 conflict, 422 API input not understood.
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


@dataclass(frozen=True)
class Route:
    """One row of the matrix in docs/security.md, with the records its address names.

    A page answers GET and POST: `get` and `post` hold each role's status. An API operation has one
    `method`; its statuses are in `statuses` (and in `get` or `post` when it is a GET or a POST, the
    other being 405); `token` holds a bearer token's status where it differs from the session's.
    """

    get: dict[str, int]
    post: dict[str, int]
    kwargs: dict[str, str] = field(default_factory=dict)  # URL argument -> name of a fixture value
    method: str = ""
    statuses: dict[str, int] = field(default_factory=dict)
    token: dict[str, int] = field(default_factory=dict)
    htmx: bool = False  # also answers htmx requests (HX-Request): the same statuses then


class FormData(dict):
    """A body sent as a form (multipart, for uploads) rather than as JSON."""
