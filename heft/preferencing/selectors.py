"""Reads for preferencing, limited to what the user's role and scope allow."""

import datetime
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from heft.accounts.permissions import Perm, scope_for
from heft.audit.models import AuditEvent
from heft.preferencing.models import (
    AllocationRun,
    Offer,
    Preference,
    PreferenceList,
    PreferenceWindow,
    RunRequest,
)
from heft.preferencing.problem import (
    is_returner,
    live_offers,
    not_in_training,
    rotation_places,
    window_memberships,
    window_rotations,
)
from heft.programmes.models import Rotation, TrainingScheme
from heft.programmes.selectors import rotations_with_heft_flag, schemes_managed_by
from heft.trainees.models import ProgrammeMembership, Trainee


def schemes_for_windows(user) -> QuerySet[TrainingScheme]:
    """The schemes the user may open a window for, by name."""
    return schemes_managed_by(user).order_by("name")


def windows_managed_by(user) -> QuerySet[PreferenceWindow]:
    scope = scope_for(user, Perm.MANAGE_ALLOCATIONS)
    windows = PreferenceWindow.objects.select_related("scheme__region")
    if scope.england:
        return windows
    return windows.filter(Q(scheme_id__in=scope.scheme_ids) | Q(scheme__region_id__in=scope.region_ids))


def window_managed_by(user, pk: int) -> PreferenceWindow:
    window = windows_managed_by(user).filter(pk=pk).first()
    if window is None:
        raise Http404
    return window


def run_managed_by(user, pk: int) -> AllocationRun:
    run = AllocationRun.objects.select_related("window", "created_by", "published_by").filter(pk=pk).first()
    if run is None or not windows_managed_by(user).filter(pk=run.window_id).exists():
        raise Http404
    return run


def submission_counts(window: PreferenceWindow) -> dict[str, int]:
    members = window_memberships(window).count()
    lists = PreferenceList.objects.filter(window=window).aggregate(
        submitted=Count("pk", filter=Q(status=PreferenceList.Status.SUBMITTED)),
        drafts=Count("pk", filter=Q(status=PreferenceList.Status.DRAFT)),
    )
    return {"members": members, **lists, "none": members - lists["submitted"] - lists["drafts"]}


def trainees_not_submitted(window: PreferenceWindow) -> QuerySet[Trainee]:
    submitted = PreferenceList.objects.filter(window=window, status=PreferenceList.Status.SUBMITTED)
    ids = window_memberships(window).values("trainee_id")
    return (
        Trainee.objects.filter(pk__in=ids).exclude(pk__in=submitted.values("trainee_id")).order_by("surname")
    )


def submission_table(window: PreferenceWindow) -> list[dict]:
    """Each member of the window with their list's status, whether they are returning, and the offer they
    hold, for the programme team."""
    lists = {pl.trainee_id: pl for pl in PreferenceList.objects.filter(window=window)}
    held = {
        o.trainee_id: o
        for o in Offer.objects.filter(window=window, status__in=Offer.LIVE).select_related("rotation")
    }
    rows = []
    for membership in window_memberships(window).order_by("national_rank", "trainee__surname"):
        rows.append(
            {
                "membership": membership,
                "trainee": membership.trainee,
                "list": lists.get(membership.trainee_id),
                "returning": is_returner(membership),
                "offer": held.get(membership.trainee_id),
            }
        )
    return rows


def places_left(window: PreferenceWindow) -> dict[str, int]:
    """Rotation code -> places not held by a live offer (placed by a run or by hand)."""
    taken: dict[str, int] = {}
    for code in live_offers(window).values():
        taken[code] = taken.get(code, 0) + 1
    return {code: places - taken.get(code, 0) for code, places in rotation_places(window).items()}


def rotations_with_room(window: PreferenceWindow) -> list[tuple[Rotation, int]]:
    """The window's rotations with a place left, with how many, for placing a trainee by hand."""
    left = places_left(window)
    return [(r, left[r.code]) for r in window_rotations(window) if left.get(r.code, 0) > 0]


