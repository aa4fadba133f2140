"""Server-rendered charts as SVG (matplotlib). Every chart is shown beside a table of the same numbers,
and served as an image, so the page's Content Security Policy needs no inline styles."""

import hashlib
import io
from collections.abc import Callable

import matplotlib
from django.core.cache import cache

matplotlib.use("Agg")  # no display: render to files only

from matplotlib.figure import Figure  # noqa: E402 (after choosing the backend)

# NHS.UK colours, distinguishable for colour-blind readers in this order.
PALETTE = ["#005eb8", "#ed8b00", "#007f3b", "#330072", "#768692", "#ae2573"]
DRAWING_KEEP_SECONDS = 24 * 60 * 60
DRAWING_VERSION = 1  # raise it when the way charts are drawn changes, so that none is served from before


def drawn_once(kind: str, shown: object, draw: Callable[[], bytes]) -> bytes:
    """The drawing of `shown` (everything the chart shows, as plain data) from the cache, else drawn and
    kept. The same numbers give the same picture, so nothing needs clearing when data change; and matplotlib
    takes the best part of a second for a chart of thirty bars."""
    drawn = repr((DRAWING_VERSION, matplotlib.__version__, shown))
    key = f"chart:{kind}:" + hashlib.sha256(drawn.encode()).hexdigest()
    drawing = cache.get(key)
    if drawing is None:
        drawing = draw()
        cache.set(key, drawing, DRAWING_KEEP_SECONDS)
    return drawing


def grouped_bar_svg(
    categories: list[str], series: dict[str, list[float]], *, title: str, xlabel: str, ylabel: str
) -> bytes:
    """A grouped bar chart: one group per category, one bar per series."""
    figure = Figure(figsize=(8, 4.2), dpi=100)
    axes = figure.add_subplot()
    count = max(len(series), 1)
    width = 0.8 / count
    for index, (label, values) in enumerate(series.items()):
        positions = [i - 0.4 + width * (index + 0.5) for i in range(len(categories))]
        axes.bar(positions, values, width=width, label=label, color=PALETTE[index % len(PALETTE)])
    axes.set_xticks(range(len(categories)), categories)
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def grouped_barh_svg(
    categories: list[str], series: dict[str, list[float]], *, title: str, xlabel: str, ylabel: str
) -> bytes:
    """A grouped bar chart on its side: one row per category, its name on the y axis, where a long name has
    room; the legend below the plot, outside it, so it covers no bar; the height grows with the rows."""
    count = max(len(series), 1)
    height = 1.9 + max(len(categories), 1) * (0.12 * count + 0.16)
    figure = Figure(figsize=(7, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    bar = 0.8 / count
    for index, (label, values) in enumerate(series.items()):
        positions = [i - 0.4 + bar * (index + 0.5) for i in range(len(categories))]
        axes.barh(positions, values, height=bar, label=label, color=PALETTE[index % len(PALETTE)])
    axes.set_yticks(range(len(categories)), categories)
    axes.invert_yaxis()  # the first category at the top, in the order of the table beside it
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.spines[["top", "right"]].set_visible(False)
    axes.xaxis.grid(True, color="#d8dde0")
    axes.set_axisbelow(True)
    figure.suptitle(title)
    if len(series) > 1:
        figure.legend(loc="outside lower center", ncols=count, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
