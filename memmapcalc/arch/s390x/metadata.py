"""Per-section and per-block bookkeeping that IPL allocates besides memmaps and page tables.

Exact where the kernel's sizes are fixed by its data structures (``mem_section_usage``,
section roots); estimates, flagged as such, where they depend on the build (memory block
devices and their sysfs nodes, ``struct sclp_mem``).
"""

from __future__ import annotations

from functools import lru_cache

from memmapcalc.arch.s390x.constants import PAGE, SECTIONS_PER_ROOT
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.sections import (
    MEMORY_BLOCK_DEVICE,
    USAGE_LAYOUTS,
    kmalloc_size,
    section_usage_size,
    usage_layout,
)
from memmapcalc.kernel.version import KernelVersion

#: ``struct memory_increment`` (drivers/s390/char/sclp_cmd.c, sclp_mem.c from 6.18):
#: list_head 16 B + u16 rn (+2 pad) + int standby = 24 B, from kmalloc-32.
MEMORY_INCREMENT = 32
#: ``struct resource`` (include/linux/ioport.h: start, end, name, flags, desc, parent, sibling,
#: child = 8 × 8 B = 64 B; 56 B before 4.6's ``desc``), from kmalloc-64 either way.
RESOURCE = 64
#: ``struct vmem_altmap`` (include/linux/memremap.h: six longs = 48 B; 56 B with 6.9–6.18's
#: ``bool inaccessible``), from kmalloc-64 either way.
ALTMAP = 64
#: Estimate: ``struct sclp_mem`` (a kobject and three ints) per possible block, 6.19+.
SCLP_MEM = 80
#: Estimate: ``/sys/firmware/memory/memoryN`` with ``config`` and ``memmap_on_memory``
#: (three kernfs nodes), per boot-online and per usable standby block, 6.19+.
FIRMWARE_MEMORY_SYSFS = 512


def section_usage(section: int, pageblock: int,
                  version: KernelVersion | None) -> Explained[int]:
    """``mem_section_usage_size()`` of this kernel: rcu head (6.8 on), 2 MiB subsections
    and pageblock flags (8 bits from 6.17), by :data:`~memmapcalc.kernel.sections.USAGE_LAYOUTS`.
    Eras (s390, 1 MiB pageblocks): 144 B (≤ 6.7), 160 B (6.8–6.12), 88 B (6.13–6.16: 128 MiB
    sections), 152 B (6.17 on)."""
    layout = usage_layout(version)
    rcu, bits = layout.rcu_head, layout.pageblock_bits
    value = section_usage_size(section, pageblock, bits, rcu)
    later = [row.since for row in USAGE_LAYOUTS if row.since is not None
             and (layout.since is None or row.since > layout.since)]
    start = "oldest" if layout.since is None else str(layout.since)
    versions = f"{start} to {later[0].major}.{later[0].minor - 1}" if later else f"{start} on"
    subsections, flags = section // (2 << 20), section // pageblock * bits

    def formula() -> str:
        return (f"rcu head {rcu} B + {subsections}-bit subsection map {-(-subsections // 64) * 8} "
                f"B + {section // pageblock} pageblocks × {bits} bits {-(-flags // 64) * 8} B "
                f"= {value} B")

    return Explained(value, formula, f"mm/sparse.c mem_section_usage_size(); {layout.source}",
                     versions)


