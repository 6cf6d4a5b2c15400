"""The formulas of ``check --explain`` for s390x that are not a budget item's own module,
each beside the kernel source it follows.

A formula is a plain function of the numbers it shows, bound with
:func:`functools.partial` where the :class:`~memmapcalc.explained.Explained` is built, so
the text is written only when someone reads it (the searches never do).
"""

from __future__ import annotations

from memmapcalc.explained import counted, mib

# -- memory blocks (blocks.py) -------------------------------------------------------------

BLOCK_SIZE_SOURCE = ("arch/s390/mm/init.c memory_block_size_bytes(): "
                     "max(MIN_MEMORY_BLOCK_SIZE, sclp.rzm)")


def block_size_given(configured: int) -> str:
    return f"memory.block_size = {mib(configured)} (given)"


def block_size(section: int, rzm_text: str, value: int) -> str:
    return f"max(section {mib(section)}, increment {rzm_text}) = {mib(value)}"


# -- page tables (pagetables.py) -----------------------------------------------------------

STANDBY_IDENTITY_SOURCE = ("arch/s390/mm/vmem.c vmem_add_mapping(), modify_pud_table(), "
                           "modify_pmd_table()")


def rule_total(rule: str, value: int) -> str:
    """A rule already written out, and its total: ``… × 16 KiB = 2032 KiB``."""
    return f"{rule} = {mib(value)}"


def top_level(region3_tables: int, value: int) -> str:
    """4-level: the region-2 table is swapper_pg_dir, already in kernel.image (.bss)."""
    return (f"4-level: region-2 table swapper_pg_dir in kernel.image (.bss) + "
            f"{counted(region3_tables, 'region-3 table')} × 16 KiB = {mib(value)}")


# -- memmap on memory (memmap.py) ----------------------------------------------------------


def sclp_memmap_on_memory(gate: str, why: str) -> str:
    """``gate``: the EDAT1 test sclp makes first (boot-add), or nothing (deferred)."""
    return f"{gate}mhp_supports_memmap_on_memory(): {why}"


# -- the limits (report.py) ----------------------------------------------------------------

MAX_STANDBY_SOURCE = ("binary search over budget(); arch/s390/include/asm/sparsemem.h "
                      "MAX_PHYSMEM_BITS")
MIN_ONLINE_SOURCE = "search over budget()"


def max_standby(block: str, min_margin: int, capped: bool, failing: int) -> str:
    """``block``: the block size as written; ``failing``: the first size that fails."""
    return (f"largest whole number of {block} blocks with margin ≥ {mib(min_margin)}"
            + (": capped by MAX_PHYSMEM_BITS 46 (64 TiB) - online" if capped else
               f"; {mib(failing)} fails"))


def min_online(step: int, min_margin: int, limit: int) -> str:
    """``step``: the online granule (the storage increment, at least 1 MiB)."""
    return (f"smallest online memory (whole {mib(step)} increments) from which every larger "
            f"size keeps margin ≥ {mib(min_margin)}; {mib(limit - step)} fails")
