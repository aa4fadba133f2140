"""The records named in the addresses of the setup_api routes in the access matrix (see access_matrix.py).
The statuses are in docs/security.md."""

URL_KWARGS: dict[str, dict[str, str]] = {}
BODIES: dict[str, object] = {}


def kwargs(world) -> dict[str, str]:
    return {}
