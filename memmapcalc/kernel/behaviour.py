"""What each kernel version does on s390x: the s390 model's behaviour fields, their oldest
values, and the fold of the rows of :mod:`memmapcalc.kernel.rows` up to a version
(``behaviour_for``).  ``None`` (version not given) means the oldest behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.kernel.rows import Change, before, fold, rows_for, rule_in
from memmapcalc.kernel.version import KernelVersion
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

_FIELDS = {f.name for f in fields(Behaviour)}
#: The s390x profile's rows of the one table (memmapcalc.kernel.rows), oldest first.
CHANGES: tuple[Change, ...] = rows_for("s390x", 4 * KiB, _FIELDS)


@lru_cache(maxsize=4096)
def behaviour_for(version: KernelVersion | None) -> Behaviour:
    """The behaviour of ``version``: the baseline with every change up to it applied."""
    return fold(BASELINE, CHANGES, version)


def changes_up_to(version: KernelVersion | None) -> list[Change]:
    """The table rows in force for ``version`` (none when the version is unknown)."""
    if version is None:
        return []
    return [change for change in CHANGES if change.since <= version]


@lru_cache(maxsize=4096)
def rule_for(field: str, version: KernelVersion | None) -> tuple[str, str]:
    """``(versions, source)`` of the row that set ``field`` for ``version``, for explanations."""
    return rule_in(CHANGES, field, version) or ("all", "baseline")


def versions_where(field: str, value: Any) -> str:
    """Human range of versions in which ``field == value`` (for the explanation of a rule)."""
    spans: list[str] = []
    current = BASELINE
    start: KernelVersion | None = None
    for change in [c for c in CHANGES if c.field == field]:
        if getattr(current, field) == value and change.value != value:
            spans.append(f"{start or 'oldest'} to {before(change.since)}")
        if change.value == value and getattr(current, field) != value:
            start = change.since
        current = replace(current, **{field: change.value})
    if getattr(current, field) == value:
        spans.append(f"{start or 'oldest'} on")
    return ", ".join(spans) or "none"
