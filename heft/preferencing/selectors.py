"""Reads for preferencing, limited to what the user's role and scope allow."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from heft.accounts.permissions import Perm, scope_for
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.preferencing.problem import window_memberships, window_rotations
from heft.programmes.selectors import rotations_with_heft_flag
from heft.trainees.models import Trainee


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
    """Each member of the window with their list's status, for the programme team."""
    lists = {pl.trainee_id: pl for pl in PreferenceList.objects.filter(window=window)}
    rows = []
    for membership in window_memberships(window).order_by("national_rank", "trainee__surname"):
        plist = lists.get(membership.trainee_id)
        rows.append({"membership": membership, "trainee": membership.trainee, "list": plist})
    return rows


# --- for the trainee ----------------------------------------------------------------------------------------


def trainee_of(user) -> Trainee | None:
    return Trainee.objects.filter(user=user).first() if user.is_authenticated else None


def windows_for_trainee(trainee: Trainee) -> QuerySet[PreferenceWindow]:
    memberships = trainee.memberships.values_list("scheme_id", "intake")
    condition = Q(pk__in=[])
    for scheme_id, intake in memberships:
        condition |= Q(scheme_id=scheme_id, intake=intake)
    return PreferenceWindow.objects.filter(condition).select_related("scheme").order_by("-opens_at")


def window_for_trainee(trainee: Trainee, pk: int) -> PreferenceWindow:
    window = windows_for_trainee(trainee).filter(pk=pk).first()
    if window is None:
        raise Http404
    return window


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