# --- looking before changing: closing, reopening, runs under way, places ----------------------------------


def window_reopen_refusal(window: PreferenceWindow) -> str:
    """Why the window can no longer be reopened (empty when it can): a run has been made from its lists,
    or is being made."""
    run = window.runs.order_by("pk").first()
    if run:
        return (
            f"Run {run.pk} has been made from this window's lists, so it can no longer be reopened: the "
            "allocation rests on the lists as they stood when it closed."
        )
    if window.run_requests.filter(status__in=RunRequest.UNDER_WAY).exists():
        return "A run is being made from this window's lists, so it can no longer be reopened."
    return ""


def window_closing_planned(window: PreferenceWindow):
    """When the window was due to close before someone closed it early, if that is still to come: the date
    to propose when it is reopened."""
    closed = AuditEvent.objects.filter(
        verb="window.closed", target_type=PreferenceWindow._meta.label_lower, target_id=str(window.pk)
    ).first()  # the latest
    if closed is None or not (closed.before or {}).get("closes_at"):
        return None
    planned = datetime.datetime.fromisoformat(closed.before["closes_at"])
    return planned if planned > timezone.now() else None


def run_requests_under_way(window: PreferenceWindow) -> QuerySet[RunRequest]:
    """The runs asked for from the window that the worker has not finished, oldest first."""
    return window.run_requests.filter(status__in=RunRequest.UNDER_WAY).order_by("requested_at", "pk")


def run_request_managed_by(user, pk: int) -> RunRequest:
    request = RunRequest.objects.select_related("window__scheme", "run").filter(pk=pk).first()
    if request is None or not windows_managed_by(user).filter(pk=request.window_id).exists():
        raise Http404
    return request


def rotation_reach(rotation: Rotation) -> dict:
    """Who a rotation touches in preferencing, for the page that asks before it is withdrawn: the windows
    of its scheme and intake, the trainees who ranked it (in national rank order, with their choice number
    and whether their list is submitted), and the live offers held in it."""
    windows = list(PreferenceWindow.objects.filter(scheme_id=rotation.scheme_id, intake=rotation.intake))
    lists = PreferenceList.objects.filter(window__in=windows)
    statuses = {(w, t): status for w, t, status in lists.values_list("window_id", "trainee_id", "status")}
    ranked = (
        Preference.objects.filter(window__in=windows, rotation=rotation)
        .select_related("trainee")
        .order_by("trainee__surname", "trainee__forenames")
    )
    offers = (
        Offer.objects.filter(rotation=rotation, status__in=Offer.LIVE)
        .select_related("trainee", "window")
        .order_by("status", "trainee__surname")
    )
    return {
        "windows": windows,
        "ranked": [
            {
                "trainee": pref.trainee,
                "choice": pref.rank,
                "submitted": statuses.get((pref.window_id, pref.trainee_id))
                == PreferenceList.Status.SUBMITTED,
            }
            for pref in ranked
        ],
        "offers": list(offers),
    }


def places_left_rows(window: PreferenceWindow) -> list[dict]:
    """Each rotation of the window with its places, the live offers held in it and the places left, never
    below none: where more offers are held than it has places (withdrawn, or its places cut after
    publication) `over` says by how many, for the page to say what happened."""
    held: dict[str, int] = {}
    for code in live_offers(window).values():
        held[code] = held.get(code, 0) + 1
    rows = []
    for rotation in window_rotations(window):
        places = 0 if rotation.availability == Rotation.Availability.WITHDRAWN else rotation.capacity
        taken = held.get(rotation.code, 0)
        rows.append(
            {
                "rotation": rotation,
                "places": places,
                "held": taken,
                "left": max(places - taken, 0),
                "over": max(taken - places, 0),
                "withdrawn": rotation.availability == Rotation.Availability.WITHDRAWN,
            }
        )
    return rows


