"""The verdict with after IPL in it, and the reasons for a ``warn`` or ``fail``.

``fail``: the machine does not IPL with ``boot.min_margin`` left.  ``warn``: it IPLs with
less than 10 % of online memory left, or not all of its standby memory can be brought into
use after IPL (:class:`~memmapcalc.model.after_ipl.use.Use`).  ``check`` and ``plan`` both
decide here.
"""

from __future__ import annotations

from memmapcalc.arch.registry import vocabulary
from memmapcalc.model.after_ipl.usable import use_after_ipl
from memmapcalc.model.after_ipl.use import Use, short_reason
from memmapcalc.records.budget import Budget
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import budget, verdict
from memmapcalc.units import human_size


def with_after_ipl(ipl_verdict: str, use: Use | None) -> str:
    """A passing IPL becomes ``warn`` when not all standby can be brought into use."""
    return "warn" if ipl_verdict == "pass" and use is not None and use.short else ipl_verdict


def full_verdict(p: Params) -> tuple[str, int]:
    """``p``'s verdict as ``check`` gives it (IPL and after IPL) and its margin."""
    margin = budget(p).margin
    outcome = verdict(margin, p.online, p.min_margin)
    return (with_after_ipl(outcome, use_after_ipl(p)) if outcome != "fail" else outcome), margin


def reasons(p: Params, b: Budget, ipl_verdict: str, use: Use | None) -> list[str]:
    """Why the verdict is ``warn`` or ``fail``, one sentence each (none for ``pass``)."""
    w = vocabulary(p.arch).words
    margin, online = b.margin, p.online
    out: list[str] = []
    if margin < 0:
        out.append(f"cannot {w['ipl']}: needs {human_size(b.required)} of {human_size(online)} "
                   f"{w['online']}, short by {human_size(-margin)}")
    elif ipl_verdict == "fail":
        out.append(f"{w['ipls']} with {human_size(margin)} left, below boot.min_margin "
                   f"({human_size(p.min_margin)})")
    elif ipl_verdict == "warn":
        out.append(f"{w['ipls']} with only {human_size(margin)} of {human_size(online)} "
                   f"{w['online']} left, less than 10 %")
    if ipl_verdict != "fail" and use is not None and use.short:
        out.append(short_reason(use))
    return out
