"""min_free_kbytes at IPL on s390x: the reserve the page allocator keeps, which the vmemmap
allocations of standby blocks (``__GFP_RETRY_MAYFAIL``) cannot dip into.  The rules are
:mod:`memmapcalc.kernel.watermarks`; here are s390's zones, words and EDAT1 gate.

Both computations run before the s390 standby initcall, so they see online memory only:
``init_per_zone_wmark_min()`` is a postcore initcall, ``hugepage_init()`` (khugepaged)
a subsys initcall, sclp's standby memory a device initcall.
"""

from __future__ import annotations

from functools import lru_cache

from memmapcalc.arch.s390x.constants import DMA_ZONE_END, PAGE
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel import watermarks

#: sysctl_lowmem_reserve_ratio[ZONE_DMA] (mm/page_alloc.c).
DMA_LOWMEM_RESERVE_RATIO = 256


def min_free_kbytes(managed: int, clamp_max: int) -> Explained[int]:
    """min_free_kbytes of s390's managed online memory (4 KiB pages)."""
    return watermarks.min_free_kbytes(managed, clamp_max, PAGE, "managed online memory")


def populated_zones(online: int) -> int:
    """Zones at or below ZONE_NORMAL holding online memory: s390 has ZONE_DMA below 2 GiB
    and ZONE_NORMAL above (arch/s390/mm/init.c ``paging_init``)."""
    return 1 if online <= DMA_ZONE_END else 2


def khugepaged_min_free_kbytes(managed: int, online: int, pageblock: int) -> Explained[int]:
    """khugepaged's raise over the zones ``online`` memory populates."""
    return watermarks.khugepaged_min_free_kbytes(managed, populated_zones(online), pageblock,
                                                 PAGE)


def thp_active(thp: bool, edat1: bool, managed: int) -> Explained[bool]:
    """khugepaged starts on s390 only with EDAT1 too (``has_transparent_hugepage()``)."""
    return watermarks.thp_active(
        thp, managed, "THP enabled, EDAT1, RAM ≥ 512 MiB",
        None if edat1 else "no EDAT1: s390 has no transparent huge pages",
        "mm/huge_memory.c hugepage_init(); arch/s390/include/asm/pgtable.h "
        "has_transparent_hugepage()")


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

