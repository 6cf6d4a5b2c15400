"""Sparsemem's bookkeeping that every profile pays per section and per memory block: the
section usage maps, the memory block devices, kmalloc's size classes, and how many
sections memory of a size populates."""

from __future__ import annotations

from typing import NamedTuple

from memmapcalc.kernel.version import KernelVersion, v
from memmapcalc.units import KiB, MiB

#: Subsection granularity of sparsemem (SUBSECTION_SHIFT 21, include/linux/mmzone.h).
SUBSECTION = 2 * MiB
#: Pageblock flag bits per pageblock (NR_PAGEBLOCK_BITS, include/linux/pageblock-flags.h) as
#: the x86_64/arm64/ppc64le profiles count them; s390x takes its era's from kernel/behaviour.py.
PAGEBLOCK_BITS = 4
#: kmalloc_size() counts allocations above 8 KiB in power-of-two runs of 4 KiB pages, which
#: is right for every page size: SLUB serves up to 2 × PAGE_SIZE from its power-of-two
#: caches and larger sizes as PAGE_SIZE << get_order(size), both the next power of two
#: (include/linux/slab.h KMALLOC_SHIFT_HIGH, mm/slub.c ___kmalloc_large_node(); checked
#: for 4K, 16K and 64K pages in tests/kernel/test_kmalloc.py).
_KMALLOC_PAGE = 4 * KiB
#: Estimate: ``struct memory_block`` with its ``struct device``, the sysfs directory
#: ``memoryN`` and its attribute nodes (drivers/base/memory.c ``add_memory_block``; s390x
#: charges the ``add_memory()`` resource on its own).  x86_64 6.1 boots in
#: shared/data/boots-x86 show 3.3–5.4 KiB per 128 MiB block for all per-block costs other
#: than the memmap (direct-map tables included).
MEMORY_BLOCK_DEVICE = 4 * KiB
#: rcu_head in ``struct mem_section_usage`` (include/linux/mmzone.h) as the x86_64/arm64/
#: ppc64le profiles count it; s390x takes its era's from kernel/behaviour.py.
RCU_HEAD = 16


class UsageLayout(NamedTuple):
    """From ``since`` on (None: the oldest kernels), ``struct mem_section_usage`` starts with
    ``rcu_head`` bytes and each pageblock has ``pageblock_bits`` flag bits."""

    since: KernelVersion | None
    rcu_head: int
    pageblock_bits: int
    source: str


#: The layout of ``struct mem_section_usage`` by era, one row per kernel change (generic mm;
#: the section size is the architecture's, in its behaviour table).  NR_PAGEBLOCK_BITS counts
#: the isolation bit with MEMORY_ISOLATION, which MEMORY_HOTPLUG selects (mm/Kconfig).
USAGE_LAYOUTS = (
    UsageLayout(None, 0, 4, "include/linux/mmzone.h struct mem_section_usage (5.3 on); "
                "include/linux/pageblock-flags.h NR_PAGEBLOCK_BITS 4"),
    UsageLayout(v("6.8"), RCU_HEAD, 4, "include/linux/mmzone.h: struct rcu_head rcu "
                "(5ec8e8ea8b77 'mm/sparsemem: fix race in accessing memory_section->usage', "
                "v6.8-rc1, also in stable kernels)"),
    UsageLayout(v("6.17"), RCU_HEAD, 8, "include/linux/pageblock-flags.h: PB_migrate_isolate, "
                "NR_PAGEBLOCK_BITS = roundup_pow_of_two(5) = 8 (Zi Yan, 'mm/page_isolation: "
                "make page isolation a standalone bit', MM pull for 6.17)"),
)


def usage_layout(version: KernelVersion | None) -> UsageLayout:
    """The last row of :data:`USAGE_LAYOUTS` in force for ``version`` (None: the oldest)."""
    rows = [row for row in USAGE_LAYOUTS
            if row.since is None or (version is not None and row.since <= version)]
    return rows[-1]


def _longs(bits: int) -> int:
    """``BITS_TO_LONGS(bits) * sizeof(unsigned long)``."""
    return -(-bits // 64) * 8


def section_usage_size(section: int, pageblock: int, pageblock_bits: int = PAGEBLOCK_BITS,
                       rcu_head: int = RCU_HEAD) -> int:
    """``mem_section_usage_size()`` (mm/sparse.c): ``sizeof(struct mem_section_usage)`` (rcu
    head + ``subsection_map``) + ``usemap_size()`` (pageblock flags), both in longs.

    Examples (s390, 1 MiB pageblocks): 256 MiB section, no rcu head, 4 bits: 0 + 16 + 128 =
    144 B (≤ 6.7); with the rcu head 160 B (6.8–6.12); 128 MiB: 16 + 8 + 64 = 88 B
    (6.13–6.16); 8 bits: 16 + 8 + 128 = 152 B (6.17 on).
    """
    return (rcu_head + _longs(section // SUBSECTION)
            + _longs(section // pageblock * pageblock_bits))


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
