"""Turning a window's records into the allocation engine's problem (version 1), and back.

Trainees are named by their record id and rotations by their code, so a stored snapshot can be read
without the database. Every member of the window takes part, with or without a submitted list (only
submitted lists count, so a member with a draft or nothing ranks nothing), except those not in training
now or, for a re-offer, those who turned their offer down: the run records who they are and why, so that
its counts add up to the window's members. A withdrawn rotation stays in the problem with no places, so
the offers it held still count as moved when a reallocation finds them new ones.
"""

import hashlib
import json

from django.db.models import Q

from heft.engines.allocation import ProblemError
from heft.preferencing.models import Offer, Preference, PreferenceList, PreferenceWindow
from heft.programmes.models import Rotation
from heft.trainees.models import ProgrammeMembership

# Why a member of the window takes no part in a run, by membership status or by their last offer.
NOT_IN_TRAINING = {
    ProgrammeMembership.Status.INTERRUPTED: "training interrupted",
    ProgrammeMembership.Status.WITHDRAWN: "left the programme",
    ProgrammeMembership.Status.COMPLETED: "completed training",
}
NO_RANK = "no national recruitment rank"
OFFER_ENDED = {
    Offer.Status.DECLINED: "declined their offer",
    Offer.Status.WITHDRAWN: "offer withdrawn",
    Offer.Status.LAPSED: "offer lapsed",
    Offer.Status.GIVEN_UP: "gave up their place",
}


def window_rotations(window: PreferenceWindow):
    return Rotation.objects.filter(scheme=window.scheme, intake=window.intake).order_by("code")


def window_memberships(window: PreferenceWindow):
    """The window's members: the scheme's trainees of its intake, and those returning after time out to
    join it (`returning_to_intake`). A returner belongs to the window they return to, not their first."""
    joins = Q(returning_to_intake=window.intake) | Q(intake=window.intake, returning_to_intake="")
    return ProgrammeMembership.objects.filter(joins, scheme_id=window.scheme_id).select_related("trainee")


def is_returner(membership: ProgrammeMembership) -> bool:
    """A member who joins this window after time out, or whose HEFT place was released: both are shown
    as 'returning — HEFT rotation not guaranteed'."""
    return bool(membership.returning_to_intake) or membership.returning_heft_not_guaranteed


def not_in_training(window: PreferenceWindow) -> dict[str, str]:
    """Trainee id -> why, for the members not in training now: interrupted (unless returning to this
    window, which they join on their return), left the programme, or completed."""
    memberships = window_memberships(window).exclude(status=ProgrammeMembership.Status.ACTIVE)
    return {
        str(m.trainee_id): NOT_IN_TRAINING.get(m.status, m.get_status_display().lower())
        for m in memberships
        if not (m.status == ProgrammeMembership.Status.INTERRUPTED and m.returning_to_intake == window.intake)
    }


def reasons_left_out(window: PreferenceWindow, trainee_ids: set[str]) -> dict[str, str]:
    """Trainee id -> why each of `trainee_ids` takes no part in a run: not in training, no national rank
    (and no list), or their last offer in the window ended (declined, lapsed ...)."""
    reasons = {t: why for t, why in not_in_training(window).items() if t in trainee_ids}
    unranked = window_memberships(window).filter(national_rank__isnull=True)
    for trainee_id in unranked.values_list("trainee_id", flat=True):
        if str(trainee_id) in trainee_ids:
            reasons.setdefault(str(trainee_id), NO_RANK)
    ended = Offer.objects.filter(window=window, trainee_id__in=[int(t) for t in trainee_ids - set(reasons)])
    for trainee_id, status in ended.order_by("created_at", "pk").values_list("trainee_id", "status"):
        reasons[str(trainee_id)] = OFFER_ENDED.get(status, f"offer {status}")
    return {t: reasons.get(t, "left out of this run") for t in sorted(trainee_ids, key=int)}


def rotation_places(window: PreferenceWindow) -> dict[str, int]:
    """Rotation code -> places; none for a withdrawn rotation."""
    withdrawn = Rotation.Availability.WITHDRAWN
    return {r.code: 0 if r.availability == withdrawn else r.capacity for r in window_rotations(window)}


