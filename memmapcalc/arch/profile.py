"""Architecture profiles: the constants and small rules that make x86_64, arm64 and ppc64le
differ, as data.  The code that uses them is :mod:`memmapcalc.arch.model` (behind
:mod:`memmapcalc.arch.paging`); the s390x profile is :mod:`memmapcalc.arch.s390x`.

A :class:`Profile` holds what does not depend on the kernel version (page size, PMD size,
pageblock, vmemmap and linear-map granularity, zone layout, where hot-pluggable memory
sits); what does is in :mod:`memmapcalc.arch.hotplug_rows` (one table of changes per
architecture).  Every constant names the header or function that defines it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from memmapcalc.arch.hotplug_rows import HotplugBehaviour


class Hotplug(str, Enum):
    """How hot-pluggable memory that exists when the machine starts reaches the kernel."""

    #: ACPI memory devices (QEMU/KVM ``pc-dimm``, ``acpi_memhotplug``): each DIMM is added with
    #: one ``add_memory()`` during boot, before /init (``acpi_init``, a subsys initcall).
    ACPI_DIMMS = "acpi-dimms"
    #: pseries: DIMMs present at boot are ordinary boot memory (assigned LMBs, ``memblock_add``);
    #: further memory is added later by DLPAR, one LMB (memory block) at a time.
    DLPAR = "dlpar"


@dataclass(frozen=True, slots=True)
class BlockSize:
    """A memory block size with how the kernel arrived at it."""

    value: int
    formula: str
    source: str
    versions: str = "all"


#: Why a kernel before the profile's memmap-on-memory support refuses it (the versions are
#: the ``memmap_on_memory_arch`` rows of arch/hotplug_rows.py).
NO_ARCH_MEMMAP_ON_MEMORY = ("the kernel has no memmap_on_memory for this architecture "
                            "(x86_64, arm64 from 5.13; ppc64le radix from 6.6)")


def no_note(boot: int, given: bool, bare_metal: bool) -> str | None:
    """A profile whose block size assumes nothing about the memory layout."""
    return None


@dataclass(frozen=True, slots=True, eq=False)
class Profile:
    """One architecture with one base page size (and MMU, on ppc64le).  Profiles are
    singletons, compared and hashed by identity (they key the model's caches)."""

    #: ``x86_64``, ``arm64`` or ``ppc64le`` (the config's ``arch``); rows of the version table.
    family: str
    #: human name, e.g. ``arm64 16K pages``
    name: str
    #: PAGE_SIZE
    page: int
    #: PMD_SIZE: what one entry of a page-middle directory maps
    pmd: int
    #: default ``pageblock_nr_pages × PAGE_SIZE`` (include/linux/pageblock-flags.h)
    pageblock: int
    #: what one vmemmap leaf maps: PMD (huge page vmemmap) or PAGE (base pages)
    vmemmap_leaf: int
    vmemmap_source: str
    #: largest physical address + 1 (MAX_PHYSMEM_BITS)
    max_physical: int
    max_physical_source: str
    hotplug: Hotplug
    #: boot memory as physical ranges ``[(start, end), …]`` for a boot memory size
    boot_ranges: Callable[[int], tuple[tuple[int, int], ...]]
    #: where the first hot-pluggable DIMM starts, for a boot memory size
    hotplug_base: Callable[[int], int]
    #: populated zones at or below ZONE_NORMAL (those khugepaged counts) for a boot memory
    #: size, and with memory onlined above it
    zones: Callable[[int, bool], int]
    zones_source: str
    #: ``memory_block_size_bytes()``: (profile, behaviour, boot memory, hypervisor, override)
    block_size: Callable[[Profile, HotplugBehaviour, int, bool, int | None], BlockSize]
    #: ``arch_supports_memmap_on_memory(vmemmap_size)`` given the MMU: (ok, why)
    arch_memmap_on_memory: Callable[[Profile, int, bool], tuple[bool, str]]
    #: leaf size of the linear (direct) map of hot-added memory, given rodata=full
    linear_leaf: Callable[[Profile, bool], int]
    linear_source: str
    #: the kernels that have memmap-on-memory for hot-added memory of this profile
    mom_versions: str = "5.13 on"
    #: why a kernel without ``ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE`` refuses it
    no_memmap_on_memory: str = NO_ARCH_MEMMAP_ON_MEMORY
    #: boot-memory sizes where the budget can jump besides sections and blocks: zone ends
    #: and changes of the memory layout (the searches look there)
    boundaries: tuple[int, ...] = ()
    #: a note on a block size derived from an assumed memory layout, given boot memory,
    #: whether memory.block_size is given and whether bare metal's rule applies
    block_size_note: Callable[[int, bool, bool], str | None] = no_note

    @property
    def entries(self) -> int:
        """Entries of one page table (a page of 8-byte entries at every level)."""
        return self.page // 8

    @property
    def sections_per_root(self) -> int:
        """SPARSEMEM_EXTREME: one root page holds PAGE / sizeof(struct mem_section) (16 B)."""
        return self.page // 16


def pmd_linear_leaf(profile: Profile, rodata_full: bool) -> int:
    """The linear map of hot-added memory in PMD-sized leaves (x86_64 2 MiB pages, powerpc
    radix 2 MiB / 1 GiB pages: the 1 GiB leaves are not counted), whatever rodata says."""
    return profile.pmd


def generic_arch_memmap_on_memory(profile: Profile, vmemmap_size: int,
                                  radix: bool) -> tuple[bool, str]:
    """mm/memory_hotplug.c default ``arch_supports_memmap_on_memory()``: the memmap of one
    block is whole PMDs, so the vmemmap of a block never shares a PMD with another block."""
    if vmemmap_size % profile.pmd:
        return False, (f"memmap {vmemmap_size} B is not a multiple of the {profile.pmd >> 20} "
                       f"MiB PMD")
    return True, f"memmap is whole {profile.pmd >> 20} MiB PMDs"
