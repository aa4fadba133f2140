"""Reads for reports, limited to the regions and schemes in the user's VIEW_REPORTS scope.

Equity exposure: for each programme membership in scope that has placements, the whole-time-equivalent
months spent in Deep End practices, in practices of each IMD quintile and in innovative posts (computed by
heft.engines.deprivation), and their distributions by scheme or region and HEFT mode.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from heft.accounts.permissions import Perm, scope_for
from heft.engines.deprivation import Exposure, Stint, Summary, exposures, quintile_of_decile, summarise
from heft.programmes.models import Region, TrainingScheme
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
    """Exposure of every membership in the user's scope that has placements, by trainee surname."""
    memberships = ProgrammeMembership.objects.filter(
        scheme__in=schemes_reported_to(user), placements__isnull=False
    )
    if region_code:
        memberships = memberships.filter(scheme__region__code=region_code)
    if scheme_code:
        memberships = memberships.filter(scheme__code=scheme_code)
    if intake:
        memberships = memberships.filter(intake=intake)
    if trainee_id is not None:
        memberships = memberships.filter(trainee_id=trainee_id)
    fields = ["pk", "trainee_id", "trainee__forenames", "trainee__surname", "trainee__gmc_number"]
    fields += ["scheme__name", "scheme__region__name", "intake", "heft_mode"]
    members = {m["pk"]: m for m in memberships.distinct().values(*fields)}
    found = exposures(_stints(memberships), until=until)
    labels = dict(HEFT_MODES.choices)
    return [
        ExposureRow(
            membership_id=pk,
            trainee_id=m["trainee_id"],
            trainee_name=f"{m['trainee__forenames']} {m['trainee__surname']}",
            gmc_number=m["trainee__gmc_number"],
            scheme=m["scheme__name"],
            region=m["scheme__region__name"],
            intake=m["intake"],
            heft_mode=m["heft_mode"],
            heft_mode_label=labels[m["heft_mode"]],
            exposure=found.get(pk, Exposure()),
        )
        for pk, m in sorted(members.items(), key=_by_surname)
    ]


def _by_surname(item) -> tuple:
    member = item[1]
    return member["trainee__surname"], member["trainee__forenames"], member["intake"]


def _stints(memberships: QuerySet[ProgrammeMembership]) -> list[Stint]:
    placements = Placement.objects.filter(membership__in=memberships.values("pk")).values_list(
        "membership_id",
        "start_date",
        "end_date",
        "wte",
        "post__category__kind",
        "post__practice__is_deep_end",
        "post__practice__imd_decile",
    )
    return [
        Stint(key, start, end, float(wte), kind, bool(deep_end), quintile_of_decile(decile))
        for key, start, end, wte, kind, deep_end, decile in placements.iterator(chunk_size=5_000)
    ]


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
    return sorted(set(memberships.values_list("intake", flat=True)), reverse=True)