# --- for the trainee ----------------------------------------------------------------------------------------


# The API's name for it: one lookup of the signed-in trainee's record, in trainees.


def memberships_of(trainee: Trainee) -> QuerySet[ProgrammeMembership]:
    return trainee.memberships.select_related("scheme")


def windows_for_trainee(trainee: Trainee) -> QuerySet[PreferenceWindow]:
    """The windows the trainee is a member of: their scheme and intake's, or after time out the window of
    the intake they return with (problem.window_memberships)."""
    joins = Q(returning_to_intake=OuterRef("intake")) | Q(intake=OuterRef("intake"), returning_to_intake="")
    membership = ProgrammeMembership.objects.filter(joins, trainee=trainee, scheme_id=OuterRef("scheme_id"))
    # Each window carries the trainee's own list, so that a page asking preference_list() of every window
    # (the journey's tasks) asks the database once, not once per window.
    own = Prefetch("lists", queryset=PreferenceList.objects.filter(trainee=trainee), to_attr="own_lists")
    return (
        PreferenceWindow.objects.filter(Exists(membership))
        .select_related("scheme")
        .prefetch_related(own)
        .annotate(own_lists_of=Value(trainee.pk, output_field=IntegerField()))
        .order_by("-opens_at")
    )


def window_for_trainee(trainee: Trainee, pk: int) -> PreferenceWindow:
    window = window_with_membership(trainee, pk)
    if window is None or not window.trainee_is_member:
        raise Http404
    return window


# Written in SQL because saving a list, the deadline rush's hot path, reads it: built with the ORM (an
# Exists subquery) it cost 1.2 ms of CPU a time, as written here 0.25 ms, query included. Only table names
# are formatted in; values are bound. Membership is problem.window_memberships's: the window's intake, or
# the intake a trainee returns with after time out.
_WINDOW_WITH_MEMBERSHIP = f"""
    SELECT w.*, EXISTS (
        SELECT 1 FROM {ProgrammeMembership._meta.db_table} m
        WHERE m.trainee_id = %s AND m.scheme_id = w.scheme_id
          AND (m.returning_to_intake = w.intake OR (m.intake = w.intake AND m.returning_to_intake = ''))
    ) AS trainee_is_member
    FROM {PreferenceWindow._meta.db_table} w
    WHERE w.id = %s"""  # noqa: S608


def window_with_membership(trainee: Trainee, pk: int, *, for_share: bool = False) -> PreferenceWindow | None:
    """Window `pk`, if it exists, with `trainee_is_member`: whether the trainee belongs to its scheme and
    intake. `for_share` locks the window's row in shared mode on PostgreSQL (SQLite has no row locks)."""
    low, high = connection.ops.integer_field_range(PreferenceWindow._meta.pk.get_internal_type())
    if not low <= pk <= high:  # no such window; the ORM says so too, where a bound value would be an error
        return None
    sql = _WINDOW_WITH_MEMBERSHIP
    if for_share and connection.vendor == "postgresql":
        sql += " FOR SHARE OF w"
    return next(iter(PreferenceWindow.objects.raw(sql, [trainee.pk, pk])), None)


def rankable_rotation_ids(window: PreferenceWindow, codes: list[str]) -> dict[str, int]:
    """Code -> id of those of `codes` that name a rotation of the window not withdrawn. In SQL for the
    same reason as the window above; only placeholders are formatted in."""
    if not codes:
        return {}
    placeholders = ", ".join(["%s"] * len(codes))
    sql = f"""
        SELECT code, id FROM {Rotation._meta.db_table}
        WHERE scheme_id = %s AND intake = %s AND availability <> %s AND code IN ({placeholders})"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [window.scheme_id, window.intake, Rotation.Availability.WITHDRAWN, *codes])
        return dict(cursor.fetchall())


def rotations_to_rank(window: PreferenceWindow, *, heft_only: bool = False):
    """The window's rotations with their slots, posts and practices, HEFT flag annotated."""
    ids = window_rotations(window).values("pk")
    rotations = (
        rotations_with_heft_flag()
        .filter(pk__in=ids)
        .prefetch_related("slots__post__category", "slots__post__practice")
        .order_by("-heft", "code")
    )
    return rotations.filter(heft=True) if heft_only else rotations


