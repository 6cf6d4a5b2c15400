"""The memory map (struct page array) of a block and whether it can live on the block.

Sources: mm/memory_hotplug.c ``memory_block_memmap_size()``,
``memory_block_memmap_on_memory_pages()``, ``mhp_supports_memmap_on_memory()`` (6.9+
text); s390 gates in drivers/s390/char/sclp_cmd.c / sclp_mem.c.
"""

from __future__ import annotations

from functools import lru_cache, partial

from memmapcalc.arch.s390x import formulas as fm
from memmapcalc.arch.s390x.constants import PAGE, SEGMENT
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.memmap_on_memory import (
    MEMMAP_PER_BLOCK_SOURCE,
    RefusalWords,
    memmap_pages,
    memmap_per_block_formula,
    mhp_check,
    refusal_reason,
)
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.records.budget import MemmapOnMemory


@lru_cache(maxsize=4096)
def memmap_size(block: int, struct_page: int) -> Explained[int]:
    """``memory_block_memmap_size() = block / PAGE_SIZE * sizeof(struct page)``.

    Example: 256 MiB / 4 KiB × 64 B = 4 MiB; 1 GiB -> 16 MiB (16 MiB per GiB).
    """
    value = block // PAGE * struct_page
    return Explained(value, partial(memmap_per_block_formula, block, PAGE, struct_page, value),
                     MEMMAP_PER_BLOCK_SOURCE, "5.13 on (same rule before)")


#: mm/'s refusals as the s390x texts word them (the paging profiles': arch/memmap.py).
REFUSAL_WORDS = RefusalWords(
    not_whole_pages="memmap {size} B is not whole pages",
    not_whole_pageblocks="memmap {pages} pages is not a multiple of the pageblock "
                         "({per_block} pages)",
    force_would_round="",
    fills_block="the memmap would fill the whole block",
)


@lru_cache(maxsize=4096)
def generic_support(block: int, struct_page: int, pageblock: int, mode: MemmapMode,
                    force_accepted: bool) -> tuple[bool, str]:
    """``mhp_supports_memmap_on_memory()`` (6.9+; the s390 gate is separate).

    True when: the parameter is Y or force; the memmap is whole pages; the memmap pages
    (force-rounded) are whole pageblocks; they are not the whole block; and the memmap is
    whole PMDs (generic ``arch_supports_memmap_on_memory()``: 1 MiB segments on s390).
    Example: 256 MiB block, SP 64, 1 MiB pageblocks, Y -> 1024 pages: supported.
    """
    check = mhp_check(block, struct_page, PAGE, pageblock, mode, force_accepted)
    size, pages, per_block = check.size, check.pages, check.per_block
    refused = refusal_reason(check, PAGE, False, REFUSAL_WORDS)
    if refused is not None:
        return False, refused
    if size % SEGMENT:
        return False, f"memmap {mib(size)} is not a multiple of the 1 MiB PMD (segment)"
    return True, (f"memmap {pages} pages = whole pageblocks of {per_block} pages and whole "
                  f"1 MiB PMDs")


@lru_cache(maxsize=4096)
def standby_memmap_on_memory(*, block: int, struct_page: int, pageblock: int, mode: MemmapMode,
                             force_accepted: bool, standby: StandbyHandling, sclp_support: bool,
                             edat1: bool) -> MemmapOnMemory:
    """Whether standby blocks get MHP_MEMMAP_ON_MEMORY.

    * sclp never asks (≤ 6.8, or a kernel without the s390 support): no.
    * boot-add with support (6.9–6.18): sclp asks only with EDAT1
      (``cpu_has_edat1() ? MHP_MEMMAP_ON_MEMORY | MHP_OFFLINE_INACCESSIBLE : MHP_NONE``),
      the core honours it only if ``mhp_supports_memmap_on_memory()``.
    * deferred (6.19+): the per-block ``memmap_on_memory`` attribute defaults to
      ``mhp_supports_memmap_on_memory()``; sclp_mem.c has no EDAT1 test any more.
    """
    size = block // PAGE * struct_page
    ok, why = generic_support(block, struct_page, pageblock, mode, force_accepted)
    versions = ("6.9 to 6.18 (boot-add)" if standby is StandbyHandling.BOOT_ADD
                else "6.19 on (deferred)")
    if not sclp_support:
        used = Explained(False, "the kernel's s390 sclp driver never requests MHP_MEMMAP_ON_MEMORY",
                         "drivers/s390/char/sclp_cmd.c add_memory_merged(): MHP_NONE", "before 6.9")
    elif standby is StandbyHandling.BOOT_ADD and not edat1:
        used = Explained(False, "no EDAT1: sclp adds standby blocks with MHP_NONE",
                         "drivers/s390/char/sclp_cmd.c add_memory_merged(): "
                         "cpu_has_edat1() ? MHP_MEMMAP_ON_MEMORY : MHP_NONE", versions)
    else:
        gate = "EDAT1 present and " if standby is StandbyHandling.BOOT_ADD else ""
        used = Explained(ok, partial(fm.sclp_memmap_on_memory, gate, why),
                         "mm/memory_hotplug.c mhp_supports_memmap_on_memory()"
                         + ("; drivers/s390/char/sclp_mem.c sclp_init_mem() default" if
                            standby is StandbyHandling.DEFERRED else ""), versions)
    if not used.value:
        return MemmapOnMemory(used, 0, 0)
    pages = memmap_pages(block, struct_page, PAGE, pageblock, mode is MemmapMode.FORCE)
    return MemmapOnMemory(used, pages, pages - -(-size // PAGE))