def submitted_preferences(window: PreferenceWindow) -> dict[str, list[str]]:
    """Trainee id -> rotation codes, best first, for every submitted list."""
    submitted = PreferenceList.objects.filter(window=window, status=PreferenceList.Status.SUBMITTED)
    trainee_ids = set(submitted.values_list("trainee_id", flat=True))
    ranked: dict[str, list[str]] = {str(t): [] for t in trainee_ids}
    prefs = Preference.objects.filter(window=window, trainee_id__in=trainee_ids).order_by(
        "trainee_id", "rank"
    )
    for trainee_id, code in prefs.values_list("trainee_id", "rotation__code"):
        ranked[str(trainee_id)].append(code)
    return ranked


def live_offers(window: PreferenceWindow) -> dict[str, str]:
    """Trainee id -> rotation code of every offer still offered or accepted."""
    offers = Offer.objects.filter(window=window, status__in=Offer.LIVE)
    return {str(t): code for t, code in offers.values_list("trainee_id", "rotation__code")}


def placed_by_hand(window: PreferenceWindow) -> dict[str, str]:
    """Trainee id -> rotation code of every live offer the programme team made by hand."""
    offers = Offer.objects.filter(window=window, status__in=Offer.LIVE, run__isnull=True)
    return {str(t): code for t, code in offers.values_list("trainee_id", "rotation__code")}


def roll_digest(window: PreferenceWindow) -> str:
    """A fingerprint of who is in the window, who is not in training and who holds which place: a run made
    from a roll that has changed since (a member imported, an interruption, a reply, a place by hand)
    must be run again before it is published."""
    roll = {
        "members": sorted(str(t) for t in window_memberships(window).values_list("trainee_id", flat=True)),
        "not_in_training": sorted(not_in_training(window)),
        "held": sorted(live_offers(window).items()),
    }
    return hashlib.sha256(json.dumps(roll, sort_keys=True).encode()).hexdigest()


def build_problem(
    window: PreferenceWindow,
    *,
    fixed: dict[str, str] | None = None,
    current: dict[str, str] | None = None,
    exclude: set[str] = frozenset(),
) -> dict:
    """The engine's problem for `window`: every member but those in `exclude`, and those with neither a
    national rank nor a list (the engine orders everyone by rank; the run names them). Raises ProblemError
    naming trainees with a list or a place but no national rank, or a returner whose rank a member of the
    intake already holds."""
    capacities = rotation_places(window)
    preferences = submitted_preferences(window)
    memberships = {str(m.trainee_id): m for m in window_memberships(window)}
    placed = set(fixed or {}) | set(current or {})
    unranked = {t for t, m in memberships.items() if m.national_rank is None and t not in preferences}
    members = (set(memberships) - unranked | placed) - set(exclude)
    _check_ranks(memberships, members)
    ranks = {t: memberships[t].national_rank for t in members}
    held = current or {}
    trainees = [
        {"id": t, "rank": ranks[t], "preferences": _ranked(preferences.get(t, []), held.get(t), capacities)}
        for t in sorted(members, key=lambda t: ranks[t])
    ]
    problem = {
        "version": 1,
        "rotations": [{"id": code, "capacity": places} for code, places in capacities.items()],
        "trainees": trainees,
    }
    if fixed:
        problem["fixed"] = {t: r for t, r in fixed.items() if t in members and r in capacities}
    if current:
        problem["current"] = {t: r for t, r in current.items() if t in members and r in capacities}
    return problem


def _ranked(codes: list[str], held: str | None, capacities: dict[str, int]) -> list[str]:
    """The trainee's list as the engine takes it. A place they hold without having ranked it (given by hand
    or from the places left) comes last, so a reallocation may keep them in it."""
    ranked = [code for code in codes if code in capacities]
    if held in capacities and held not in ranked:
        ranked.append(held)
    return ranked


def _check_ranks(memberships: dict[str, ProgrammeMembership], members: set[str]) -> None:
    unranked = sorted(
        (t for t in members if t not in memberships or memberships[t].national_rank is None), key=int
    )
    if unranked:
        raise ProblemError(
            [f"Trainee {t} has no national recruitment rank: import it first." for t in unranked]
        )
    holders: dict[int, list[str]] = {}
    for t in sorted(members, key=int):
        holders.setdefault(memberships[t].national_rank, []).append(t)
    shared = {rank: ids for rank, ids in holders.items() if len(ids) > 1}
    if shared:
        raise ProblemError(
            [
                f"Trainees {' and '.join(ids)} share national rank {rank}: a trainee returning from an "
                "earlier intake needs a rank that nobody in this intake holds."
                for rank, ids in sorted(shared.items())
            ]
        )
