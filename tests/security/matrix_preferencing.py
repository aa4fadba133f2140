"""The records named in the preferencing routes' addresses in the access matrix (see access_matrix.py):
an open window for scheme A with a draft run and an offer to the signed-in trainee. The statuses are in
docs/security.md.
"""

import datetime

from django.utils import timezone

from heft.preferencing.models import AllocationRun, Offer, PreferenceWindow, RunRequest

URL_KWARGS: dict[str, dict[str, str]] = {
    "preferencing:rank": {"pk": "window_pk"},
    "preferencing:offer_detail": {"pk": "offer_pk"},
    "preferencing:offer_respond": {"pk": "offer_pk"},
    "preferencing:offer_give_up": {"pk": "accepted_offer_pk"},
    "preferencing:window_detail": {"pk": "window_pk"},
    "preferencing:window_close": {"pk": "window_pk"},
    "preferencing:window_reopen": {"pk": "window_pk"},
    "preferencing:window_remind": {"pk": "window_pk"},
    "preferencing:run_create": {"pk": "window_pk"},
    "preferencing:refill": {"pk": "window_pk"},
    "preferencing:reallocate": {"pk": "window_pk"},
    "preferencing:run_compare": {"pk": "window_pk"},
    "preferencing:run_compare_chart": {"pk": "window_pk"},
    "preferencing:membership_interrupt": {"pk": "window_pk", "membership_pk": "membership_a2_pk"},
    "preferencing:place_by_hand": {"pk": "window_pk", "membership_pk": "membership_a2_pk"},
    "preferencing:window_export": {"pk": "window_pk", "what": "export_what", "fmt": "export_fmt"},
    "preferencing:run_detail": {"pk": "run_pk"},
    "preferencing:run_request": {"pk": "run_request_pk"},
    "api:get_my_preferences": {"window_id": "window_pk"},
    "api:put_my_preferences": {"window_id": "window_pk"},
    "api:list_runs": {"window_id": "window_pk"},
    "api:create_run": {"window_id": "window_pk"},
    "api:get_run": {"run_id": "run_pk"},
    "api:publish_run": {"run_id": "run_pk"},
    "api:respond_to_offer": {"offer_id": "offer_pk"},
    "api:give_up_offer": {"offer_id": "accepted_offer_pk"},
}


def _in_a_week() -> str:
    return (timezone.now() + datetime.timedelta(days=7)).isoformat()


# The API's writes, with a body each role could send: the permission, not the body, decides.
BODIES = {
    "api:put_my_preferences": lambda v: {"rotations": [], "submit": False},
    "api:create_run": lambda v: {"mechanism": "serial-dictatorship"},
    "api:publish_run": lambda v: {"respond_by": _in_a_week()},
    "api:respond_to_offer": lambda v: {"accept": False},
    "api:give_up_offer": lambda v: {},
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
    run_request = RunRequest.objects.create(
        window=window, kind=AllocationRun.Kind.INITIAL, mechanism="serial-dictatorship", status="ready",
        run=run, progress_total=4, progress_done=4, requested_by=world.user("national_admin"),
    )  # fmt: skip
    return {
        "window_pk": window.pk,
        "run_pk": run.pk,
        "run_request_pk": run_request.pk,
        "offer_pk": offer.pk,
        "accepted_offer_pk": _accepted_offer(world).pk,
        "membership_a2_pk": world.trainee_a2.memberships.get().pk,
        "export_what": "offers",
        "export_fmt": "csv",
    }


def _accepted_offer(world) -> Offer:
    """A rotation the signed-in trainee accepted, in a closed window of a later intake (so it has not
    started: they hold no membership of that intake yet), placed by hand: the one they may give up."""
    now = timezone.now()
    window = PreferenceWindow.objects.create(
        scheme=world.scheme_a,
        intake="2027-08",
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now - datetime.timedelta(days=10),
    )
    return Offer.objects.create(
        window=window, trainee=world.trainee_a, rotation=world.rotation_a, status=Offer.Status.ACCEPTED,
        by_hand_reason="Placed for the access matrix", respond_by=now - datetime.timedelta(days=5),
        responded_at=now - datetime.timedelta(days=6),
    )  # fmt: skip
