"""Reads for reports, limited to the regions and schemes in the user's VIEW_REPORTS scope.

Equity exposure: for each programme membership in scope that has placements, the whole-time-equivalent
months spent in Deep End practices, in practices of each IMD quintile and in innovative posts (computed by
heft.engines.deprivation), and their distributions by scheme or region and HEFT mode.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from heft.accounts.permissions import Perm, scope_for
from heft.engines.deprivation import Exposure, Stint, Summary, exposures, quintile_of_decile, summarise
from heft.engines.deprivation.exposure import QUINTILES
from heft.programmes.models import PostCategory, Region, TrainingScheme
from heft.reports.exposure_store import exposure_refresh
from heft.reports.models import PlacementExposure
from heft.trainees.models import Placement, ProgrammeMembership

HEFT_MODES = ProgrammeMembership.HeftMode
GROUPINGS = {"scheme": "Scheme", "region": "Region"}


def schemes_reported_to(user) -> QuerySet[TrainingScheme]:
    scope = scope_for(user, Perm.VIEW_REPORTS)
    schemes = TrainingScheme.objects.select_related("region").order_by("region__name", "name")
    if scope.england:
        return schemes
    return schemes.filter(Q(pk__in=scope.scheme_ids) | Q(region_id__in=scope.region_ids))


def regions_reported_to(user) -> QuerySet[Region]:
    return Region.objects.filter(schemes__in=schemes_reported_to(user)).distinct().order_by("name")


@dataclass(frozen=True)
class ExposureRow:
    """One trainee's programme membership and its exposure."""

    membership_id: int
    trainee_id: int
    trainee_name: str
    gmc_number: str
    scheme: str
    region: str
    intake: str
    heft_mode: str
    heft_mode_label: str
    exposure: Exposure


def exposure_rows(
    user,
    *,
    region_code: str = "",
    scheme_code: str = "",
    intake: str = "",
    trainee_id: int | None = None,
    until: datetime.date | None = None,
) -> list[ExposureRow]:
    """Exposure of every membership in the user's scope that has placements, by trainee surname. Summed in
    the database from the stored figures, those of the memberships read brought up to date first (a cache
    fill, not a change of record)."""
    memberships = ProgrammeMembership.objects.filter(scheme__in=schemes_reported_to(user))
    if region_code:
        memberships = memberships.filter(scheme__region__code=region_code)
    if scheme_code:
        memberships = memberships.filter(scheme__code=scheme_code)
    if intake:
        memberships = memberships.filter(intake=intake)
    if trainee_id is not None:
        memberships = memberships.filter(trainee_id=trainee_id)
    stored = PlacementExposure.objects.filter(membership__in=memberships.values("pk"))
    # Those stored under these memberships too: a placement moved to a membership out of scope leaves here.
    exposure_refresh(Placement.objects.filter(Q(membership__in=memberships.values("pk")) | Q(pk__in=stored)))
    summed = _summed(stored, until)  # only memberships with placements have stored rows
    partial = _in_progress(stored, until) if until is not None else {}
    members = sorted((m for m in memberships.values_list(*MEMBER_FIELDS) if m[0] in summed), key=_by_surname)
    labels = dict(HEFT_MODES.choices)
    return [_row(m, summed[m[0]], partial.get(m[0]), labels) for m in members]


MEMBER_FIELDS = (
    "pk",
    "trainee_id",
    "trainee__forenames",
    "trainee__surname",
    "trainee__gmc_number",
    "scheme__name",
    "scheme__region__name",
    "intake",
    "heft_mode",
)
GP = Q(kind=PostCategory.Kind.GP)
MEASURES = {  # in the order of Exposure's fields, the quintiles last in QUINTILES' order
    "months": Q(),
    "gp": GP,
    "deep_end": GP & Q(deep_end=True),
    "innovative": Q(kind=PostCategory.Kind.INNOVATIVE),
    **{
        f"q{q or 0}": GP & Q(imd_decile__in=[d for d in range(11) if quintile_of_decile(d or None) == q])
        for q in QUINTILES
    },
}


