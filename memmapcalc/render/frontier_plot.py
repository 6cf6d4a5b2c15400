"""``memmapcalc frontier --plot FILE``: the frontier as a line chart (.svg or .png).

matplotlib (the ``plot`` extra) is imported only when a plot is drawn.
"""

from __future__ import annotations

import io
from typing import Any

from memmapcalc.errors import MemmapcalcError
from memmapcalc.render.frontier_text import HEADS, series

PLOT_EXTENSIONS = (".svg", ".png")


class PlotError(MemmapcalcError):
    """``--plot`` cannot be honoured (matplotlib missing, bad file name): exit status 2."""


def load_matplotlib() -> Any:
    """matplotlib with a file-only backend, or a clear error naming the extra."""
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise PlotError("--plot needs matplotlib, which is not installed: "
                        "pip install 'memmapcalc[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot  # type: ignore[import-not-found, unused-ignore]

    return pyplot


def plot_series(document: dict[str, Any]) -> list[tuple[str, list[float], list[float | None]]]:
    """What the plot draws: per group ``(legend, online GiB, max standby GiB or None)`` —
    the JSON's numbers in GiB; a capped point is drawn at its value (64 TiB - online, the
    architecture's limit), a size where nothing IPLs is a gap (``None``).  Floats only here,
    for drawing."""
    titles = {b["key"]: f"{b['mainline']} {HEADS[b['key']]}" for b in document["behaviours"]}
    xs = [point["online"] / (1 << 30) for point in document["points"]]
    out = []
    for keys, values in series(document):
        ys = [None if value is None else value / (1 << 30) for value, _ in values]
        legend = " = ".join(titles[key] for key in keys)
        if any(capped for _, capped in values):
            legend += " (at 64 TiB: no limit below the s390 maximum)"
        out.append((legend, xs, ys))
    return out


def draw(document: dict[str, Any], path: str) -> None:
    """Write the frontier as a line chart to ``path`` (.svg or .png), atomically."""
    from memmapcalc.atomic import write_bytes_atomically

    pyplot = load_matplotlib()
    figure, axes = pyplot.subplots(figsize=(8, 5))
    for legend, xs, ys in plot_series(document):
        axes.plot(xs, [float("nan") if y is None else y for y in ys], marker="o",
                  markersize=3, label=legend)
    axes.set_xlabel("online memory (GiB)")
    axes.set_ylabel("largest standby that IPLs (GiB, log scale)")
    axes.set_yscale("log")  # the behaviours differ by orders of magnitude
    axes.set_title(f"memmapcalc frontier: {document['machine']['name']}")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=path.rsplit(".", 1)[-1].lower())
    pyplot.close(figure)
    write_bytes_atomically(path, buffer.getvalue())
