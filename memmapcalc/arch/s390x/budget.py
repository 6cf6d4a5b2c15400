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

from functools import partial

from memmapcalc.arch.s390x import formulas as fm
from memmapcalc.arch.s390x import metadata, pagetables, platforms, watermarks
from memmapcalc.arch.s390x.blocks import block_size, standby_blocks, standby_range
from memmapcalc.arch.s390x.constants import PAGE, SEGMENT
from memmapcalc.arch.s390x.memmap import memmap_size, standby_memmap_on_memory
from memmapcalc.explained import GIVEN, Explained, given
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
    size = p.behaviour.section_size
    section = Explained(size, partial(fm.section_size, size), source, versions)
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
        partial(fm.online_memmap, sections, section.value, p.struct_page, section_map),
        fm.ONLINE_MEMMAP_SOURCE)
    parts = {
        "boot_identity": pagetables.boot_identity(p.online, p.edat1, p.edat2),
        "boot_vmemmap": pagetables.boot_vmemmap(online_memmap.value, p.edat1,
                                                p.behaviour.pte_table_early),
        "top_level": pagetables.top_level(p.online + p.standby,
                                          (p.online + p.standby) // PAGE * p.struct_page),
    }
    usage = metadata.section_usage(section.value, p.pageblock, p.version)
    boot_meta = metadata.boot_metadata(p.online, section.value, b, usage.value)
    crash = -(-p.crashkernel // MiB) * MiB

    boot_add = p.standby_handling is StandbyHandling.BOOT_ADD
    if boot_add:
        parts["standby_identity"] = pagetables.standby_identity(
            start, end, b, p.online, p.edat1, p.edat2, p.behaviour.pte_table_runtime)
        parts["standby_vmemmap"] = pagetables.standby_vmemmap(
            start, end, p.struct_page, online_memmap.value, p.edat1, p.behaviour.pte_table_runtime)
        standby_meta = metadata.standby_boot_add_metadata(start, end, p.online, section.value, b,
                                                          usage.value)
        resources = metadata.memory_resources(blocks.value, "≤ 6.18 (boot-add)")
        on_block = mom.used.value
        altmaps = metadata.altmap_copies(blocks.value, on_block, "6.9 to 6.18 (boot-add)")
        standby_memmap = Explained(
            0 if on_block else blocks.value * per_block.value,
            partial(fm.standby_memmap, on_block, blocks.value, per_block.value),
            fm.STANDBY_MEMMAP_SOURCE, "≤ 6.18 (boot-add)")
    else:
        standby_meta = metadata.standby_deferred_metadata(p.online, p.standby, b, blocks.value)
        resources = metadata.memory_resources(0, "6.19 on (deferred): when a block is configured")
        altmaps = metadata.altmap_copies(0, False, "6.19 on (deferred): when a block is "
                                         "configured with memmap on memory")
        pays = 0 if mom.used.value else per_block.value
        standby_memmap = Explained(0, partial(fm.deferred_memmap, blocks.value, pays),
                                   fm.DEFERRED_MEMMAP_SOURCE, "6.19 on (deferred)")

    increments = metadata.sclp_increments(p.online, p.standby, p.increment)
    boot_reserved = (p.image + p.initramfs + crash + online_memmap.value + boot_meta.value
                     + sum(parts[k].value for k in ("boot_identity", "boot_vmemmap", "top_level")))
    calibrated = _calibrated(p, section.value, section_map) if p.footprint is not None else None
    if calibrated is not None:  # the footprint holds everything IPL reserves for online memory
        boot_reserved = calibrated.value
        for name in ("boot_identity", "boot_vmemmap", "top_level"):
            del parts[name]
        boot_meta = Explained(0, "in kernel.footprint", "calibrated")
        increments = metadata.sclp_increments(p.online, p.standby, p.increment,
                                              p.footprint_online or p.online)
        online_memmap = Explained(0, "in kernel.footprint", "calibrated")
        crash = 0
    managed = max(0, p.online - boot_reserved)
    min_free_parts = watermarks.reserve(managed, p.online, p.pageblock, p.thp, p.edat1,
                                        p.behaviour.min_free_kbytes_max)
    base, raised, _ = min_free_parts
    raised_kb = raised.value if raised else 0
    min_free_kb = max(base.value, raised_kb)
    dma_reserve = watermarks.dma_lowmem_reserve(p.online, min_free_kb)
    min_free = min_free_kb * KiB + dma_reserve.value

    meta_parts = {"online": boot_meta, "standby": standby_meta, "sclp_increments": increments,
                  "memory_resources": resources, "altmap_copies": altmaps}
    page_table_total = sum(part.value for part in parts.values())
    charged: dict[str, Explained[int]] = {
        "kernel_image": Explained(p.image, partial(given, "kernel.image", p.image),
                                  fm.KERNEL_IMAGE_SOURCE),
        "initramfs": Explained(p.initramfs, partial(given, "kernel.initramfs", p.initramfs),
                               fm.INITRAMFS_SOURCE),
        "crashkernel": Explained(crash, partial(fm.crashkernel, p.crashkernel, crash),
                                 fm.CRASHKERNEL_SOURCE),
        "cma": platforms.vmcp_cma(p),
        "online_memmap": online_memmap,
        "standby_memmap": standby_memmap,
        "page_tables": Explained(page_table_total, partial(fm.summed, parts, page_table_total),
                                 fm.PAGE_TABLES_SOURCE),
        "metadata": _metadata(meta_parts),
        "min_free": Explained(min_free, partial(fm.min_free, base.value, raised_kb, min_free_kb,
                                                dma_reserve.value, min_free),
                              fm.MIN_FREE_SOURCE),
        "userspace": Explained(p.userspace, partial(given, "boot.userspace", p.userspace),
                               GIVEN),
    }
    if calibrated is not None:
        charged["kernel_image"] = calibrated
        charged["initramfs"] = _freed_before_init(p)
        charged["crashkernel"] = Explained(0, "in kernel.footprint", "calibrated")
    required = sum(item.value for item in charged.values())
    return Budget(block_size=block, standby_blocks=blocks, memmap_per_block=per_block,
                  memmap_on_memory=mom, charged=charged, page_table_parts=parts,
                  min_free_parts=min_free_parts, section_size=section, required=required,
                  margin=p.online - required, lowmem_reserve=dma_reserve,
                  section_usage=usage, metadata_parts=meta_parts)


def _metadata(parts: dict[str, Explained[int]]) -> Explained[int]:
    """The ``metadata`` item: its parts (the ``metadata`` group of ``--explain``) summed."""
    total = sum(part.value for part in parts.values())
    return Explained(total, partial(fm.summed, parts, total), fm.METADATA_SOURCE)


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
    return Explained(value, partial(fm.calibrated, p.footprint, measured, delta, value),
                     fm.CALIBRATED_SOURCE)


def _freed_before_init(p: Params) -> Explained[int]:
    return Explained(p.freed_before_init, partial(fm.freed_before_init, p.freed_before_init),
                     fm.FREED_BEFORE_INIT_SOURCE)


def passes(p: Params) -> bool:
    """Does IPL leave at least ``min_margin``?  (warn counts as passing.)"""
    return verdict(budget(p).margin, p.online, p.min_margin) != "fail"
