"""s390 kernel page tables charged to online memory: identity map and vmemmap.

Geometry (arch/s390/include/asm/pgtable.h, pgalloc.h): every region/segment (CRST) table
is 16 KiB; a segment table spans 2 GiB (2048 × 1 MiB entries); a PTE table maps 1 MiB.
CRST tables always come from online memory, never from a memmap_on_memory altmap
(arch/s390/mm/vmem.c ``vmem_crst_alloc``).  Population rules (vmem.c
``modify_pmd_table``/``modify_pte_table``, boot/vmem.c for the boot identity map):

* identity map: 2 GiB region-3 leaves with EDAT2 when a whole aligned 2 GiB is mapped in
  one request, else 1 MiB segment leaves with EDAT1, else 4 KiB PTEs;
* vmemmap: 1 MiB frames with EDAT1 (no PTE tables), else PTE tables + 4 KiB pages.

Windows are counted exactly: a segment table is paid by the first mapping that touches
its 2 GiB window.  With SP = 64 one 2 GiB vmemmap window covers 128 GiB of memory.
"""

from __future__ import annotations

from functools import lru_cache, partial

from memmapcalc.arch.s390x import formulas as fm
from memmapcalc.arch.s390x.constants import (
    CRST_TABLE,
    PAGE,
    REGION3_ENTRY,
    REGION3_TABLE_SPAN,
    SEGMENT,
)
from memmapcalc.explained import Explained, counted, mib
from memmapcalc.kernel.windows import new_windows, windows
from memmapcalc.units import KiB, TiB

#: The decompressor packs two 2 KiB PTE tables into one page (arch/s390/boot/vmem.c).
BOOT_PTE_TABLE = 2 * KiB


