"""The formulas of ``check --explain`` for s390x that are not a budget item's own module,
each beside the kernel source it follows.

A formula is a plain function of the numbers it shows, bound with
:func:`functools.partial` where the :class:`~memmapcalc.explained.Explained` is built, so
the text is written only when someone reads it (the searches never do).
"""

from __future__ import annotations

from memmapcalc.explained import Explained, counted, mib

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


# -- the budget (budget.py) ----------------------------------------------------------------

def section_size(section: int) -> str:
    return f"1 << SECTION_SIZE_BITS = {mib(section)}"


ONLINE_MEMMAP_SOURCE = "mm/sparse.c sparse_init_nid(), section_map_size()"


def online_memmap(sections: int, section: int, struct_page: int, section_map: int) -> str:
    """Each present section's memmap, aligned up to a 1 MiB segment (vmemmap leaves)."""
    return (f"{sections} present sections × ALIGN({mib(section)} / 4 KiB × {struct_page} B, "
            f"1 MiB) = {sections} × {mib(section_map)} = {mib(sections * section_map)}")


STANDBY_MEMMAP_SOURCE = ("drivers/s390/char/sclp_cmd.c sclp_detect_standby_memory() -> "
                         "add_memory() -> mm/sparse-vmemmap.c vmemmap_alloc_block()")


def standby_memmap(on_block: bool, blocks: int, per_block: int) -> str:
    """≤ 6.18: sclp adds every standby block at IPL, its memmap on the block or online."""
    if on_block:
        return "memmap on the standby blocks themselves: 0 from online memory"
    return f"{blocks} blocks × {mib(per_block)} = {mib(blocks * per_block)}"


DEFERRED_MEMMAP_SOURCE = "drivers/s390/char/sclp_mem.c sclp_config_mem_store()"


def deferred_memmap(blocks: int, per_block: int) -> str:
    """6.19 on: a block's memmap is paid when it is configured, not at IPL."""
    return (f"0 at IPL: the {blocks} standby blocks are not added; each pays {mib(per_block)} "
            f"of memmap from online memory when configured")


KERNEL_IMAGE_SOURCE = "vmlinux image_size + bss (arch/s390/boot/startup.c), given"
INITRAMFS_SOURCE = "init/initramfs.c: image kept until unpacked, given"
CRASHKERNEL_SOURCE = "arch/s390/kernel/setup.c reserve_crashkernel(), KEXEC_CRASH_MEM_ALIGN"


def crashkernel(asked: int, value: int) -> str:
    return f"roundup({mib(asked)}, 1 MiB) = {mib(value)}"


PAGE_TABLES_SOURCE = "arch/s390/boot/vmem.c, arch/s390/mm/vmem.c"
METADATA_SOURCE = ("mm/sparse.c, drivers/base/memory.c, drivers/s390/char/sclp_cmd.c / "
                   "sclp_mem.c, kernel/resource.c")


def summed(parts: dict[str, Explained[int]], total: int) -> str:
    """An item that is the sum of its parts: ``boot_identity 8 KiB + … = 2 MiB``."""
    return " + ".join(f"{name} {mib(part.value)}" for name, part in parts.items()) + (
        f" = {mib(total)}")


MIN_FREE_SOURCE = ("mm/page_alloc.c calculate_min_free_kbytes(), "
                   "setup_per_zone_lowmem_reserve(); mm/khugepaged.c")


def min_free(base_kb: int, raised_kb: int, min_free_kb: int, lowmem_reserve: int,
             value: int) -> str:
    """khugepaged only ever raises min_free_kbytes; ZONE_DMA keeps its lowmem_reserve too."""
    return (f"min_free_kbytes max({base_kb} kB, khugepaged {raised_kb} kB) = {min_free_kb} kB "
            f"+ ZONE_DMA lowmem_reserve {mib(lowmem_reserve)} = {mib(value)}")


CALIBRATED_SOURCE = "calibrated: boot memory − MemFree at /init without standby memory"


def calibrated(footprint: int, measured: int, delta: int, value: int) -> str:
    return (f"kernel.footprint {mib(footprint)} measured at {mib(measured)} online"
            + (f" + online memmap difference {mib(delta)}" if delta else "") + f" = {mib(value)}")


FREED_BEFORE_INIT_SOURCE = ("init/initramfs.c free_initrd_mem(), init/main.c free_initmem() "
                            "('Freeing ... memory' in dmesg)")


def freed_before_init(freed: int) -> str:
    return (f"kernel.freed_before_init = {mib(freed)}: held while hot-pluggable memory is "
            f"added, freed before /init")


# -- the platform (platforms.py) -----------------------------------------------------------

VMCP_CMA_SOURCE = ("drivers/s390/char/vmcp.c vmcp_cma_reserve() -> mm/cma.c "
                   "cma_declare_contiguous(); mm/page_alloc.c gfp_to_alloc_flags_cma()")


def no_vmcp_cma(label: str) -> str:
    return f"0 B: no vmcp CMA area outside z/VM ({label})"


def vmcp_cma(what: str, asked: int, size: int) -> str:
    """``what``: the size as configured (the Kconfig default or ``kernel.vmcp_cma``)."""
    return (f"z/VM vmcp CMA area: {what}"
            + (f", CMA-aligned to {mib(size)}" if size != asked else "")
            + f" = {mib(size)}; only movable allocations may use it, so the memmap, page "
              f"tables and metadata of standby memory cannot")
