"""Writes for preferencing: windows, ranked lists, allocation runs, publication and offers.

Each runs in one transaction and leaves an audit event. Emails go out through background tasks once the
transaction has committed, so a failed send never undoes the change and a failed change sends nothing.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from heft.audit.services import audit_record
from heft.core.tasks import enqueue_with_change
from heft.engines.allocation import ENGINE_VERSION, ProblemError, solve
from heft.preferencing import tasks
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.preferencing.problem import build_problem, live_offers, rotation_places, window_memberships
from heft.preferencing.selectors import rankable_rotation_ids, window_with_membership
from heft.programmes.models import Rotation
from heft.trainees.models import ProgrammeMembership, Trainee


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


def run_create(*, window: PreferenceWindow, mechanism: str, by, seed: int | None = None) -> AllocationRun:
    """A draft run of `mechanism` on the window's submitted lists, frozen as they are now."""
    if window.is_open():
        raise PreferencingError("The window is still open: lists can change until it closes.")
    if window.runs.filter(status=AllocationRun.Status.PUBLISHED).exists():
        raise PreferencingError("A run is already published: re-offer freed places or reallocate instead.")
    _wait_for_saves_in_flight(window)
    return _run_record(window=window, kind=AllocationRun.Kind.INITIAL, mechanism=mechanism, seed=seed, by=by)


def refill_run_create(*, window: PreferenceWindow, by) -> AllocationRun:
    """Offer places freed by declines and withdrawals: everyone holding a live offer keeps it."""
    published = _published_run(window)
    refused = {
        str(t)
        for t in Offer.objects.filter(
            window=window, status__in=[Offer.Status.DECLINED, Offer.Status.WITHDRAWN]
        )
        .exclude(
            trainee_id__in=Offer.objects.filter(window=window, status__in=Offer.LIVE).values("trainee_id")
        )
        .values_list("trainee_id", flat=True)
    }
    return _run_record(
        window=window,
        kind=AllocationRun.Kind.REFILL,
        mechanism=published.mechanism,
        seed=published.seed,
        by=by,
        based_on=published,
        fixed=live_offers(window),
        exclude=refused | _interrupted(window),
    )


def reallocation_run_create(*, window: PreferenceWindow, reason: str, by) -> AllocationRun:
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
    )


def _interrupted(window: PreferenceWindow) -> set[str]:
    interrupted = window_memberships(window).filter(status=ProgrammeMembership.Status.INTERRUPTED)
    return {str(t) for t in interrupted.values_list("trainee_id", flat=True)}


def _published_run(window: PreferenceWindow) -> AllocationRun:
    published = window.runs.filter(status=AllocationRun.Status.PUBLISHED).first()
    if published is None:
        raise PreferencingError("Nothing has been published for this window yet.")
    return published


def _run_record(
    *, window, kind, mechanism, seed, by, based_on=None, fixed=None, current=None, exclude=(), reason=""
):
    try:
        problem = build_problem(window, fixed=fixed, current=current, exclude=set(exclude))
        result = solve(problem, mechanism, seed)
        outcome = result.to_dict()
    except ProblemError as error:
        raise PreferencingError(str(error)) from error
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
            metrics=outcome["metrics"],
            explanations=outcome["explanations"],
            based_on=based_on,
            reason=reason,
            created_by=by,
        )
        audit_record(
            by=by,
            verb="run.created",
            target=run,
            after={"kind": kind, "mechanism": mechanism, "seed": run.seed, "digest": run.input_digest},
        )
    return run


def run_publish(*, run: AllocationRun, respond_by: datetime, by, notify: bool = True) -> AllocationRun:
    """Make a draft run the allocation in force: all its offers appear at once, or none do. The trainees
    whose offers changed are emailed unless notify is False (the demo data's invented people)."""
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
                after={"offers_made": len(changed["made"]), "offers_withdrawn": len(changed["withdrawn"])},
            )
            if notify:
                enqueue_with_change(tasks.send_offer_emails, run.pk, changed["made"], changed["withdrawn"])
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


def _apply_offers(run: AllocationRun, window: PreferenceWindow, respond_by: datetime) -> dict[str, list[int]]:
    """Create, keep or withdraw each trainee's offer so it matches the run. Returns the offer ids changed."""
    live = {
        str(o.trainee_id): o
        for o in Offer.objects.select_for_update().filter(window=window, status__in=Offer.LIVE)
    }
    rotations = {
        r.code: r for r in Rotation.objects.filter(code__in=set(filter(None, run.assignments.values())))
    }
    made, withdrawn = [], []
    for trainee_id, code in run.assignments.items():
        offer = live.get(trainee_id)
        if offer and code == offer.rotation.code:
            continue
        if offer:
            offer.status = Offer.Status.WITHDRAWN
            offer.status_reason = run.reason or "The allocation was run again."
            offer.save(update_fields=["status", "status_reason"])
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
    return {"made": made, "withdrawn": withdrawn}


def _choice(run: AllocationRun, trainee_id: str, code: str) -> int | None:
    for trainee in run.input_snapshot["trainees"]:
        if trainee["id"] == trainee_id and code in trainee["preferences"]:
            return trainee["preferences"].index(code) + 1
    return None


# --- offers -------------------------------------------------------------------------------------------------


def offer_respond(*, offer: Offer, accept: bool, by) -> Offer:
    with transaction.atomic():
        offer = Offer.objects.select_for_update().select_related("trainee").get(pk=offer.pk)
        if offer.trainee.user_id != by.pk:
            raise PreferencingError("Only the trainee offered this rotation can reply.")
        if offer.status != Offer.Status.OFFERED:
            raise PreferencingError(f"This offer is already {offer.get_status_display().lower()}.")
        if timezone.now() >= offer.respond_by:
            raise PreferencingError(
                "The deadline to reply to this offer has passed. Contact your programme team."
            )
        offer.status = Offer.Status.ACCEPTED if accept else Offer.Status.DECLINED
        offer.responded_at = timezone.now()
        offer.save(update_fields=["status", "responded_at"])
        audit_record(
            by=by,
            verb="offer.accepted" if accept else "offer.declined",
            target=offer,
            before={"status": Offer.Status.OFFERED},
            after={"status": offer.status},
        )
    return offer


def heft_place_release(*, membership: ProgrammeMembership, reason: str, by) -> list[Offer]:
    """A trainee interrupts training: their live offers are withdrawn and, if they held a HEFT place, they
    are flagged 'returning — HEFT rotation not guaranteed'. Call inside the interruption's transaction."""
    with transaction.atomic():
        offers = list(
            Offer.objects.select_for_update()
            .filter(trainee=membership.trainee, window__scheme=membership.scheme, status__in=Offer.LIVE)
            .select_related("rotation")
        )
        for offer in offers:
            offer.status, offer.status_reason = Offer.Status.WITHDRAWN, reason
            offer.save(update_fields=["status", "status_reason"])
            audit_record(by=by, verb="offer.withdrawn", target=offer, after={"reason": reason})
        if offers or membership.heft_mode == ProgrammeMembership.HeftMode.ROTATION:
            membership.returning_heft_not_guaranteed = True
            membership.save(update_fields=["returning_heft_not_guaranteed"])
            audit_record(
                by=by, verb="membership.heft_place_released", target=membership, after={"reason": reason}
            )
    return offers


def places_left(window: PreferenceWindow) -> dict[str, int]:
    """Rotation code -> places not held by a live offer."""
    taken: dict[str, int] = {}
    for code in live_offers(window).values():
        taken[code] = taken.get(code, 0) + 1
    return {code: places - taken.get(code, 0) for code, places in rotation_places(window).items()}
