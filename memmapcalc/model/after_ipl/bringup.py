"""After IPL: bringing standby memory into use, block by block.

What the kernel does once the machine is up (kernel-model.md §2, §4, §8):

* **Up to 6.18** (``StandbyHandling.BOOT_ADD``) every usable standby block was added
  during IPL (drivers/s390/char/sclp_cmd.c / sclp_mem.c ``sclp_detect_standby_memory()``
  -> ``add_memory()``): its memmap and page tables are already paid, so a block only needs
  onlining (``chmem -e`` or ``echo online > /sys/devices/system/memory/memoryN/state``).
  Onlining allocates nothing sizeable (mm/memory_hotplug.c ``online_pages()``).
* **From 6.19** (``StandbyHandling.DEFERRED``) nothing is added at IPL.  Each block is
  configured first (``echo 1 > /sys/firmware/memory/memoryN/config``, or ``chmem -c``),
  which runs drivers/s390/char/sclp_mem.c ``sclp_config_mem_store()`` ->
  ``__add_memory(addr, block, memmap_on_memory ? MHP_MEMMAP_ON_MEMORY : MHP_NONE)``.
  That is when the block's memmap (unless it lives on the block), its vmemmap and
  identity-map page tables and its section/block metadata are allocated from memory the
  kernel can use; then the block is onlined.

Where the next block's memmap can come from: a memmap is an unmovable kernel allocation
(mm/sparse-vmemmap.c ``vmemmap_alloc_block()``: ``GFP_KERNEL | __GFP_RETRY_MAYFAIL``), so
it can only come from kernel zones (ZONE_DMA/ZONE_NORMAL).  A block onlined to
ZONE_MOVABLE adds nothing the next memmap can use; a block onlined as kernel memory
(ZONE_NORMAL) does — and raises min_free_kbytes, because ``online_pages()`` re-runs
``init_per_zone_wmark_min()`` (and with it ``khugepaged_min_free_kbytes_update()``) over
the kernel zones.  :class:`Zone` lets the user choose.  Defaults, as read in the sources:

* the kernel does not online added memory by itself on s390: ``memhp_default_state`` /
  ``/sys/devices/system/memory/auto_online_blocks`` default to ``offline``
  (``CONFIG_MEMORY_HOTPLUG_DEFAULT_ONLINE`` is not set in arch/s390/configs/defconfig;
  from ~6.14 ``CONFIG_MHP_DEFAULT_ONLINE_TYPE`` defaults to ``OFFLINE``);
* ``echo online > …/state`` without a zone uses ``memory_hotplug.online_policy``, default
  ``contig-zones``: mm/memory_hotplug.c ``default_zone_for_pfn()`` "we always online to a
  kernel zone by default" -> ZONE_NORMAL (``auto-movable`` would pick ZONE_MOVABLE up to
  ``auto_movable_ratio`` = 301 %);
* util-linux ``chmem -e`` without ``-z``: "By default, use zone Movable for online, if
  valid" (sys-utils/chmem.c ``chmem_size()``/``chmem_range()``) — for standby blocks above
  all online memory Movable is valid, so chmem onlines them to ZONE_MOVABLE.  That is the
  documented s390 way and :data:`DEFAULT_ZONE`.

All sizes are exact integers in bytes.  Costs are taken from the model itself: configuring
the first ``k`` blocks costs exactly what adding those ``k`` blocks at IPL would cost a
boot-add kernel (same ``add_memory()`` path), read from :func:`budget` of that variant.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from memmapcalc.arch.s390x.constants import PAGE
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.model.after_ipl.costs import ConfigureCost, movable, normal
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import budget, passes


class Zone(str, Enum):
    """Where onlined standby blocks go: chmem's default, or kernel memory."""

    MOVABLE = "movable"
    NORMAL = "normal"

    @property
    def label(self) -> str:
        return "ZONE_MOVABLE" if self is Zone.MOVABLE else "ZONE_NORMAL (kernel memory)"


