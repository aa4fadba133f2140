"""Writes for preferencing: windows, ranked lists, allocation runs, publication and offers.

Each runs in one transaction and leaves an audit event. Emails go out through background tasks once the
transaction has committed, so a failed send never undoes the change and a failed change sends nothing.
"""

import logging
from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.core.tasks import enqueue_with_change
from heft.engines.allocation import ENGINE_VERSION, ProblemError, solve
from heft.preferencing import offers, tasks
from heft.preferencing.models import (
    AllocationRun,
    Offer,
    Preference,
    PreferenceList,
    PreferenceWindow,
    RunRequest,
)
from heft.preferencing.problem import (
    build_problem,
    live_offers,
    not_in_training,
    placed_by_hand,
    reasons_left_out,
    roll_digest,
    rotation_places,
    submitted_preferences,
    window_memberships,
    window_rotations,
)
from heft.preferencing.selectors import rankable_rotation_ids, window_reopen_refusal, window_with_membership
from heft.programmes.models import Rotation
from heft.trainees.models import ProgrammeMembership, Trainee

logger = logging.getLogger(__name__)


class PreferencingError(Exception):
    """A request that cannot be done, with a message for the person who asked."""


class WindowClosedError(PreferencingError):
    pass


class NotRankableError(PreferencingError):
    """The window does not exist, or the trainee is not a member of its scheme and intake."""


class VersionConflictError(PreferencingError):
    pass


# --- windows ------------------------------------------------------------------------------------------------


def window_open(*, scheme, intake: str, opens_at: datetime, closes_at: datetime, by) -> PreferenceWindow:
    if closes_at <= opens_at:
        raise PreferencingError("The window must close after it opens.")
    if not window_memberships_exist(scheme, intake):
        raise PreferencingError(f"No trainees are allocated to {scheme} for the {intake} intake yet.")
    with transaction.atomic():
        window = PreferenceWindow.objects.create(
            scheme=scheme, intake=intake, opens_at=opens_at, closes_at=closes_at
        )
        audit_record(by=by, verb="window.opened", target=window, after=_window_picture(window))
    return window


def window_memberships_exist(scheme, intake: str) -> bool:
    return ProgrammeMembership.objects.filter(scheme=scheme, intake=intake).exists()


def window_close_now(*, window: PreferenceWindow, by) -> PreferenceWindow:
    """Close a window early. Saves in flight finish first (they hold the window's shared lock); later ones
    find it closed."""
    with transaction.atomic():
        window = PreferenceWindow.objects.select_for_update().get(pk=window.pk)
        now = timezone.now()
        if window.closes_at <= now:
            raise PreferencingError("This window has already closed.")
        before = _window_picture(window)
        window.closes_at = max(now, window.opens_at + timezone.timedelta(seconds=1))
        window.save(update_fields=["closes_at"])
        audit_record(by=by, verb="window.closed", target=window, before=before, after=_window_picture(window))
    return window


def window_reopen(*, window: PreferenceWindow, closes_at: datetime, by) -> PreferenceWindow:
    """Open a closed window again until `closes_at`, so that lists can change once more. Only until a run is
    made from it: a run (or one under way) is made from the lists as they stood, and reopening would let
    them change under it."""
    if closes_at <= timezone.now():
        raise PreferencingError("The new closing date must be in the future.")
    with transaction.atomic():
        window = PreferenceWindow.objects.select_for_update().get(pk=window.pk)
        if not window.has_closed():
            raise PreferencingError("This window has not closed: there is nothing to reopen.")
        refusal = window_reopen_refusal(window)
        if refusal:
            raise PreferencingError(refusal)
        before = _window_picture(window)
        window.closes_at = closes_at
        window.save(update_fields=["closes_at"])
        audit_record(
            by=by, verb="window.reopened", target=window, before=before, after=_window_picture(window)
        )
    return window


