"""The equity report as pages, downloads and the API show it: rows within scope, summaries and charts."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass

import matplotlib
from django.utils import timezone

from heft.core.charts import drawn_once, grouped_barh_svg
from heft.engines.deprivation.exposure import QUINTILES
from heft.reports.selectors import (
    GROUPINGS,
    ExposureRow,
    GroupSummary,
    exposure_rows,
    group_summaries,
    mode_summaries,
)

QUINTILE_LABELS = {
    1: "Quintile 1 (most deprived)",
    2: "Quintile 2",
    3: "Quintile 3",
    4: "Quintile 4",
    5: "Quintile 5 (least deprived)",
    None: "No deprivation data",
}


@dataclass
class EquityReport:
    rows: list[ExposureRow]
    groups: list[GroupSummary]
    modes: list[GroupSummary]
    by: str
    until: datetime.date | None


def until_for(period: str) -> datetime.date | None:
    """'to_date' counts time up to today; anything else every placement recorded, planned ones too."""
    return timezone.localdate() if period == "to_date" else None


def equity_report(
    user, *, region_code="", scheme_code="", intake="", by="scheme", period="all"
) -> EquityReport:
    until = until_for(period)
    rows = exposure_rows(user, region_code=region_code, scheme_code=scheme_code, intake=intake, until=until)
    return EquityReport(rows, group_summaries(rows, by), mode_summaries(rows), by, until)


def _svg(categories, series, **labels) -> bytes:
    """The shared chart on its side (scheme and region names need the room), with its text kept as text: a
    tenth of the size of text drawn as paths."""
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        return grouped_barh_svg(categories, series, **labels)


def _chart(categories, series, **labels) -> str:
    """The chart as a data URI, drawn once for the numbers it shows: matplotlib takes about a second for a
    national chart of 120 schemes."""
    shown = (categories, series, sorted(labels.items()))
    return as_data_uri(drawn_once("equity", shown, lambda: _svg(categories, series, **labels)))


def as_data_uri(svg: bytes) -> str:
    """An SVG as an <img> source: the chart's own styles stay inside the image, so the page's CSP holds."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def deep_end_chart(report: EquityReport) -> str:
    """Median Deep End months by group, one bar per HEFT mode."""
    groups = sorted({g.group for g in report.groups})
    medians = {(g.group, g.heft_mode): g.deep_end.median or 0 for g in report.groups}
    series = {
        m.heft_mode_label: [medians.get((group, m.heft_mode), 0) for group in groups] for m in report.modes
    }
    return _chart(
        groups,
        series,
        title="Months in Deep End practices (median, whole-time equivalent)",
        xlabel="Months",
        ylabel=GROUPINGS[report.by],
    )


def quintile_chart(report: EquityReport) -> str:
    """Mean months per trainee in practices of each IMD quintile, one bar per HEFT mode."""
    series = {m.heft_mode_label: [m.quintile_means[q] for q in QUINTILES] for m in report.modes}
    return _chart(
        [f"Q{q}" if q else "No data" for q in QUINTILES],
        series,
        title="Months in GP practices by IMD quintile (mean per trainee; Q1 most deprived)",
        xlabel="Months",
        ylabel="National IMD quintile of the practice",
    )


TRAINEE_HEADER = [
    "Trainee",
    "GMC number",
    "Scheme",
    "Region",
    "Intake",
    "HEFT",
    "Months (WTE)",
    "GP months",
    "Deep End months",
    "Innovative post months",
    *[f"{QUINTILE_LABELS[q]} months" for q in QUINTILES],
]
SUMMARY_HEADER = [
    "Group",
    "HEFT",
    "Trainees",
    "Deep End months: mean",
    "median",
    "lower quartile",
    "upper quartile",
    "Innovative months: mean",
    "median",
    "Months in training: mean",
    *[f"{QUINTILE_LABELS[q]}: mean" for q in QUINTILES],
]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def trainee_table(rows: list[ExposureRow]) -> list[list]:
    return [
        [
            r.trainee_name,
            r.gmc_number,
            r.scheme,
            r.region,
            r.intake,
            r.heft_mode_label,
            _round(r.exposure.months),
            _round(r.exposure.gp),
            _round(r.exposure.deep_end),
            _round(r.exposure.innovative),
            *[_round(r.exposure.quintiles[q]) for q in QUINTILES],
        ]
        for r in rows
    ]


def summary_table(groups: list[GroupSummary]) -> list[list]:
    return [
        [
            g.group,
            g.heft_mode_label,
            g.trainees,
            _round(g.deep_end.mean),
            _round(g.deep_end.median),
            _round(g.deep_end.lower_quartile),
            _round(g.deep_end.upper_quartile),
            _round(g.innovative.mean),
            _round(g.innovative.median),
            _round(g.months.mean),
            *[_round(g.quintile_means[q]) for q in QUINTILES],
        ]
        for g in groups
    ]
