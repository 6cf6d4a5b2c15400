"""The x86_64 profile (4 KiB pages, 4-level paging).

* PAGE 4 KiB, PMD 2 MiB, pageblock 512 pages = 2 MiB (HPAGE_PMD_ORDER 9),
  SECTION_SIZE_BITS 27 = 128 MiB (arch/x86/include/asm/sparsemem.h).
* vmemmap: 2 MiB PMD leaves (arch/x86/mm/init_64.c ``vmemmap_populate()`` ->
  ``vmemmap_populate_hugepages()`` with X86_FEATURE_PSE), from the altmap when
  memmap_on_memory is in effect.
* linear map of hot-added memory: ``arch_add_memory()`` -> ``init_memory_mapping()``: 2 MiB
  pages (1 GiB pages with X86_FEATURE_GBPAGES; counted as 2 MiB, which costs at most one
  4 KiB page table per GiB more).
* memory layout of QEMU q35 (hw/i386/pc_q35.c): below 2.75 GiB all boot memory lies below
  4 GiB, from 2.75 GiB on 2 GiB stay below 4 GiB and the rest starts at 4 GiB; DIMMs sit in
  the device-memory region from ``ROUND_UP(4 GiB + memory above 4 GiB, 1 GiB)``
  (hw/i386/pc.c ``pc_memory_init``).  The 6.1 boots in tests/data/boots-x86 show the first
  DIMM at 0x100000000.
* zones: ZONE_DMA (first 16 MiB), ZONE_DMA32 (to 4 GiB), ZONE_NORMAL (above).
"""

from __future__ import annotations

from memmapcalc.arch.hotplug_rows import HotplugBehaviour
from memmapcalc.arch.profile import (
    BlockSize,
    Hotplug,
    Profile,
    generic_arch_memmap_on_memory,
    pmd_linear_leaf,
)
from memmapcalc.units import GiB, KiB, MiB, TiB

#: hw/i386/pc_q35.c: from this much memory on, only 2 GiB are placed below 4 GiB.
Q35_LOWMEM_LIMIT = 2816 * MiB
Q35_LOWMEM = 2 * GiB
FOUR_GIB = 4 * GiB
#: arch/x86/mm/init_64.c: MAX_BLOCK_SIZE and MEM_SIZE_FOR_LARGE_BLOCK.
MAX_BLOCK_SIZE = 2 * GiB
MEM_SIZE_FOR_LARGE_BLOCK = 64 * GiB
SECTION = 128 * MiB


def below_4g(boot: int) -> int:
    """Boot memory below 4 GiB on QEMU q35."""
    return boot if boot < Q35_LOWMEM_LIMIT else Q35_LOWMEM


def boot_ranges(boot: int) -> tuple[tuple[int, int], ...]:
    low = below_4g(boot)
    high = boot - low
    return ((0, low),) + (((FOUR_GIB, FOUR_GIB + high),) if high else ())


def boot_end(boot: int) -> int:
    """``max_pfn << PAGE_SHIFT``: the end of boot memory."""
    return boot_ranges(boot)[-1][1]


def hotplug_base(boot: int) -> int:
    high = boot - below_4g(boot)
    return -(-(FOUR_GIB + high) // GiB) * GiB


def zones(boot: int, onlined_above: bool) -> int:
    """Populated zones ≤ ZONE_NORMAL: DMA, DMA32 (boot memory above 16 MiB), NORMAL (memory
    above 4 GiB: boot memory there or onlined DIMMs)."""
    return 1 + (boot > 16 * MiB) + (boot > below_4g(boot) or onlined_above)


def block_size(profile: Profile, behaviour: HotplugBehaviour, boot: int, hypervisor: bool,
               override: int | None) -> BlockSize:
    """``probe_memory_block_size()`` (arch/x86/mm/init_64.c): an explicit size wins
    (``set_memory_block_size_order()``); boot memory ending below 64 GiB -> 128 MiB; bare
    metal -> 2 GiB (from 5.9); otherwise the largest power of two up to 2 GiB that the end of
    boot memory is aligned to.  (From ~6.14 an ACPI CEDT/CXL advice can lower it; give
    ``memory.block_size`` then.)

    Example: a VM with 96 GiB of boot memory on q35 ends at 98 GiB -> 2 GiB blocks; with
    65 GiB it ends at 67 GiB -> 1 GiB blocks; below 62 GiB -> 128 MiB.
    """
    source = "arch/x86/mm/init_64.c probe_memory_block_size()"
    end = boot_end(boot)
    if override is not None:
        return BlockSize(override, f"memory.block_size = {override >> 20} MiB (given)", source)
    if end < MEM_SIZE_FOR_LARGE_BLOCK:
        return BlockSize(SECTION, f"boot memory ends at {end >> 20} MiB < 64 GiB: "
                         f"MIN_MEMORY_BLOCK_SIZE = 128 MiB", source)
    if not hypervisor and behaviour.bare_metal_max_block:
        return BlockSize(MAX_BLOCK_SIZE, "bare metal (no X86_FEATURE_HYPERVISOR), ≥ 64 GiB: "
                         "MAX_BLOCK_SIZE = 2 GiB", source, "5.9 on")
    size = MAX_BLOCK_SIZE
    while size > SECTION and end % size:
        size //= 2
    where = "virtual machine" if hypervisor else "bare metal before 5.9"
    return BlockSize(size, f"{where}, boot memory ends at {end >> 20} MiB: largest power of two "
                     f"≤ 2 GiB it is aligned to = {size >> 20} MiB", source)


def block_size_note(boot: int, given: bool, bare_metal: bool) -> str | None:
    """The block size rule reads where boot memory ends, which this profile takes from
    QEMU's q35 layout (:func:`boot_end`) from the sizes where that decides (≥ 62 GiB)."""
    if given or boot < 62 * GiB or bare_metal:
        return None
    return ("memory block size derived from the QEMU q35 memory layout (boot memory above "
            "2 GiB starts at 4 GiB); give memory.block_size if your machine differs")


PROFILE = Profile(
    family="x86_64", name="x86_64", page=4 * KiB, pmd=2 * MiB, pageblock=2 * MiB,
    vmemmap_leaf=2 * MiB,
    vmemmap_source="arch/x86/mm/init_64.c vmemmap_populate_hugepages(): 2 MiB PMD leaves",
    max_physical=64 * TiB,
    max_physical_source="arch/x86/include/asm/sparsemem.h MAX_PHYSMEM_BITS 46 (4-level paging)",
    hotplug=Hotplug.ACPI_DIMMS, boot_ranges=boot_ranges, hotplug_base=hotplug_base,
    zones=zones, zones_source="arch/x86/mm/init.c zone_sizes_init(): DMA < 16 MiB, DMA32 < 4 GiB",
    block_size=block_size, arch_memmap_on_memory=generic_arch_memmap_on_memory,
    linear_leaf=pmd_linear_leaf,
    linear_source="arch/x86/mm/init_64.c arch_add_memory() -> init_memory_mapping(): 2 MiB pages",
    boundaries=(16 * MiB, Q35_LOWMEM_LIMIT),  # ZONE_DMA's end; q35's low memory ends
    block_size_note=block_size_note,
)
