"""Per-section and per-block bookkeeping that IPL allocates besides memmaps and page tables.

Exact where the kernel's sizes are fixed by its data structures (``mem_section_usage``,
section roots); estimates, flagged as such, where they depend on the build (memory block
devices and their sysfs nodes, ``struct sclp_mem``).
"""

from __future__ import annotations

from functools import lru_cache

from memmapcalc.core.s390 import PAGE, PAGEBLOCK_BITS, SECTIONS_PER_ROOT, SUBSECTION
from memmapcalc.explained import Explained, mib
from memmapcalc.units import KiB

#: Estimate: ``struct memory_block`` with its ``struct device``, the sysfs directory
#: ``memoryN`` and its attribute nodes, and the resource (drivers/base/memory.c
#: ``add_memory_block``).  x86_64 6.1 boots in shared/data/boots-x86 show 3.3–5.4 KiB per
#: 128 MiB block for all per-block costs other than the memmap (direct-map tables included).
MEMORY_BLOCK_DEVICE = 4 * KiB
#: Estimate: ``struct sclp_mem`` (a kobject and three ints) per possible block, 6.19+.
SCLP_MEM = 80
#: Estimate: ``/sys/firmware/memory/memoryN`` with ``config`` and ``memmap_on_memory``
#: (three kernfs nodes), per boot-online and per usable standby block, 6.19+.
FIRMWARE_MEMORY_SYSFS = 512
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
    pages = -(-size // PAGE)
    return PAGE << (pages - 1).bit_length()


@lru_cache(maxsize=4096)
def boot_metadata(online: int, section: int, block: int, pageblock: int) -> Explained[int]:
    """Online memory: ``mem_section_usage`` per present section (one memblock array), a
    section root page per 256 sections (SPARSEMEM_EXTREME), a memory block device per block.

    Example: 4 GiB, 256 MiB sections and blocks: 16 × 160 B + 1 × 4 KiB + 16 × 4 KiB = 70144 B.
    """
    sections = -(-online // section)
    blocks = -(-online // block)
    usage = sections * section_usage_size(section, pageblock)
    roots = -(-sections // SECTIONS_PER_ROOT) * PAGE
    devices = blocks * MEMORY_BLOCK_DEVICE
    value = usage + roots + devices
    formula = lambda: (f"{sections} sections × {section_usage_size(section, pageblock)} B usage + "
               f"{roots // PAGE} root pages × 4 KiB + {blocks} block devices × ~4 KiB = {mib(value)}")
    return Explained(value, formula, "mm/sparse.c sparse_init_nid(), sparse_index_alloc(); "
                     "drivers/base/memory.c memory_dev_init() (device size estimated)")


def standby_boot_add_metadata(start: int, end: int, online: int, section: int, block: int,
                              pageblock: int) -> Explained[int]:
    """Standby blocks added at IPL: a kzalloc'ed ``mem_section_usage`` per section, new
    section root pages, a memory block device per block.  Example: 1008 × 256 MiB blocks ->
    1008 × 192 B + 4 root pages + 1008 × 4 KiB."""
    blocks = (end - start) // block
    sections = (end - start) // section
    usage = sections * kmalloc_size(section_usage_size(section, pageblock))
    online_roots = -(-(-(-online // section)) // SECTIONS_PER_ROOT)
    all_roots = -(-(end // section) // SECTIONS_PER_ROOT) if blocks else 0
    roots = max(0, all_roots - online_roots) * PAGE
    value = usage + roots + blocks * MEMORY_BLOCK_DEVICE
    formula = lambda: (f"{sections} sections × {kmalloc_size(section_usage_size(section, pageblock))} B + "
               f"{roots // PAGE} root pages × 4 KiB + {blocks} block devices × ~4 KiB = {mib(value)}")
    return Explained(value, formula, "mm/sparse.c section_activate(), sparse_index_init(); "
                     "drivers/base/memory.c add_memory_block() (device size estimated)",
                     "≤ 6.18 (boot-add)")


def standby_deferred_metadata(online: int, standby: int, block: int,
                              usable_blocks: int) -> Explained[int]:
    """6.19+: ``sclp_init_mem()`` allocates a ``struct sclp_mem`` per possible block
    (``roundup(rnmax·rzm, block) / block``) and a sysfs directory per boot-online and usable
    standby block; nothing else for standby at IPL.  Example: 4 GiB + 252 GiB in 256 MiB
    blocks: kcalloc(1024, 80 B) = 128 KiB + 1024 × 512 B."""
    possible = -(-(online + standby) // block)
    dirs = -(-online // block) + usable_blocks
    array = kmalloc_size(possible * SCLP_MEM)
    value = array + dirs * FIRMWARE_MEMORY_SYSFS
    formula = lambda: (f"kcalloc({possible} × ~{SCLP_MEM} B) = {mib(array)} + {dirs} sysfs directories × "
               f"~{FIRMWARE_MEMORY_SYSFS} B = {mib(value)}")
    return Explained(value, formula, "drivers/s390/char/sclp_mem.c sclp_init_mem(), "
                     "sclp_create_mem() (object sizes estimated)", "6.19 on (deferred)")
