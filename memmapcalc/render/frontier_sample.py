"""A few points of one machine's frontier (the largest standby that IPLs at a range of
online sizes) for the HTML report's chart.

Each point is the machine as configured with only ``memory.online`` changed, validated
and evaluated through the public API (:func:`memmapcalc.evaluate`), so a value is
exactly what ``check`` reports for that machine at that size — the same as
``memmapcalc frontier --config FILE`` for the machine's own kernel behaviour.  Only
s390x machines: the frontier models s390 standby memory, as ``frontier`` does.
"""

from __future__ import annotations

import functools
from typing import Any

#: Points per machine: online/6, 2·online/6, … 2·online (the configured size is one).
POINTS = 12
_MIB = 1 << 20


def sizes(online: int, unit: int = _MIB) -> list[int]:
    """Online sizes to sample, multiples of ``unit`` (the memory block, so that a storage
    increment is honoured), ascending, without duplicates, the configured size among them."""
    unit = max(unit, _MIB)
    out: list[int] = []
    for step in range(1, POINTS + 1):
        size = online * step // (POINTS // 2) // unit * unit
        if size > 0 and size not in out:
            out.append(size)
    if online not in out:
        out = sorted([*out, online])
    return out


def sample(machine: Any, online: int, unit: int = _MIB) -> dict[str, Any]:
    """``{"available": True, "points": [{"online", "max_standby", "capped"}]}`` or
    ``{"available": False, "why": ...}``; sizes in bytes, ``max_standby`` ``None``
    where nothing IPLs at that size."""
    import json

    from memmapcalc.arch.registry import has_standby_behaviours

    arch = machine.arch
    if not has_standby_behaviours(arch):
        return {"available": False,
                "why": f"the frontier models s390x standby memory; not available for {arch}"}
    base = machine.model_dump(by_alias=True, exclude_none=True, mode="json")
    base.pop("name", None)  # labels only: fleets repeat a few shapes under many names
    base.pop("$schema", None)
    return _sample(json.dumps(base, sort_keys=True), online, unit)


@functools.lru_cache(maxsize=256)
def _sample(base_json: str, online: int, unit: int) -> dict[str, Any]:
    """The frontier of one machine mapping (as JSON: the exact input evaluated, so equal
    keys evaluate equally), computed once per distinct mapping in a run."""
    import json

    from memmapcalc.api import evaluate
    from memmapcalc.config.load import deep_merge
    from memmapcalc.errors import InputError

    base = json.loads(base_json)
    points = []
    for size in sizes(online, unit):
        try:
            result = evaluate(deep_merge(base, {"memory": {"online": size}}))
        except InputError:  # a size this machine's settings refuse is simply not drawn
            continue
        except Exception as error:  # a chart must not cost the report
            return {"available": False,
                    "why": f"could not be computed ({type(error).__name__}: {error})"}
        points.append({"online": size, "max_standby": result.max_standby,
                       "capped": result.evaluation.max_standby_capped})
    return {"available": True, "points": points}