def _window_picture(window: PreferenceWindow) -> dict:
    return {"opens_at": window.opens_at.isoformat(), "closes_at": window.closes_at.isoformat()}


# --- a trainee's list ---------------------------------------------------------------------------------------


def preferences_save(
    *,
    window_id: int,
    trainee: Trainee,
    rotation_codes: Sequence[str],
    submit: bool,
    by,
    expected_version: int | None = None,
) -> PreferenceList:
    """Replace the trainee's whole list. Concurrent saves queue on the list's lock; with expected_version
    a save made from an out-of-date copy is refused instead of overwriting a newer one."""
    codes = list(rotation_codes)
    with transaction.atomic():
        window = _window_locked_for_save(window_id, trainee)
        _refuse_if_closed(window)
        rotations = _rotations_for_list(window, codes)
        plist = _locked_list(window, trainee)
        if expected_version is not None and expected_version != plist.version:
            raise VersionConflictError(
                "Your list was changed elsewhere since you opened this page. Reload it to see the latest."
            )
        before = _list_picture(plist)
        _replace_ranked(window, trainee, [rotations[code] for code in codes])
        now = timezone.now()
        plist.version += 1
        plist.saved_at = now
        plist.status = PreferenceList.Status.SUBMITTED if submit else PreferenceList.Status.DRAFT
        plist.submitted_at = now if submit else plist.submitted_at
        _update_list(plist)
        verb = "preferences.submitted" if submit else "preferences.saved"
        audit_record(
            by=by, verb=verb, target=plist, before=before, after={**_list_picture(plist), "ranked": codes}
        )
        if submit:
            enqueue_with_change(tasks.send_preference_receipt, plist.pk)
        # The deadline may have passed while this save ran: then it is refused whole.
        _refuse_if_closed(window)
    return plist


def _window_locked_for_save(pk: int, trainee: Trainee) -> PreferenceWindow:
    """The window, with whether the trainee may rank in it, locked so that saves run side by side but
    closing it (or freezing it for a run), which takes the lock exclusively, waits for every save in
    flight. PostgreSQL's FOR SHARE does this; SQLite has one writer at a time anyway."""
    window = window_with_membership(trainee, pk, for_share=True)
    if window is None or not window.trainee_is_member:
        raise NotRankableError("You are not allocated to this scheme and intake.")
    return window


def _wait_for_saves_in_flight(window: PreferenceWindow) -> None:
    """A save that began just before the deadline holds the window's shared lock until it commits or is
    refused; taking the lock exclusively waits for it, so a run's snapshot never misses a list."""
    with transaction.atomic():
        list(PreferenceWindow.objects.select_for_update().filter(pk=window.pk))


def _locked_list(window: PreferenceWindow, trainee: Trainee) -> PreferenceList:
    """The trainee's list, created empty if need be, locked until the save commits: one statement, in which
    racing first saves queue on the one row (get_or_create needs a savepoint and a retry for that, and a
    separate SELECT ... FOR UPDATE one more round trip on every save of a deadline rush). Updating a row
    locks it as FOR UPDATE does; setting the version to itself changes nothing."""
    table = PreferenceList._meta.db_table
    sql = f"""
        INSERT INTO {table} (window_id, trainee_id, status, version) VALUES (%s, %s, %s, 0)
        ON CONFLICT (window_id, trainee_id) DO UPDATE SET version = {table}.version
        RETURNING id, window_id, trainee_id, status, version, saved_at, submitted_at
    """  # noqa: S608
    params = [window.pk, trainee.pk, PreferenceList.Status.DRAFT]
    return next(iter(PreferenceList.objects.raw(sql, params)))


# The rows a save writes, in SQL: on every save of a deadline rush the ORM spends several times the CPU of
# the statements themselves (0.3 ms to find that a delete has no signals or cascades, 0.5 ms to insert a list
# of a dozen). These tables have no signals, cascades or dependants, so the ORM would run these same
# statements; only table names and placeholders are formatted in.


