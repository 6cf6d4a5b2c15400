"""Bars for the terminal (rich): the online-memory budget as one stacked bar, and the
horizontal bars of ``memmapcalc frontier``'s chart.

Every segment has its own glyph as well as its own colour, so the picture reads the same
without colour (NO_COLOR, ``--color never``).  Widths are exact integer shares: a
segment ends at ``floor(cumulative bytes * width / online)``, so the segments always add
up to the bar's width and the bar never claims more than the bytes say.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from memmapcalc.units import human_size, human_size_at_least, human_size_at_most

#: The budget bar's groups of ``charged_at_ipl`` items, in the order they fill online
#: memory (what the kernel takes first comes first): glyph, colour, items.
GROUPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("kernel", "█", "blue", ("kernel_image", "initramfs", "crashkernel", "cma",
                                  "metadata")),
    ("memmaps", "▓", "magenta", ("online_memmap", "standby_memmap")),
    ("page tables", "▒", "yellow", ("page_tables",)),
    ("reserves", "░", "cyan", ("min_free", "userspace")),
)
FREE = ("free", "·", "green")
BAR_WIDTH = 64


def budget_groups(result: dict[str, Any]) -> list[tuple[str, int]]:
    """``(group, bytes)`` for each group of a contract result, then ``free`` (the margin,
    0 when IPL is short).  Example: lnx01 on 6.8 -> kernel 137.26 MiB, memmaps 4 GiB …"""
    charged = result["charged_at_ipl"]
    groups = [(name, sum(charged[item] for item in items)) for name, _, _, items in GROUPS]
    return [*groups, (FREE[0], max(0, result["margin"]))]


def segment_widths(sizes: list[int], whole: int, width: int) -> list[int]:
    """Characters per segment: segment ``i`` ends at ``min(width, floor(Σ sizes[:i+1] *
    width / whole))``; what does not fit in ``whole`` gets nothing.

    >>> segment_widths([1, 1, 2], 4, 8)
    [2, 2, 4]
    >>> segment_widths([3, 3], 4, 8)  # overflow: the second segment is cut
    [6, 2]
    """
    widths, cumulative, drawn = [], 0, 0
    for size in sizes:
        cumulative += size
        end = min(width, cumulative * width // whole) if whole > 0 else 0
        widths.append(end - drawn)
        drawn = end
    return widths


def budget_bar(result: dict[str, Any], width: int = BAR_WIDTH, indent: str = "       ",
               line_width: int | None = None) -> Text:
    """Online memory as one bar filled in order by the kernel, the memmaps, the page
    tables and the reserves; what is left is free.  When IPL needs more than online memory
    the bar is full and the line says by how much it overflows.  ``line_width`` (a
    terminal's): the bar is shortened so that its line fits, the legend is split between
    its items."""
    groups = budget_groups(result)
    online = result["online"]
    styles = [(glyph, colour) for _, glyph, colour, _ in GROUPS] + [(FREE[1], FREE[2])]
    tail = Text("▏ " + human_size(online))
    if result["margin"] < 0:
        tail.append(f"  short by {human_size_at_least(-result['margin'])}", style="bold red")
    head = indent + "online ▕"
    if line_width is not None:
        width = max(8, min(width, line_width - len(head) - len(tail.plain)))
    widths = segment_widths([size for _, size in groups], online, width)
    bar = Text(head)
    for (glyph, colour), chars in zip(styles, widths, strict=True):
        bar.append(glyph * chars, style=colour)
    bar.append_text(tail)
    lines = [Text(indent + "       ")]
    for (name, size), (glyph, colour) in zip(groups, styles, strict=True):
        shown = human_size_at_most(size) if name == FREE[0] else human_size(size)
        item = Text.assemble((glyph, colour), f" {name} {shown}")
        line = lines[-1]
        if line.plain.strip() and line_width is not None and \
                len(line.plain) + 2 + len(item.plain) > line_width:
            lines.append(Text(indent + "       "))
            line = lines[-1]
        if line.plain.strip():
            line.append("  ")
        line.append_text(item)
    return Text("\n").join([bar, *lines])


def hbar(value: int, scale: int, width: int) -> str:
    """A horizontal bar of ``value`` on a ``scale`` that fills ``width`` characters, in
    eighths of a character (▏▎▍▌▋▊▉█).  Example: hbar(3, 8, 4) == '█▌'."""
    if scale <= 0 or value <= 0:
        return ""
    eighths = min(width * 8, value * width * 8 // scale)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[rest]
