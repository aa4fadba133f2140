"""Turning a window's records into the allocation engine's problem (version 1), and back.

Trainees are named by their record id and rotations by their code, so a stored snapshot can be read
without the database. Only submitted lists count. A withdrawn rotation stays in the problem with no places,
so the offers it held still count as moved when a reallocation finds them new ones.
"""

from heft.engines.allocation import ProblemError
from heft.preferencing.models import Offer, Preference, PreferenceList, PreferenceWindow
from heft.programmes.models import Rotation
from heft.trainees.models import ProgrammeMembership


def window_rotations(window: PreferenceWindow):
    return Rotation.objects.filter(scheme=window.scheme, intake=window.intake).order_by("code")


def window_memberships(window: PreferenceWindow):
    memberships = ProgrammeMembership.objects.filter(scheme_id=window.scheme_id, intake=window.intake)
    return memberships.select_related("trainee")


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


def build_problem(
    window: PreferenceWindow,
    *,
    fixed: dict[str, str] | None = None,
    current: dict[str, str] | None = None,
    exclude: set[str] = frozenset(),
) -> dict:
    """The engine's problem for `window`. Raises ProblemError naming trainees without a national rank."""
    capacities = rotation_places(window)
    preferences = submitted_preferences(window)
    ranks = {str(m.trainee_id): m.national_rank for m in window_memberships(window)}
    members = (set(preferences) | set(fixed or {}) | set(current or {})) - set(exclude)
    unranked = sorted(t for t in members if ranks.get(t) is None)
    if unranked:
        raise ProblemError(
            [f"Trainee {t} has no national recruitment rank: import it first." for t in unranked]
        )
    trainees = [
        {"id": t, "rank": ranks[t], "preferences": [c for c in preferences.get(t, []) if c in capacities]}
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
