"""Server-rendered SVG charts (matplotlib, Agg). Each page shows the same numbers in a table beside them."""

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 (after choosing the backend)

from heft.core.charts import drawn_once  # noqa: E402

# NHS colours: green, warm yellow, red; each bar also carries a hatch so colour is not the only cue.
SERIES = (
    ("attended", "Attended", "#007f3b", ""),
    ("apologies", "Apologies", "#ffb81c", "//"),
    ("absent", "Absent", "#d5281b", ".."),
)
MOST_ROWS = 30


def attendance_svg(rows: list[dict], *, title: str) -> bytes:
    """A horizontal stacked bar per row (session, region or trainee) of attended / apologies / absent: the
    first MOST_ROWS rows."""
    rows = rows[:MOST_ROWS]
    return drawn_once("attendance", (rows, title), lambda: _drawn(rows, title))


def _drawn(rows: list[dict], title: str) -> bytes:
    height = 1.6 + 0.35 * max(len(rows), 1)
    figure = Figure(figsize=(8, height), layout="constrained")
    axes = figure.add_subplot()
    labels = [_short(r["label"]) for r in rows]
    left = [0] * len(rows)
    for key, label, colour, hatch in SERIES:
        values = [r[key] for r in rows]
        axes.barh(labels, values, left=left, label=label, color=colour, hatch=hatch, edgecolor="#212b32")
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_xlabel("Trainees")
    figure.suptitle(title)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, fontsize="small", frameon=False)
    if not rows:
        axes.text(0.5, 0.5, "No attendance recorded yet", ha="center", va="center", transform=axes.transAxes)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _short(label: str, length: int = 48) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"
