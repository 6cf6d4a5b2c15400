"""The two size fixes every profile offers a failing machine, each verified by re-running
the model with it applied: raise the online (boot) memory to ``min_online``, lower the
hot-pluggable memory to ``max_standby``.  The profiles word them in their own terms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from memmapcalc.kernel.cmdline_fix import crash_text, mem_text
from memmapcalc.records.fixes import Fix, FixKind
from memmapcalc.records.params import Params, footprint_hint
from memmapcalc.units import format_size


def size_tips(p: Params, min_online: int | None, max_standby: int | None,
              passes: Callable[[Params], bool], online: str, standby: str) -> list[Fix]:
    """``raise {online} to …`` and ``lower {standby} to …`` where they apply."""
    tips: list[Fix] = []
    if min_online is not None and min_online > p.online:
        assert passes(replace(p, online=min_online))
        tips.append(Fix(FixKind.RAISE_ONLINE, f"raise {online} to {format_size(min_online)} "
                        f"(+{format_size(min_online - p.online)})"
                        f"{line_fix(p, min_online, p.standby)}{footprint_hint(p)}",
                        min_online, p.standby))
    if max_standby is not None and max_standby < p.standby:
        assert passes(replace(p, standby=max_standby))
        tips.append(Fix(FixKind.LOWER_STANDBY, f"lower {standby} to {format_size(max_standby)} "
                        f"(-{format_size(p.standby - max_standby)})"
                        f"{line_fix(p, p.online, max_standby)}", p.online, max_standby))
    return tips


def line_fix(p: Params, online: int, standby: int) -> str:
    """What a fix to (online, standby) changes in ``kernel.cmdline`` too (cmdline_fix)."""
    crash = "" if p.footprint is not None else crash_text(
        p.cmdline_tokens, p.crash_ident_map, p.crashkernel, p.mem_limit, p.online, p.standby,
        online, standby)
    return mem_text(p.cmdline_tokens, p.mem_limit, p.online, p.standby, online, standby) + crash