def ranked_codes(window: PreferenceWindow, trainee: Trainee) -> list[str]:
    prefs = Preference.objects.filter(window=window, trainee=trainee).order_by("rank")
    return list(prefs.values_list("rotation__code", flat=True))


def preference_list(window: PreferenceWindow, trainee: Trainee) -> PreferenceList | None:
    if getattr(window, "own_lists_of", None) == trainee.pk:  # fetched with it by windows_for_trainee()
        return next(iter(window.own_lists), None)
    return PreferenceList.objects.filter(window=window, trainee=trainee).first()


def offers_for_trainee(trainee: Trainee) -> QuerySet[Offer]:
    return (
        Offer.objects.filter(trainee=trainee)
        .select_related("rotation", "window__scheme")
        .order_by("-created_at")
    )


def offer_for_trainee(trainee: Trainee, pk: int) -> Offer:
    offer = offers_for_trainee(trainee).filter(pk=pk).first()
    if offer is None:
        raise Http404
    return offer


# --- runs: who gets what, every member of the window accounted for ----------------------------------------

NO_LIST = "no list"
NO_PLACE = "no place"
JOINED_SINCE = "not in this run: joined the window after it was made"


@dataclass(frozen=True)
class Outcome:
    """What one member of the window gets from a run."""

    trainee_id: str
    rank: int | None
    rotation: str | None
    choice: int | None = None
    filled: bool = False  # given a place left over, after every ranked trainee
    fixed: bool = False  # kept where they were (an offer held, or a place given by hand)
    why_not: str = ""  # for the not placed: no list, no place, or why they took no part

    @property
    def label(self) -> str:
        if self.rotation is None:
            return f"Not placed — {self.why_not}"
        if self.filled:
            return f"{self.rotation} (a place left)"
        return self.rotation


def run_outcomes(run: AllocationRun, members: list[ProgrammeMembership] | None = None) -> dict[str, Outcome]:
    """Trainee id -> Outcome for every member of the run's window, in national rank order: those in the
    run, those it left out (with why), and any member who joined the window after it was made. Runs made
    before every member was included read the same way: their members without a list are the ones who
    ranked nothing, and the members they left out show as not in the run."""
    if members is None:
        members = list(window_memberships(run.window))
    roll = run.metrics.get("members") or {}
    fixed = run.input_snapshot.get("fixed") or {}
    no_list = set(roll["no_list"]) if "no_list" in roll else None
    outcomes = {}
    for entry in run.input_snapshot.get("trainees", []):
        trainee_id, code = entry["id"], run.assignments.get(entry["id"])
        ranked = entry["preferences"]
        without_list = trainee_id in no_list if no_list is not None else not ranked
        outcomes[trainee_id] = Outcome(
            trainee_id=trainee_id,
            rank=entry["rank"],
            rotation=code,
            choice=ranked.index(code) + 1 if code in ranked else None,
            filled=bool(code) and run.fill_places_left and code not in ranked and trainee_id not in fixed,
            fixed=trainee_id in fixed,
            why_not="" if code else (NO_LIST if without_list else NO_PLACE),
        )
    ranks = {str(m.trainee_id): m.national_rank for m in members}
    for trainee_id, why in (roll.get("not_in_run") or {}).items():
        outcomes[trainee_id] = Outcome(trainee_id, ranks.get(trainee_id), None, why_not=why)
    for trainee_id in ranks.keys() - outcomes.keys():
        outcomes[trainee_id] = Outcome(trainee_id, ranks[trainee_id], None, why_not=JOINED_SINCE)
    return dict(sorted(outcomes.items(), key=lambda item: (item[1].rank is None, item[1].rank or 0, item[0])))