#: chmem -e onlines to Movable when it is a valid zone (util-linux sys-utils/chmem.c).
DEFAULT_ZONE = Zone.MOVABLE

#: IPL items the kernel keeps for good once the machine is up (initramfs is freed after
#: boot; min_free_kbytes and user space are uses of usable memory, not losses).
KEPT_ITEMS = ("kernel_image", "crashkernel", "cma", "online_memmap", "standby_memmap",
              "page_tables", "metadata")


@dataclass(frozen=True, slots=True)
class Bringup:
    """One way of bringing the standby blocks into use: with or without memmap-on-memory."""

    memmap_on_memory: bool
    #: ``memory_hotplug.memmap_on_memory`` this way needs on the kernel command line
    mode: MemmapMode
    available: bool
    #: why this way is (not) possible, from the model's memmap-on-memory rule
    why: str
    #: the machine IPLs with ``mode`` (boot-add kernels decide memmap placement at IPL)
    ipl: bool
    #: online memory left after IPL beyond ``boot.min_margin`` (0 when it does not IPL)
    free_after_ipl: int
    #: pages at the start of each block holding its memmap, force-mode waste included
    memmap_in_block: int
    #: of which force mode's pageblock rounding wastes
    wasted_per_block: int
    #: what onlining one block adds to its zone: block minus memmap_in_block
    usable_per_block: int
    #: memmap of one block taken from kernel memory (at IPL ≤ 6.18, at configure ≥ 6.19)
    memmap_per_block: int
    #: kernel memory configuring the first block takes (≥ 6.19; 0 for boot-add kernels)
    first_block_cost: int
    #: standby blocks that can be brought into use, lowest first
    blocks: int
    #: kernel memory taken after IPL to configure those blocks (≥ 6.19)
    kernel_cost: int
    #: online memory the kernel keeps from IPL (KEPT_ITEMS)
    kernel_kept: int
    #: usable memory once those blocks are online: online − kernel_kept − kernel_cost
    #: + blocks × usable_per_block; ``None`` when this way does not IPL or is not possible
    total_usable: int | None
    #: why bringing blocks into use stops where it does
    limit: str


@dataclass(frozen=True, slots=True)
class AfterIpl:
    """Bringing a machine's standby memory into use after IPL."""

    era: StandbyHandling
    zone: Zone
    block_size: int
    standby_blocks: int
    without: Bringup
    with_memmap_on_memory: Bringup
    notes: tuple[str, ...]

    @property
    def ways(self) -> tuple[Bringup, Bringup]:
        return (self.without, self.with_memmap_on_memory)


def after_ipl(p: Params, zone: Zone = DEFAULT_ZONE) -> AfterIpl:
    """How many standby blocks ``p`` can bring into use after IPL, with and without
    memmap-on-memory, and the usable memory then.

    Example (configs/zvm-lnx01-6.19.yaml: 4 GiB online, 252 GiB standby, 6.19, EDAT1):
    2016 blocks of 128 MiB; without memmap-on-memory each costs its 2 MiB memmap plus
    ~4 KiB of tables and metadata from the 3.54 GiB left after IPL, so with ZONE_MOVABLE
    only 1807 blocks can be configured; with memmap-on-memory (needs
    ``memory_hotplug.memmap_on_memory=1``) all 2016, each adding 126 MiB.
    """
    current = budget(p)
    block = current.block_size.value
    notes: list[str] = []
    if p.standby_handling is StandbyHandling.BOOT_ADD:
        notes.append("standby blocks were added at IPL (memmap and page tables already paid): "
                     "they only need onlining, which allocates nothing sizeable, so the zone "
                     "does not limit them")
    else:
        notes.append(f"each block is configured first (/sys/firmware/memory/memoryN/config, "
                     f"chmem -c or -e) and pays its memmap and tables then; blocks onlined to "
                     f"{zone.label} "
                     + ("cannot hold the next block's memmap (kernel allocation)" if
                        zone is Zone.MOVABLE else "can hold the next block's memmap"))
        if not p.edat1:
            notes.append("6.19+ without EDAT1: sclp_mem.c has no EDAT1 test; memmap-on-memory "
                         "follows the kernel source but is untested on real machines")
    return AfterIpl(p.standby_handling, zone, block, current.standby_blocks.value,
                    _bringup(p, MemmapMode.OFF, zone), _bringup(p, _mode_with(p), zone),
                    tuple(notes))


