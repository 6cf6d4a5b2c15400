"""The formulas of ``check --explain`` for x86_64, arm64 and ppc64le, each beside the kernel
source it follows.

A formula is a plain function of the numbers it shows; the model binds them with
:func:`functools.partial` where it builds the :class:`~memmapcalc.explained.Explained`, so
the text is written only when someone reads it (the searches never do).
"""

from __future__ import annotations

from memmapcalc.explained import Explained, mib

# -- boot memory (arch/paging_boot.py) -----------------------------------------------------

CALIBRATED_SOURCE = "calibrated: boot memory − MemFree at /init without hot-pluggable memory"


def calibrated(footprint: int, measured: int, delta: int, value: int) -> str:
    return (f"kernel.footprint {mib(footprint)} measured at {mib(measured)} boot memory"
            + (f" + boot memmap difference {mib(delta)}" if delta else "") + f" = {mib(value)}")


FREED_BEFORE_INIT_SOURCE = ("init/initramfs.c free_initrd_mem(), init/main.c free_initmem() "
                            "('Freeing ... memory' in dmesg)")


def freed_before_init(freed: int) -> str:
    return (f"kernel.freed_before_init = {mib(freed)}: held while the DIMMs are added, "
            f"freed before /init")


BOOT_MEMMAP_SOURCE = "mm/sparse.c sparse_init_nid(), section_map_size()"


def boot_memmap(online: int, section: int, page: int, struct_page: int, leaf: int,
                memmap: int) -> str:
    return (f"present sections of {mib(online)} boot memory × {mib(section)} / {page >> 10} "
            f"KiB × {struct_page} B, in {mib(leaf)} vmemmap leaves = {mib(memmap)}")


INITRAMFS_SOURCE = "init/initramfs.c: image kept until unpacked, given"
CRASHKERNEL_SOURCE = "kernel/crash_reserve.c reserve_crashkernel(), given"
BOOT_METADATA_SOURCE = "mm/sparse.c, drivers/base/memory.c (device size estimated)"


def boot_metadata(meta: int) -> str:
    return f"boot sections' mem_section_usage, section roots, memory block devices: {mib(meta)}"


def tables_of(what: str, size: int) -> str:
    """A page-table part: ``linear map of boot memory: 8 KiB``."""
    return f"{what}: {mib(size)}"


# -- the budget's frame and the DIMMs (arch/model.py) --------------------------------------


def section_size(section: int) -> str:
    return f"1 << SECTION_SIZE_BITS = {mib(section)}"


DIMM_MOM_SOURCE = ("mm/memory_hotplug.c mhp_supports_memmap_on_memory(); "
                   "drivers/acpi/acpi_memhotplug.c acpi_memory_enable_device()")


def dimm_memmap_on_memory(ok: bool, block: int, why: str, per_dimm: str) -> str:
    return f"mhp_supports_memmap_on_memory({mib(block)}): {why}; {per_dimm}" if ok else why


DIMM_BLOCKS_SOURCE = "drivers/acpi/acpi_memhotplug.c: one add_memory() per DIMM"


def dimm_blocks(groups: tuple[tuple[int, int], ...], block: int, blocks: int) -> str:
    return (" + ".join(f"{count} × {mib(size)} / {mib(block)}" for size, count in groups)
            + f" = {blocks} blocks" if groups else "no DIMMs")


DIMM_MEMMAP_SOURCE = "mm/sparse-vmemmap.c vmemmap_alloc_block_buf() via add_memory()"


def dimm_memmap(memmap: int, where: str) -> str:
    return f"memmap of the DIMMs not on their own blocks {mib(memmap)}{where}"


DIMM_METADATA_SOURCE = ("mm/sparse.c section_activate(); drivers/base/memory.c; "
                        "drivers/acpi/acpi_memhotplug.c (device sizes estimated)")


def dimm_metadata(metadata: int) -> str:
    return (f"DIMM sections, memory block devices (~4 KiB each), ACPI devices (~7 KiB each): "
            f"{mib(metadata)}")


# -- DLPAR (arch/model.py) -----------------------------------------------------------------

LMBS_SOURCE = "arch/powerpc/mm/drmem.c (ibm,dynamic-memory-v2)"


def lmbs(standby: int, block: int, count: int) -> str:
    return f"{mib(standby)} / {mib(block)} = {count} LMBs for DLPAR"


LMB_MOM_SOURCE = ("mm/memory_hotplug.c mhp_supports_memmap_on_memory(); arch/powerpc/include/"
                  "asm/pgtable.h arch_supports_memmap_on_memory()")


def lmb_memmap_on_memory(ok: bool, how: str, block: int, why: str) -> str:
    return f"{how}; mhp_supports_memmap_on_memory({mib(block)}): {why}" if ok else why


LMB_MEMMAP_SOURCE = "arch/powerpc/platforms/pseries/hotplug-memory.c dlpar_add_lmb()"


def lmb_memmap(count: int, per_lmb: int) -> str:
    return (f"0 at boot: the {count} LMBs are added later by DLPAR, each "
            f"paying {mib(per_lmb)} of memmap from online memory then")


LMB_TABLE_SOURCE = "arch/powerpc/mm/drmem.c init_drmem_v2_lmbs()"


def lmb_table(possible: int, per_lmb: int, table: int) -> str:
    return f"drmem LMB table: {possible} LMBs × {per_lmb} B = {mib(table)}"


# -- the charged items (arch/model.py _assemble) -------------------------------------------


def page_tables(parts: dict[str, Explained[int]], total: int) -> str:
    return (" + ".join(f"{name} {mib(part.value)}" for name, part in parts.items())
            + f" = {mib(total)}" if parts else "0")


def metadata(boot: int, hotplug: int) -> str:
    return f"boot {mib(boot)} + hot-pluggable {mib(hotplug)}"


MIN_FREE_SOURCE = "mm/page_alloc.c, mm/khugepaged.c"


def min_free(base: int, raised: int, kbytes: int, managed: int) -> str:
    return (f"max({base} kB, khugepaged {raised} kB) = {kbytes} kB (managed {mib(managed)})")


# -- the limits (arch/report.py) -----------------------------------------------------------

LIMIT_SOURCE = "search over budget()"


def standby_limit(what: str, block: int, min_margin: int, limit: int, cap: str | None) -> str:
    """``cap``: what caps the limit (slots, MAX_PHYSMEM_BITS), or None when a size fails."""
    return (f"{what}, whole {mib(block)} blocks, with margin ≥ {mib(min_margin)}"
            + (f": capped by {cap}" if cap is not None else f"; {mib(limit + block)} fails"))


def online_limit(min_margin: int, limit: int) -> str:
    return (f"smallest boot memory (whole MiB) from which every larger size keeps margin ≥ "
            f"{mib(min_margin)}; {mib(limit - (1 << 20))} fails")
