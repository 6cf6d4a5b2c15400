"""min_free_kbytes at IPL: the reserve the page allocator keeps, which the vmemmap
allocations of standby blocks (``__GFP_RETRY_MAYFAIL``) cannot dip into.

Both computations run before the s390 standby initcall, so they see online memory only:
``init_per_zone_wmark_min()`` is a postcore initcall, ``hugepage_init()`` (khugepaged)
a subsys initcall, sclp's standby memory a device initcall.
"""

from __future__ import annotations

from functools import lru_cache
from math import isqrt

from memmapcalc.core.s390 import DMA_ZONE_END, PAGE
from memmapcalc.explained import Explained, mib
from memmapcalc.units import KiB, MiB

#: MIGRATE_PCPTYPES (include/linux/mmzone.h): unmovable, movable, reclaimable.
MIGRATE_PCPTYPES = 3
#: hugepage_init(): below 512 MiB of RAM transparent huge pages are disabled.
THP_MIN_RAM = 512 * MiB
#: sysctl_lowmem_reserve_ratio[ZONE_DMA] (mm/page_alloc.c).
DMA_LOWMEM_RESERVE_RATIO = 256


def min_free_kbytes(managed: int, clamp_max: int) -> Explained[int]:
    """``calculate_min_free_kbytes()`` (mm/page_alloc.c):
    ``clamp(int_sqrt(lowmem_kbytes × 16), 128, max)`` with lowmem_kbytes =
    ``nr_free_buffer_pages()`` × 4 = the managed pages of the zones at or below
    ZONE_NORMAL (no watermarks are set yet at that point).

    Example (documented table): 4 GiB of lowmem -> 8192 kB; 16 GiB -> 16384 kB.
    """
    lowmem_kb = managed // PAGE * (PAGE // KiB)
    raw = isqrt(lowmem_kb * 16)
    value = min(max(raw, 128), clamp_max)
    formula = lambda: (f"clamp(isqrt({lowmem_kb} kB × 16), 128, {clamp_max}) = {value} kB "
               f"(managed online memory {mib(managed)})")
    versions = "5.7 on" if clamp_max == 262144 else "before 5.7"
    return Explained(value, formula, "mm/page_alloc.c calculate_min_free_kbytes(), "
                     "init_per_zone_wmark_min()", versions)


def populated_zones(online: int) -> int:
    """Zones at or below ZONE_NORMAL holding online memory: s390 has ZONE_DMA below 2 GiB
    and ZONE_NORMAL above (arch/s390/mm/init.c ``paging_init``)."""
    return 1 if online <= DMA_ZONE_END else 2


def khugepaged_min_free_kbytes(managed: int, online: int, pageblock: int) -> Explained[int]:
    """``set_recommended_min_free_kbytes()`` (mm/khugepaged.c), run when khugepaged starts:
    ``pageblock_nr_pages × zones × (2 + MIGRATE_PCPTYPES²)`` pages, at most 5 % of
    ``nr_free_buffer_pages()``; it only ever raises min_free_kbytes.

    Example: s390, 1 MiB pageblocks (256 pages), 4 GiB online (2 zones):
    256 × 2 × 11 = 5632 pages = 22528 kB.
    """
    zones = populated_zones(online)
    per_block = pageblock // PAGE
    pages = per_block * zones * (2 + MIGRATE_PCPTYPES * MIGRATE_PCPTYPES)
    cap = managed // PAGE // 20
    value = min(pages, cap) * (PAGE // KiB)
    formula = lambda: (f"min({per_block} pages × {zones} zones × (2 + 3²), 5 % of {managed // PAGE} managed "
               f"pages) × 4 kB = {value} kB")
    return Explained(value, formula, "mm/khugepaged.c set_recommended_min_free_kbytes()")


def thp_active(thp: bool, edat1: bool, managed: int) -> Explained[bool]:
    """khugepaged runs when THP is enabled, the machine can do huge pages (s390
    ``has_transparent_hugepage()`` needs EDAT1) and RAM is at least 512 MiB
    (mm/huge_memory.c ``hugepage_init``)."""
    active = thp and edat1 and managed >= THP_MIN_RAM
    why = ("THP enabled, EDAT1, RAM ≥ 512 MiB" if active else
           "THP disabled in the config" if not thp else
           "no EDAT1: s390 has no transparent huge pages" if not edat1 else
           f"RAM {mib(managed)} < 512 MiB: hugepage_init() disables THP")
    return Explained(active, why, "mm/huge_memory.c hugepage_init(); arch/s390/include/asm/"
                     "pgtable.h has_transparent_hugepage()")


@lru_cache(maxsize=4096)
def reserve(managed: int, online: int, pageblock: int, thp: bool, edat1: bool,
            clamp_max: int) -> tuple[Explained[int], Explained[int] | None, Explained[bool]]:
    """min_free_kbytes after both steps, with each step's explanation."""
    base = min_free_kbytes(managed, clamp_max)
    active = thp_active(thp, edat1, managed)
    raised = khugepaged_min_free_kbytes(managed, online, pageblock) if active.value else None
    return base, raised, active


def dma_lowmem_reserve(online: int) -> Explained[int]:
    """ZONE_DMA's ``lowmem_reserve`` against allocations that may use ZONE_NORMAL
    (mm/page_alloc.c ``setup_per_zone_lowmem_reserve()``): managed(ZONE_NORMAL) /
    ``sysctl_lowmem_reserve_ratio[ZONE_DMA]`` (256) pages.  ``zone_watermark_ok()`` lets a
    GFP_KERNEL allocation (a standby memmap) take a page from ZONE_DMA only while
    ``free > min + lowmem_reserve[ZONE_NORMAL]``, so once ZONE_NORMAL is down to its min
    watermark this much of ZONE_DMA stays out of reach too.  ZONE_NORMAL is online memory
    above 2 GiB; its boot reservations (a few MiB) are not subtracted, which changes the
    reserve by well under 1 %.

    Example: 4 GiB online -> 2 GiB in ZONE_NORMAL = 524288 pages / 256 = 2048 pages = 8 MiB;
    2 GiB or less online -> no ZONE_NORMAL, no reserve.
    """
    normal_pages = max(0, online - DMA_ZONE_END) // PAGE
    value = normal_pages // DMA_LOWMEM_RESERVE_RATIO * PAGE
    return Explained(value, lambda: (
        f"{normal_pages} ZONE_NORMAL pages / {DMA_LOWMEM_RESERVE_RATIO} = "
        f"{normal_pages // DMA_LOWMEM_RESERVE_RATIO} pages of ZONE_DMA = {mib(value)}"),
        "mm/page_alloc.c setup_per_zone_lowmem_reserve(), zone_watermark_ok()")

