"""Preferencing in the REST API: windows, a trainee's own list, runs and offers."""

from datetime import datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from heft.accounts.permissions import Perm, has_perm
from heft.api_common.auth import require
from heft.api_common.errors import API_ERRORS
from heft.preferencing import offers, selectors, services
from heft.trainees.selectors import own_record

router = Router(tags=["preferencing"])


class WindowOut(Schema):
    id: int
    scheme: str
    intake: str
    opens_at: datetime
    closes_at: datetime
    open: bool

    @staticmethod
    def resolve_scheme(obj) -> str:
        return obj.scheme.code

    @staticmethod
    def resolve_open(obj) -> bool:
        return obj.is_open()


class PreferencesIn(Schema):
    rotations: list[str]
    submit: bool = False
    version: int | None = None


class PreferencesOut(Schema):
    window: int
    rotations: list[str]
    status: str
    version: int
    submitted_at: datetime | None


class RunIn(Schema):
    mechanism: str
    seed: int | None = None


class RunOut(Schema):
    id: int
    window: int
    kind: str
    mechanism: str
    seed: int | None
    engine_version: str
    input_digest: str
    status: str
    metrics: dict
    assignments: dict[str, str | None]

    @staticmethod
    def resolve_window(obj) -> int:
        return obj.window_id


class PublishIn(Schema):
    respond_by: datetime | None = Field(
        None, description="When trainees must reply by; left out, the usual working-hours deadline from now"
    )


class OfferOut(Schema):
    id: int
    window: int
    rotation: str
    status: str
    choice: int | None
    explanation: str
    respond_by: datetime
    upgrades: bool
    status_reason: str

    @staticmethod
    def resolve_window(obj) -> int:
        return obj.window_id

    @staticmethod
    def resolve_rotation(obj) -> str:
        return obj.rotation.code


class RespondIn(Schema):
    accept: bool
    upgrades: bool = False  # with accept: keep a claim on higher choices, moved up when one comes free


class Message(Schema):
    detail: str


ERRORS = {**API_ERRORS, 400: Message, 409: Message}


def _trainee(request):
    require(request, Perm.RANK_ROTATIONS)
    trainee = own_record(request.auth)
    if trainee is None:
        raise HttpError(404, "No trainee record is linked to this account.")
    return trainee


@router.get("/windows", response={200: list[WindowOut], **ERRORS})
def list_windows(request):
    """Staff: the windows they manage. Trainees: the windows of their scheme and intake."""
    if has_perm(request.auth, Perm.MANAGE_ALLOCATIONS):
        return selectors.windows_managed_by(request.auth)
    return selectors.windows_for_trainee(_trainee(request))


@router.get("/windows/{window_id}/preferences", response={200: PreferencesOut, **ERRORS})
def get_my_preferences(request, window_id: int):
    trainee = _trainee(request)
    window = selectors.window_for_trainee(trainee, window_id)
    return _preferences_out(window, trainee)


@router.put("/windows/{window_id}/preferences", response={200: PreferencesOut, **ERRORS})
def put_my_preferences(request, window_id: int, payload: PreferencesIn):
    """Replace the signed-in trainee's whole list. Send `version` to be told (409) if it changed meanwhile."""
    trainee = _trainee(request)
    try:
        # The service reads the window, and whether the trainee may rank in it, with its lock.
        plist = services.preferences_save(
            window_id=window_id, trainee=trainee, rotation_codes=payload.rotations, submit=payload.submit,
            by=request.auth, expected_version=payload.version,
        )  # fmt: skip
    except services.NotRankableError:
        raise Http404 from None
    except (services.VersionConflictError, services.WindowClosedError) as error:
        return Status(409, {"detail": str(error)})
    except services.PreferencingError as error:
        return Status(400, {"detail": str(error)})
    # The saved list is exactly what was sent: no need to read it back.
    return _list_out(window_id, plist, payload.rotations)


def _preferences_out(window, trainee) -> dict:
    return _list_out(
        window.pk, selectors.preference_list(window, trainee), selectors.ranked_codes(window, trainee)
    )


def _list_out(window_id: int, plist, codes) -> dict:
    return {
        "window": window_id,
        "rotations": codes,
        "status": plist.status if plist else "none",
        "version": plist.version if plist else 0,
        "submitted_at": plist.submitted_at if plist else None,
    }


@router.get("/windows/{window_id}/runs", response={200: list[RunOut], **ERRORS})
def list_runs(request, window_id: int):
    require(request, Perm.MANAGE_ALLOCATIONS)
    return selectors.runs_of(selectors.window_managed_by(request.auth, window_id))


@router.post("/windows/{window_id}/runs", response={201: RunOut, **ERRORS})
def create_run(request, window_id: int, payload: RunIn):
    require(request, Perm.MANAGE_ALLOCATIONS)
    window = selectors.window_managed_by(request.auth, window_id)
    try:
        run = services.run_create(
            window=window, mechanism=payload.mechanism, seed=payload.seed, by=request.auth
        )
    except services.PreferencingError as error:
        return Status(400, {"detail": str(error)})
    return Status(201, run)


@router.get("/runs/{run_id}", response={200: RunOut, **ERRORS})
def get_run(request, run_id: int):
    require(request, Perm.MANAGE_ALLOCATIONS)
    return selectors.run_managed_by(request.auth, run_id)


@router.post("/runs/{run_id}/publish", response={200: RunOut, **ERRORS})
def publish_run(request, run_id: int, payload: PublishIn):
    require(request, Perm.MANAGE_ALLOCATIONS)
    run = selectors.run_managed_by(request.auth, run_id)
    try:
        return services.run_publish(run=run, respond_by=payload.respond_by, by=request.auth)
    except services.PreferencingError as error:
        return Status(409, {"detail": str(error)})


@router.get("/offers", response={200: list[OfferOut], **ERRORS})
def list_my_offers(request):
    return selectors.offers_for_trainee(_trainee(request))


@router.post("/offers/{offer_id}/respond", response={200: OfferOut, **ERRORS})
def respond_to_offer(request, offer_id: int, payload: RespondIn):
    """Reply to your offer before its deadline: accept, accept with upgrades (`upgrades`: true), or decline.
    Accepting makes your placements."""
    offer = selectors.offer_for_trainee(_trainee(request), offer_id)
    if payload.upgrades and not payload.accept:
        return Status(400, {"detail": "Upgrades apply only to an offer you accept."})
    if not payload.accept:
        reply = offers.Reply.DECLINE
    else:
        reply = offers.Reply.ACCEPT_WITH_UPGRADES if payload.upgrades else offers.Reply.ACCEPT
    try:
        return offers.offer_reply(offer=offer, reply=reply, by=request.auth)
    except offers.OfferError as error:
        return Status(409, {"detail": str(error)})


@router.post("/offers/{offer_id}/give-up", response={200: OfferOut, **ERRORS})
def give_up_offer(request, offer_id: int):
    """Give up a rotation you accepted, before it starts: the place goes to someone else and your
    placements in it not yet begun are cancelled. It cannot be undone."""
    offer = selectors.offer_for_trainee(_trainee(request), offer_id)
    try:
        return offers.offer_give_up(offer=offer, by=request.auth)
    except offers.OfferError as error:
        return Status(409, {"detail": str(error)})
