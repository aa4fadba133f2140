"""Access matrix entries for the practices app's routes (see access_matrix.py).

Practice pages are open to every role (access_matrix.py lists them); a practice's Deep End decision is for
programme teams whose region or schemes reach it; public data imports and the Deep End rule are national
admins' alone.
"""

from heft.practices.models import DataImport
from tests.security.matrix_rules import (
    NATIONAL,
    PROGRAMME_TEAM,
    ROLES,
    TPD,
    Route,
    action,
    api,
    page,
    route,
    statuses,
)

_decide = action(PROGRAMME_TEAM, post_ok=400)
_decide[1][TPD] = 404  # world.practice holds no post of the TPD's scheme: out of scope

ROUTES: dict[str, Route] = {
    "practices:practice_deep_end": route(_decide, ods_code="practice_code"),
    "practices:import_list": route(page([NATIONAL], post_ok=400)),
    "practices:import_detail": route(page([NATIONAL]), pk="import_pk"),
    "practices:import_problems": route(page([NATIONAL]), pk="import_pk"),
    "practices:deep_end_rule": route(page([NATIONAL], post_ok=400)),
    # The API. A POST with no file is refused as malformed once signed in, before any other check.
    "api:list_practice_deprivation": route(api(ROLES)),
    "api:get_practice_deprivation": route(api(ROLES), ods_code="practice_code"),
    "api:list_deep_end_rules": route(api(ROLES)),
    "api:list_imports": route((api([NATIONAL])[0], statuses(422, anonymous=401))),
    "api:upload_import": route((api([NATIONAL])[0], statuses(422, anonymous=401))),  # the same address
    "api:get_import": route(api([NATIONAL]), import_id="import_pk"),
}


def kwargs(world) -> dict[str, str]:
    """A refused import in the log."""
    data_import = DataImport.objects.create(
        source=DataImport.Source.EPRACCUR,
        status=DataImport.Status.REFUSED,
        file_name="epraccur.csv",
        checksum="0" * 64,
        size=0,
        by_label="someone",
        problems=[{"line": None, "column": "", "message": "The file is empty."}],
        problem_count=1,
    )
    return {"import_pk": data_import.pk}
