"""What each kernel version does on x86_64, arm64 and ppc64le: one table of changes per
architecture profile, folded like :mod:`memmapcalc.kernel.behaviour` (the s390 table).

A row says "from version X on, field F is V" and names its source.  Rows of the generic
memory-hotplug core (mm/, drivers/acpi/) are shared by every profile; rows of an
architecture apply to its profiles only.  ``None`` (version not given) is the oldest
behaviour: the baseline alone.  The s390 table is not touched by anything here.

Version attribution comes from the merge-window pull requests and shortlogs read in the
public mailing-list archives (see the ``source`` of each row).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache

from memmapcalc.kernel.behaviour import Change, generic_rows, rule_in
from memmapcalc.kernel.version import KernelVersion, v
from memmapcalc.units import GiB, MiB


@dataclass(frozen=True, slots=True)
class HotplugBehaviour:
    """The version-dependent facts of one non-s390 architecture profile."""

    #: ``1 << SECTION_SIZE_BITS`` (arch/*/include/asm/sparsemem.h).
    section_size: int
    #: ``ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE``: the architecture can put a memmap on its block.
    memmap_on_memory_arch: bool
    #: ``memory_hotplug.memmap_on_memory=force`` accepted; unsupported requests fall back
    #: to a normal memmap instead of failing (the same 6.6 series).
    force_mode: bool
    #: ``add_memory()`` of several blocks gets one altmap per block (6.8); before, only a
    #: request of exactly one block could use memmap_on_memory.
    split_per_block: bool
    #: drivers/acpi/acpi_memhotplug.c asks for MHP_MEMMAP_ON_MEMORY on every DIMM (6.6);
    #: before, only when ``mhp_supports_memmap_on_memory(DIMM length)`` held.
    acpi_requests_always: bool
    #: arch/powerpc/platforms/pseries/hotplug-memory.c ``dlpar_add_lmb()`` asks for
    #: MHP_MEMMAP_ON_MEMORY (6.6).
    dlpar_requests: bool
    #: x86 ``probe_memory_block_size()``: bare metal with ≥ 64 GiB uses 2 GiB blocks (5.9).
    bare_metal_max_block: bool
    #: upper clamp of min_free_kbytes (mm/page_alloc.c ``calculate_min_free_kbytes()``), KiB.
    min_free_kbytes_max: int


_FIELDS = {f.name for f in fields(HotplugBehaviour)}

#: Rows of the generic memory-hotplug core and the page allocator (every profile).
GENERIC: tuple[Change, ...] = (
    *generic_rows(),  # min_free_kbytes' clamp (5.7) and force mode (6.6), shared with s390x
    Change(v("6.6"), "acpi_requests_always", True,
           "drivers/acpi/acpi_memhotplug.c acpi_memory_enable_device(): mhp_flags |= "
           "MHP_MEMMAP_ON_MEMORY unconditionally "
           "(<20230711044834.72809-3-aneesh.kumar@linux.ibm.com>)"),
    Change(v("6.8"), "split_per_block", True,
           "mm/memory_hotplug.c create_altmaps_and_memory_blocks(): one altmap per memory block "
           "(6b8f0798b85a 'mm/memory_hotplug: split memmap_on_memory requests across memblocks', "
           "MM pull for 6.8, <20240108155039.fd2798712a2a93a108b710ce@linux-foundation.org>)"),
)

_MHP_5_13 = ("Kconfig ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE, mm/memory_hotplug.c MHP_MEMMAP_ON_MEMORY "
             "(Oscar Salvador's series, 5.13 merge window)")

#: Rows per architecture (profile family).
ARCH: dict[str, tuple[Change, ...]] = {
    "x86_64": (
        Change(v("5.9"), "bare_metal_max_block", True,
               "arch/x86/mm/init_64.c probe_memory_block_size(): 2 GiB blocks on bare metal "
               "(fe124c95df9e 'x86/mm: use max memory block size on bare metal', 5.9-rc1)"),
        Change(v("5.13"), "memmap_on_memory_arch", True,
               "arch/x86/Kconfig select ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE; " + _MHP_5_13),
    ),
    "arm64": (
        Change(v("5.12"), "section_size", 0,  # per page size, see SECTION_SIZE_5_12
               "arch/arm64/include/asm/sparsemem.h: SECTION_SIZE_BITS 30 -> 27 (4K, 16K) / "
               "29 (64K) "
               "(f0b13ee23241 'arm64/sparsemem: reduce SECTION_SIZE_BITS', arm64 pull for 5.12)"),
        Change(v("5.13"), "memmap_on_memory_arch", True,
               "arch/arm64/Kconfig ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE (ca6e51d592d2); " + _MHP_5_13),
    ),
    "ppc64le": (
        Change(v("6.6"), "memmap_on_memory_arch", True,
               "arch/powerpc/Kconfig select ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE if PPC_RADIX_MMU; "
               "arch/powerpc/include/asm/pgtable.h arch_supports_memmap_on_memory() "
               "(MM pull for 6.6)"),
        Change(v("6.6"), "dlpar_requests", True,
               "arch/powerpc/platforms/pseries/hotplug-memory.c dlpar_add_lmb(): __add_memory(..., "
               "MHP_MEMMAP_ON_MEMORY) (Aneesh Kumar's series, MM pull for 6.6)"),
    ),
}

#: arm64 SECTION_SIZE_BITS from 5.12 by base page size (29 for 64K, 27 otherwise).
SECTION_SIZE_5_12 = {4096: 128 * MiB, 16384: 128 * MiB, 65536: 512 * MiB}


def baseline(family: str, page: int) -> HotplugBehaviour:
    """The oldest behaviour memmapcalc models for a profile (no memmap-on-memory at all)."""
    section = {"x86_64": 128 * MiB, "arm64": 1 * GiB, "ppc64le": 16 * MiB}[family]
    return HotplugBehaviour(section_size=section, memmap_on_memory_arch=False, force_mode=False,
                            split_per_block=False, acpi_requests_always=False,
                            dlpar_requests=False, bare_metal_max_block=False,
                            min_free_kbytes_max=65536)


def changes(family: str) -> tuple[Change, ...]:
    """Every row that applies to ``family``, oldest first."""
    rows = sorted((*GENERIC, *ARCH[family]), key=lambda change: change.since)
    assert all(change.field in _FIELDS for change in rows), "a row names an unknown field"
    return tuple(rows)


@lru_cache(maxsize=256)
def hotplug_behaviour(family: str, page: int, version: KernelVersion | None) -> HotplugBehaviour:
    """The behaviour of ``version`` for ``family`` with base pages of ``page`` bytes."""
    behaviour = baseline(family, page)
    if version is None:
        return behaviour
    for change in changes(family):
        if change.since <= version:
            value = change.value
            if family == "arm64" and change.field == "section_size":
                value = SECTION_SIZE_5_12[page]
            behaviour = replace(behaviour, **{change.field: value})
    return behaviour


@lru_cache(maxsize=1024)
def rule(family: str, field: str, version: KernelVersion | None) -> tuple[str, str]:
    """``(versions, source)`` of the row that set ``field`` for ``version``."""
    return (rule_in(changes(family), field, version)
            or ("all", BASELINE_SOURCES.get((family, field), "baseline")))


#: Where the baseline values that no row changes come from.
BASELINE_SOURCES = {
    ("x86_64", "section_size"): "arch/x86/include/asm/sparsemem.h: SECTION_SIZE_BITS 27",
    ("ppc64le", "section_size"): "arch/powerpc/include/asm/sparsemem.h: SECTION_SIZE_BITS 24",
}
