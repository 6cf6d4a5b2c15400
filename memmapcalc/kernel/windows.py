"""Page-table windows: how many aligned spans of a size a physical range touches, and how
many of them are new beyond what is mapped already (the s390 DAT tables and every paging
profile's tables are counted this way)."""

from __future__ import annotations


def windows(start: int, end: int, span: int) -> tuple[int, int]:
    """Indices ``[first, last + 1)`` of the ``span``-sized windows that ``[start, end)`` touches."""
    if end <= start:
        return (0, 0)
    return (start // span, (end - 1) // span + 1)


def new_windows(start: int, end: int, span: int, covered_end: int) -> int:
    """Windows touched by ``[start, end)`` beyond those already touched by ``[0, covered_end)``."""
    first, stop = windows(start, end, span)
    _, covered_stop = windows(0, covered_end, span)
    return max(0, stop - max(first, covered_stop))
