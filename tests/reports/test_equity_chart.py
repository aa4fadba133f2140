"""The equity charts read as drawn: with a region's eleven schemes, no two pieces of text overlap (scheme
names once ran together under the bars) and the legend covers no bar; the chart grows with the schemes.

The SVG is read as a browser draws it: each text's box from its position, anchor, rotation and its width in
the font matplotlib set it in; each bar's box from its path.
"""

import base64
import re
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from heft.core.charts import PALETTE
from heft.engines.deprivation.exposure import QUINTILES, Summary
from heft.reports.report import EquityReport, deep_end_chart, quintile_chart
from heft.reports.selectors import GroupSummary

pytestmark = pytest.mark.django_db  # the charts are kept in the cache, a table of the database

SVG = "{http://www.w3.org/2000/svg}"
SCHEMES = [
    "Bath & Swindon",
    "Bristol",
    "Cambridge",
    "Cornwall",
    "Exeter",
    "Gloucestershire",
    "Ipswich",
    "Luton & Bedford",
    "Norwich",
    "Peterborough",
    "Plymouth",
]
MODES = {
    "rotation": "HEFT rotation",
    "enrolment_only": "Enrolment only (teaching and community)",
    "none": "Not in HEFT",
}


def median_of(months: float) -> Summary:
    return Summary(
        count=1, mean=months, median=months, lower_quartile=None, upper_quartile=None, low=0, high=0
    )


def report_for(schemes: list[str]) -> EquityReport:
    """HEFT rotations with 18 months in Deep End practices in most schemes; the others with none."""
    quintiles = dict.fromkeys(QUINTILES, 3.0)

    def summary(group, mode, months):
        return GroupSummary(
            group, mode, MODES[mode], 4, median_of(30), median_of(months), median_of(0), quintiles
        )

    groups = [summary(s, mode, 18 if mode == "rotation" else 0) for s in schemes for mode in MODES]
    modes = [summary("All", mode, 18 if mode == "rotation" else 0) for mode in MODES]
    return EquityReport(rows=[], groups=groups, modes=modes, by="scheme", until=None)


def svg_root(data_uri: str) -> ET.Element:
    return ET.fromstring(base64.b64decode(data_uri.split(",", 1)[1]))  # noqa: S314 (our own chart)


Box = tuple[float, float, float, float]  # left, top, right, bottom


def text_box(element: ET.Element) -> Box:
    style = element.get("style", "")
    size = float(re.search(r"font-size: ([\d.]+)px", style).group(1))
    width, height, descent = TextToPath().get_text_width_height_descent(
        element.text, FontProperties(family="DejaVu Sans", size=size), ismath=False
    )
    x, y = float(element.get("x")), float(element.get("y"))
    anchor = re.search(r"text-anchor: (\w+)", style).group(1)
    start = {"start": 0, "middle": -width / 2, "end": -width}[anchor]
    along, across = (start, start + width), (-(height - descent), descent)
    angle = re.search(r"rotate\((-?[\d.]+)", element.get("transform", "rotate(0")).group(1)
    if abs(float(angle)) == 90:  # the y axis's label, read upwards
        return x + across[0], y - along[1], x + across[1], y - along[0]
    return x + along[0], y + across[0], x + along[1], y + across[1]


def path_box(element: ET.Element) -> Box:
    numbers = [float(n) for n in re.findall(r"-?[\d.]+", element.get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def overlap(a: Box, b: Box, slack: float = 0.5) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def texts(root: ET.Element) -> list[tuple[str, Box]]:
    return [(t.text, text_box(t)) for t in root.iter(f"{SVG}text") if t.text and t.text.strip()]


def bars(root: ET.Element) -> list[Box]:
    """The bars drawn in the plot (not the legend's keys), those with an area."""
    axes = next(g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("axes_"))
    keys = {id(p) for g in axes.iter(f"{SVG}g") if g.get("id", "").startswith("legend_") for p in g.iter()}
    colours = tuple(f"fill: {colour}" for colour in PALETTE)
    boxes = [
        path_box(p)
        for p in axes.iter(f"{SVG}path")
        if p.get("style", "").startswith(colours) and id(p) not in keys
    ]
    return [b for b in boxes if b[2] - b[0] > 0.1 and b[3] - b[1] > 0.1]


def legend_box(root: ET.Element) -> Box:
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("legend_"))
    boxes = [path_box(p) for p in legend.iter(f"{SVG}path")] + [b for _, b in texts(legend)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


CHARTS = {"deep end by scheme": deep_end_chart, "IMD quintiles": quintile_chart}


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_no_two_pieces_of_text_overlap(chart):
    root = svg_root(chart(report_for(SCHEMES)))
    overlapping = [
        f"{a!r} and {b!r}" for (a, box_a), (b, box_b) in combinations(texts(root), 2) if overlap(box_a, box_b)
    ]
    assert not overlapping, "these run together: " + "; ".join(overlapping)
    if chart is deep_end_chart:
        assert {text for text, _ in texts(root)} >= set(SCHEMES)  # every scheme is named


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_the_legend_covers_no_bar(chart):
    root = svg_root(chart(report_for(SCHEMES)))
    drawn = bars(root)
    assert drawn, "no bars found: has the chart's drawing changed?"
    legend = legend_box(root)
    assert not [bar for bar in drawn if overlap(legend, bar)]


def test_the_chart_grows_with_the_schemes():
    def height(schemes):
        return float(svg_root(deep_end_chart(report_for(schemes))).get("height").removesuffix("pt"))

    assert height(SCHEMES) > height(SCHEMES[:2]) * 1.5