def _replace_ranked(window: PreferenceWindow, trainee: Trainee, rotation_ids: list[int]) -> None:
    """The list's ranked rows: rotation_ids[0] at rank 1 and so on."""
    table = Preference._meta.db_table
    with connection.cursor() as cursor:
        sql = f"DELETE FROM {table} WHERE window_id = %s AND trainee_id = %s"  # noqa: S608
        cursor.execute(sql, [window.pk, trainee.pk])
        if not rotation_ids:
            return
        rows = [
            (window.pk, trainee.pk, rotation_id, rank) for rank, rotation_id in enumerate(rotation_ids, 1)
        ]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        sql = f"INSERT INTO {table} (window_id, trainee_id, rotation_id, rank) VALUES {values}"  # noqa: S608
        cursor.execute(sql, [value for row in rows for value in row])


def _update_list(plist: PreferenceList) -> None:
    table, moment = PreferenceList._meta.db_table, connection.ops.adapt_datetimefield_value
    sql = f"UPDATE {table} SET version = %s, saved_at = %s, status = %s, submitted_at = %s WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [plist.version, moment(plist.saved_at), plist.status, moment(plist.submitted_at), plist.pk]
        )


def _refuse_if_closed(window: PreferenceWindow) -> None:
    if not window.is_open():
        raise WindowClosedError("The preference window is closed: your list was not changed.")


def _rotations_for_list(window: PreferenceWindow, codes: list[str]) -> dict[str, int]:
    if len(set(codes)) != len(codes):
        raise PreferencingError("Each rotation can appear only once in your list.")
    rotations = rankable_rotation_ids(window, codes)
    unknown = [code for code in codes if code not in rotations]
    if unknown:
        raise PreferencingError(f"These rotations cannot be ranked in this window: {', '.join(unknown)}.")
    return rotations


def _list_picture(plist: PreferenceList) -> dict:
    return {"status": plist.status, "version": plist.version}


# --- allocation runs ----------------------------------------------------------------------------------------


def run_create(
    *,
    window: PreferenceWindow,
    mechanism: str,
    by,
    seed: int | None = None,
    fill_places_left: bool = False,
    progress=None,
) -> AllocationRun:
    """A draft run of `mechanism` for every member of the window, on the lists submitted by now (a member
    without one ranks nothing). Places given by hand are kept. With `fill_places_left`, the places left
    after every ranked trainee go to members without a place, in recruitment-rank order."""
    if window.is_open():
        raise PreferencingError("The window is still open: lists can change until it closes.")
    if window.runs.filter(status=AllocationRun.Status.PUBLISHED).exists():
        raise PreferencingError("A run is already published: re-offer freed places or reallocate instead.")
    _wait_for_saves_in_flight(window)
    return _run_record(
        window=window,
        kind=AllocationRun.Kind.INITIAL,
        mechanism=mechanism,
        seed=seed,
        by=by,
        fixed=placed_by_hand(window),
        exclude=_interrupted(window),
        fill=fill_places_left,
        progress=progress,
    )


def refill_run_create(*, window: PreferenceWindow, by, progress=None) -> AllocationRun:
    """Offer places freed by declines, lapses, withdrawals and rotations given up. Upgrades come first:
    trainees who accepted with upgrades move up to their highest choice with a free place, in rank order,
    each move freeing a place for the next (offers.upgrades_plan). Everyone else holding a live offer keeps
    it; trainees who turned a place down or let it lapse are not offered another."""
    published = _published_run(window)
    turned_down = [
        Offer.Status.DECLINED,
        Offer.Status.WITHDRAWN,
        Offer.Status.LAPSED,
        Offer.Status.GIVEN_UP,
    ]
    refused = {
        str(t)
        for t in Offer.objects.filter(window=window, status__in=turned_down)
        .exclude(
            trainee_id__in=Offer.objects.filter(window=window, status__in=Offer.LIVE).values("trainee_id")
        )
        .values_list("trainee_id", flat=True)
    }
    moves, fixed = offers.upgrades_plan(window)
    with transaction.atomic():
        run = _run_record(
            window=window,
            kind=AllocationRun.Kind.REFILL,
            mechanism=published.mechanism,
            seed=published.seed,
            by=by,
            based_on=published,
            fixed=fixed,
            exclude=refused | _interrupted(window),
            progress=progress,
        )
        offers.upgrades_record(run, moves)
    return run


