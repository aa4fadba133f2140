"""The access matrix: for every route, the status each role gets for each method.

The statuses are the table in docs/security.md, its one source (read by matrix_doc.py). Each app's
`matrix_<app>.py` beside this file says only which records the addresses name (`URL_KWARGS`, made by its
`kwargs(world)`) and, for the API's writes, a body to send (`BODIES`). The Django admin's generated model
routes are covered by one rule (ADMIN_ALLOWED, checked in test_access_matrix.py).
"""

import re

from tests.security import (
    matrix_community,
    matrix_content,
    matrix_core,
    matrix_home,
    matrix_people,
    matrix_practices,
    matrix_preferencing,
    matrix_privacy,
    matrix_reports,
    matrix_rotations,
    matrix_setup_api,
    matrix_structure,
    matrix_teaching,
    matrix_trainees,
    matrix_uploads,
)
from tests.security.matrix_doc import Row, read_matrix
from tests.security.matrix_rules import EVERYONE, NATIONAL, Route

# Each app's records, made by its kwargs(world) (see conftest.py), and the addresses that name them.
APP_MATRICES = [
    matrix_core,
    matrix_preferencing,
    matrix_teaching,
    matrix_practices,
    matrix_trainees,
    matrix_community,
    matrix_content,
    matrix_reports,
    matrix_privacy,
    matrix_structure,
    matrix_rotations,
    matrix_uploads,
    matrix_setup_api,
    matrix_people,
    matrix_home,
]
URL_KWARGS: dict[str, dict[str, str]] = {}
BODIES: dict[str, object] = {}
for _matrix in APP_MATRICES:
    URL_KWARGS.update(_matrix.URL_KWARGS)
    BODIES.update(getattr(_matrix, "BODIES", {}))

ROWS: list[Row] = read_matrix()


def _route(row: Row) -> Route:
    kwargs = URL_KWARGS.get(row.name, {})
    if not row.is_api:
        return Route(row.get, row.post, kwargs, htmx=row.htmx)
    refused = dict.fromkeys(EVERYONE, 405)
    get = row.statuses if row.method == "GET" else refused
    post = row.statuses if row.method == "POST" else refused
    return Route(get, post, kwargs, method=row.method, statuses=row.statuses, token=row.token)


# Every row by route name. An API operation's statuses are for its own method (`Route.method`).
MATRIX: dict[str, Route] = {row.name: _route(row) for row in ROWS}

# The Django admin: only national admins. Anyone else is sent to the admin sign-in, which sends
# signed-in users without the permission a 403 and anonymous users to the two-factor sign-in.
ADMIN_LOGIN = "admin:login"
ADMIN_ALLOWED = [NATIONAL]


def url_parameters(pattern: str) -> set[str]:
    """The arguments a URL pattern takes."""
    return {a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", pattern)}
