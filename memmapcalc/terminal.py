"""Colour decision, made once per run: ``--color`` > ``NO_COLOR`` > ``FORCE_COLOR`` > isatty.

``TERM=dumb`` turns colour off in auto mode.  Machine formats never get colour.  The
width text output is wrapped to: the terminal's, and none for a file or pipe.
"""

from __future__ import annotations

import os
from typing import TextIO


def use_color(choice: str, stream: TextIO) -> bool:
    """Whether to colour output written to ``stream`` (choice: auto, always, never)."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width(stream: TextIO) -> int | None:
    """The width to wrap text output to: the terminal's (``COLUMNS`` when it is set to a
    positive number, as shells export it, else the terminal's own size) when ``stream`` is
    a terminal; ``None`` for a file or pipe, whose text never depends on the environment
    it was produced in."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isascii() and columns.isdigit() and 0 < int(columns) < 10_000:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, OSError, ValueError):
        return None