def reallocation_run_create(*, window: PreferenceWindow, reason: str, by, progress=None) -> AllocationRun:
    """After a rotation is withdrawn or loses places: place as many as possible, moving as few as possible."""
    if not reason.strip():
        raise PreferencingError("Say why the reallocation is needed: affected trainees will be told.")
    published = _published_run(window)
    return _run_record(
        window=window,
        kind=AllocationRun.Kind.REALLOCATION,
        mechanism="reallocate",
        seed=None,
        by=by,
        based_on=published,
        current=live_offers(window),
        exclude=_interrupted(window),
        reason=reason.strip(),
        progress=progress,
    )


def _interrupted(window: PreferenceWindow) -> set[str]:
    """Members not in training now (interrupted, unless returning to this window; left; completed): no run
    places them."""
    return set(not_in_training(window))


def _published_run(window: PreferenceWindow) -> AllocationRun:
    published = window.runs.filter(status=AllocationRun.Status.PUBLISHED).first()
    if published is None:
        raise PreferencingError("Nothing has been published for this window yet.")
    return published


def _run_record(
    *,
    window,
    kind,
    mechanism,
    seed,
    by,
    based_on=None,
    fixed=None,
    current=None,
    exclude=(),
    reason="",
    fill: bool | None = None,
    progress=None,
):
    """Solve and keep a draft run. `fill` (the places left) is inherited from the run in force when not
    given. Beside the engine's metrics, `metrics["members"]` records the window's roll as the run saw it:
    how many members, who had no list, who took no part and why, and a fingerprint to check at publication.
    `progress(stage)`, when given, hears each stage as it starts (RUN_STAGES).
    """
    progress = progress or (lambda stage: None)
    fill = based_on.fill_places_left if fill is None and based_on else bool(fill)
    try:
        problem = build_problem(window, fixed=fixed, current=current, exclude=set(exclude))
        progress(RUN_SOLVING)
        result = solve(problem, mechanism, seed, fill=fill)
        outcome = result.to_dict()
    except ProblemError as error:
        raise PreferencingError(str(error)) from error
    progress(RUN_SAVING)
    members = _run_members(window, problem)
    with transaction.atomic():
        run = AllocationRun.objects.create(
            window=window,
            kind=kind,
            mechanism=mechanism,
            seed=outcome["seed"],
            engine_version=ENGINE_VERSION,
            input_snapshot=problem,
            input_digest=outcome["input_digest"],
            assignments=outcome["assignments"],
            metrics={**outcome["metrics"], "members": members},
            explanations=outcome["explanations"],
            based_on=based_on,
            reason=reason,
            fill_places_left=fill,
            created_by=by,
        )
        audit_record(
            by=by,
            verb="run.created",
            target=run,
            after={
                "kind": kind,
                "mechanism": mechanism,
                "seed": run.seed,
                "digest": run.input_digest,
                "fill_places_left": fill,
                "members": members["count"],
                "not_in_run": len(members["not_in_run"]),
            },
        )
    return run


def _run_members(window: PreferenceWindow, problem: dict) -> dict:
    """The window's roll as a run sees it: every member is in the run or named in `not_in_run` with why."""
    in_run = {trainee["id"] for trainee in problem["trainees"]}
    submitted = submitted_preferences(window)
    members = {str(t) for t in window_memberships(window).values_list("trainee_id", flat=True)}
    not_in_run = reasons_left_out(window, members - in_run)
    return {
        "count": len(in_run) + len(not_in_run),
        "no_list": sorted((t for t in in_run if t not in submitted), key=int),
        "not_in_run": not_in_run,
        "roll_digest": roll_digest(window),
    }


