"""What each kernel version does, as one table of changes.

A :class:`Change` says "from version X on, field F is V" and names its source.  The
behaviour of a version is the fold of every change up to it (``behaviour_for``), so a
new kernel fact is one new row, never a new ``if`` in the model.  ``None`` (version not
given) means the oldest behaviour: everything in the first row only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.kernel.version import KernelVersion, v
from memmapcalc.units import KiB, MiB


@dataclass(frozen=True, slots=True)
class Behaviour:
    """The version-dependent facts the s390 model needs."""

    #: ``1 << SECTION_SIZE_BITS`` (arch/s390/include/asm/sparsemem.h).
    section_size: int
    #: boot-add: sclp adds all standby blocks during IPL; deferred: configured later.
    standby: StandbyHandling
    #: sclp asks for MHP_MEMMAP_ON_MEMORY when adding standby blocks (6.9+; needs EDAT1 there).
    sclp_memmap_on_memory: bool
    #: ``memory_hotplug.memmap_on_memory=force`` is accepted (6.6+; before: kstrtobool only).
    force_mode: bool
    #: bytes taken by one runtime PTE table (page_table_alloc): 2 KiB fragments, then whole pages.
    pte_table_runtime: int
    #: bytes taken by one early (memblock) PTE table in vmem_pte_alloc().
    pte_table_early: int
    #: upper clamp of min_free_kbytes in calculate_min_free_kbytes() (mm/page_alloc.c), in KiB.
    min_free_kbytes_max: int


@dataclass(frozen=True, slots=True)
class Change:
    """From ``since`` on, ``field`` has ``value``; ``source`` is where the kernel says so."""

    since: KernelVersion
    field: str
    value: Any
    source: str


#: The oldest behaviour memmapcalc models (Linux 3.x–5.x s390 standby handling).
BASELINE = Behaviour(
    section_size=256 * MiB,
    standby=StandbyHandling.BOOT_ADD,
    sclp_memmap_on_memory=False,
    force_mode=False,
    pte_table_runtime=2 * KiB,
    pte_table_early=2 * KiB,
    min_free_kbytes_max=65536,
)

CHANGES: tuple[Change, ...] = (
    Change(v("5.7"), "min_free_kbytes_max", 262144,
           "mm/page_alloc.c calculate_min_free_kbytes(): upper bound 64 MiB -> 256 MiB "
           "(ee8eb9a5fe86 'mm/page_alloc: increase default min_free_kbytes bound')"),
    Change(v("6.6"), "force_mode", True,
           "mm/memory_hotplug.c set_memmap_mode(): memmap_on_memory=force, fallback instead of "
           "-EINVAL (MM pull for 6.6, "
           "<20230828184251.bfbc164280503903eacf498c@linux-foundation.org>)"),
    Change(v("6.7"), "pte_table_runtime", 4 * KiB,
           "arch/s390/mm/pgalloc.c page_table_alloc(): full 4 KiB page per 2 KiB PTE table "
           "(s390 pull for 6.7)"),
    Change(v("6.9"), "sclp_memmap_on_memory", True,
           "drivers/s390/char/sclp_cmd.c add_memory_merged(): MHP_MEMMAP_ON_MEMORY | "
           "MHP_OFFLINE_INACCESSIBLE if EDAT1 (MM pull for 6.9)"),
    Change(v("6.13"), "section_size", 128 * MiB,
           "arch/s390/include/asm/sparsemem.h: SECTION_SIZE_BITS 28 -> 27 (s390 pull for 6.13)"),
    Change(v("6.17"), "pte_table_early", 4 * KiB,
           "arch/s390/mm/vmem.c vmem_pte_alloc(): early path allocates a whole page per PTE table "
           "(upstream daa8af80d283, also in 6.12.y/6.16.y stable)"),
    Change(v("6.19"), "standby", StandbyHandling.DEFERRED,
           "drivers/s390/char/sclp_mem.c sclp_setup_memory(): standby memory is no longer added "
           "at IPL; /sys/firmware/memory/memoryN/config adds it (s390 pull for 6.19)"),
)

_FIELDS = {f.name for f in fields(Behaviour)}
assert all(change.field in _FIELDS for change in CHANGES), "CHANGES names an unknown field"
assert list(CHANGES) == sorted(CHANGES, key=lambda change: change.since), "keep CHANGES sorted"


@lru_cache(maxsize=4096)
def behaviour_for(version: KernelVersion | None) -> Behaviour:
    """The behaviour of ``version``: the baseline with every change up to it applied."""
    behaviour = BASELINE
    for change in changes_up_to(version):
        behaviour = replace(behaviour, **{change.field: change.value})
    return behaviour


def changes_up_to(version: KernelVersion | None) -> list[Change]:
    """The table rows in force for ``version`` (none when the version is unknown)."""
    if version is None:
        return []
    return [change for change in CHANGES if change.since <= version]


#: Rows of the generic memory-hotplug core and page allocator that every architecture
#: shares (memmapcalc.arch.hotplug_rows builds the other profiles' tables on them).
GENERIC_FIELDS = ("min_free_kbytes_max", "force_mode")


def generic_rows() -> tuple[Change, ...]:
    return tuple(change for change in CHANGES if change.field in GENERIC_FIELDS)


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
        upto = f" to {_before(later[0].since)}" if later else " on"
        return f"{current.since}{upto}", current.source
    if named:
        return f"before {named[0].since}", named[0].source + " (state before this change)"
    return None


@lru_cache(maxsize=4096)
def rule_for(field: str, version: KernelVersion | None) -> tuple[str, str]:
    """``(versions, source)`` of the row that set ``field`` for ``version``, for explanations."""
    return rule_in(CHANGES, field, version) or ("all", "baseline")


def _before(version: KernelVersion) -> str:
    return f"{version.major}.{version.minor - 1}" if version.minor else f"< {version}"


def versions_where(field: str, value: Any) -> str:
    """Human range of versions in which ``field == value`` (for the explanation of a rule)."""
    spans: list[str] = []
    current = BASELINE
    start: KernelVersion | None = None
    for change in [c for c in CHANGES if c.field == field]:
        if getattr(current, field) == value and change.value != value:
            spans.append(f"{start or 'oldest'} to {_before(change.since)}")
        if change.value == value and getattr(current, field) != value:
            start = change.since
        current = replace(current, **{field: change.value})
    if getattr(current, field) == value:
        spans.append(f"{start or 'oldest'} on")
    return ", ".join(spans) or "none"
