"""One point of the frontier: the largest standby each behaviour IPLs at one online size."""

from __future__ import annotations

from dataclasses import dataclass

from memmapcalc.model.plan.variants import variants
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import budget


@dataclass(frozen=True, slots=True)
class Limit:
    """The largest standby that IPLs for one behaviour at one online size."""

    max_standby: int | None
    #: the architecture's 64 TiB of physical memory caps it (no model limit below)
    capped: bool


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    online: int
    #: per behaviour key; ``None`` when the behaviour cannot apply to this machine
    limits: dict[str, Limit | None]


def frontier_point(p: Params) -> FrontierPoint:
    """Largest standby per behaviour for ``p``'s online size (``max_standby`` of each
    variant: exactly what ``check`` reports for the variant's config).

    Example: 4 GiB online as configs/zvm-lnx01-6.8.yaml -> boot-add 242934087680 B
    (231680M), boot-add-mom-on and deferred capped at 64 TiB − 4 GiB.
    """
    limits: dict[str, Limit | None] = {}
    for variant in variants(p):
        if variant.params is None:
            limits[variant.key] = None
            continue
        q = variant.params
        value, capped = q.profile.max_standby(q, budget(q))
        limits[variant.key] = Limit(value, capped)
    return FrontierPoint(p.online, limits)