# --- runs made in the background, their progress followed on a page -----------------------------------------

RUN_WAITING = 0
RUN_READING = 1
RUN_SOLVING = 2
RUN_SAVING = 3
RUN_STAGES = (
    "Waiting for the background worker",
    "Reading the window's lists, members and places",
    "Working out the allocation",
    "Saving the draft run",
)


def run_request(
    *,
    window: PreferenceWindow,
    kind: str,
    by,
    mechanism: str = "",
    seed: int | None = None,
    fill_places_left: bool = False,
    reason: str = "",
) -> RunRequest:
    """Ask for a draft run of `kind` (AllocationRun.Kind), made by the background worker (run_request_make):
    a large window can take a while, and the person follows it on the request's page, or leaves it and comes
    back. What can be refused at once is refused here; anything else the run finds is kept on the request.
    Returns the request as it stands (a worker in the same process, as in tests, has already made the run).
    """
    reason = reason.strip()
    if kind == AllocationRun.Kind.REALLOCATION and not reason:
        raise PreferencingError("Say why the reallocation is needed: affected trainees will be told.")
    with transaction.atomic():
        window = PreferenceWindow.objects.select_for_update().get(pk=window.pk)  # against a reopening
        _refuse_run_request(window, kind)
        request = RunRequest.objects.create(
            window=window,
            kind=kind,
            mechanism=mechanism,
            seed=seed,
            fill_places_left=fill_places_left,
            reason=reason,
            stage=RUN_STAGES[RUN_WAITING],
            progress_total=len(RUN_STAGES),
            requested_by=by,
        )
        audit_record(
            by=by,
            verb="run.requested",
            target=request,
            after={"window": window.pk, "kind": kind, "mechanism": mechanism, "seed": seed},
        )
        enqueue_with_change(tasks.make_requested_run, request.pk)
    request.refresh_from_db()
    return request


def _refuse_run_request(window: PreferenceWindow, kind: str) -> None:
    if window.is_open() or not window.has_closed():
        raise PreferencingError("The window is still open: lists can change until it closes.")
    published = window.runs.filter(status=AllocationRun.Status.PUBLISHED).exists()
    if kind == AllocationRun.Kind.INITIAL and published:
        raise PreferencingError("A run is already published: re-offer freed places or reallocate instead.")
    if kind != AllocationRun.Kind.INITIAL and not published:
        raise PreferencingError("Nothing has been published for this window yet.")


def run_request_make(*, request_id: int) -> RunRequest:
    """The worker's part: make the run asked for, reporting each stage for the page that polls it. A run that
    cannot be made (the engine refuses the problem, the window changed) leaves the reason on the request;
    an unexpected error is logged and the person told that nothing was made. Runs once: a retried task
    finds the request already taken."""
    started = {"status": RunRequest.Status.RUNNING, "started_at": timezone.now()}
    if not _report_run_stage(request_id, RUN_READING, only_if=RunRequest.Status.QUEUED, **started):
        return RunRequest.objects.get(pk=request_id)
    request = RunRequest.objects.select_related("window", "requested_by").get(pk=request_id)

    def progress(stage: int) -> None:
        _report_run_stage(request_id, stage, only_if=RunRequest.Status.RUNNING)

    try:
        run = _make_requested(request, progress)
    except PreferencingError as error:
        return _finish_run_request(request, error=str(error))
    except Exception:
        logger.exception("Run request %s failed", request.pk)
        return _finish_run_request(
            request, error=f"Something went wrong and no run was made. Try again, or ask for help (request "
            f"{request.pk})."
        )  # fmt: skip
    return _finish_run_request(request, run=run)