def _mode_with(p: Params) -> MemmapMode:
    """The parameter value that puts memmaps on the blocks: the machine's own if it is Y
    or force, else Y, or force where only force is supported (e.g. 128 MiB blocks with
    4 MiB pageblocks: 512 memmap pages are not whole pageblocks)."""
    if p.memmap_on_memory is not MemmapMode.OFF:
        return p.memmap_on_memory
    if budget(replace(p, memmap_on_memory=MemmapMode.ON)).memmap_on_memory.used.value:
        return MemmapMode.ON
    if p.behaviour.force_mode and budget(replace(
            p, memmap_on_memory=MemmapMode.FORCE)).memmap_on_memory.used.value:
        return MemmapMode.FORCE
    return MemmapMode.ON


def _bringup(p: Params, mode: MemmapMode, zone: Zone) -> Bringup:
    q = replace(p, memmap_on_memory=mode)
    b = budget(q)
    block, blocks = b.block_size.value, b.standby_blocks.value
    mom = b.memmap_on_memory
    on_block = mode is not MemmapMode.OFF and mom.used.value
    available = mode is MemmapMode.OFF or on_block
    why = _why(q, mode, on_block, mom.used.formula)
    ipl = passes(q)
    free = max(0, b.margin - q.min_margin) if ipl else 0
    in_block = mom.pages * PAGE if on_block else 0
    usable = block - in_block
    memmap = 0 if on_block else b.memmap_per_block.value
    kept = sum(b.charged[key].value for key in KEPT_ITEMS)
    if not available:
        return Bringup(False, mode, False, why, ipl, free, 0, 0, 0, 0, 0, 0, 0, kept, None,
                       "not possible on this kernel")
    if q.standby_handling is StandbyHandling.BOOT_ADD:
        count = blocks if ipl else 0
        limit = ("all blocks were added at IPL" if ipl else
                 "the machine does not IPL: no block can be brought into use")
        return Bringup(on_block, mode, True, why, ipl, free, in_block, mom.wasted_pages * PAGE,
                       usable, memmap, 0, count, 0, kept,
                       q.online - kept + count * usable if ipl else None, limit)
    cost = ConfigureCost(q, b, memmap)
    if not ipl:
        count, limit = 0, "the machine does not IPL: no block can be configured"
    else:
        count, limit = (movable(cost, blocks, free) if zone is Zone.MOVABLE else
                        normal(cost, blocks, free, usable, q, b))
    spent = cost(count)
    return Bringup(on_block, mode, True, why, ipl, free, in_block, mom.wasted_pages * PAGE,
                   usable, memmap, cost(1) if blocks else 0, count, spent, kept,
                   q.online - kept - spent + count * usable if ipl else None, limit)


def _why(q: Params, mode: MemmapMode, on_block: bool, rule: str) -> str:
    if mode is MemmapMode.OFF:
        return ("memmap from online memory at IPL (memory_hotplug.memmap_on_memory=0)"
                if q.standby_handling is StandbyHandling.BOOT_ADD else
                "memmap from kernel memory when the block is configured "
                "(echo 0 > …/memoryN/memmap_on_memory, chmem -c -m 0)")
    needs = f"memory_hotplug.memmap_on_memory={mode.cmdline_value} on the kernel command line"
    if not on_block:
        return f"not possible: {rule}"
    if q.standby_handling is StandbyHandling.BOOT_ADD:
        return f"memmap on each block, decided at IPL: needs {needs}"
    return (f"memmap on each block (chmem -c -m 1): needs {needs}; without it "
            f"sclp_memmap_on_memory_store() refuses 1 (EOPNOTSUPP)")


