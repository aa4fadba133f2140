"""The records named in the reports routes' addresses in the access matrix (see access_matrix.py): trainee
A2 with a placement. The statuses are in docs/security.md.
"""

import datetime

from tests import factories as f

URL_KWARGS: dict[str, dict[str, str]] = {
    "api:get_trainee_exposure": {"trainee_id": "trainee_a2_pk"},
}


def kwargs(world) -> dict[str, str]:
    """A placement for trainee A2 (scheme A), so the programme teams of region and scheme A see exposure."""
    membership = world.trainee_a2.memberships.get()
    f.PlacementFactory(
        membership=membership, start_date=datetime.date(2026, 8, 5), end_date=datetime.date(2027, 2, 4)
    )
    return {}
