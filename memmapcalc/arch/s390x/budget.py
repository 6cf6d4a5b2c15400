"""What IPL charges to online memory on s390x, item by item (the s390x profile's budget).

``budget(params)`` is pure and cheap (a few µs), so the searches for ``max_standby`` and
``min_online`` and the planner call it many times.  Order of events at IPL that the
model follows (kernel-model.md §8):

1. early boot reserves the kernel image, initramfs, crashkernel, the memmap of every
   present online section, the boot page tables and section metadata;
2. min_free_kbytes is computed from the remaining (managed) online memory, and raised by
   khugepaged when THP is on — both before the standby initcall;
3. ≤ 6.18: sclp adds every usable standby block (memmap from online memory unless
   memmap_on_memory applies; page tables always from online memory);
   ≥ 6.19: only a small object per block;
4. user space must still fit above the min watermark.
"""

from __future__ import annotations

from memmapcalc.arch.s390x import metadata, pagetables, platforms, watermarks
from memmapcalc.arch.s390x.blocks import block_size, standby_blocks, standby_range
from memmapcalc.arch.s390x.constants import PAGE, SEGMENT
from memmapcalc.arch.s390x.memmap import memmap_size, standby_memmap_on_memory
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.behaviour import rule_for
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.kernel.sections import present_sections
from memmapcalc.records.budget import Budget
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import verdict
from memmapcalc.units import KiB, MiB


