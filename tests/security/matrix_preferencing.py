"""Access matrix entries for preferencing: trainees rank and answer offers; programme teams allocate."""

import datetime

from django.utils import timezone

from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow
from tests.security.matrix_rules import PROGRAMME_TEAM, TRAINEE, Route, action, api, page, route, statuses

ROUTES: dict[str, Route] = {
    "preferencing:my_rotations": route(page([TRAINEE])),
    "preferencing:rank": route(page([TRAINEE], post_ok=200), pk="window_pk"),
    "preferencing:offer_detail": route(page([TRAINEE]), pk="offer_pk"),
    "preferencing:offer_respond": route(action([TRAINEE], post_ok=302), pk="offer_pk"),
    "preferencing:window_list": route(page(PROGRAMME_TEAM, post_ok=400)),
    "preferencing:trainee_import": route(page(PROGRAMME_TEAM, post_ok=400)),
    "preferencing:window_detail": route(page(PROGRAMME_TEAM), pk="window_pk"),
    "preferencing:window_close": route(action(PROGRAMME_TEAM, post_ok=302), pk="window_pk"),
    "preferencing:window_remind": route(action(PROGRAMME_TEAM, post_ok=302), pk="window_pk"),
    "preferencing:run_create": route(action(PROGRAMME_TEAM, post_ok=400), pk="window_pk"),
    "preferencing:refill": route(action(PROGRAMME_TEAM, post_ok=302), pk="window_pk"),
    "preferencing:reallocate": route(action(PROGRAMME_TEAM, post_ok=400), pk="window_pk"),
    "preferencing:run_compare": route(page(PROGRAMME_TEAM), pk="window_pk"),
    "preferencing:run_compare_chart": route(page(PROGRAMME_TEAM), pk="window_pk"),
    "preferencing:membership_interrupt": route(
        action(PROGRAMME_TEAM, post_ok=302), pk="window_pk", membership_pk="membership_a2_pk"
    ),
    "preferencing:window_export": route(
        page(PROGRAMME_TEAM), pk="window_pk", what="export_what", fmt="export_fmt"
    ),
    "preferencing:run_detail": route(page(PROGRAMME_TEAM, post_ok=400), pk="run_pk"),
    # The API. A POST with no body is refused as malformed (400) once signed in, before any other check.
    "api:list_windows": route(api([*PROGRAMME_TEAM, TRAINEE])),
    "api:get_my_preferences": route(api([TRAINEE]), window_id="window_pk"),
    "api:put_my_preferences": route(api([TRAINEE]), window_id="window_pk"),  # the same address
    "api:list_runs": route((api(PROGRAMME_TEAM)[0], statuses(400, anonymous=401)), window_id="window_pk"),
    "api:create_run": route((api(PROGRAMME_TEAM)[0], statuses(400, anonymous=401)), window_id="window_pk"),
    "api:get_run": route(api(PROGRAMME_TEAM), run_id="run_pk"),
    "api:publish_run": route((statuses(405), statuses(400, anonymous=401)), run_id="run_pk"),
    "api:list_my_offers": route(api([TRAINEE])),
    "api:respond_to_offer": route((statuses(405), statuses(400, anonymous=401)), offer_id="offer_pk"),
}


def kwargs(world) -> dict[str, str]:
    """An open window for scheme A with a draft run and an offer to the signed-in trainee."""
    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=world.scheme_a,
        intake="2026-08",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    run = AllocationRun.objects.create(
        window=window, mechanism="serial-dictatorship", engine_version="test",
        input_snapshot={"trainees": []}, input_digest="0" * 64, assignments={},
        metrics={"placed": 0, "unplaced": 0, "rank_profile": []}, explanations={},
        created_by=world.user("national_admin"),
    )  # fmt: skip
    offer = Offer.objects.create(
        window=window, run=run, trainee=world.trainee_a, rotation=world.rotation_a,
        respond_by=now + datetime.timedelta(days=7),
    )  # fmt: skip
    return {
        "window_pk": window.pk,
        "run_pk": run.pk,
        "offer_pk": offer.pk,
        "membership_a2_pk": world.trainee_a2.memberships.get().pk,
        "export_what": "offers",
        "export_fmt": "csv",
    }