def _make_requested(request: RunRequest, progress) -> AllocationRun:
    window, by = request.window, request.requested_by
    if request.kind == AllocationRun.Kind.REFILL:
        return refill_run_create(window=window, by=by, progress=progress)
    if request.kind == AllocationRun.Kind.REALLOCATION:
        return reallocation_run_create(window=window, reason=request.reason, by=by, progress=progress)
    return run_create(
        window=window,
        mechanism=request.mechanism,
        seed=request.seed,
        fill_places_left=request.fill_places_left,
        by=by,
        progress=progress,
    )


def _report_run_stage(request_id: int, stage: int, *, only_if: str, **fields) -> bool:
    """Save the stage at once, outside the run's transaction, for the page that polls it; only while the
    request has the status `only_if` (so two workers never both take it). Whether it was saved."""
    fields |= {"stage": RUN_STAGES[stage], "progress_done": stage}
    return bool(RunRequest.objects.filter(pk=request_id, status=only_if).update(**fields))


def _finish_run_request(
    request: RunRequest, *, run: AllocationRun | None = None, error: str = ""
) -> RunRequest:
    with transaction.atomic():
        request.status = RunRequest.Status.READY if run else RunRequest.Status.FAILED
        request.run, request.error = run, error
        request.stage, request.progress_done = "", request.progress_total
        request.finished_at = timezone.now()
        request.save(update_fields=["status", "run", "error", "stage", "progress_done", "finished_at"])
        if not run:
            audit_record(by=request.requested_by, verb="run.failed", target=request, after={"error": error})
    return request


def run_publish(
    *, run: AllocationRun, by, respond_by: datetime | None = None, notify: bool = True
) -> AllocationRun:
    """Make a draft run the allocation in force: all its offers appear at once, or none do. The trainees
    whose offers changed are emailed unless notify is False (the demo data's invented people). Without
    `respond_by`, trainees reply by the usual deadline (offers.default_reply_by)."""
    respond_by = respond_by or offers.default_reply_by()
    if respond_by <= timezone.now():
        raise PreferencingError("The reply deadline must be in the future.")
    try:
        with transaction.atomic():
            window = PreferenceWindow.objects.select_for_update().get(pk=run.window_id)
            run = AllocationRun.objects.select_for_update().get(pk=run.pk)
            previous = window.runs.filter(status=AllocationRun.Status.PUBLISHED).first()
            _check_publishable(run, previous)
            if previous:
                previous.status = AllocationRun.Status.SUPERSEDED
                previous.save(update_fields=["status"])
            run.status = AllocationRun.Status.PUBLISHED
            run.published_by, run.published_at = by, timezone.now()
            run.save(update_fields=["status", "published_by", "published_at"])
            changed = _apply_offers(run, window, respond_by)
            audit_record(
                by=by,
                verb="run.published",
                target=run,
                after={
                    "offers_made": len(changed["made"]),
                    "offers_withdrawn": len(changed["withdrawn"]),
                    "offers_upgraded": len(changed["upgraded"]),
                },
            )
            if changed["made"]:
                offers.deadline_tasks_schedule(respond_by)
            if notify:
                enqueue_with_change(tasks.send_offer_emails, run.pk, changed["made"], changed["withdrawn"])
                if changed["upgraded"]:
                    enqueue_with_change(tasks.send_offer_notices, changed["upgraded"], "upgraded")
    except IntegrityError as error:  # a publish by someone else got there first
        raise PreferencingError("Another run was published at the same moment. Reload and check.") from error
    return run


def _check_publishable(run: AllocationRun, previous: AllocationRun | None) -> None:
    if run.status != AllocationRun.Status.DRAFT:
        raise PreferencingError("Only a draft run can be published.")
    if run.based_on_id != (previous.pk if previous else None):
        raise PreferencingError(
            "This run was made from an allocation that is no longer in force. Run it again."
        )
    recorded = run.metrics.get("members", {}).get("roll_digest")
    if recorded and recorded != roll_digest(run.window):
        raise PreferencingError(
            "The window has changed since this run was made (a member joined or left, training was "
            "interrupted, someone was placed by hand or replied). Run it again so that everyone is in it."
        )


