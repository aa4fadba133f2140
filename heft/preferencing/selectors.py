"""Reads for preferencing, limited to what the user's role and scope allow."""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from heft.accounts.permissions import Perm, scope_for
from heft.preferencing.models import AllocationRun, Offer, Preference, PreferenceList, PreferenceWindow
from heft.preferencing.problem import window_memberships, window_rotations
from heft.programmes.models import Rotation
from heft.programmes.selectors import rotations_with_heft_flag
from heft.trainees.models import ProgrammeMembership, Trainee


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
    """The user's trainee record. Read before every save of a deadline rush, so in SQL: less than half the
    ORM's CPU for the same query (a user has at most one trainee record)."""
    if not user.is_authenticated:
        return None
    sql = f"SELECT * FROM {Trainee._meta.db_table} WHERE user_id = %s"  # noqa: S608
    return next(iter(Trainee.objects.raw(sql, [user.pk])), None)


def windows_for_trainee(trainee: Trainee) -> QuerySet[PreferenceWindow]:
    """The windows of every scheme and intake the trainee is a member of."""
    membership = ProgrammeMembership.objects.filter(
        trainee=trainee, scheme_id=OuterRef("scheme_id"), intake=OuterRef("intake")
    )
    return PreferenceWindow.objects.filter(Exists(membership)).select_related("scheme").order_by("-opens_at")


def window_for_trainee(trainee: Trainee, pk: int) -> PreferenceWindow:
    window = window_with_membership(trainee, pk)
    if window is None or not window.trainee_is_member:
        raise Http404
    return window


# Written in SQL because saving a list, the deadline rush's hot path, reads it: built with the ORM (an
# Exists subquery) it cost 1.2 ms of CPU a time, as written here 0.25 ms, query included. Only table names
# are formatted in; values are bound.
_WINDOW_WITH_MEMBERSHIP = f"""
    SELECT w.*, EXISTS (
        SELECT 1 FROM {ProgrammeMembership._meta.db_table} m
        WHERE m.trainee_id = %s AND m.scheme_id = w.scheme_id AND m.intake = w.intake
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


# --- comparing runs ---------------------------------------------------------------------------------------


def runs_of(window: PreferenceWindow) -> QuerySet[AllocationRun]:
    return window.runs.select_related("created_by", "published_by").order_by("-created_at")


def run_comparison(window: PreferenceWindow, run_ids: list[int]) -> dict:
    """The chosen runs side by side: their metrics, HEFT places filled, and who gets something different."""
    runs = list(window.runs.filter(pk__in=run_ids).order_by("created_at"))
    heft_codes = set(
        rotations_with_heft_flag().filter(heft=True, scheme=window.scheme).values_list("code", flat=True)
    )
    names = {
        str(t.pk): t for t in Trainee.objects.filter(pk__in={int(t) for r in runs for t in r.assignments})
    }
    longest = max((len(r.metrics["rank_profile"]) for r in runs), default=0)
    rows = [
        {
            "run": run,
            "placed": run.metrics["placed"],
            "unplaced": run.metrics["unplaced"],
            "total_rank": run.metrics["total_rank"],
            "heft_filled": sum(1 for code in run.assignments.values() if code in heft_codes),
            "profile": run.metrics["rank_profile"] + [0] * (longest - len(run.metrics["rank_profile"])),
        }
        for run in runs
    ]
    trainee_ids = sorted(
        {t for r in runs for t in r.assignments}, key=lambda t: names[t].surname if t in names else t
    )
    changes = [
        {"trainee": names.get(t), "assignments": [r.assignments.get(t) for r in runs]}
        for t in trainee_ids
        if len({r.assignments.get(t) for r in runs}) > 1
    ]
    return {"runs": runs, "rows": rows, "choices": list(range(1, longest + 1)), "changes": changes}


def window_membership(window: PreferenceWindow, membership_pk: int):
    membership = window_memberships(window).filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    return membership


def run_rows(run: AllocationRun) -> list[dict]:
    """Each trainee in the run with what they would get and why, in national rank order."""
    trainees = {str(t.pk): t for t in Trainee.objects.filter(pk__in=[int(t) for t in run.assignments])}
    rows = []
    for entry in run.input_snapshot["trainees"]:
        code = run.assignments.get(entry["id"])
        choice = entry["preferences"].index(code) + 1 if code in entry["preferences"] else None
        rows.append(
            {
                "trainee": trainees.get(entry["id"]),
                "rank": entry["rank"],
                "rotation": code,
                "choice": choice,
                "explanation": run.explanations.get(entry["id"], ""),
            }
        )
    return rows
