"""Server-rendered charts as SVG (matplotlib). Every chart is shown beside a table of the same numbers,
and served as an image, so the page's Content Security Policy needs no inline styles."""

import io

import matplotlib

matplotlib.use("Agg")  # no display: render to files only

from matplotlib.figure import Figure  # noqa: E402 (after choosing the backend)

# NHS.UK colours, distinguishable for colour-blind readers in this order.
PALETTE = ["#005eb8", "#ed8b00", "#007f3b", "#330072", "#768692", "#ae2573"]


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