def run_counts(outcomes: dict[str, Outcome]) -> dict:
    """Members, placed and not placed, and the not placed by reason (no list first, then no place, then
    the rest by size): the numbers add up to the members."""
    placed = [o for o in outcomes.values() if o.rotation]
    reasons: dict[str, int] = {}
    for outcome in outcomes.values():
        if not outcome.rotation:
            reasons[outcome.why_not] = reasons.get(outcome.why_not, 0) + 1
    order = {NO_LIST: 0, NO_PLACE: 1}
    return {
        "members": len(outcomes),
        "placed": len(placed),
        "filled": sum(1 for o in placed if o.filled),
        "not_placed": len(outcomes) - len(placed),
        "reasons": sorted(reasons.items(), key=lambda item: (order.get(item[0], 2), -item[1], item[0])),
    }


def run_rows(run: AllocationRun) -> list[dict]:
    """Each member of the window with what the run gives them and why, in national rank order."""
    members = {str(m.trainee_id): m for m in window_memberships(run.window)}
    outcomes = run_outcomes(run, list(members.values()))
    trainees = Trainee.objects.in_bulk([int(t) for t in outcomes])
    return [
        {
            "outcome": outcome,
            "trainee": trainees.get(int(trainee_id)),
            "returning": trainee_id in members and is_returner(members[trainee_id]),
            "explanation": run.explanations.get(trainee_id, ""),
        }
        for trainee_id, outcome in outcomes.items()
    ]


def stable_equals_serial_dictatorship(run: AllocationRun) -> bool:
    """A `stable` run whose rotations all rank trainees by national rank (none has a priority list of its
    own, as in HEFT Hub today): it then gives serial dictatorship's allocation, by design (see
    heft.engines.allocation.stable_is_serial_dictatorship, and its test)."""
    return run.mechanism == "stable" and not run.input_snapshot.get("rotation_priorities")


def publication_preview(run: AllocationRun) -> dict:
    """What publishing the run would do now: offers made, offers withdrawn, trainees moved up by their
    upgrades, and the members left without a place, by reason."""
    held = live_offers(run.window)
    moved_up = {move["trainee"] for move in run.metrics.get("upgrades", [])}
    changed = {t: code for t, code in run.assignments.items() if held.get(t) != code and t not in moved_up}
    outcomes = run_outcomes(run)
    made = sum(1 for code in changed.values() if code)
    withdrawn = sum(1 for t in changed if t in held)
    return {
        "made": made,
        "withdrawn": withdrawn,
        "moved_up": len(moved_up),
        "counts": run_counts(outcomes),
        "emails": made + withdrawn + len(moved_up),  # one email for each offer made, withdrawn or moved up
        **_publication_people(run, outcomes, changed, held, moved_up),
    }


def _publication_people(run, outcomes: dict[str, Outcome], changed: dict, held: dict, moved_up: set) -> dict:
    """Who publishing reaches, by name, in national rank order: offers made (with the choice), offers
    withdrawn, trainees moved up by their upgrades, and the members left without a place (with why)."""
    names = Trainee.objects.in_bulk([int(t) for t in outcomes])

    def named(trainee_id: str) -> str:
        trainee = names.get(int(trainee_id))
        return trainee.full_name if trainee else f"Trainee {trainee_id}"

    ordered = list(outcomes)
    return {
        "made_to": [
            {"name": named(t), "rotation": changed[t], "choice": outcomes[t].choice}
            for t in ordered
            if changed.get(t)
        ],
        "withdrawn_from": [
            {"name": named(t), "rotation": held[t]} for t in ordered if t in changed and t in held
        ],
        "moved_up_names": [named(t) for t in ordered if t in moved_up],
        "not_placed": [
            {"name": named(t), "why": outcome.why_not}
            for t, outcome in outcomes.items()
            if not outcome.rotation
        ],
    }