def budget(p: Params) -> Budget:
    """Charge IPL's consumers to online memory and return the budget with explanations."""
    versions, source = rule_for("section_size", p.version)
    section = Explained(p.behaviour.section_size,
                        lambda: f"1 << SECTION_SIZE_BITS = {mib(p.behaviour.section_size)}",
                        source, versions)
    block = block_size(section.value, p.increment, p.block_size)
    b = block.value
    blocks = standby_blocks(p.online, p.standby, b)
    start, end = standby_range(p.online, p.standby, b)
    per_block = memmap_size(b, p.struct_page)
    mom = standby_memmap_on_memory(
        block=b, struct_page=p.struct_page, pageblock=p.pageblock, mode=p.memmap_on_memory,
        force_accepted=p.behaviour.force_mode, standby=p.standby_handling,
        sclp_support=p.sclp_memmap_on_memory, edat1=p.edat1)

    sections = present_sections(p.online, section.value)
    section_map = -(-(section.value // PAGE * p.struct_page) // SEGMENT) * SEGMENT
    online_memmap = Explained(
        sections * section_map,
        lambda: (f"{sections} present sections × ALIGN({mib(section.value)} / 4 KiB × "
                 f"{p.struct_page} B, 1 MiB) "
        f"= {sections} × {mib(section_map)} = {mib(sections * section_map)}"),
        "mm/sparse.c sparse_init_nid(), section_map_size()")
    parts = {
        "boot_identity": pagetables.boot_identity(p.online, p.edat1, p.edat2),
        "boot_vmemmap": pagetables.boot_vmemmap(online_memmap.value, p.edat1,
                                                p.behaviour.pte_table_early),
        "top_level": pagetables.top_level(p.online + p.standby,
                                          (p.online + p.standby) // PAGE * p.struct_page),
    }
    boot_meta = metadata.boot_metadata(p.online, section.value, b, p.pageblock)
    crash = -(-p.crashkernel // MiB) * MiB

    boot_add = p.standby_handling is StandbyHandling.BOOT_ADD
    if boot_add:
        parts["standby_identity"] = pagetables.standby_identity(
            start, end, b, p.online, p.edat1, p.edat2, p.behaviour.pte_table_runtime)
        parts["standby_vmemmap"] = pagetables.standby_vmemmap(
            start, end, p.struct_page, online_memmap.value, p.edat1, p.behaviour.pte_table_runtime)
        standby_meta = metadata.standby_boot_add_metadata(start, end, p.online, section.value, b,
                                                          p.pageblock)
        on_block = mom.used.value
        standby_memmap = Explained(
            0 if on_block else blocks.value * per_block.value,
            (lambda: ("memmap on the standby blocks themselves: 0 from online memory"
                      if on_block else f"{blocks.value} blocks × {mib(per_block.value)} = "
                      f"{mib(blocks.value * per_block.value)}")),
            "drivers/s390/char/sclp_cmd.c sclp_detect_standby_memory() -> add_memory() -> "
            "mm/sparse-vmemmap.c vmemmap_alloc_block()", "≤ 6.18 (boot-add)")
    else:
        standby_meta = metadata.standby_deferred_metadata(p.online, p.standby, b, blocks.value)
        standby_memmap = Explained(0, lambda: (
            f"0 at IPL: the {blocks.value} standby blocks are not added; each pays "
            f"{mib(0 if mom.used.value else per_block.value)} of memmap from online memory when "
            f"configured"), "drivers/s390/char/sclp_mem.c "
                                   "sclp_config_mem_store()", "6.19 on (deferred)")

    boot_reserved = (p.image + p.initramfs + crash + online_memmap.value + boot_meta.value
                     + sum(parts[k].value for k in ("boot_identity", "boot_vmemmap", "top_level")))
    calibrated = _calibrated(p, section.value, section_map) if p.footprint is not None else None
    if calibrated is not None:  # the footprint holds everything IPL reserves for online memory
        boot_reserved = calibrated.value
        for name in ("boot_identity", "boot_vmemmap", "top_level"):
            del parts[name]
        boot_meta = Explained(0, "in kernel.footprint", "calibrated")
        online_memmap = Explained(0, "in kernel.footprint", "calibrated")
        crash = 0
    managed = max(0, p.online - boot_reserved)
    min_free_parts = watermarks.reserve(managed, p.online, p.pageblock, p.thp, p.edat1,
                                        p.behaviour.min_free_kbytes_max)
    base, raised, _ = min_free_parts
    min_free_kb = max(base.value, raised.value if raised else 0)
    dma_reserve = watermarks.dma_lowmem_reserve(p.online)

    page_table_total = sum(part.value for part in parts.values())
    charged: dict[str, Explained[int]] = {
        "kernel_image": Explained(p.image, lambda: (f"kernel.image = {mib(p.image)}"),
                                  "vmlinux image_size + bss (arch/s390/boot/startup.c), given"),
        "initramfs": Explained(p.initramfs, lambda: (f"kernel.initramfs = {mib(p.initramfs)}"),
                               "init/initramfs.c: image kept until unpacked, given"),
        "crashkernel": Explained(crash,
                                 lambda: f"roundup({mib(p.crashkernel)}, 1 MiB) = {mib(crash)}",
                                 "arch/s390/kernel/setup.c reserve_crashkernel(), "
                                 "KEXEC_CRASH_MEM_ALIGN"),
        "cma": platforms.vmcp_cma(p),
        "online_memmap": online_memmap,
        "standby_memmap": standby_memmap,
        "page_tables": Explained(page_table_total, lambda: (" + ".join(
            f"{name} {mib(part.value)}" for name, part in parts.items())
            + f" = {mib(page_table_total)}"),
            "arch/s390/boot/vmem.c, arch/s390/mm/vmem.c"),
        "metadata": Explained(boot_meta.value + standby_meta.value,
                              lambda: (f"online {mib(boot_meta.value)} + standby "
                                       f"{mib(standby_meta.value)}"),
                              "mm/sparse.c, drivers/base/memory.c, drivers/s390/char/sclp_mem.c"),
        "min_free": Explained(min_free_kb * KiB + dma_reserve.value, lambda: (
            f"min_free_kbytes max({base.value} kB, khugepaged {raised.value if raised else 0} kB) "
            f"= {min_free_kb} kB + ZONE_DMA lowmem_reserve {mib(dma_reserve.value)} = "
            f"{mib(min_free_kb * KiB + dma_reserve.value)}"),
            "mm/page_alloc.c calculate_min_free_kbytes(), setup_per_zone_lowmem_reserve(); "
            "mm/khugepaged.c"),
        "userspace": Explained(p.userspace, lambda: f"boot.userspace = {mib(p.userspace)}",
                               "given"),
    }
    if calibrated is not None:
        charged["kernel_image"] = calibrated
        charged["initramfs"] = _freed_before_init(p)
        charged["crashkernel"] = Explained(0, "in kernel.footprint", "calibrated")
    required = sum(item.value for item in charged.values())
    return Budget(block_size=block, standby_blocks=blocks, memmap_per_block=per_block,
                  memmap_on_memory=mom, charged=charged, page_table_parts=parts,
                  min_free_parts=min_free_parts, section_size=section, required=required,
                  margin=p.online - required, lowmem_reserve=dma_reserve)


def _calibrated(p: Params, section: int, section_map: int) -> Explained[int]:
    """``kernel.footprint``: boot memory minus MemFree at /init of a boot without
    hot-pluggable (standby) memory — the kernel image, initramfs contents, crashkernel, the
    memmap and page tables of online memory and everything else the kernel holds then.
    Measured at one online size; at another the online memmap differs by whole sections.
    Example: 1 GiB calibrated at 160 MiB, evaluated at 2 GiB with 256 MiB sections:
    160 MiB + (8 − 4) × 4 MiB = 176 MiB."""
    measured = p.footprint_online if p.footprint_online is not None else p.online
    assert p.footprint is not None
    delta = ((present_sections(p.online, section) - present_sections(measured, section))
             * section_map)
    value = p.footprint + delta
    return Explained(value, lambda: (
        f"kernel.footprint {mib(p.footprint or 0)} measured at {mib(measured)} online"
        + (f" + online memmap difference {mib(delta)}" if delta else "") + f" = {mib(value)}"),
        "calibrated: boot memory − MemFree at /init without standby memory")


def _freed_before_init(p: Params) -> Explained[int]:
    return Explained(p.freed_before_init, lambda: (
        f"kernel.freed_before_init = {mib(p.freed_before_init)}: held while hot-pluggable memory "
        f"is added, freed before /init"), "init/initramfs.c free_initrd_mem(), "
        "init/main.c free_initmem() ('Freeing ... memory' in dmesg)")


def passes(p: Params) -> bool:
    """Does IPL leave at least ``min_margin``?  (warn counts as passing.)"""
    return verdict(budget(p).margin, p.online, p.min_margin) != "fail"
