"""What each kernel version does on x86_64, arm64 and ppc64le: the behaviour fields of the
paging profiles, their oldest values, and the fold of the rows of
:mod:`memmapcalc.kernel.rows` (the one table of every profile) up to a version.  ``None``
(version not given) is the oldest behaviour: the baseline alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

from memmapcalc.kernel.rows import Change, fold, rows_for, rule_in
from memmapcalc.kernel.version import KernelVersion
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


_FIELDS = frozenset(f.name for f in fields(HotplugBehaviour))


def baseline(family: str, page: int) -> HotplugBehaviour:
    """The oldest behaviour memmapcalc models for a profile (no memmap-on-memory at all)."""
    section = {"x86_64": 128 * MiB, "arm64": 1 * GiB, "ppc64le": 16 * MiB}[family]
    return HotplugBehaviour(section_size=section, memmap_on_memory_arch=False, force_mode=False,
                            split_per_block=False, acpi_requests_always=False,
                            dlpar_requests=False, bare_metal_max_block=False,
                            min_free_kbytes_max=65536)


@lru_cache(maxsize=64)
def changes(family: str, page: int) -> tuple[Change, ...]:
    """Every row that applies to ``family`` with base pages of ``page`` bytes, oldest first."""
    return rows_for(family, page, _FIELDS)


@lru_cache(maxsize=256)
def hotplug_behaviour(family: str, page: int, version: KernelVersion | None) -> HotplugBehaviour:
    """The behaviour of ``version`` for ``family`` with base pages of ``page`` bytes."""
    return fold(baseline(family, page), changes(family, page), version)


@lru_cache(maxsize=1024)
def rule(family: str, page: int, field: str, version: KernelVersion | None) -> tuple[str, str]:
    """``(versions, source)`` of the row that set ``field`` for ``version``."""
    return (rule_in(changes(family, page), field, version)
            or ("all", BASELINE_SOURCES.get((family, field), "baseline")))


#: Where the baseline values that no row changes come from.
BASELINE_SOURCES = {
    ("x86_64", "section_size"): "arch/x86/include/asm/sparsemem.h: SECTION_SIZE_BITS 27",
    ("ppc64le", "section_size"): "arch/powerpc/include/asm/sparsemem.h: SECTION_SIZE_BITS 24",
}