def runs_of(window: PreferenceWindow) -> QuerySet[AllocationRun]:
    return window.runs.select_related("created_by", "published_by").order_by("-created_at")


def run_comparison(window: PreferenceWindow, run_ids: list[int]) -> dict:
    """The chosen runs side by side: the window's members placed and not placed (and why), their metrics,
    HEFT places filled, and each member who gets something different, with why they are not placed."""
    runs = list(window.runs.filter(pk__in=run_ids).order_by("created_at"))
    heft_codes = set(
        rotations_with_heft_flag().filter(heft=True, scheme=window.scheme).values_list("code", flat=True)
    )
    members = {str(m.trainee_id): m for m in window_memberships(window)}
    outcomes = [run_outcomes(run, list(members.values())) for run in runs]
    longest = max((len(r.metrics["rank_profile"]) for r in runs), default=0)
    rows = [
        {
            "run": run,
            "counts": run_counts(run_outcome),
            "total_rank": run.metrics["total_rank"],
            "heft_filled": sum(1 for code in run.assignments.values() if code in heft_codes),
            "profile": run.metrics["rank_profile"] + [0] * (longest - len(run.metrics["rank_profile"])),
        }
        for run, run_outcome in zip(runs, outcomes, strict=True)
    ]
    trainee_ids = {t for run_outcome in outcomes for t in run_outcome}
    names = Trainee.objects.in_bulk([int(t) for t in trainee_ids])
    changes = [
        {
            "trainee": names.get(int(t)),
            "returning": t in members and is_returner(members[t]),
            "outcomes": [run_outcome.get(t) for run_outcome in outcomes],
        }
        for t in sorted(trainee_ids, key=lambda t: (names[int(t)].surname, t) if int(t) in names else ("", t))
        if len({(o.rotation, o.why_not) if o else None for o in (ro.get(t) for ro in outcomes)}) > 1
    ]
    return {
        "runs": runs,
        "rows": rows,
        "choices": list(range(1, longest + 1)),
        "changes": changes,
        "reasons": sorted({why for row in rows for why, _ in row["counts"]["reasons"]}, key=_reason_order),
        "same": _same_allocations(runs),
        "stable_equals_serial_dictatorship": any(stable_equals_serial_dictatorship(r) for r in runs),
    }


def _reason_order(why: str) -> tuple[int, str]:
    return ({NO_LIST: 0, NO_PLACE: 1}.get(why, 2), why)


def _same_allocations(runs: list[AllocationRun]) -> list[list[AllocationRun]]:
    """Groups of two or more of the runs that give every trainee the same rotation."""
    groups: dict[str, list[AllocationRun]] = {}
    for run in runs:
        groups.setdefault(json.dumps(run.assignments, sort_keys=True), []).append(run)
    return [group for group in groups.values() if len(group) > 1]


def window_membership(window: PreferenceWindow, membership_pk: int):
    membership = window_memberships(window).filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    return membership


def membership_to_place(window: PreferenceWindow, membership_pk: int) -> dict:
    """A member of the window with what the page for placing them by hand shows: their list, the offer they
    hold (if any), whether they are in training, and the rotations with a place left."""
    membership = window_membership(window, membership_pk)
    trainee = membership.trainee
    return {
        "membership": membership,
        "trainee": trainee,
        "returning": is_returner(membership),
        "list": preference_list(window, trainee),
        "ranked": ranked_codes(window, trainee),
        "offer": Offer.objects.filter(window=window, trainee=trainee, status__in=Offer.LIVE)
        .select_related("rotation")
        .first(),
        "not_in_training": not_in_training(window).get(str(trainee.pk), ""),
        "rotations": rotations_with_room(window),
    }


# --- for the home pages -------------------------------------------------------------------------------------


