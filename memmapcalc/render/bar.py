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

from memmapcalc.units import human_size

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
    0 when IPL is short).  Example: lnx01 on 6.8 -> kernel 197.78 MiB, memmaps 4 GiB …"""
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


def budget_bar(result: dict[str, Any], width: int = BAR_WIDTH, indent: str = "       ") -> Text:
    """Online memory as one bar filled in order by the kernel, the memmaps, the page
    tables and the reserves; what is left is free.  When IPL needs more than online memory
    the bar is full and the line says by how much it overflows."""
    groups = budget_groups(result)
    online = result["online"]
    styles = [(glyph, colour) for _, glyph, colour, _ in GROUPS] + [(FREE[1], FREE[2])]
    widths = segment_widths([size for _, size in groups], online, width)
    bar = Text(indent + "online ")
    bar.append("▕")
    for (glyph, colour), chars in zip(styles, widths, strict=True):
        bar.append(glyph * chars, style=colour)
    bar.append("▏ " + human_size(online))
    if result["margin"] < 0:
        bar.append(f"  short by {human_size(-result['margin'])}", style="bold red")
    legend = Text(indent + "       ")
    for index, ((name, size), (glyph, colour)) in enumerate(zip(groups, styles, strict=True)):
        if index:
            legend.append("  ")
        legend.append(glyph, style=colour)
        legend.append(f" {name} {human_size(size)}")
    return Text("\n").join([bar, legend])


def hbar(value: int, scale: int, width: int) -> str:
    """A horizontal bar of ``value`` on a ``scale`` that fills ``width`` characters, in
    eighths of a character (▏▎▍▌▋▊▉█).  Example: hbar(3, 8, 4) == '█▌'."""
    if scale <= 0 or value <= 0:
        return ""
    eighths = min(width * 8, value * width * 8 // scale)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[rest]
