"""Access matrix entries for the reports app (see access_matrix.py): programme teams, within scope."""

import datetime

from tests import factories as f
from tests.security.matrix_rules import ANON, PROGRAMME_TEAM, Route, api, page, route, statuses

ROUTES: dict[str, Route] = {
    "reports:equity": route(page(PROGRAMME_TEAM)),
    "reports:equity_export": route(page(PROGRAMME_TEAM)),
    "api:list_trainee_exposure": route(api(PROGRAMME_TEAM)),
    "api:get_trainee_exposure": route(
        (statuses(403, **{ANON: 401}, **dict.fromkeys(PROGRAMME_TEAM, 200)), statuses(405)),
        trainee_id="trainee_a2_pk",
    ),
    "api:list_scheme_exposure": route(api(PROGRAMME_TEAM)),
    "api:list_region_exposure": route(api(PROGRAMME_TEAM)),
}


def kwargs(world) -> dict[str, str]:
    """A placement for trainee A2 (scheme A), so the programme teams of region and scheme A see exposure."""
    membership = world.trainee_a2.memberships.get()
    f.PlacementFactory(
        membership=membership, start_date=datetime.date(2026, 8, 5), end_date=datetime.date(2027, 2, 4)
    )
    return {}
