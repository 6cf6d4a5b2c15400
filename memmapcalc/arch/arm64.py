"""The arm64 profiles: 4 KiB, 16 KiB and 64 KiB base pages.

| | 4K | 16K | 64K |
|---|---|---|---|
| PMD (``PMD_SIZE``) | 2 MiB | 32 MiB | 512 MiB |
| pageblock (pages / bytes) | 512 / 2 MiB | 2048 / 32 MiB | 8192 / 512 MiB |
| section (≥ 5.12) | 128 MiB | 128 MiB | 512 MiB |
| vmemmap | 2 MiB PMD leaves | base pages | base pages |

Sources: arch/arm64/include/asm/sparsemem.h (SECTION_SIZE_BITS 27 / 27 / 29 since
f0b13ee23241, 5.12; 30 before); include/linux/pageblock-flags.h with ``HPAGE_PMD_ORDER``
and ``ARCH_FORCE_MAX_ORDER`` (defaults 10 / 11 / 13); arch/arm64/mm/mmu.c
``vmemmap_populate()`` ("if (!IS_ENABLED(CONFIG_ARM64_4K_PAGES)) return
vmemmap_populate_basepages(...)"); ``memory_block_size_bytes()`` is the generic one (one
section).  Linear map of hot-added memory: ``arch_add_memory()`` sets NO_BLOCK_MAPPINGS when
``can_set_direct_map()`` (rodata=full — CONFIG_RODATA_FULL_DEFAULT_ENABLED, default y —,
debug_pagealloc, KFENCE), i.e. base pages.

Layout of QEMU ``virt`` (hw/arm/virt.c): RAM from 1 GiB, device memory (DIMMs) from
``ROUND_UP(1 GiB + RAM, 1 GiB)``.  Zones: ZONE_DMA up to 4 GiB of physical address (the
default 32-bit DMA limit), ZONE_NORMAL above.  Hot-pluggable memory present at boot is an
ACPI memory device (UEFI/ACPI boot): ``acpi_memhotplug`` adds each DIMM with one
``add_memory()`` as on x86_64.  (With a device-tree boot QEMU lists the DIMMs as memory
nodes, so they are ordinary boot memory: count them in ``memory.online`` then.)
"""

from __future__ import annotations

from memmapcalc.arch.hotplug_rows import HotplugBehaviour
from memmapcalc.arch.profile import BlockSize, Hotplug, Profile, generic_arch_memmap_on_memory
from memmapcalc.units import GiB, KiB, MiB, TiB

RAM_BASE = 1 * GiB
DMA_LIMIT = 4 * GiB


def boot_ranges(boot: int) -> tuple[tuple[int, int], ...]:
    return ((RAM_BASE, RAM_BASE + boot),)


def hotplug_base(boot: int) -> int:
    return -(-(RAM_BASE + boot) // GiB) * GiB


def zones(boot: int, onlined_above: bool) -> int:
    """ZONE_DMA (RAM below 4 GiB) and ZONE_NORMAL (RAM above, boot memory or onlined DIMMs)."""
    return 1 + (RAM_BASE + boot > DMA_LIMIT or onlined_above)


def block_size(profile: Profile, behaviour: HotplugBehaviour, boot: int, hypervisor: bool,
               override: int | None) -> BlockSize:
    """arm64 has no ``memory_block_size_bytes()`` of its own: one section
    (drivers/base/memory.c, MIN_MEMORY_BLOCK_SIZE).  Example: 4K pages on 6.1 -> 128 MiB."""
    source = "drivers/base/memory.c memory_block_size_bytes(): MIN_MEMORY_BLOCK_SIZE (one section)"
    if override is not None:
        return BlockSize(override, f"memory.block_size = {override >> 20} MiB (given)", source)
    section = behaviour.section_size
    return BlockSize(section, f"one section = {section >> 20} MiB", source)


def _linear_leaf(profile: Profile, rodata_full: bool) -> int:
    return profile.page if rodata_full else profile.pmd


def _profile(page: int, pmd: int, pageblock: int, vmemmap_leaf: int) -> Profile:
    base_pages = vmemmap_leaf == page
    return Profile(
        family="arm64", name=f"arm64 {page >> 10}K pages", page=page, pmd=pmd,
        pageblock=pageblock, vmemmap_leaf=vmemmap_leaf,
        vmemmap_source=("arch/arm64/mm/mmu.c vmemmap_populate(): "
                        + ("base pages (vmemmap_populate_basepages) without 4K pages" if base_pages
                           else "PMD leaves (vmemmap_populate_hugepages) with 4K pages")),
        max_physical=256 * TiB,
        max_physical_source="arch/arm64/include/asm/sparsemem.h MAX_PHYSMEM_BITS = "
                            "CONFIG_ARM64_PA_BITS (48)",
        hotplug=Hotplug.ACPI_DIMMS, boot_ranges=boot_ranges, hotplug_base=hotplug_base,
        zones=zones, zones_source="arch/arm64/mm/init.c zone_sizes_init(): ZONE_DMA below the "
                                  "32-bit DMA limit, ZONE_NORMAL above",
        block_size=block_size, arch_memmap_on_memory=generic_arch_memmap_on_memory,
        linear_leaf=_linear_leaf,
        linear_source="arch/arm64/mm/mmu.c arch_add_memory(): NO_BLOCK_MAPPINGS when "
                      "can_set_direct_map() (rodata=full), block mappings otherwise",
        boundaries=(DMA_LIMIT - RAM_BASE,),  # boot memory reaching past ZONE_DMA
    )


PROFILES = {
    4 * KiB: _profile(4 * KiB, 2 * MiB, 2 * MiB, 2 * MiB),
    16 * KiB: _profile(16 * KiB, 32 * MiB, 32 * MiB, 16 * KiB),
    64 * KiB: _profile(64 * KiB, 512 * MiB, 512 * MiB, 64 * KiB),
}
