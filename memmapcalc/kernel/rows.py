"""What each kernel version does, as one table of rows for every profile.

A :class:`Change` says "from version X on, field F is V" and names its source: the file and
function of the kernel, and where the change came in (commit, pull request or series).  One
kernel fact is one row.  ``arch`` says whose code it is: ``None`` for mm/ and drivers/ that
every architecture builds (the row applies to every profile whose behaviour has the field),
else the family (the config's ``arch``); ``page`` restricts a row to one base page size.

A profile's behaviour for a version is its baseline with every row up to the version
applied (:func:`fold`): s390x in :mod:`memmapcalc.kernel.behaviour`, the paging profiles in
:mod:`memmapcalc.arch.hotplug_rows`.  ``None`` (version not given) is the baseline alone.
A new kernel fact is one new row here, never a new ``if`` in the model.

Version attribution comes from the merge-window pull requests and shortlogs read in the
public mailing-list archives (see each row's ``source``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.kernel.version import KernelVersion, v
from memmapcalc.units import KiB, MiB


@dataclass(frozen=True, slots=True)
class Change:
    """From ``since`` on, ``field`` has ``value``; ``source`` is where the kernel says so."""

    since: KernelVersion
    field: str
    value: Any
    source: str
    #: the architecture family whose code this is; None: every family's (mm/, drivers/)
    arch: str | None = None
    #: the base page size the value is for; None: every page size
    page: int | None = None


_MHP_5_13 = ("Kconfig ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE, mm/memory_hotplug.c MHP_MEMMAP_ON_MEMORY "
             "(Oscar Salvador's series, 5.13 merge window)")
_ARM64_SECTIONS = ("arch/arm64/include/asm/sparsemem.h: SECTION_SIZE_BITS 30 -> 27 (4K, 16K) / "
                   "29 (64K) "
                   "(f0b13ee23241 'arm64/sparsemem: reduce SECTION_SIZE_BITS', "
                   "arm64 pull for 5.12)")

#: Every row, oldest first (one kernel fact a row).
ROWS: tuple[Change, ...] = (
    Change(v("5.7"), "min_free_kbytes_max", 262144,
           "mm/page_alloc.c calculate_min_free_kbytes(): upper bound 64 MiB -> 256 MiB "
           "(ee8eb9a5fe86 'mm/page_alloc: increase default min_free_kbytes bound')"),
    Change(v("5.9"), "bare_metal_max_block", True,
           "arch/x86/mm/init_64.c probe_memory_block_size(): 2 GiB blocks on bare metal "
           "(fe124c95df9e 'x86/mm: use max memory block size on bare metal', 5.9-rc1)",
           arch="x86_64"),
    Change(v("5.12"), "section_size", 128 * MiB, _ARM64_SECTIONS, arch="arm64", page=4 * KiB),
    Change(v("5.12"), "section_size", 128 * MiB, _ARM64_SECTIONS, arch="arm64", page=16 * KiB),
    Change(v("5.12"), "section_size", 512 * MiB, _ARM64_SECTIONS, arch="arm64", page=64 * KiB),
    Change(v("5.13"), "memmap_on_memory_arch", True,
           "arch/x86/Kconfig select ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE; " + _MHP_5_13,
           arch="x86_64"),
    Change(v("5.13"), "memmap_on_memory_arch", True,
           "arch/arm64/Kconfig ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE (ca6e51d592d2); " + _MHP_5_13,
           arch="arm64"),
    Change(v("6.6"), "force_mode", True,
           "mm/memory_hotplug.c set_memmap_mode(): memmap_on_memory=force, fallback instead of "
           "-EINVAL (MM pull for 6.6, "
           "<20230828184251.bfbc164280503903eacf498c@linux-foundation.org>)"),
    Change(v("6.6"), "acpi_requests_always", True,
           "drivers/acpi/acpi_memhotplug.c acpi_memory_enable_device(): mhp_flags |= "
           "MHP_MEMMAP_ON_MEMORY unconditionally "
           "(<20230711044834.72809-3-aneesh.kumar@linux.ibm.com>)"),
    Change(v("6.6"), "memmap_on_memory_arch", True,
           "arch/powerpc/Kconfig select ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE if PPC_RADIX_MMU; "
           "arch/powerpc/include/asm/pgtable.h arch_supports_memmap_on_memory() "
           "(MM pull for 6.6)", arch="ppc64le"),
    Change(v("6.6"), "dlpar_requests", True,
           "arch/powerpc/platforms/pseries/hotplug-memory.c dlpar_add_lmb(): __add_memory(..., "
           "MHP_MEMMAP_ON_MEMORY) (Aneesh Kumar's series, MM pull for 6.6)", arch="ppc64le"),
    Change(v("6.7"), "pte_table_runtime", 4 * KiB,
           "arch/s390/mm/pgalloc.c page_table_alloc(): full 4 KiB page per 2 KiB PTE table "
           "(s390 pull for 6.7)", arch="s390x"),
    Change(v("6.8"), "split_per_block", True,
           "mm/memory_hotplug.c create_altmaps_and_memory_blocks(): one altmap per memory block "
           "(6b8f0798b85a 'mm/memory_hotplug: split memmap_on_memory requests across memblocks', "
           "MM pull for 6.8, <20240108155039.fd2798712a2a93a108b710ce@linux-foundation.org>)"),
    Change(v("6.9"), "sclp_memmap_on_memory", True,
           "drivers/s390/char/sclp_cmd.c add_memory_merged(): MHP_MEMMAP_ON_MEMORY | "
           "MHP_OFFLINE_INACCESSIBLE if EDAT1 (MM pull for 6.9)", arch="s390x"),
    Change(v("6.13"), "section_size", 128 * MiB,
           "arch/s390/include/asm/sparsemem.h: SECTION_SIZE_BITS 28 -> 27 (s390 pull for 6.13)",
           arch="s390x"),
    Change(v("6.17"), "pte_table_early", 4 * KiB,
           "arch/s390/mm/vmem.c vmem_pte_alloc(): early path allocates a whole page per PTE table "
           "(upstream daa8af80d283, also in 6.12.y/6.16.y stable)", arch="s390x"),
    Change(v("6.19"), "standby", StandbyHandling.DEFERRED,
           "drivers/s390/char/sclp_mem.c sclp_setup_memory(): standby memory is no longer added "
           "at IPL; /sys/firmware/memory/memoryN/config adds it (s390 pull for 6.19)",
           arch="s390x"),
)

assert list(ROWS) == sorted(ROWS, key=lambda change: change.since), "keep ROWS sorted"


def rows_for(arch: str, page: int, fields: Collection[str]) -> tuple[Change, ...]:
    """The rows of one profile: its family's and every family's, for its page size, that
    set one of the ``fields`` of its behaviour; oldest first."""
    return tuple(change for change in ROWS
                 if change.arch in (None, arch) and change.page in (None, page)
                 and change.field in fields)


B = TypeVar("B")


def fold(baseline: B, rows: Sequence[Change], version: KernelVersion | None) -> B:
    """``baseline`` with every row of ``rows`` up to ``version`` applied."""
    behaviour = baseline
    if version is None:
        return behaviour
    for change in rows:
        if change.since <= version:
            behaviour = replace(behaviour, **{change.field: change.value})  # type: ignore[type-var]
    return behaviour


def rule_in(rows: Sequence[Change], field: str,
            version: KernelVersion | None) -> tuple[str, str] | None:
    """``(versions, source)`` of the row of ``rows`` that set ``field`` for ``version``: the
    last one in force, or, before the first, that row's source as the state before it;
    ``None`` when no row names ``field``."""
    named = [c for c in rows if c.field == field]
    in_force = [c for c in named if version is not None and c.since <= version]
    if in_force:
        current = in_force[-1]
        later = [c for c in named if c.since > current.since]
        upto = f" to {before(later[0].since)}" if later else " on"
        return f"{current.since}{upto}", current.source
    if named:
        return f"before {named[0].since}", named[0].source + " (state before this change)"
    return None


def before(version: KernelVersion) -> str:
    """The release before ``version`` as the tables write it: ``6.5`` for 6.6."""
    return f"{version.major}.{version.minor - 1}" if version.minor else f"< {version}"
