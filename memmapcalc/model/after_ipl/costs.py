"""What configuring standby memory after IPL costs, block by block: the memmap and tables each
block takes from free memory in ZONE_MOVABLE or ZONE_NORMAL, the watermarks that rise with
it, and the managed memory IPL leaves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from memmapcalc.arch.s390x import watermarks
from memmapcalc.arch.s390x.constants import DMA_ZONE_END, PAGE
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.records.budget import Budget
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import budget
from memmapcalc.units import KiB


class ConfigureCost:
    """Kernel memory that configuring the first ``k`` standby blocks (lowest first) takes.

    The ≥ 6.19 configure path is the ≤ 6.18 boot path for one block at a time
    (``__add_memory()`` -> ``arch_add_memory()`` -> ``vmem_add_mapping()`` + sparse
    ``section_activate()`` + ``add_memory_block()``), so the cost of ``k`` blocks is what
    :func:`budget` charges a boot-add kernel whose usable standby range is exactly those
    ``k`` blocks: identity-map and vmemmap page tables (new 2 GiB windows counted exactly)
    and section/block metadata; plus ``k × memmap`` when the memmap is not on the blocks.

    Example (6.19, EDAT1, 4 GiB online, 128 MiB blocks, no memmap-on-memory): one block
    = 2 MiB memmap + 16 KiB segment table (first block of a new 2 GiB identity window)
    + 192 B section usage (152 B, kmalloc-192) + ~4 KiB memory block device = 2117824 B.
    """

    def __init__(self, q: Params, ipl: Budget, memmap: int) -> None:
        self.q, self.memmap, self.block = q, memmap, ipl.block_size.value
        self.start = -(-q.online // self.block) * self.block
        self.base_metadata = _configure_metadata(self._added(0))
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
            metadata = _configure_metadata(added) - self.base_metadata
            self._cache[blocks] = blocks * self.memmap + tables + metadata
        return self._cache[blocks]


def _configure_metadata(added: Budget) -> int:
    """The metadata a boot-add budget charges, less sclp's increment list: that one is
    allocated at IPL for every increment up to rnmax, configured or not."""
    parts = added.metadata_parts
    return added.charged["metadata"].value - (parts["sclp_increments"].value
                                              if "sclp_increments" in parts else 0)


def movable(cost: Callable[[int], int], blocks: int, free: int) -> tuple[int, str]:
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
    return lo, _short_of(lo + 1, need, free - cost(lo))


def _short_of(block: int, need: int, left: int) -> str:
    """Why block ``block`` cannot be configured, in the sizes every report shows: what it
    needs rounded up, what is left rounded down (so the two never read the other way)."""
    from memmapcalc.units import human_size_at_least, human_size_at_most

    return (f"block {block} would need {human_size_at_least(need)} of kernel memory; "
            f"{human_size_at_most(left)} are left")


def normal(cost: Callable[[int], int], blocks: int, free: int, usable: int, q: Params,
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
            return j, _short_of(j + 1, cost(j + 1) - cost(j), room + cost(j + 1) - cost(j))
    return blocks, ("all blocks: each onlined block's kernel memory holds the next memmap"
                    if blocks else "no standby blocks")


class _MinFree:
    """min_free_kbytes as kernel-zone blocks come online (bytes above its IPL value).

    mm/page_alloc.c ``calculate_min_free_kbytes()`` over the managed pages of the zones up
    to ZONE_NORMAL, then mm/khugepaged.c ``set_recommended_min_free_kbytes()`` (which skips
    ZONE_MOVABLE); both via :func:`memmapcalc.arch.s390x.watermarks.reserve`.  The managed pages
    at IPL are online memory minus the boot reservations, as :func:`budget` counts them.
    Example: 4 GiB online on 6.8 holds 22 MiB at IPL (khugepaged's 256 × 2 × 11 pages);
    with 1000 blocks of 256 MiB onlined to ZONE_NORMAL the managed lowmem is
    4093517312 + 1000 × 256 MiB = 272528973312 B -> isqrt(266141575 kB × 16) = 65255 kB,
    a rise of 65255 × 1024 − 23068672 = 43752448 B.
    """

    def __init__(self, q: Params, ipl: Budget, usable: int) -> None:
        self.q, self.block, self.usable = q, ipl.block_size.value, usable
        self.managed = managed_at_ipl(q, ipl)
        self.dma = min(q.online, DMA_ZONE_END) // PAGE
        self.base = self._bytes(0)

    def _bytes(self, onlined: int) -> int:
        managed = self.managed + onlined * self.usable
        online = self.q.online + onlined * self.block
        base, raised, _ = watermarks.reserve(managed, online, self.q.pageblock, self.q.thp,
                                             self.q.edat1, self.q.behaviour.min_free_kbytes_max)
        kb = max(base.value, raised.value if raised else 0)
        # ZONE_DMA's lowmem_reserve grows with ZONE_NORMAL's managed pages, up to what ZONE_DMA
        # holds (setup_per_zone_lowmem_reserve(), re-run when memory goes online)
        normal = (max(0, self.q.online - DMA_ZONE_END) + onlined * self.usable) // PAGE
        lowmem = watermarks.dma_reserve_pages(self.dma, normal, kb) * PAGE
        return kb * KiB + lowmem

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
                + _configure_metadata(lead)
                + sum(parts[key].value for key in ("boot_identity", "boot_vmemmap", "top_level")
                      if key in parts))
    return max(0, q.online - reserved)
