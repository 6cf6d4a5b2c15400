"""Notes every profile adds about what was assumed of the kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memmapcalc.records.params import Params


def version_notes(p: Params, oldest: str) -> list[str]:
    """What was assumed about the kernel: ``oldest`` describes the oldest behaviour."""
    if p.version is None:
        return [f"kernel.version not given: assumed the oldest behaviour ({oldest})"]
    if p.version.major >= 7:
        return [f"kernel {p.version}: memmapcalc's table ends at 6.19; assumed to behave "
                f"like 6.19"]
    return []