def _apply_offers(run: AllocationRun, window: PreferenceWindow, respond_by: datetime) -> dict[str, list[int]]:
    """Create, keep or withdraw each trainee's offer so it matches the run, and move up the upgraders a
    re-offer run planned to move. Returns the offer ids changed."""
    live = {
        str(o.trainee_id): o
        for o in Offer.objects.select_for_update().filter(window=window, status__in=Offer.LIVE)
    }
    rotations = {
        r.code: r for r in Rotation.objects.filter(code__in=set(filter(None, run.assignments.values())))
    }
    upgrades = offers.planned_upgrades(run)
    made, withdrawn, upgraded = [], [], []
    for trainee_id, code in run.assignments.items():
        offer = live.get(trainee_id)
        if offer and code == offer.rotation.code:
            continue
        move = upgrades.get(trainee_id)
        if offer and move and (move.from_rotation, move.to_rotation) == (offer.rotation.code, code):
            new = offers.offer_upgrade(
                offer=offer, move=move, rotation=rotations[code], run=run, by=run.published_by
            )
            upgraded.append(new.pk)
            continue
        if offer:
            _withdraw(offer, run)
            withdrawn.append(offer.pk)
        if code:
            new = Offer.objects.create(
                window=window,
                run=run,
                trainee_id=int(trainee_id),
                rotation=rotations[code],
                choice=_choice(run, trainee_id, code),
                explanation=run.explanations.get(trainee_id, ""),
                respond_by=respond_by,
            )
            made.append(new.pk)
    return {"made": made, "withdrawn": withdrawn, "upgraded": upgraded}


def _withdraw(offer: Offer, run: AllocationRun) -> None:
    """A run moved the trainee: the placements of a rotation they had accepted go with the offer."""
    accepted = offer.status == Offer.Status.ACCEPTED
    offer.status = Offer.Status.WITHDRAWN
    offer.status_reason = run.reason or "The allocation was run again."
    offer.save(update_fields=["status", "status_reason"])
    if accepted:
        offers.placements_take_back(offer, run.published_by)


def _choice(run: AllocationRun, trainee_id: str, code: str) -> int | None:
    for trainee in run.input_snapshot["trainees"]:
        if trainee["id"] == trainee_id and code in trainee["preferences"]:
            return trainee["preferences"].index(code) + 1
    return None


# --- offers -------------------------------------------------------------------------------------------------


def offer_respond(*, offer: Offer, accept: bool, by) -> Offer:
    """Accept or decline (offers.offer_reply also takes "accept with upgrades")."""
    reply = offers.Reply.ACCEPT if accept else offers.Reply.DECLINE
    try:
        return offers.offer_reply(offer=offer, reply=reply, by=by)
    except offers.OfferError as error:
        raise PreferencingError(str(error)) from error


def heft_place_release(*, membership: ProgrammeMembership, reason: str, by) -> list[Offer]:
    """The programme team released a trainee's HEFT place during time out (never time out by itself: see
    trainees.services.heft_place_decide, whose signal calls this inside its transaction). Their live offers
    are withdrawn, with the future placements of an accepted one, and, if they held a HEFT place, they are
    flagged 'returning — HEFT rotation not guaranteed'."""
    with transaction.atomic():
        withdrawn = list(
            Offer.objects.select_for_update()
            .filter(trainee=membership.trainee, window__scheme=membership.scheme, status__in=Offer.LIVE)
            .select_related("rotation")
        )
        for offer in withdrawn:
            accepted = offer.status == Offer.Status.ACCEPTED
            offer.status, offer.status_reason = Offer.Status.WITHDRAWN, reason
            offer.save(update_fields=["status", "status_reason"])
            audit_record(by=by, verb="offer.withdrawn", target=offer, after={"reason": reason})
            if accepted:
                offers.placements_take_back(offer, by)
        if withdrawn or membership.heft_mode == ProgrammeMembership.HeftMode.ROTATION:
            membership.returning_heft_not_guaranteed = True
            membership.save(update_fields=["returning_heft_not_guaranteed"])
            audit_record(
                by=by, verb="membership.heft_place_released", target=membership, after={"reason": reason}
            )
    return withdrawn


