"""The verdict of a budget, and the two questions every step of the model asks of a
machine's profile: its budget, and whether it passes (boots with ``min_margin`` left)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memmapcalc.records.budget import Budget
    from memmapcalc.records.params import Params


def verdict(margin: int, online: int, min_margin: int) -> str:
    """``fail`` below the configured minimum margin, ``warn`` below 10 % of online, else
    ``pass``."""
    if margin < min_margin:
        return "fail"
    if margin * 10 < online:
        return "warn"
    return "pass"


def budget(p: Params) -> Budget:
    """Charge booting's consumers to online (boot) memory, by the machine's profile."""
    result: Budget = p.profile.budget(p)
    return result


def passes(p: Params) -> bool:
    """Does the machine boot with at least ``min_margin`` left?  (warn counts as passing.)"""
    ok: bool = p.profile.passes(p)
    return ok
