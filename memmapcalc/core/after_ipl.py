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

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from memmapcalc.core import watermarks
from memmapcalc.core.params import Params
from memmapcalc.core.s390 import PAGE
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.records.budget import Budget
from memmapcalc.records.verdict import budget, passes
from memmapcalc.units import KiB


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
KEPT_ITEMS = ("kernel_image", "crashkernel", "online_memmap", "standby_memmap", "page_tables",
              "metadata")


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
    cost = _ConfigureCost(q, b, memmap)
    if not ipl:
        count, limit = 0, "the machine does not IPL: no block can be configured"
    else:
        count, limit = (_movable(cost, blocks, free) if zone is Zone.MOVABLE else
                        _normal(cost, blocks, free, usable, q, b))
    spent = cost(count)
    return Bringup(on_block, mode, True, why, ipl, free, in_block, mom.wasted_pages * PAGE,
                   usable, memmap, cost(1) if blocks else 0, count, spent, kept,
                   q.online - kept - spent + count * usable if ipl else None, limit)


def _why(q: Params, mode: MemmapMode, on_block: bool, rule: str) -> str:
    if mode is MemmapMode.OFF:
        return ("memmap from online memory at IPL (memory_hotplug.memmap_on_memory=N)"
                if q.standby_handling is StandbyHandling.BOOT_ADD else
                "memmap from kernel memory when the block is configured "
                "(echo 0 > …/memoryN/memmap_on_memory, chmem -c -m 0)")
    needs = f"memory_hotplug.memmap_on_memory={mode.kernel_value} on the kernel command line"
    if not on_block:
        return f"not possible: {rule}"
    if q.standby_handling is StandbyHandling.BOOT_ADD:
        return f"memmap on each block, decided at IPL: needs {needs}"
    return (f"memmap on each block (chmem -c -m 1): needs {needs}; without it "
            f"sclp_memmap_on_memory_store() refuses 1 (EOPNOTSUPP)")


