"""Access matrix entries for the practices app's routes (see access_matrix.py)."""

from tests.security.matrix_rules import Route

ROUTES: dict[str, Route] = {}


def kwargs(world) -> dict[str, str]:
    """Values for the URL parameters that ROUTES name: make the records they need in `world`."""
    return {}