def _summed(stored: QuerySet[PlacementExposure], until: datetime.date | None) -> dict[int, tuple]:
    """{membership id: its months by measure} from the placements that ended by `until` (all if None);
    those in progress on `until` are added from _in_progress, those after it count nothing. Grouped by the
    membership alone: grouping by its names as well took the database twice as long."""
    ended = Q() if until is None else Q(end_date__lte=until)
    sums = {f"sum_{name}": Sum("months", filter=ended & q) for name, q in MEASURES.items()}
    found = stored.values("membership_id").annotate(**sums).order_by().values_list("membership_id", *sums)
    return {pk: measures for pk, *measures in found}


def _in_progress(stored: QuerySet[PlacementExposure], until: datetime.date) -> dict[int, Exposure]:
    """Exposure up to `until` of the placements under way then, computed as the engine does."""
    running = stored.filter(start_date__lte=until, end_date__gt=until).values_list(
        "membership_id", "start_date", "end_date", "wte", "kind", "deep_end", "imd_decile"
    )
    stints = [
        Stint(key, start, end, float(wte), kind, deep_end, quintile_of_decile(decile or None))
        for key, start, end, wte, kind, deep_end, decile in running
    ]
    return exposures(stints, until=until)


def _row(member: tuple, summed: list, partial: Exposure | None, labels: dict) -> ExposureRow:
    pk, trainee_id, forenames, surname, gmc_number, scheme, region, intake, mode = member
    months, gp, deep_end, innovative, *quintiles = (value or 0.0 for value in summed)  # None: nothing
    exposure = Exposure(months, gp, deep_end, innovative, dict(zip(QUINTILES, quintiles, strict=True)))
    if partial is not None:
        _add(exposure, partial)
    return ExposureRow(
        membership_id=pk,
        trainee_id=trainee_id,
        trainee_name=f"{forenames} {surname}",
        gmc_number=gmc_number,
        scheme=scheme,
        region=region,
        intake=intake,
        heft_mode=mode,
        heft_mode_label=labels[mode],
        exposure=exposure,
    )


def _add(exposure: Exposure, more: Exposure) -> None:
    exposure.months += more.months
    exposure.gp += more.gp
    exposure.deep_end += more.deep_end
    exposure.innovative += more.innovative
    for q, months in more.quintiles.items():
        exposure.quintiles[q] += months


def _by_surname(member: tuple) -> tuple:
    """Surname, forenames, intake; then the membership, so that namesakes keep one order."""
    return member[3], member[2], member[7], member[0]


@dataclass(frozen=True)
class GroupSummary:
    """The distribution of exposure for one group of trainees (a scheme or region, and a HEFT mode)."""

    group: str
    heft_mode: str
    heft_mode_label: str
    trainees: int
    months: Summary
    deep_end: Summary
    innovative: Summary
    quintile_means: dict  # IMD quintile (None: no data) -> mean months per trainee


def group_summaries(rows: list[ExposureRow], by: str = "scheme") -> list[GroupSummary]:
    """Summaries for each group and HEFT mode, groups in name order, modes in their declared order."""
    groups: dict[tuple[str, str], list[ExposureRow]] = defaultdict(list)
    for row in rows:
        groups[(getattr(row, by), row.heft_mode)].append(row)
    order = list(HEFT_MODES.values)
    return [
        _summary(group, mode, members)
        for (group, mode), members in sorted(
            groups.items(), key=lambda item: (item[0][0], order.index(item[0][1]))
        )
    ]


def mode_summaries(rows: list[ExposureRow]) -> list[GroupSummary]:
    """Summaries for each HEFT mode across all the rows: how HEFT trainees compare with the others."""
    return [
        _summary("All", mode, members)
        for mode in HEFT_MODES.values
        if (members := [r for r in rows if r.heft_mode == mode])
    ]


def _summary(group: str, mode: str, members: list[ExposureRow]) -> GroupSummary:
    count = len(members)
    quintiles = members[0].exposure.quintiles.keys()
    return GroupSummary(
        group=group,
        heft_mode=mode,
        heft_mode_label=HEFT_MODES(mode).label,
        trainees=count,
        months=summarise(r.exposure.months for r in members),
        deep_end=summarise(r.exposure.deep_end for r in members),
        innovative=summarise(r.exposure.innovative for r in members),
        quintile_means={q: sum(r.exposure.quintiles[q] for r in members) / count for q in quintiles},
    )


def intakes_reported_to(user) -> list[str]:
    memberships = ProgrammeMembership.objects.filter(scheme__in=schemes_reported_to(user))
    intakes = memberships.order_by().values_list("intake", flat=True).distinct()  # a few, not every row
    return sorted(intakes, reverse=True)
