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


def dma_reserve_pages(dma_pages: int, normal_pages: int, min_free_kb: int) -> int:
    """Pages of ZONE_DMA that a GFP_KERNEL allocation cannot reach beyond ZONE_DMA's share of
    the min watermark, from the kernel's three steps (mm/page_alloc.c, 5.x–6.19):

    * ``setup_per_zone_lowmem_reserve()``: ``lowmem_reserve[ZONE_NORMAL] = managed(NORMAL) /
      sysctl_lowmem_reserve_ratio[ZONE_DMA]`` (256 in every era) — no clamp on the value;
    * ``__setup_per_zone_wmarks()``: ``min(DMA) = pages_min × managed(DMA) / lowmem_pages``
      with ``pages_min = min_free_kbytes >> (PAGE_SHIFT - 10)``;
    * ``__zone_watermark_ok()``: ZONE_DMA serves the allocation only while
      ``free > min(DMA) + lowmem_reserve``: a reserve above ZONE_DMA's pages only closes the
      zone, so the loss is at most ``dma_pages − min(DMA)`` (the rest of ZONE_DMA's min is
      already in min_free_kbytes).

    Result: ``min(normal // 256, dma − pages_min × dma // (dma + normal))``; zone spans stand
    for managed pages.  Example: 1 TiB online, min_free_kbytes 130035: reserve 267911168 //
    256 = 1046528 pages, capped at 524288 − 32508 × 524288 // 268435456 = 524225 pages.
    """
    reserve = normal_pages // DMA_LOWMEM_RESERVE_RATIO
    total = dma_pages + normal_pages
    dma_min = (min_free_kb >> 2) * dma_pages // total if total else 0
    return min(reserve, dma_pages - dma_min)


def dma_lowmem_reserve(online: int, min_free_kb: int) -> Explained[int]:
    """ZONE_DMA's ``lowmem_reserve`` as GFP_KERNEL allocations (a standby memmap) lose it:
    :func:`dma_reserve_pages` of ZONE_DMA = [0, 2 GiB) and ZONE_NORMAL = the online memory
    above it (arch/s390/mm/init.c ``paging_init()``).  Once ZONE_NORMAL is down to its min
    watermark this much of ZONE_DMA stays out of reach too.  Boot reservations are not
    subtracted from the zones, which changes the reserve by well under 1 %.

    Example: 4 GiB online -> 2 GiB in ZONE_NORMAL = 524288 pages / 256 = 2048 pages = 8 MiB;
    2 GiB or less online -> no ZONE_NORMAL, no reserve; 1 TiB online -> capped at 524225
    pages of ZONE_DMA's 524288 (min_free_kbytes 130035).
    """
    dma_pages = min(online, DMA_ZONE_END) // PAGE
    normal_pages = max(0, online - DMA_ZONE_END) // PAGE
    pages = dma_reserve_pages(dma_pages, normal_pages, min_free_kb)
    value = pages * PAGE
    reserve = normal_pages // DMA_LOWMEM_RESERVE_RATIO

    def formula() -> str:
        text = (f"{normal_pages} ZONE_NORMAL pages / {DMA_LOWMEM_RESERVE_RATIO} = {reserve} "
                f"pages")
        if pages < reserve:
            text += (f", more than ZONE_DMA's {dma_pages} pages less its min share "
                     f"{dma_pages - pages}: {pages} pages")
        return f"{text} of ZONE_DMA = {mib(value)}"

    return Explained(value, formula, "mm/page_alloc.c setup_per_zone_lowmem_reserve(), "
                     "__setup_per_zone_wmarks(), __zone_watermark_ok()")