def places_left(window: PreferenceWindow) -> dict[str, int]:
    """Rotation code -> places not held by a live offer."""
    taken: dict[str, int] = {}
    for code in live_offers(window).values():
        taken[code] = taken.get(code, 0) + 1
    return {code: places - taken.get(code, 0) for code, places in rotation_places(window).items()}


# --- placing a trainee by hand ------------------------------------------------------------------------------


def offer_place_by_hand(
    *,
    window: PreferenceWindow,
    membership: ProgrammeMembership,
    rotation_code: str,
    reason: str,
    respond_by: datetime,
    by,
    notify: bool = True,
) -> Offer:
    """The programme team offers a member without a place a rotation with a place left, saying why. The
    offer is like a run's (the same reply deadline, reminder and lapse, the same email) but made by no run:
    the trainee reads "Placed by your programme team: <reason>". Later runs keep the place."""
    reason = reason.strip()
    if not reason:
        raise PreferencingError("Say why you are placing this trainee by hand: they will be told.")
    if respond_by <= timezone.now():
        raise PreferencingError("The reply deadline must be in the future.")
    if not window.has_closed():
        raise PreferencingError("The window is still open: place trainees by hand once it has closed.")
    trainee_id = str(membership.trainee_id)
    try:
        with transaction.atomic():
            window = PreferenceWindow.objects.select_for_update().get(pk=window.pk)  # one placement at a time
            _refuse_unless_placeable(window, trainee_id)
            rotation = _rotation_with_room(window, rotation_code)
            offer = Offer.objects.create(
                window=window,
                run=None,
                trainee_id=membership.trainee_id,
                rotation=rotation,
                choice=_ranked_choice(window, trainee_id, rotation.code),
                explanation=f"Placed by your programme team: {reason}",
                by_hand_reason=reason,
                respond_by=respond_by,
            )
            audit_record(
                by=by,
                verb="offer.placed_by_hand",
                target=offer,
                after={"trainee": trainee_id, "rotation": rotation.code, "reason": reason},
            )
            offers.deadline_tasks_schedule(respond_by)
            if notify:
                enqueue_with_change(tasks.send_offer_emails, None, [offer.pk], [])
    except IntegrityError as error:  # an offer for them was made at the same moment
        raise PreferencingError("This trainee was offered a rotation at the same moment. Reload.") from error
    return offer


def _refuse_unless_placeable(window: PreferenceWindow, trainee_id: str) -> None:
    held = Offer.objects.filter(window=window, trainee_id=int(trainee_id), status__in=Offer.LIVE)
    offer = held.select_related("rotation").first()
    if offer:
        raise PreferencingError(
            f"This trainee already holds {offer.rotation.code} ({offer.get_status_display().lower()}) in "
            "this window: a trainee holds one offer at a time."
        )
    why = not_in_training(window).get(trainee_id)
    if why:
        raise PreferencingError(f"This trainee is not in training now ({why}): they cannot be placed.")


def _rotation_with_room(window: PreferenceWindow, code: str) -> Rotation:
    rotation = window_rotations(window).filter(code=code).first()
    if rotation is None:
        raise PreferencingError("Choose one of this window's rotations.")
    if places_left(window).get(code, 0) <= 0:
        raise PreferencingError(f"{code} is full: choose a rotation with a place left.")
    return rotation


def _ranked_choice(window: PreferenceWindow, trainee_id: str, code: str) -> int | None:
    ranked = submitted_preferences(window).get(trainee_id, [])
    return ranked.index(code) + 1 if code in ranked else None