def windows_to_rank(trainee: Trainee, now) -> list[PreferenceWindow]:
    """The trainee's open windows without a submitted list, soonest to close first; each with `has_draft`."""
    lists = PreferenceList.objects.filter(window=OuterRef("pk"), trainee=trainee)
    return list(
        windows_for_trainee(trainee)
        .filter(opens_at__lte=now, closes_at__gt=now)
        .annotate(
            has_submitted=Exists(lists.filter(status=PreferenceList.Status.SUBMITTED)),
            has_draft=Exists(lists.filter(status=PreferenceList.Status.DRAFT)),
        )
        .filter(has_submitted=False)
        .order_by("closes_at")
    )


def offers_awaiting_reply(trainee: Trainee, now) -> list[Offer]:
    """The trainee's offers still open for a reply, the nearest deadline first."""
    offers = offers_for_trainee(trainee).filter(status=Offer.Status.OFFERED, respond_by__gt=now)
    return list(offers.order_by("respond_by"))


def offers_made_since(trainee: Trainee, since) -> list[Offer]:
    return list(offers_for_trainee(trainee).filter(created_at__gt=since))


@dataclass
class WindowProgress:
    """An open window as its programme team chases it: who has submitted and who has not."""

    window: PreferenceWindow
    members: int
    submitted: int
    not_submitted: list[tuple[Trainee, bool]]  # by surname: (trainee, whether they have saved a draft)


def open_windows_progress(user, now) -> list[WindowProgress]:
    """The open windows the user manages, soonest to close first, with their submissions counted: three
    queries however many windows and members (the members as problem.window_memberships defines them)."""
    windows = windows_managed_by(user).filter(opens_at__lte=now, closes_at__gt=now)
    windows = list(windows.order_by("closes_at"))
    if not windows:
        return []
    intakes = {w.intake for w in windows}
    memberships = ProgrammeMembership.objects.filter(
        Q(returning_to_intake__in=intakes) | Q(intake__in=intakes, returning_to_intake=""),
        scheme_id__in={w.scheme_id for w in windows},
    ).select_related("trainee")
    members: dict[tuple[int, str], dict[int, Trainee]] = {}
    for m in memberships:
        members.setdefault((m.scheme_id, m.returning_to_intake or m.intake), {})[m.trainee_id] = m.trainee
    statuses = {
        (window_id, trainee_id): status
        for window_id, trainee_id, status in PreferenceList.objects.filter(window__in=windows).values_list(
            "window_id", "trainee_id", "status"
        )
    }
    return [_progress(w, members.get((w.scheme_id, w.intake), {}), statuses) for w in windows]


def _progress(window: PreferenceWindow, members: dict[int, Trainee], statuses: dict) -> WindowProgress:
    waiting = [
        (trainee, statuses.get((window.pk, trainee_id)) == PreferenceList.Status.DRAFT)
        for trainee_id, trainee in members.items()
        if statuses.get((window.pk, trainee_id)) != PreferenceList.Status.SUBMITTED
    ]
    waiting.sort(key=lambda row: (row[0].surname, row[0].forenames, row[0].pk))
    return WindowProgress(window, len(members), len(members) - len(waiting), waiting)


def chase_list(window: PreferenceWindow) -> list[Trainee]:
    """The window's members who have not submitted (trainees_not_submitted), each with `has_draft`."""
    drafts = PreferenceList.objects.filter(
        window=window, trainee=OuterRef("pk"), status=PreferenceList.Status.DRAFT
    )
    trainees = trainees_not_submitted(window).annotate(has_draft=Exists(drafts))
    return list(trainees.order_by("surname", "forenames", "pk"))


def offers_unanswered_managed_by(user) -> QuerySet[Offer]:
    """Offers waiting for a reply in the windows the user manages, the nearest deadline first."""
    return (
        Offer.objects.filter(window__in=windows_managed_by(user).values("pk"), status=Offer.Status.OFFERED)
        .select_related("trainee", "rotation", "window__scheme")
        .order_by("respond_by", "trainee__surname")
    )
