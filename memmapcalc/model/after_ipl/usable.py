"""``use_after_ipl(p)``: the after-IPL summary of any machine, by how its standby arrives."""

from __future__ import annotations

from memmapcalc.arch.registry import has_standby_behaviours
from memmapcalc.model.after_ipl.bringup import DEFAULT_ZONE, after_ipl
from memmapcalc.model.after_ipl.paging import paging_use
from memmapcalc.model.after_ipl.use import Use, summarise
from memmapcalc.records.params import Params


def use_after_ipl(p: Params) -> Use:
    """Check's after-IPL summary of ``p``: s390x standby (sclp, by kernel era) with blocks
    onlined as chmem does by default, the same numbers ``plan`` shows; the other profiles
    by how their hot-pluggable memory arrives."""
    if not has_standby_behaviours(p.arch):
        return paging_use(p)
    return summarise(after_ipl(p, DEFAULT_ZONE), p)