@lru_cache(maxsize=4096)
def boot_metadata(online: int, section: int, block: int, usage_size: int) -> Explained[int]:
    """Online memory: ``mem_section_usage`` per present section (one memblock array, no
    size class), a section root page per 256 sections (SPARSEMEM_EXTREME), a memory block
    device per block.

    Example: 4 GiB, 256 MiB sections and blocks (6.8): 16 × 160 B + 1 × 4 KiB + 16 × 4 KiB
    = 70144 B.
    """
    sections = -(-online // section)
    blocks = -(-online // block)
    usage = sections * usage_size
    roots = -(-sections // SECTIONS_PER_ROOT) * PAGE
    devices = blocks * MEMORY_BLOCK_DEVICE
    value = usage + roots + devices
    def formula() -> str:
        return (f"{sections} sections × {usage_size} B usage + "
                f"{roots // PAGE} root pages × 4 KiB + {blocks} memory blocks × ~4 KiB = "
                f"{mib(value)}")

    return Explained(value, formula, "mm/sparse.c sparse_init_nid(), sparse_index_alloc(); "
                     "drivers/base/memory.c memory_dev_init() (device size estimated)")


def standby_boot_add_metadata(start: int, end: int, online: int, section: int, block: int,
                              usage_size: int) -> Explained[int]:
    """Standby blocks added at IPL: a kzalloc'ed ``mem_section_usage`` per section
    (``section_activate()``: the kmalloc size class of the usage), new section root pages,
    a memory block device per block.  Example (6.8): 1008 × 256 MiB blocks -> 1008 × 192 B
    + 4 root pages + 1008 × 4 KiB."""
    blocks = (end - start) // block
    sections = (end - start) // section
    usage = sections * kmalloc_size(usage_size)
    online_sections = -(-online // section)
    online_roots = -(-online_sections // SECTIONS_PER_ROOT)
    all_roots = -(-(end // section) // SECTIONS_PER_ROOT) if blocks else 0
    roots = max(0, all_roots - online_roots) * PAGE
    value = usage + roots + blocks * MEMORY_BLOCK_DEVICE
    def formula() -> str:
        return (f"{sections} sections × kmalloc-{kmalloc_size(usage_size)} usage "
                f"+ {roots // PAGE} root pages × 4 KiB + {blocks} memory blocks × ~4 KiB = "
                f"{mib(value)}")

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
    def formula() -> str:
        return (f"kcalloc({possible} × ~{SCLP_MEM} B) = {mib(array)} + {dirs} sysfs "
                f"directories × ~{FIRMWARE_MEMORY_SYSFS} B = {mib(value)}")

    return Explained(value, formula, "drivers/s390/char/sclp_mem.c sclp_init_mem(), "
                     "sclp_create_mem() (object sizes estimated)", "6.19 on (deferred)")


def sclp_increments(online: int, standby: int, increment: int | None,
                    measured: int = 0) -> Explained[int]:
    """sclp's list of storage increments: ``insert_increment()`` kzalloc's one
    ``struct memory_increment`` (kmalloc-32) for every increment number 1…rnmax — assigned,
    standby and the ``rnmax − assigned`` appended as standby — and never frees them.  Run
    at IPL in every era: ``sclp_detect_standby_memory()`` (≤ 6.18), ``sclp_setup_memory()``
    (6.19 on).  rnmax = (online + standby) / rzm.  With a calibrated footprint the
    increments of the ``measured`` online memory are in it already.

    Example: 4 GiB + 252 GiB in 8 MiB increments -> 32768 × 32 B = 1 MiB.
    """
    source = ("drivers/s390/char/sclp_cmd.c (sclp_mem.c from 6.18) insert_increment(), "
              "sclp_detect_standby_memory() / sclp_setup_memory()")
    if not increment:
        return Explained(0, "memory.increment not given (rzm 0, as QEMU/KVM reports: no "
                         "storage-reconfiguration facility, no list) = 0", source)
    rnmax = (online + standby) // increment
    counted = max(0, rnmax - measured // increment)
    value = counted * MEMORY_INCREMENT
    in_footprint = f" − {rnmax - counted} in kernel.footprint" if measured else ""

    def formula() -> str:
        return (f"rnmax ({mib(online)} + {mib(standby)}) / {mib(increment)} = {rnmax}"
                f"{in_footprint}: {counted} × kmalloc-{MEMORY_INCREMENT} = {mib(value)}")

    return Explained(value, formula, source)


def memory_resources(blocks: int, versions: str) -> Explained[int]:
    """One ``struct resource`` per ``add_memory()``: ``register_memory_resource()`` ->
    ``__request_region()`` -> ``alloc_resource()`` (kzalloc, kmalloc-64; before 5.1 its own
    kzalloc of the same size), freed only on removal.  sclp adds standby memory one block per
    call (``add_memory_merged()``'s per-block loop, present by 4.19; older kernels added a
    merged range per call, so this counts at most a few objects too many there): at IPL
    ≤ 6.18, per configured block from 6.19 (``sclp_config_mem_store()`` -> ``__add_memory()``).

    Example: 1008 standby blocks added at IPL -> 1008 × 64 B = 64512 B.
    """
    value = blocks * RESOURCE

    def formula() -> str:
        return f"{blocks} add_memory() calls × kmalloc-{RESOURCE} = {mib(value)}"

    return Explained(value, formula, "mm/memory_hotplug.c register_memory_resource(); "
                     "kernel/resource.c __request_region(), alloc_resource()", versions)


def altmap_copies(blocks: int, on_block: bool, versions: str) -> Explained[int]:
    """A ``vmem_altmap`` copy per block added with its memmap on the block:
    mm/memory_hotplug.c ``create_altmaps_and_memory_blocks()`` (6.8 on) ``kmemdup()``s the
    block's altmap (kmalloc-64) and hangs it off its ``struct memory_block``; freed only
    when the block is removed.  s390 asks for MHP_MEMMAP_ON_MEMORY from 6.9: at IPL on
    6.9–6.18, per configured block with memmap-on-memory from 6.19.

    Example: 1008 standby blocks added with memmap-on-memory on 6.9 -> 1008 × 64 B.
    """
    count = blocks if on_block else 0
    value = count * ALTMAP

    def formula() -> str:
        if not on_block:
            return "no block carries its memmap: no altmap = 0"
        return f"{count} blocks with memmap on memory × kmalloc-{ALTMAP} = {mib(value)}"

    return Explained(value, formula, "mm/memory_hotplug.c create_altmaps_and_memory_blocks(): "
                     "kmemdup(&mhp_altmap)", versions)

