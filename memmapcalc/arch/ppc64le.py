"""The ppc64le (pseries, Book3S-64) profiles: 64 KiB (default) or 4 KiB pages, radix or hash MMU.

* Section 16 MiB (SECTION_SIZE_BITS 24, arch/powerpc/include/asm/sparsemem.h).
* Memory block = LMB size (``pseries_memory_block_size()`` reads ``ibm,lmb-size``): 256 MiB
  on QEMU/KVM (SPAPR_MEMORY_BLOCK_SIZE) and PowerVM's default.
* Radix, 64K pages: PMD 2 MiB; pageblock = HPAGE (2 MiB) = 32 pages (pageblock_order is set
  at boot from HPAGE_SHIFT, ``CONFIG_HUGETLB_PAGE_SIZE_VARIABLE``).  4K pages: PMD 2 MiB,
  pageblock 512 pages = 2 MiB.  Hash MMU: 16 MiB huge pages, so 16 MiB pageblocks.
* vmemmap: radix maps it with 2 MiB pages where it can (``radix__vmemmap_populate()``).
* ``arch_supports_memmap_on_memory()`` (arch/powerpc/include/asm/pgtable.h, 6.6): false
  without radix; with 4K pages the memmap must be whole PMDs; with 64K pages true — the
  pageblock alignment then has to come from ``memmap_on_memory=force``.
* Hot-pluggable memory present at boot: QEMU marks the LMBs of cold-plugged DIMMs
  ASSIGNED (hw/ppc/spapr.c ``spapr_dt_dynamic_memory_v2``) and the kernel adds them with
  ``memblock_add()`` (arch/powerpc/kernel/prom.c ``early_init_drmem_lmb()``): they are boot
  memory.  Memory added later comes by DLPAR, one LMB at a time, each onlined at once
  (arch/powerpc/platforms/pseries/hotplug-memory.c ``dlpar_add_lmb()``).
* One zone (ZONE_NORMAL; Book3S-64 has no ZONE_DMA).
"""

from __future__ import annotations

from memmapcalc.arch.hotplug_rows import HotplugBehaviour
from memmapcalc.arch.profile import (
    NO_ARCH_MEMMAP_ON_MEMORY,
    BlockSize,
    Hotplug,
    Profile,
    pmd_linear_leaf,
)
from memmapcalc.units import GiB, KiB, MiB, PiB, TiB

LMB = 256 * MiB


def boot_ranges(boot: int) -> tuple[tuple[int, int], ...]:
    return ((0, boot),)


def hotplug_base(boot: int) -> int:
    return -(-boot // GiB) * GiB


def zones(boot: int, onlined_above: bool) -> int:
    """Book3S-64 has only ZONE_NORMAL (no CONFIG_ZONE_DMA), wherever memory is onlined."""
    return 1


def block_size(profile: Profile, behaviour: HotplugBehaviour, boot: int, hypervisor: bool,
               override: int | None) -> BlockSize:
    """``pseries_memory_block_size()``: the ``ibm,lmb-size`` of the device tree (256 MiB on
    QEMU/KVM and by default on PowerVM; give ``memory.block_size`` for other LMB sizes)."""
    source = "arch/powerpc/platforms/pseries/hotplug-memory.c pseries_memory_block_size()"
    if override is not None:
        return BlockSize(override, f"memory.block_size = LMB size {override >> 20} MiB (given)",
                         source)
    return BlockSize(LMB, "LMB size (ibm,lmb-size) = 256 MiB (QEMU/KVM, PowerVM default)", source)


def arch_memmap_on_memory(profile: Profile, vmemmap_size: int, radix: bool) -> tuple[bool, str]:
    """arch/powerpc/include/asm/pgtable.h ``arch_supports_memmap_on_memory()`` (6.6)."""
    if not radix:
        return False, "hash MMU: arch_supports_memmap_on_memory() is false without radix"
    if profile.page == 4 * KiB and vmemmap_size % profile.pmd:
        return False, f"radix, 4K pages: memmap {vmemmap_size} B is not whole 2 MiB PMDs"
    if profile.page == 4 * KiB:
        return True, "radix, 4K pages: memmap is whole 2 MiB PMDs"
    return True, "radix, 64K pages: no PMD restriction (vmemmap can fall back to base pages)"


#: arch/powerpc/platforms/pseries/Kconfig: ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE depends on
#: PPC_RADIX_MMU, so a hash-MMU kernel has none whatever its version.
HASH_NO_MEMMAP_ON_MEMORY = "hash MMU: ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE needs PPC_RADIX_MMU"


def _profile(page: int, radix: bool) -> Profile:
    pageblock = 2 * MiB if radix else 16 * MiB
    return Profile(
        family="ppc64le", name=f"ppc64le {page >> 10}K pages, {'radix' if radix else 'hash'} MMU",
        page=page, pmd=2 * MiB, pageblock=pageblock, vmemmap_leaf=2 * MiB,
        vmemmap_source="arch/powerpc/mm/book3s64/radix_pgtable.c radix__vmemmap_populate(): "
                       "2 MiB pages",
        max_physical=2 * PiB if page == 64 * KiB else 64 * TiB,
        max_physical_source="arch/powerpc/include/asm/book3s/64/mmu.h MAX_PHYSMEM_BITS "
                            "(51 with 64K pages, 46 with 4K)",
        hotplug=Hotplug.DLPAR, boot_ranges=boot_ranges, hotplug_base=hotplug_base,
        zones=zones,
        zones_source="Book3S-64 has only ZONE_NORMAL (no CONFIG_ZONE_DMA)",
        block_size=block_size, arch_memmap_on_memory=arch_memmap_on_memory,
        linear_leaf=pmd_linear_leaf,
        linear_source="arch/powerpc/mm/book3s64/radix_pgtable.c create_physical_mapping(): "
                      "2 MiB / 1 GiB pages",
        mom_versions="6.6 on",
        no_memmap_on_memory=NO_ARCH_MEMMAP_ON_MEMORY if radix else HASH_NO_MEMMAP_ON_MEMORY,
    )


PROFILES = {(page, radix): _profile(page, radix)
            for page in (4 * KiB, 64 * KiB) for radix in (True, False)}
