"""``memmapcalc plan`` as text, after IPL: the summary ``check`` prints for the machine, and
what giving standby back (offline, deconfigure) returns to online memory, per era
(:mod:`memmapcalc.model.after_ipl.release`, with its kernel sources)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from memmapcalc.render.safe import markup

if TYPE_CHECKING:
    from rich.console import Console

    from memmapcalc.model.plan.plan import Plan


def summary(console: Console, entry: dict[str, Any]) -> None:
    """The after-IPL line ``check`` prints for this machine (the same numbers)."""
    from memmapcalc.render.findings import after_ipl_line

    line = after_ipl_line(entry)
    if line is not None:
        console.print(f"         as check counts it: {markup(line)}", soft_wrap=True)


def give_back(console: Console, planned: Plan) -> None:
    """What offlining or deconfiguring the blocks brought into use returns to online memory."""
    from memmapcalc.config.model import StandbyHandling
    from memmapcalc.model.after_ipl.release import DECONFIGURE_SOURCE, OFFLINE_SOURCE
    from memmapcalc.units import human_size

    after, release = planned.after_ipl, planned.release
    if release is None or not after.standby_blocks or not planned.evaluation.ipl:
        return
    if after.era is StandbyHandling.BOOT_ADD:
        on_block = planned.evaluation.budget.memmap_on_memory.used.value
        kept = (f"its {human_size(after.without.memmap_per_block)} memmap (taken from online "
                f"memory at IPL), page tables and metadata stay" if not on_block else
                "its memmap is on the block itself; its page tables and metadata stay")
        console.print("       giving standby back, as configured (≤ 6.18: blocks added at IPL "
                      "are never removed):", soft_wrap=True)
        console.print(f"         chmem -d sets a block offline and unassigns its storage, but "
                      f"returns 0 B to online memory: {kept}; there is no deconfigure step",
                      soft_wrap=True)
        console.print(f"           [dim]{markup(OFFLINE_SOURCE)}[/dim]", soft_wrap=True)
        return
    console.print("       giving standby back, as configured (≥ 6.19: an offline block can be "
                  "deconfigured, which removes it):", soft_wrap=True)
    for way, name in zip(release, ("without memmap-on-memory", "with memmap-on-memory"),
                         strict=True):
        if not way.possible or not way.blocks:
            continue
        memmap = (f"its {human_size(way.last_block_memmap)} memmap included" if
                  way.last_block_memmap else "no memmap: that went with the block")
        console.print(f"         {name}: offline alone returns 0 B; chmem -g (or echo 0 > "
                      f"/sys/firmware/memory/memoryN/config) on the highest configured block "
                      f"returns {way.last_block_returns} B ({human_size(way.last_block_returns)}"
                      f", {memmap}); all {way.blocks} configured blocks return "
                      f"{way.all_blocks_return} B ({human_size(way.all_blocks_return)})",
                      soft_wrap=True)
    console.print(f"           [dim]{markup(DECONFIGURE_SOURCE)}; the block must be offline "
                  f"first (EBUSY)[/dim]", soft_wrap=True)
