"""``memmapcalc frontier`` as text: a table of the largest standby that IPLs per kernel
behaviour and online size, and one bar chart per group of identical frontiers (rich).

Also the cells, labels and groups (:func:`series`) the plot and the html report share.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

HEADS = {"boot-add": "no mom", "boot-add-mom-off": "mom=0", "boot-add-mom-on": "mom=1",
         "boot-add-mom-force": "mom=force", "deferred": "deferred"}
_COLOURS = ("magenta", "cyan", "yellow", "blue", "green")
CHART_WIDTH = 48
#: rich's line width: wide enough that a table is never cropped (files and pipes get it at
#: its natural width, lines unwrapped; a terminal gets its own width, render/fit.py).
WIDTH = 1000


def cell(value: int | None, capped: bool) -> str:
    """Table cell: the size as every report shows one, rounded down (a maximum never reads
    as more than it is; the exact bytes are in ``-f json`` and ``-f csv``), ``64 TiB cap``
    or ``none``."""
    from memmapcalc.units import human_size_at_most

    if value is None:
        return "none"
    return "64 TiB cap" if capped else human_size_at_most(value)


def label(value: int | None, capped: bool) -> str:
    """Chart label: readable size (rounded down, a maximum), ``64 TiB cap`` or ``none``."""
    from memmapcalc.units import human_size_at_most

    if value is None:
        return "none"
    return "64 TiB cap" if capped else human_size_at_most(value)


def online_labels(document: dict[str, Any]) -> list[str]:
    """The online sizes as every report shows sizes (``4.5 GiB``), or, when two would read
    the same (a fine ``--step``), exactly as ``--online`` takes them (``4520M``)."""
    from memmapcalc.units import format_size, human_size

    sizes = [point["online"] for point in document["points"]]
    shown = [human_size(size) for size in sizes]
    return shown if len(set(shown)) == len(shown) else [format_size(size) for size in sizes]


def series(document: dict[str, Any]) -> list[tuple[list[str], list[tuple[int | None, bool]]]]:
    """Applicable behaviours grouped by identical frontiers: ``(keys, [(value, capped)])``."""
    groups: dict[tuple[tuple[int | None, bool], ...], list[str]] = {}
    for behaviour in document["behaviours"]:
        if not behaviour["applicable"]:
            continue
        key = behaviour["key"]
        values = tuple((point["max_standby"][key], point["capped"][key])
                       for point in document["points"])
        groups.setdefault(values, []).append(key)
    return [(keys, list(values)) for values, keys in groups.items()]


def render(document: dict[str, Any], colored: bool, width: int | None = None) -> str:
    """The frontier as a table (a column per behaviour, a row per online size) and a chart,
    wrapped to ``width`` (a terminal's: the table in parts and a shorter chart; None: a
    file or pipe, unwrapped)."""
    from rich.console import Console

    from memmapcalc.render.fit import Fitted, column_groups
    from memmapcalc.render.safe import markup
    from memmapcalc.units import format_size

    buffer = io.StringIO()
    real = Console(file=buffer, force_terminal=colored, no_color=not colored,
                   width=WIDTH,
                   highlight=False, soft_wrap=False, emoji=False, legacy_windows=False)
    console = Fitted(real, width)
    machine = document["machine"]
    points = document["points"]
    sizes = [point["online"] for point in points]
    span = (f"online {format_size(sizes[0])}" if len(sizes) == 1 else
            f"online {format_size(sizes[0])} to {format_size(sizes[-1])}, {len(sizes)} sizes")
    console.print(f"[bold]largest standby that IPLs[/bold] — {markup(machine['name'])}  "
                  f"[dim]{markup(machine['path'])}[/dim]; {span}", soft_wrap=True)
    behaviours = document["behaviours"]
    for table in column_groups(lambda shown, indent: _table(document, shown, indent),
                               len(behaviours), real, width):
        console.print(table, new_line_start=True)
    console.print("       [dim]mom: memmap-on-memory (memory_hotplug.memmap_on_memory=0, 1 "
                  "or force)[/dim]", soft_wrap=True)
    for behaviour in behaviours:
        if not behaviour["applicable"] or not behaviour["effective"]:
            console.print(f"       [dim]{behaviour['mainline']} {HEADS[behaviour['key']]}: "
                          f"{markup(behaviour['why'])}[/dim]", soft_wrap=True)
    console.print()
    chart = CHART_WIDTH if width is None else max(8, min(CHART_WIDTH, width - 30))
    _chart(console, document, chart)  # type: ignore[arg-type]
    return buffer.getvalue()


def _table(document: dict[str, Any], shown: list[int], indent: int) -> Any:
    """The table of the behaviours ``shown`` (indices), the online column indented."""
    from rich.table import Table

    from memmapcalc.render.safe import markup

    pad = " " * indent
    behaviours = [document["behaviours"][index] for index in shown]
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column(f"{pad}online", justify="right", no_wrap=True)
    for behaviour in behaviours:
        kernel = behaviour["kernel"] or "—"
        head = f"{behaviour['mainline']}\n{HEADS[behaviour['key']]}\n{markup(kernel)}"
        table.add_column(head + ("\n(yours)" if behaviour["yours"] else ""), justify="right",
                         no_wrap=True)
    for point, online in zip(document["points"], online_labels(document), strict=True):
        cells = [cell(point["max_standby"][b["key"]], point["capped"][b["key"]])
                 if b["applicable"] else "n/a" for b in behaviours]
        table.add_row(f"{pad}{online}", *cells)
    return table


def _chart(console: Console, document: dict[str, Any],
           chart_width: int = CHART_WIDTH) -> None:
    """One horizontal bar chart per group of behaviours with the same frontier, each on
    its own scale (a full bar is the group's largest value; the frontiers differ by orders
    of magnitude); groups capped at every size are one line, capped points a full bar ▶."""
    from memmapcalc.render.bar import hbar

    titles = {b["key"]: f"{b['mainline']} {HEADS[b['key']]}" for b in document["behaviours"]}
    groups = series(document)
    sizes = online_labels(document)
    width = max(len(size) for size in sizes)
    for index, (keys, values) in enumerate(groups):
        colour = _COLOURS[index % len(_COLOURS)]
        name = " = ".join(titles[key] for key in keys)
        if all(capped for _, capped in values):
            console.print(f"       [{colour}]{name}[/]: no limit below the 64 TiB s390 maximum "
                          f"at any size", soft_wrap=True)
            continue
        scale = max((value for value, capped in values if value is not None and not capped),
                    default=0)
        console.print(f"       [bold {colour}]{name}[/]  "
                      f"[dim](full bar: {label(scale, False)})[/dim]", soft_wrap=True)
        for size, (value, capped) in zip(sizes, values, strict=True):
            bar = "█" * chart_width + "▶" if capped else hbar(value or 0, scale, chart_width)
            console.print(f"       {size:>{width}} │[{colour}]{bar}[/] {label(value, capped)}",
                          soft_wrap=True)
