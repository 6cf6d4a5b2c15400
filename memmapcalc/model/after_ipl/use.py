"""How much of a machine's standby memory can be brought into use after IPL: the one summary
``check`` (the contract's ``after_ipl``, the verdict, the advice) and ``plan`` (its after-IPL
lines and changes) both read.

On s390x the numbers are :func:`memmapcalc.model.after_ipl.bringup.after_ipl`'s, taken the
way the machine's own settings bring blocks in (:func:`machine_way`):

* ≤ 6.18 every standby block was added at IPL (its memmap and tables already paid), so a
  machine that IPLs can online all of them;
* ≥ 6.19 each block pays its memmap when it is configured, so without memmap-on-memory only
  as many blocks as the memory left after IPL can hold memmaps for.

The other profiles (:mod:`memmapcalc.model.after_ipl.paging`) have their own rules;
:func:`memmapcalc.model.after_ipl.usable.use_after_ipl` picks the machine's.  All
sizes are exact integers in bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.model.after_ipl.bringup import AfterIpl, Bringup
from memmapcalc.records.params import Params


@dataclass(frozen=True, slots=True)
class Use:
    """Standby blocks usable after IPL, with the machine's settings and with memmap-on-memory.
    ``None`` counts: the model has nothing to say (``limit`` says why)."""

    standby_blocks: int
    block_size: int
    #: blocks the machine's own settings can bring into use (0 when it does not IPL)
    usable_blocks: int | None
    #: blocks that can be brought into use with memmap-on-memory; None where the kernel or
    #: the architecture cannot put the memmap on the block
    usable_blocks_with_memmap_on_memory: int | None
    #: the machine's own settings already put the memmap on the blocks
    uses_memmap_on_memory: bool
    #: the ``memory_hotplug.memmap_on_memory`` value the memmap-on-memory way needs
    memmap_on_memory_mode: MemmapMode | None
    #: blocks must be configured after IPL (≥ 6.19 s390x) rather than only onlined
    configured_after_ipl: bool
    #: the zone blocks are onlined to (s390x: chmem's default), None where not modelled
    zone: str | None
    #: why bringing blocks into use stops where it does, or why there are no numbers
    limit: str
    #: why memmap-on-memory is (not) possible
    memmap_on_memory_why: str

    @property
    def usable_memory(self) -> int | None:
        return None if self.usable_blocks is None else self.usable_blocks * self.block_size

    @property
    def usable_memory_with_memmap_on_memory(self) -> int | None:
        blocks = self.usable_blocks_with_memmap_on_memory
        return None if blocks is None else blocks * self.block_size

    @property
    def unusable_blocks(self) -> int | None:
        return None if self.usable_blocks is None else self.standby_blocks - self.usable_blocks

    @property
    def standby_memory(self) -> int:
        """The standby memory the blocks hold (whole blocks only)."""
        return self.standby_blocks * self.block_size

    @property
    def short(self) -> bool:
        """Known, and not all standby blocks can be brought into use."""
        return self.usable_blocks is not None and self.usable_blocks < self.standby_blocks


def machine_way(after: AfterIpl, p: Params) -> Bringup:
    """The way ``p``'s own settings bring blocks in: memmap-on-memory when its
    ``memory_hotplug.memmap_on_memory`` is on and the kernel can put the memmap on the block
    (≤ 6.18 decided at IPL; ≥ 6.19 the default of each block's ``memmap_on_memory``
    attribute, sclp_mem.c ``mhp_supports_memmap_on_memory()``), else without."""
    uses = (p.memmap_on_memory is not MemmapMode.OFF and after.with_memmap_on_memory.available)
    return after.with_memmap_on_memory if uses else after.without


def summarise(after: AfterIpl, p: Params) -> Use:
    """The summary of an s390x :class:`AfterIpl` (plan computes that for its chosen zone)."""
    way, with_ = machine_way(after, p), after.with_memmap_on_memory
    return Use(after.standby_blocks, after.block_size, way.blocks,
               with_.blocks if with_.available else None, way is with_,
               with_.mode if with_.available else None,
               after.era is StandbyHandling.DEFERRED, after.zone.value, way.limit, with_.why)


def short_reason(use: Use) -> str:
    """``only 295 of 32768 standby blocks (36.87 GiB of 4 TiB) can be configured after IPL
    without memmap-on-memory`` (for a :attr:`Use.short` summary)."""
    from memmapcalc.units import human_size

    assert use.usable_blocks is not None and use.usable_memory is not None
    verb = "configured" if use.configured_after_ipl else "brought into use"
    how = "with" if use.uses_memmap_on_memory else "without"
    return (f"only {use.usable_blocks} of {use.standby_blocks} standby blocks "
            f"({human_size(use.usable_memory)} of {human_size(use.standby_memory)}) can be "
            f"{verb} after IPL {how} memmap-on-memory: {use.limit}")
