"""The fix that makes all standby memory usable after IPL, verified by re-running the
after-IPL model with it applied (never estimated).

:func:`after_ipl_fix` is the one place its words are written (check's advice; the commands
an admin types can be attached to its :class:`AfterIplFix`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from memmapcalc.kernel.cmdline_fix import boot_with
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.model.after_ipl.usable import use_after_ipl
from memmapcalc.model.after_ipl.use import Use
from memmapcalc.records.fixes import Fix, FixKind, memmap_parameter
from memmapcalc.records.params import Params, footprint_hint, online_edits, vary
from memmapcalc.records.size_tips import line_fix
from memmapcalc.records.verdict import passes
from memmapcalc.units import format_size

#: The command-line spelling of each value (check's advice writes ``=1``, as the kernel
#: documentation does; the parameter reads back as ``Y``).
PARAMETER = {MemmapMode.ON: "1", MemmapMode.FORCE: "force"}
#: Doublings of the blocks of online memory added before the search gives up (2^40 blocks).
_DOUBLINGS = 40


@dataclass(frozen=True, slots=True)
class AfterIplFix:
    """A verified change after which every standby block can be brought into use."""

    #: ``memmap_on_memory`` (a kernel parameter) or ``online`` (more online memory)
    kind: str
    text: str
    #: the config edits that apply it (``--set`` keys and values)
    edits: tuple[tuple[str, Any], ...]
    #: the machine with the fix applied, and its after-IPL use there (all blocks usable)
    params: Params
    use: Use

    @property
    def record(self) -> Fix:
        """The fix as the reports and the admin's commands take it (records.fixes)."""
        q = self.params
        if self.kind == "memmap_on_memory":
            return Fix(FixKind.PARAMETER, self.text, q.online, q.standby,
                       parameters=(memmap_parameter(q.memmap_on_memory),))
        return Fix(FixKind.RAISE_ONLINE, self.text, q.online, q.standby)


def all_usable(q: Params) -> bool:
    """``q`` IPLs and every standby block of it can be brought into use after IPL."""
    if not passes(q):
        return False
    use = use_after_ipl(q)
    return use.usable_blocks is not None and use.usable_blocks == use.standby_blocks


def after_ipl_fix(p: Params, use: Use) -> AfterIplFix | None:
    """The cheapest verified fix for a machine whose standby is not all usable after IPL:
    ``memory_hotplug.memmap_on_memory`` where the kernel can put the memmap on the blocks
    and that is enough, else the smallest online memory (in whole blocks) that is.  ``None``
    when the machine is not short or no such change is found (never a guess)."""
    if not use.short:
        return None
    mode = use.memmap_on_memory_mode
    if (not use.uses_memmap_on_memory and mode in PARAMETER
            and use.usable_blocks_with_memmap_on_memory == use.standby_blocks):
        q = vary(p, memmap_on_memory=mode)
        if all_usable(q):
            verb = "configured" if use.configured_after_ipl else "brought into use"
            return AfterIplFix(
                "memmap_on_memory",
                boot_with(p.cmdline_tokens, memmap_parameter(mode),
                          f"kernel.memmap_on_memory: {mode.value}")
                + f": then all {use.standby_blocks} "
                f"standby blocks can be {verb} after IPL, each holding its own memmap",
                (("kernel.memmap_on_memory", mode.value),), q, use_after_ipl(q))
    online = min_online_for_all(p, use)
    if online is None:
        return None
    q = vary(p, online=online)
    return AfterIplFix(
        "online",
        f"raise online memory to {format_size(online)} (+{format_size(online - p.online)})"
        f"{line_fix(p, online, p.standby)}{footprint_hint(p)}: then all "
        f"{use_after_ipl(q).standby_blocks} standby blocks can be "
        f"brought into use after IPL as configured",
        tuple(online_edits(p, online)), q, use_after_ipl(q))


def min_online_for_all(p: Params, use: Use) -> int | None:
    """The smallest online size ``p.online + j × block`` (j ≥ 1) with which ``p`` IPLs and can
    bring all its standby blocks into use after IPL.  Whole blocks, so that standby keeps
    its place relative to the block grid and no block is lost to a misaligned start (4 TiB of
    standby above 1150M online is one 128 MiB block less than above 1152M).  More online
    memory leaves more room for the memmaps, so the answer is where the property turns true:
    doubling ``j`` until it holds, then bisecting; one block less does not hold."""
    block, blocks = use.block_size, use.standby_blocks

    def holds(j: int) -> bool:
        q = vary(p, online=p.online + j * block)
        return all_usable(q) and use_after_ipl(q).standby_blocks == blocks

    low, high = 0, 1  # holds(0) is false: the machine is short
    for _ in range(_DOUBLINGS):
        if holds(high):
            break
        low, high = high, high * 2
    else:
        return None
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if holds(mid) else (mid, high)
    return p.online + high * block