class _ConfigureCost:
    """Kernel memory that configuring the first ``k`` standby blocks (lowest first) takes.

    The ≥ 6.19 configure path is the ≤ 6.18 boot path for one block at a time
    (``__add_memory()`` -> ``arch_add_memory()`` -> ``vmem_add_mapping()`` + sparse
    ``section_activate()`` + ``add_memory_block()``), so the cost of ``k`` blocks is what
    :func:`budget` charges a boot-add kernel whose usable standby range is exactly those
    ``k`` blocks: identity-map and vmemmap page tables (new 2 GiB windows counted exactly)
    and section/block metadata; plus ``k × memmap`` when the memmap is not on the blocks.

    Example (6.19, EDAT1, 4 GiB online, 128 MiB blocks, no memmap-on-memory): one block
    = 2 MiB memmap + 16 KiB segment table (first block of a new 2 GiB identity window)
    + 96 B section usage + ~4 KiB memory block device = 2117728 B.
    """

    def __init__(self, q: Params, ipl: Budget, memmap: int) -> None:
        self.q, self.memmap, self.block = q, memmap, ipl.block_size.value
        self.start = -(-q.online // self.block) * self.block
        self.base_metadata = self._added(0).charged["metadata"].value
        self._cache: dict[int, int] = {}

    def _added(self, blocks: int) -> Budget:
        standby = self.start - self.q.online + blocks * self.block
        return budget(replace(self.q, standby_handling=StandbyHandling.BOOT_ADD, standby=standby))

    def __call__(self, blocks: int) -> int:
        if blocks <= 0:
            return 0
        if blocks not in self._cache:
            added = self._added(blocks)
            parts = added.page_table_parts
            tables = parts["standby_identity"].value + parts["standby_vmemmap"].value
            metadata = added.charged["metadata"].value - self.base_metadata
            self._cache[blocks] = blocks * self.memmap + tables + metadata
        return self._cache[blocks]


def _movable(cost: Callable[[int], int], blocks: int, free: int) -> tuple[int, str]:
    """ZONE_MOVABLE: every memmap comes from the memory left after IPL.  The cost never
    falls as blocks are added, so the count is the largest ``k`` with ``cost(k) ≤ free``.

    Example: configs/zvm-lnx01-6.19.yaml, 3800636672 B free, ~2.02 MiB per block without
    memmap-on-memory -> 1807 of 2016 blocks (block 1808 would need 2101344 B, 1611616 B left).
    """
    if cost(blocks) <= free:
        return blocks, "all blocks fit in the memory left after IPL"
    lo, hi = 0, blocks  # cost(lo) <= free < cost(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if cost(mid) <= free else (lo, mid)
    need = cost(hi) - cost(lo)
    return lo, (f"block {lo + 1} would need {need} B of kernel memory; "
                f"{free - cost(lo)} B are left")


def _normal(cost: Callable[[int], int], blocks: int, free: int, usable: int, q: Params,
            ipl: Budget) -> tuple[int, str]:
    """ZONE_NORMAL: each onlined block adds ``usable`` bytes of kernel memory, and raises
    min_free_kbytes (``online_pages()`` -> ``init_per_zone_wmark_min()``).  Block ``j``
    (0-based, blocks below it online) can be configured while

        free + j·usable − cost(j + 1) − (min_free(j) − min_free(0)) ≥ 0.

    Above ``j0 = ceil((cost(n) + Δmin_free(n−1) − free) / usable)`` the left side is
    non-negative by monotonicity alone, so only the blocks below ``j0`` are checked one
    by one (a handful: ``j0 ≈ n·memmap/usable``).
    """
    reserve = _MinFree(q, ipl, usable)
    bound = cost(blocks) + reserve.rise(blocks - 1) - free
    checked = 0 if bound <= 0 else min(blocks, -(-bound // usable))
    for j in range(max(1, checked)):
        if j >= blocks:
            break
        room = free + j * usable - cost(j + 1) - reserve.rise(j)
        if room < 0:
            return j, (f"block {j + 1} would need {cost(j + 1) - cost(j)} B of kernel memory; "
                       f"{room + cost(j + 1) - cost(j)} B are left")
    return blocks, ("all blocks: each onlined block's kernel memory holds the next memmap"
                    if blocks else "no standby blocks")


class _MinFree:
    """min_free_kbytes as kernel-zone blocks come online (bytes above its IPL value).

    mm/page_alloc.c ``calculate_min_free_kbytes()`` over the managed pages of the zones up
    to ZONE_NORMAL, then mm/khugepaged.c ``set_recommended_min_free_kbytes()`` (which skips
    ZONE_MOVABLE); both via :func:`memmapcalc.core.watermarks.reserve`.  The managed pages
    at IPL are online memory minus the boot reservations, as :func:`budget` counts them.
    Example: 4 GiB online on 6.8 holds 22 MiB at IPL (khugepaged's 256 × 2 × 11 pages);
    with 1000 blocks of 256 MiB onlined to ZONE_NORMAL the managed lowmem is
    4093517312 + 1000 × 256 MiB = 272528973312 B -> isqrt(266141575 kB × 16) = 65255 kB,
    a rise of 65255 × 1024 − 23068672 = 43752448 B.
    """

    def __init__(self, q: Params, ipl: Budget, usable: int) -> None:
        self.q, self.block, self.usable = q, ipl.block_size.value, usable
        self.managed = managed_at_ipl(q, ipl)
        self.base = self._bytes(0)

    def _bytes(self, onlined: int) -> int:
        managed = self.managed + onlined * self.usable
        online = self.q.online + onlined * self.block
        base, raised, _ = watermarks.reserve(managed, online, self.q.pageblock, self.q.thp,
                                             self.q.edat1, self.q.behaviour.min_free_kbytes_max)
        # ZONE_DMA's lowmem_reserve grows with ZONE_NORMAL's managed pages (ratio 256,
        # mm/page_alloc.c setup_per_zone_lowmem_reserve(), re-run when memory goes online)
        lowmem = (onlined * self.usable // PAGE // watermarks.DMA_LOWMEM_RESERVE_RATIO) * PAGE
        return max(base.value, raised.value if raised else 0) * KiB + lowmem

    def rise(self, onlined: int) -> int:
        return self._bytes(max(0, onlined)) - self.base


def managed_at_ipl(q: Params, ipl: Budget) -> int:
    """Managed (buddy) pages of online memory when min_free_kbytes is computed at IPL:
    online memory minus what early boot reserves (image, initramfs, crashkernel, online
    memmap, boot page tables, online section metadata) — the same sum :func:`budget`
    feeds ``calculate_min_free_kbytes()``.  Example: 4 GiB online, 6.8 defaults, EDAT1/2:
    4 GiB − 192 MiB (image, initramfs, memmap) − 51200 B page tables − 72192 B metadata
    = 4093517312 B."""
    if getattr(q, "footprint", None) is not None:
        # a calibrated kernel.footprint is everything early boot reserves (budget charges
        # it as kernel_image)
        return max(0, q.online - ipl.charged["kernel_image"].value)
    block = ipl.block_size.value
    start = -(-q.online // block) * block
    lead = budget(replace(q, standby_handling=StandbyHandling.BOOT_ADD,
                          standby=start - q.online))
    parts = ipl.page_table_parts
    reserved = (sum(ipl.charged[key].value for key in ("kernel_image", "initramfs", "crashkernel",
                                                       "online_memmap"))
                + lead.charged["metadata"].value
                + sum(parts[key].value for key in ("boot_identity", "boot_vmemmap", "top_level")
                      if key in parts))
    return max(0, q.online - reserved)
