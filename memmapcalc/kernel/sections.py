"""Sparsemem's bookkeeping that every profile pays per section and per memory block: the
section usage maps, the memory block devices, kmalloc's size classes, and how many
sections memory of a size populates."""

from __future__ import annotations

from memmapcalc.units import KiB, MiB

#: Subsection granularity of sparsemem (SUBSECTION_SHIFT 21, include/linux/mmzone.h).
SUBSECTION = 2 * MiB
#: Pageblock flag bits per pageblock (NR_PAGEBLOCK_BITS, include/linux/pageblock-flags.h).
PAGEBLOCK_BITS = 4
#: kmalloc_size() counts allocations above 8 KiB in power-of-two runs of 4 KiB pages, which
#: is right for every page size: SLUB serves up to 2 × PAGE_SIZE from its power-of-two
#: caches and larger sizes as PAGE_SIZE << get_order(size), both the next power of two
#: (include/linux/slab.h KMALLOC_SHIFT_HIGH, mm/slub.c ___kmalloc_large_node(); checked
#: for 4K, 16K and 64K pages in tests/kernel/test_kmalloc.py).
_KMALLOC_PAGE = 4 * KiB
#: Estimate: ``struct memory_block`` with its ``struct device``, the sysfs directory
#: ``memoryN`` and its attribute nodes, and the resource (drivers/base/memory.c
#: ``add_memory_block``).  x86_64 6.1 boots in shared/data/boots-x86 show 3.3–5.4 KiB per
#: 128 MiB block for all per-block costs other than the memmap (direct-map tables included).
MEMORY_BLOCK_DEVICE = 4 * KiB
#: rcu_head in ``struct mem_section_usage`` (include/linux/mmzone.h).
_RCU_HEAD = 16


def section_usage_size(section: int, pageblock: int) -> int:
    """``mem_section_usage_size()``: rcu head + subsection bitmap + pageblock flags, in longs.

    Example: 256 MiB section, 1 MiB pageblocks: 16 + 16 + 256 × 4 bits = 160 bytes.
    """
    longs = lambda bits: -(-bits // 64) * 8  # noqa: E731 - BITS_TO_LONGS × sizeof(long)
    return _RCU_HEAD + longs(section // SUBSECTION) + longs(section // pageblock * PAGEBLOCK_BITS)


def kmalloc_size(size: int) -> int:
    """Bytes kmalloc really takes: slab size classes up to 8 KiB (with the 96 and 192
    classes), whole power-of-two page runs above (mm/slab_common.c ``kmalloc_info``)."""
    if size <= 8 * KiB:
        for cls in (8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192):
            if size <= cls:
                return cls
    pages = -(-size // _KMALLOC_PAGE)
    return _KMALLOC_PAGE << (pages - 1).bit_length()


def present_sections(online: int, section_size: int) -> int:
    """Sections of online memory present at boot: memmap is allocated for whole sections."""
    return -(-online // section_size)