@lru_cache(maxsize=4096)
def boot_identity(online: int, edat1: bool, edat2: bool) -> Explained[int]:
    """Identity map of online memory built by the decompressor (arch/s390/boot/vmem.c
    ``setup_vmem``/``pgtable_populate``).

    EDAT2: region-3 leaves for whole 2 GiB windows, a segment table for a partial last
    window and for window 0 (the lowcore page is mapped with 4 KiB PTEs: one PTE table).
    EDAT1: one segment table per 2 GiB window + the lowcore PTE table.  Neither: segment
    tables + one 2 KiB PTE table per MiB.
    Example: 4 GiB online, EDAT1 -> 2 × 16 KiB + 2 KiB = 34 KiB.
    """
    first, stop = windows(0, online, REGION3_ENTRY)
    count = stop - first
    if edat1 and edat2:
        partial = 1 if online % REGION3_ENTRY and count > 1 else 0
        segment_tables = 1 + partial
        pte_tables = 1
        rule = ("EDAT2: region-3 leaves; a segment table for window 0 (lowcore)"
                + (" and one for the partial last window" if partial else ""))
    elif edat1:
        segment_tables, pte_tables = count, 1
        rule = (f"EDAT1: {counted(count, '2 GiB window')} -> a segment table each, "
                f"1 lowcore PTE table")
    else:
        segment_tables, pte_tables = count, -(-online // SEGMENT)
        rule = (f"no EDAT: {counted(count, 'segment table')}, "
                f"{counted(pte_tables, 'PTE table')} (one per MiB)")
    value = segment_tables * CRST_TABLE + pte_tables * BOOT_PTE_TABLE
    def formula() -> str:
        return f"{rule}: {segment_tables} × 16 KiB + {pte_tables} × 2 KiB = {mib(value)}"

    return Explained(value, formula, "arch/s390/boot/vmem.c setup_vmem(), pgtable_populate()")


@lru_cache(maxsize=4096)
def boot_vmemmap(online_vmemmap: int, edat1: bool, pte_table: int) -> Explained[int]:
    """Page tables of the online memory's vmemmap (mm/sparse.c ``sparse_init`` ->
    arch/s390/mm/vmem.c ``vmemmap_populate``, early memblock allocations).

    Example: 16 sections × 4 MiB = 64 MiB of vmemmap, EDAT1 -> one segment table, 16 KiB.
    """
    _, segment_tables = windows(0, online_vmemmap, REGION3_ENTRY)
    pte_tables = 0 if edat1 else -(-online_vmemmap // SEGMENT)
    value = segment_tables * CRST_TABLE + pte_tables * pte_table
    kind = ("1 MiB frames, no PTE tables" if edat1
            else f"{counted(pte_tables, 'PTE table')} × {mib(pte_table)}")
    def formula() -> str:
        return (f"vmemmap {mib(online_vmemmap)}: {counted(segment_tables, 'segment table')} "
                f"× 16 KiB, "
                f"{kind} = {mib(value)}")

    return Explained(value, formula, "arch/s390/mm/vmem.c vmemmap_populate(), modify_pmd_table(), "
                     "vmem_pte_alloc() (early)")


def standby_identity(start: int, end: int, block: int, online: int, edat1: bool, edat2: bool,
                     pte_table: int) -> Explained[int]:
    """Identity map of standby blocks added at IPL, one ``vmem_add_mapping(addr, block)`` each.

    A block of at least 2 GiB maps its whole 2 GiB windows with region-3 leaves (EDAT2);
    smaller blocks need a segment table per new 2 GiB window (EDAT1); without EDAT a PTE
    table per MiB as well.  Example: standby [2 GiB, 256 GiB) in 256 MiB blocks, EDAT1
    -> 127 segment tables = 2032 KiB.
    """
    leaves = edat2 and edat1 and block >= REGION3_ENTRY
    segment_tables = 0 if leaves else new_windows(start, end, REGION3_ENTRY, online)
    pte_tables = 0 if edat1 else (end - start) // SEGMENT
    value = segment_tables * CRST_TABLE + pte_tables * pte_table
    rule = ("EDAT2 and blocks ≥ 2 GiB: region-3 leaves" if leaves else
            f"{counted(segment_tables, 'new 2 GiB window')} × 16 KiB")
    if not edat1:
        rule += f" + {counted(pte_tables, 'PTE table')} × {mib(pte_table)}"
    return Explained(value, partial(fm.rule_total, rule, value), fm.STANDBY_IDENTITY_SOURCE,
                     "≤ 6.18 (boot-add)")


def standby_vmemmap(start: int, end: int, struct_page: int, online_vmemmap: int, edat1: bool,
                    pte_table: int) -> Explained[int]:
    """vmemmap page tables of standby blocks added at IPL (always online memory, even when
    the memmap itself is on the block).

    The block at physical A uses vmemmap ``[A·SP/4K, (A+B)·SP/4K)``.  EDAT1: a segment
    table per new 2 GiB vmemmap window (= 128 GiB of memory at SP 64).  No EDAT1: a PTE
    table per MiB of vmemmap as well.  Example: standby [4 GiB, 256 GiB), EDAT1 -> vmemmap
    [64 MiB, 4 GiB) -> 1 new window = 16 KiB.
    """
    vstart, vend = start // PAGE * struct_page, end // PAGE * struct_page
    segment_tables = new_windows(vstart, vend, REGION3_ENTRY, online_vmemmap)
    pte_tables = 0 if edat1 else -(-(vend - vstart) // SEGMENT)
    value = segment_tables * CRST_TABLE + pte_tables * pte_table
    def formula() -> str:
        return (f"vmemmap [{mib(vstart)}, {mib(vend)}): "
                f"{counted(segment_tables, 'new segment table')} × 16 KiB"
                + ("" if edat1 else f" + {counted(pte_tables, 'PTE table')} × {mib(pte_table)}")
                + f" = {mib(value)}")

    return Explained(value, formula, "arch/s390/mm/vmem.c vmemmap_populate(), modify_pmd_table(), "
                     "vmem_pte_alloc()", "≤ 6.18 (boot-add)")


@lru_cache(maxsize=4096)
def top_level(address_space_end: int, vmemmap_end: int) -> Explained[int]:
    """The kernel ASCE's top tables beyond ``swapper_pg_dir``.  The top table itself is the
    static ``swapper_pg_dir`` (arch/s390/mm/init.c, section ``.bss..swapper_pg_dir``, first
    in .bss by arch/s390/kernel/vmlinux.lds.S), which arch/s390/boot/vmem.c ``setup_vmem()``
    initialises as the region-3 (3-level) or region-2 (4-level) table of the kernel ASCE:
    it is in ``kernel.image`` (image + bss) and costs nothing here.  A 4-level layout also
    allocates a region-3 table per 4 TiB of identity map and of vmemmap
    (``pgtable_populate()`` -> ``boot_crst_alloc()``; arch/s390/boot/startup.c
    ``setup_kernel_memory_layout()`` picks the layout).

    The 2 TiB threshold stands for "identity map + vmemmap + vmalloc fit in 4 TiB";
    the layout's exact size is not modelled.  Example: 1 TiB + 1 TiB of memory, 32 GiB of
    vmemmap -> 4-level, 1 + 1 region-3 tables = 32 KiB.
    """
    source = ("arch/s390/boot/startup.c setup_kernel_memory_layout(); arch/s390/boot/vmem.c "
              "setup_vmem(): swapper_pg_dir in .bss")
    if address_space_end + vmemmap_end <= 2 * TiB:
        return Explained(0, "3-level: the region-3 table is swapper_pg_dir, in kernel.image "
                         "(.bss) = 0", source)
    r3 = -(-address_space_end // REGION3_TABLE_SPAN) + -(-vmemmap_end // REGION3_TABLE_SPAN)
    value = r3 * CRST_TABLE
    return Explained(value, partial(fm.top_level, r3, value), source)
