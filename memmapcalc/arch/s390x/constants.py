"""s390x architecture constants (the s390x profile).

Each constant names the header that defines it.  They do not depend on the kernel
version; what does is in :mod:`memmapcalc.kernel.behaviour`.
"""

from __future__ import annotations

from typing import Final

from memmapcalc.units import GiB, KiB, MiB, TiB

#: PAGE_SIZE: s390 has only 4 KiB base pages (arch/s390/include/asm/page.h, PAGE_SHIFT 12).
PAGE: Final = 4 * KiB
#: One segment-table entry maps 1 MiB (_SEGMENT_SHIFT 20); with EDAT1 it can be a leaf.
SEGMENT: Final = 1 * MiB
#: One region-3 entry maps 2 GiB (_REGION3_SHIFT 31); with EDAT2 it can be a leaf.
REGION3_ENTRY: Final = 2 * GiB
#: One region-3 table (2048 entries) spans 4 TiB (_REGION2_SHIFT 42).
REGION3_TABLE_SPAN: Final = 4 * TiB
#: Every CRST table (region or segment) is 2048 × 8 bytes, order-2 pages (CRST_ALLOC_ORDER 2).
CRST_TABLE: Final = 16 * KiB
#: MAX_PHYSMEM_BITS 46 (arch/s390/include/asm/sparsemem.h): the largest physical address space.
MAX_PHYSICAL: Final = 64 * TiB
#: ZONE_DMA covers the 31-bit addressable memory below 2 GiB (MAX_DMA_ADDRESS 0x80000000).
DMA_ZONE_END: Final = 2 * GiB
#: sizeof(struct mem_section) with SPARSEMEM_EXTREME: one root page holds 256 of them.
SECTIONS_PER_ROOT: Final = PAGE // 16
