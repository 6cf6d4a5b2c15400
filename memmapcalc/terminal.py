"""Colour decision, made once per run: ``--color`` > ``NO_COLOR`` > ``FORCE_COLOR`` > isatty.

``TERM=dumb`` turns colour off in auto mode.  Machine formats never get colour.
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
