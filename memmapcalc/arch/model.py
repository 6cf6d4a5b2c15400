"""Boot model for x86_64, arm64 and ppc64le: what booting charges to boot memory when
hot-pluggable memory is present, item by item, as :class:`~memmapcalc.core.budget.Budget`.

Order of events (kernel-model.md §4, §10; ground-truth-x86.md):

1. early boot reserves the kernel, initramfs, crashkernel, the memmap of every present
   boot-memory section and the boot page tables — or, calibrated, ``kernel.footprint``
   (boot memory minus MemFree at /init of a boot without hot-pluggable memory);
2. min_free_kbytes is computed from the managed memory (postcore initcall) and raised by
   khugepaged when THP is on and RAM ≥ 512 MiB (subsys initcall, before ACPI);
3. x86_64/arm64: ``acpi_memhotplug`` adds each DIMM with one ``add_memory()`` (subsys
   initcall ``acpi_init``): its memmap comes from free memory unless memmap_on_memory
   applies; vmemmap and linear-map page tables and per-block metadata always do.  With
   ``memhp_default_state=online``/``online_kernel`` each DIMM is onlined right after it is
   added, so the next DIMM's memmap may come from it (``online_movable``: no, a memmap is a
   kernel allocation).  ppc64le: DIMMs present at boot are boot memory; hot-pluggable
   capacity (``memory.standby``) is added later by DLPAR and costs nothing at boot but the
   LMB table;
4. the memory freed before /init (``kernel.freed_before_init``, calibrated) and user space
   must still fit above the min watermark.

The allocation that fails first decides: with several DIMMs auto-onlined the tightest point
is usually the first DIMM; the budget is charged as it stands at the tightest point.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from math import isqrt
from typing import NamedTuple

from memmapcalc.arch.memmap import memmap_pages, requested, supported
from memmapcalc.arch.profile import BlockSize, Hotplug, Profile
from memmapcalc.arch.registry import profile_for
from memmapcalc.core.memmap import MemmapOnMemory
from memmapcalc.core.metadata import MEMORY_BLOCK_DEVICE, kmalloc_size, section_usage_size
from memmapcalc.core.pagetables import new_windows
from memmapcalc.core.params import Params
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.hotplug import HotplugBehaviour, hotplug_behaviour, rule
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.kernel.version import KernelVersion
from memmapcalc.records.budget import Budget
from memmapcalc.units import KiB, MiB

#: Estimate: per ACPI memory device (DIMM) besides its blocks — ``struct
#: acpi_memory_device`` and its ``acpi_memory_info``, the "System RAM" resource, the
#: memory group, ACPI namespace/sysfs nodes.  tests/data/boots-x86: 128 MiB DIMMs with
#: memmap on memory cost 11.4–12.3 KiB each at boot, of which ~4.6 KiB are per-block costs.
ACPI_DIMM = 7 * KiB
#: ``struct drmem_lmb`` (base_addr, drc_index, aa_index, flags): one per LMB up to the
#: maximum memory (arch/powerpc/include/asm/drmem.h).
DRMEM_LMB = 24
#: hugepage_init(): below 512 MiB of RAM transparent huge pages are disabled.
THP_MIN_RAM = 512 * MiB
#: MIGRATE_PCPTYPES (include/linux/mmzone.h).
MIGRATE_PCPTYPES = 3
#: memhp_default_state values that online to a kernel zone (a memmap can use that memory).
KERNEL_ONLINE = ("online", "online_kernel")


@lru_cache(maxsize=256)
def context(arch: str, page: int, radix: bool,
            version: KernelVersion | None) -> tuple[Profile, HotplugBehaviour]:
    """The profile and the version's behaviour of a machine."""
    profile = profile_for(arch, page, radix)
    return profile, hotplug_behaviour(profile.family, page, version)


def profile_of(p: Params) -> tuple[Profile, HotplugBehaviour]:
    return context(p.arch, p.page_size, p.radix, p.version)


# --- DIMM layout ---------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def layout(dimms: tuple[int, ...], total: int) -> tuple[tuple[int, int], ...]:
    """The DIMMs as ``((size, count), …)`` in slot order for ``total`` bytes of them.

    ``total`` is the config's sum, or what a search (max_standby, advice) tries instead: one
    DIMM (or none) -> one DIMM of ``total``; several -> the configured DIMMs in order while
    they fit, then more DIMMs of the last size (the last one smaller if needed).
    Example: [8G, 8G] and 20G -> 8G, 8G, 4G; [8G] and 20G -> one 20G DIMM.
    """
    if sum(dimms) != total:
        if len(dimms) <= 1:
            return ((total, 1),) if total else ()
        sizes: list[int] = []
        left = total
        for size in dimms:
            if left <= 0:
                break
            sizes.append(min(size, left))
            left -= sizes[-1]
        groups = _runs(tuple(sizes))
        last = dimms[-1]
        if left >= last:
            groups = _merge(groups, (last, left // last))
        if left % last:
            groups = _merge(groups, (left % last, 1))
        return groups
    return _runs(dimms)


def _runs(sizes: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    groups: tuple[tuple[int, int], ...] = ()
    for size in sizes:
        groups = _merge(groups, (size, 1))
    return groups


def _merge(groups: tuple[tuple[int, int], ...],
           group: tuple[int, int]) -> tuple[tuple[int, int], ...]:
    if groups and groups[-1][0] == group[0]:
        return (*groups[:-1], (group[0], groups[-1][1] + group[1]))
    return (*groups, group)


# --- page tables, memmap windows ----------------------------------------------------------
def tables(profile: Profile, start: int, end: int, covered_end: int, leaf: int) -> int:
    """Bytes of page tables newly needed to map ``[start, end)`` with ``leaf``-sized leaves,
    when ``[0, covered_end)`` is mapped already: the table holding the leaves (one per
    ``entries × leaf``) and the one above it (one per ``entries² × leaf``); every table is
    one page.  Example: x86_64, 2 MiB leaves, [4 GiB, 12 GiB) -> 8 + 1 tables = 36 KiB."""
    total, span = 0, leaf
    for _ in range(2):
        span *= profile.entries
        total += new_windows(start, end, span, covered_end)
    return total * profile.page


def vmemmap_of(phys: int, page: int, struct_page: int) -> int:
    """Offset of ``phys``'s struct page in the vmemmap: one ``struct page`` per page."""
    return phys // page * struct_page


class Costs(NamedTuple):
    """What adding some hot-pluggable memory takes from free memory."""

    memmap: int = 0
    linear: int = 0
    vmemmap: int = 0
    metadata: int = 0
    #: memory the added DIMMs bring once onlined (minus memmap kept on the blocks)
    usable: int = 0

    @property
    def total(self) -> int:
        return self.memmap + self.linear + self.vmemmap + self.metadata

    def plus(self, other: Costs) -> Costs:
        return Costs(self.memmap + other.memmap, self.linear + other.linear,
                     self.vmemmap + other.vmemmap, self.metadata + other.metadata,
                     self.usable + other.usable)


@lru_cache(maxsize=8192)
def add_costs(profile: Profile, start: int, size: int, count: int, block: int, section: int,
              struct_page: int, pageblock: int, on_memory_pages: int | None, covered: int,
              rodata_full: bool) -> Costs:
    """Costs of ``count`` DIMMs of ``size`` placed contiguously from ``start``, with memory
    below ``covered`` already mapped.  ``on_memory_pages``: memmap pages kept on each block
    (memmap_on_memory), or None when the memmap comes from free memory.

    The memmap is allocated in vmemmap leaves (2 MiB PMDs on x86_64 and arm64 4K, base
    pages on arm64 16K/64K): the leaves of the range not yet populated.  A DIMM that is not a
    whole number of blocks is refused (``check_hotplug_memory_range()``) and costs nothing.
    """
    if size % block or not count:
        return Costs()
    end = start + size * count
    page = profile.page
    vstart, vend = vmemmap_of(start, page, struct_page), vmemmap_of(end, page, struct_page)
    vcovered = vmemmap_of(covered, page, struct_page)
    leaf = profile.vmemmap_leaf
    blocks = size // block * count
    memmap = 0 if on_memory_pages is not None else new_windows(vstart, vend, leaf, vcovered) * leaf
    vmemmap = tables(profile, vstart, vend, vcovered, leaf)
    linear = tables(profile, start, end, covered, profile.linear_leaf(profile, rodata_full))
    sections = size // section * count
    roots = new_windows(start // section, end // section, profile.sections_per_root,
                        covered // section) * page
    metadata = (blocks * MEMORY_BLOCK_DEVICE + count * ACPI_DIMM + roots
                + sections * kmalloc_size(section_usage_size(section, pageblock)))
    kept = blocks * (on_memory_pages or 0) * page
    return Costs(memmap, linear, vmemmap, metadata, size * count - kept)


# --- watermarks ---------------------------------------------------------------------------
def min_free_kbytes(managed: int, clamp_max: int, page: int) -> Explained[int]:
    """``calculate_min_free_kbytes()`` (mm/page_alloc.c): ``clamp(int_sqrt(lowmem_kB × 16),
    128, max)``, lowmem = the managed pages of the zones up to ZONE_NORMAL.
    Example: 880 MiB managed -> isqrt(901120 × 16) = 3796 kB."""
    lowmem_kb = managed // page * (page // KiB)
    value = min(max(isqrt(lowmem_kb * 16), 128), clamp_max)
    versions = "5.7 on" if clamp_max == 262144 else "before 5.7"
    return Explained(value, lambda: (f"clamp(isqrt({lowmem_kb} kB × 16), 128, {clamp_max}) = "
                                     f"{value} kB (managed {mib(managed)})"),
                     "mm/page_alloc.c calculate_min_free_kbytes(), init_per_zone_wmark_min()",
                     versions)


def khugepaged_min_free_kbytes(managed: int, zones: int, pageblock: int,
                               page: int) -> Explained[int]:
    """``set_recommended_min_free_kbytes()`` (mm/khugepaged.c): ``pageblock_nr_pages × zones ×
    (2 + MIGRATE_PCPTYPES²)`` pages, at most 5 % of the managed pages.
    Example: x86_64 with 1 GiB (zones DMA, DMA32): 512 × 2 × 11 = 11264 pages = 45056 kB."""
    per_block = pageblock // page
    pages = per_block * zones * (2 + MIGRATE_PCPTYPES * MIGRATE_PCPTYPES)
    cap = managed // page // 20
    value = min(pages, cap) * (page // KiB)
    return Explained(value, lambda: (f"min({per_block} pages × {zones} zones × (2 + 3²), 5 % of "
                                     f"{managed // page} managed pages) × {page // KiB} kB = "
                                     f"{value} kB"),
                     "mm/khugepaged.c set_recommended_min_free_kbytes()")


def thp_active(thp: bool, managed: int) -> Explained[bool]:
    """khugepaged starts when THP is enabled and RAM (managed pages) is at least 512 MiB
    (mm/huge_memory.c ``hugepage_init()``); it is decided once, at boot."""
    active = thp and managed >= THP_MIN_RAM
    why = ("THP enabled, RAM ≥ 512 MiB" if active else "THP disabled in the config" if not thp
           else f"RAM {mib(managed)} < 512 MiB: hugepage_init() disables THP")
    return Explained(active, why, "mm/huge_memory.c hugepage_init()")


@lru_cache(maxsize=8192)
def reserve(managed: int, zones: int, pageblock: int, page: int, clamp_max: int,
            active: Explained[bool]) -> tuple[Explained[int], Explained[int] | None]:
    base = min_free_kbytes(managed, clamp_max, page)
    raised = khugepaged_min_free_kbytes(managed, zones, pageblock, page) if active.value else None
    return base, raised


def _kb(parts: tuple[Explained[int], Explained[int] | None]) -> int:
    base, raised = parts
    return max(base.value, raised.value if raised else 0)


# --- the budget ---------------------------------------------------------------------------
class Boot(NamedTuple):
    """Boot-memory items (charged values), bytes reserved before min_free_kbytes is
    computed, and the boot page-table parts."""

    items: dict[str, Explained[int]]
    reserved: int
    parts: dict[str, Explained[int]]


class Computed(NamedTuple):
    """Every number of a profiled budget; :func:`profiled_budget` explains them."""

    profile: Profile
    behaviour: HotplugBehaviour
    block: BlockSize
    per_block: int
    supported: tuple[bool, str]
    kept_pages: int
    boot: Boot
    managed: int
    active: Explained[bool]
    #: DIMM groups ``(size, count)`` and per group (memmap on memory used, why)
    groups: tuple[tuple[int, int], ...]
    uses: tuple[tuple[int, bool, str], ...]
    blocks: int
    #: hot-pluggable costs at the tightest point, memory of onlined DIMMs counted against
    #: them, and the min_free_kbytes parts there
    at: Costs
    credit: int
    reserve: tuple[Explained[int], Explained[int] | None]
    margin: int


@lru_cache(maxsize=4096)
def _block(profile: Profile, behaviour: HotplugBehaviour, online: int, hypervisor: bool,
           override: int | None) -> BlockSize:
    return profile.block_size(profile, behaviour, online, hypervisor, override)


def compute(p: Params) -> Computed:
    """The numbers of the budget (searches use only ``margin``)."""
    profile, hb = profile_of(p)
    page = profile.page
    block = _block(profile, hb, p.online, p.hypervisor, p.block_size)
    b = block.value
    support = supported(profile, hb, b, p.struct_page, p.pageblock, p.memmap_on_memory, p.radix)
    force = p.memmap_on_memory is MemmapMode.FORCE and hb.force_mode
    kept_pages = memmap_pages(b, p.struct_page, page, p.pageblock, force) if support[0] else 0
    boot = _boot(p, profile, hb.section_size, b)
    managed = max(0, p.online - boot.reserved)
    active = thp_active(p.thp, managed)
    clamp = hb.min_free_kbytes_max
    fixed = sum(item.value for item in boot.items.values()) + sum(
        part.value for part in boot.parts.values()) + p.userspace

    if profile.hotplug is Hotplug.DLPAR:
        lmbs = p.standby // b
        asked = requested(profile, hb, b, b)
        table = (p.online + p.standby) // b * DRMEM_LMB
        parts = reserve(managed, profile.zones(p.online, False), p.pageblock, page, clamp, active)
        margin = p.online - fixed - table - _kb(parts) * KiB
        return Computed(profile, hb, block, b // page * p.struct_page, support, kept_pages, boot,
                        managed, active, (), ((b, asked[0] and support[0], asked[1]),), lmbs,
                        Costs(metadata=table), 0, parts, margin)

    groups = layout(p.dimms, p.standby)
    address, covered = profile.hotplug_base(p.online), profile.boot_ranges(p.online)[-1][1]
    steps: list[tuple[Costs, Costs]] = []  # (first DIMM of a group, the whole group)
    uses: list[tuple[int, bool, str]] = []
    blocks = 0
    for size, count in groups:
        used, how = requested(profile, hb, size, b)
        used = used and support[0]
        pages = kept_pages if used else None
        first = add_costs(profile, address, size, 1, b, hb.section_size, p.struct_page,
                          p.pageblock, pages, covered, p.rodata_full)
        whole = add_costs(profile, address, size, count, b, hb.section_size, p.struct_page,
                          p.pageblock, pages, covered, p.rodata_full)
        steps.append((first, whole))
        uses.append((size, used, how))
        blocks += size // b * count if size % b == 0 else 0
        address += size * count
        covered = address

    kernel_online = p.auto_online in KERNEL_ONLINE
    before = Costs()
    worst: tuple[int, Costs, int, tuple[Explained[int], Explained[int] | None]] | None = None
    for first, whole in steps:  # the tightest point: a group's first DIMM, or the end
        at = before.plus(first) if kernel_online else before.plus(whole)
        credit = before.usable if kernel_online else 0
        parts = reserve(managed + credit, profile.zones(p.online, credit > 0), p.pageblock, page,
                        clamp, active)
        need = at.total - credit + _kb(parts) * KiB
        if worst is None or need > worst[0]:
            worst = (need, at, credit, parts)
        before = before.plus(whole)
    if worst is None:
        parts = reserve(managed, profile.zones(p.online, False), p.pageblock, page, clamp, active)
        worst = (_kb(parts) * KiB, Costs(), 0, parts)
    need, at, credit, parts = worst
    return Computed(profile, hb, block, b // page * p.struct_page, support, kept_pages, boot,
                    managed, active, groups, tuple(uses), blocks, at, credit, parts,
                    p.online - fixed - need)


def boot_managed(p: Params) -> int:
    """Managed memory when min_free_kbytes and khugepaged look at it (before any DIMM)."""
    profile, hb = profile_of(p)
    block = _block(profile, hb, p.online, p.hypervisor, p.block_size).value
    return max(0, p.online - _boot(p, profile, hb.section_size, block).reserved)


def profiled_passes(p: Params) -> bool:
    """Does the machine boot with at least ``min_margin`` left?"""
    return compute(p).margin >= p.min_margin


def profiled_budget(p: Params) -> Budget:
    """Charge booting's consumers to boot memory (x86_64, arm64, ppc64le)."""
    c = compute(p)
    profile, hb, page = c.profile, c.behaviour, c.profile.page
    versions, source = rule(profile.family, "section_size", p.version)
    section = Explained(hb.section_size, lambda: f"1 << SECTION_SIZE_BITS = {mib(hb.section_size)}",
                        source, versions)
    block = Explained(c.block.value, c.block.formula, c.block.source, c.block.versions)
    b = c.block.value
    per_block = Explained(c.per_block, lambda: (f"{mib(b)} / {page >> 10} KiB × {p.struct_page} B "
                                                f"= {mib(c.per_block)}"),
                          "mm/memory_hotplug.c memory_block_memmap_size()")
    ok, why = c.supported
    if profile.hotplug is Hotplug.DLPAR:
        return _dlpar_budget(p, c, section, block, per_block)
    groups, credit, at = c.groups, c.credit, c.at
    all_used = bool(c.uses) and all(used for _, used, _ in c.uses)
    mom_text = "; ".join(f"{mib(size)} DIMM: {'yes' if used else 'no'} ({how})"
                         for size, used, how in c.uses) or "no DIMMs"
    mom = MemmapOnMemory(
        Explained(all_used, lambda: (f"mhp_supports_memmap_on_memory({mib(b)}): {why}; "
                                     f"{mom_text}" if ok else why),
                  "mm/memory_hotplug.c mhp_supports_memmap_on_memory(); "
                  "drivers/acpi/acpi_memhotplug.c acpi_memory_enable_device()",
                  _mom_versions(profile)),
        c.kept_pages if all_used else 0,
        (c.kept_pages - -(-c.per_block // page)) if all_used else 0)
    blocks = Explained(c.blocks, lambda: (
        " + ".join(f"{count} × {mib(size)} / {mib(b)}" for size, count in groups)
        + f" = {c.blocks} blocks" if groups else "no DIMMs"),
        "drivers/acpi/acpi_memhotplug.c: one add_memory() per DIMM")
    where = (f" − {mib(credit)} of earlier DIMMs onlined (memhp_default_state={p.auto_online})"
             if credit else "")
    hotplug_memmap = Explained(at.memmap - credit, lambda: (
        f"memmap of the DIMMs not on their own blocks {mib(at.memmap)}{where}"),
        "mm/sparse-vmemmap.c vmemmap_alloc_block_buf() via add_memory()", _auto_versions(p))
    hot_parts = {"dimm_linear": Explained(at.linear, lambda: (f"linear map of the DIMMs: "
                                                              f"{mib(at.linear)}"),
                                          profile.linear_source),
                 "dimm_vmemmap": Explained(at.vmemmap, lambda: f"vmemmap tables of the DIMMs: "
                                           f"{mib(at.vmemmap)}", profile.vmemmap_source)}
    hot_meta = Explained(at.metadata, lambda: (f"DIMM sections, memory block devices (~4 KiB "
                                               f"each), ACPI devices (~7 KiB each): "
                                               f"{mib(at.metadata)}"),
                         "mm/sparse.c section_activate(); drivers/base/memory.c; "
                         "drivers/acpi/acpi_memhotplug.c (device sizes estimated)")
    return _assemble(p, c, section, block, blocks, per_block, mom, hotplug_memmap, hot_parts,
                     hot_meta)


def _dlpar_budget(p: Params, c: Computed, section: Explained[int], block: Explained[int],
                  per_block: Explained[int]) -> Budget:
    """ppc64le: hot-pluggable capacity is added later by DLPAR; at boot only the LMB table."""
    b, profile = block.value, c.profile
    ok, why = c.supported
    _, used, how = c.uses[0]
    per_lmb = 0 if used else per_block.value
    lmbs = c.blocks
    blocks = Explained(lmbs, lambda: f"{mib(p.standby)} / {mib(b)} = {lmbs} LMBs for DLPAR",
                       "arch/powerpc/mm/drmem.c (ibm,dynamic-memory-v2)")
    mom = MemmapOnMemory(
        Explained(used, lambda: (f"{how}; mhp_supports_memmap_on_memory({mib(b)}): {why}"
                                 if ok else why),
                  "mm/memory_hotplug.c mhp_supports_memmap_on_memory(); arch/powerpc/include/"
                  "asm/pgtable.h arch_supports_memmap_on_memory()", "6.6 on"),
        c.kept_pages if used else 0,
        (c.kept_pages - -(-per_block.value // profile.page)) if used else 0)
    memmap = Explained(0, lambda: (f"0 at boot: the {lmbs} LMBs are added later by DLPAR, each "
                                   f"paying {mib(per_lmb)} of memmap from online memory then"),
                       "arch/powerpc/platforms/pseries/hotplug-memory.c dlpar_add_lmb()")
    possible = (p.online + p.standby) // b
    table = c.at.metadata
    meta = Explained(table, lambda: (f"drmem LMB table: {possible} LMBs × {DRMEM_LMB} B = "
                                     f"{mib(table)}"),
                       "arch/powerpc/mm/drmem.c init_drmem_v2_lmbs()")
    return _assemble(p, c, section, block, blocks, per_block, mom, memmap, {}, meta)


def _assemble(p: Params, c: Computed, section: Explained[int], block: Explained[int],
              blocks: Explained[int], per_block: Explained[int], mom: MemmapOnMemory,
              hotplug_memmap: Explained[int], hot_parts: dict[str, Explained[int]],
              hot_meta: Explained[int]) -> Budget:
    base, raised = c.reserve
    min_free_kb = _kb(c.reserve)
    managed = c.managed + c.credit
    boot = c.boot.items
    page_table_parts = {**c.boot.parts, **hot_parts}
    pt_total = sum(part.value for part in page_table_parts.values())
    boot_meta = boot["metadata"]
    charged: dict[str, Explained[int]] = {
        "kernel_image": boot["kernel_image"],
        "initramfs": boot["initramfs"],
        "crashkernel": boot["crashkernel"],
        "online_memmap": boot["online_memmap"],
        "standby_memmap": hotplug_memmap,
        "page_tables": Explained(pt_total, lambda: (" + ".join(
            f"{name} {mib(part.value)}" for name, part in page_table_parts.items())
            + f" = {mib(pt_total)}" if page_table_parts else "0"), c.profile.linear_source),
        "metadata": Explained(boot_meta.value + hot_meta.value, lambda: (
            f"boot {mib(boot_meta.value)} + hot-pluggable {mib(hot_meta.value)}"),
            f"{boot_meta.source}; {hot_meta.source}"),
        "min_free": Explained(min_free_kb * KiB, lambda: (
            f"max({base.value} kB, khugepaged {raised.value if raised else 0} kB) = "
            f"{min_free_kb} kB (managed {mib(managed)})"), "mm/page_alloc.c, mm/khugepaged.c"),
        "userspace": Explained(p.userspace, lambda: f"boot.userspace = {mib(p.userspace)}",
                               "given"),
    }
    required = sum(item.value for item in charged.values())
    assert p.online - required == c.margin, "explained budget and computed margin differ"
    return Budget(block_size=block, standby_blocks=blocks, memmap_per_block=per_block,
                  memmap_on_memory=mom, charged=charged, page_table_parts=page_table_parts,
                  min_free_parts=(base, raised, c.active), section_size=section,
                  required=required, margin=c.margin)


def _boot(p: Params, profile: Profile, section: int, block: int) -> Boot:
    """Boot-memory items, the bytes reserved before min_free_kbytes is computed, and the boot
    page-table parts."""
    return _boot_items(profile, section, block, p.online, p.footprint, p.footprint_online,
                       p.freed_before_init, p.image, p.initramfs, p.crashkernel, p.struct_page,
                       p.pageblock, p.rodata_full)


@lru_cache(maxsize=4096)
def _boot_items(profile: Profile, section: int, block: int, online: int, footprint: int | None,
                footprint_online: int | None, freed: int, image: int, initramfs: int, crash: int,
                struct_page: int, pageblock: int, rodata_full: bool) -> Boot:
    memmap, linear, vmemmap, meta = _boot_costs(profile, online, section, block, struct_page,
                                                pageblock, rodata_full)
    if footprint is not None:
        measured = footprint_online if footprint_online is not None else online
        delta = memmap - _boot_costs(profile, measured, section, block, struct_page, pageblock,
                                     rodata_full)[0]
        value = footprint + delta
        calibrated = Explained(value, lambda: (
            f"kernel.footprint {mib(footprint)} measured at {mib(measured)} boot memory"
            + (f" + boot memmap difference {mib(delta)}" if delta else "") + f" = {mib(value)}"),
            "calibrated: boot memory − MemFree at /init without hot-pluggable memory")
        inside = "in kernel.footprint"
        items = {
            "kernel_image": calibrated,
            "initramfs": Explained(freed, lambda: (
                f"kernel.freed_before_init = {mib(freed)}: held while the DIMMs are added, "
                f"freed before /init"), "init/initramfs.c free_initrd_mem(), init/main.c "
                "free_initmem() ('Freeing ... memory' in dmesg)"),
            "crashkernel": Explained(0, inside, "calibrated"),
            "online_memmap": Explained(0, inside, "calibrated"),
            "metadata": Explained(0, inside, "calibrated"),
        }
        return Boot(items, value, {})
    boot_memmap = Explained(memmap, lambda: (
        f"present sections of {mib(online)} boot memory × {mib(section)} / {profile.page >> 10} "
        f"KiB × {struct_page} B, in {mib(profile.vmemmap_leaf)} vmemmap leaves = {mib(memmap)}"),
        "mm/sparse.c sparse_init_nid(), section_map_size()")
    items = {
        "kernel_image": Explained(image, lambda: f"kernel.image = {mib(image)}", "given"),
        "initramfs": Explained(initramfs, lambda: f"kernel.initramfs = {mib(initramfs)}",
                               "init/initramfs.c: image kept until unpacked, given"),
        "crashkernel": Explained(crash, lambda: f"kernel.crashkernel = {mib(crash)}",
                                 "kernel/crash_reserve.c reserve_crashkernel(), given"),
        "online_memmap": boot_memmap,
        "metadata": Explained(meta, lambda: (f"boot sections' mem_section_usage, section roots, "
                                             f"memory block devices: {mib(meta)}"),
                              "mm/sparse.c, drivers/base/memory.c (device size estimated)"),
    }
    parts = {"boot_linear": Explained(linear, lambda: f"linear map of boot memory: {mib(linear)}",
                                      profile.linear_source),
             "boot_vmemmap": Explained(vmemmap, lambda: (f"vmemmap tables of boot memory: "
                                                         f"{mib(vmemmap)}"),
                                       profile.vmemmap_source)}
    reserved = image + initramfs + crash + memmap + meta + linear + vmemmap
    return Boot(items, reserved, parts)


@lru_cache(maxsize=4096)
def _boot_costs(profile: Profile, boot: int, section: int, block: int, struct_page: int,
                pageblock: int, rodata_full: bool) -> tuple[int, int, int, int]:
    """(memmap, linear-map tables, vmemmap tables, metadata) of boot memory: memmap for every
    present section (whole sections, in vmemmap leaves), section usage and roots, a memory
    block device per block."""
    memmap = linear = vmemmap = sections = 0
    page, covered, vcovered = profile.page, 0, 0
    for start, end in profile.boot_ranges(boot):
        lo, hi = start // section * section, -(-end // section) * section
        vlo, vhi = vmemmap_of(lo, page, struct_page), vmemmap_of(hi, page, struct_page)
        memmap += new_windows(vlo, vhi, profile.vmemmap_leaf, vcovered) * profile.vmemmap_leaf
        vmemmap += tables(profile, vlo, vhi, vcovered, profile.vmemmap_leaf)
        linear += tables(profile, start, end, covered, profile.linear_leaf(profile, rodata_full))
        sections += (hi - lo) // section
        covered, vcovered = end, vhi
    blocks = -(-boot // block)
    roots = -(-sections // profile.sections_per_root) * page
    meta = sections * section_usage_size(section, pageblock) + roots + blocks * MEMORY_BLOCK_DEVICE
    return memmap, linear, vmemmap, meta


def _mom_versions(profile: Profile) -> str:
    return "6.6 on" if profile.family == "ppc64le" else "5.13 on"


def _auto_versions(p: Params) -> str:
    return "all" if p.auto_online == "offline" else f"memhp_default_state={p.auto_online}"


# --- searches -------------------------------------------------------------------------------
def max_physical(p: Params) -> int:
    """The largest physical address + 1 the profile can map (MAX_PHYSMEM_BITS)."""
    return profile_of(p)[0].max_physical


#: QEMU include/hw/acpi/acpi.h ACPI_MAX_RAM_SLOTS: "current device naming scheme supports up
#: to 256 memory devices".
MAX_DIMMS = 256


def hotplug_room(p: Params) -> int:
    """Bytes of hot-pluggable memory that fit below the physical limit and, for several
    DIMMs, in 256 DIMM slots (the layout adds DIMMs of the last size)."""
    return min(physical_room(p), slot_room(p))


def physical_room(p: Params) -> int:
    profile = profile_of(p)[0]
    start = (profile.hotplug_base(p.online) if profile.hotplug is Hotplug.ACPI_DIMMS
             else p.online)
    return max(0, profile.max_physical - start)


def slot_room(p: Params) -> int:
    """What 256 DIMM slots hold when the search adds DIMMs of the last size (unlimited for
    one DIMM, which grows instead, and for DLPAR)."""
    if profile_of(p)[0].hotplug is not Hotplug.ACPI_DIMMS or len(p.dimms) <= 1:
        return physical_room(p)
    return sum(p.dimms) + max(0, MAX_DIMMS - len(p.dimms)) * p.dimms[-1]


def boundaries(p: Params) -> tuple[int, ...]:
    """Boot-memory sizes where the budget can jump (not sections or blocks): zone ends and
    layout changes of the profile, and the online size where managed memory reaches
    512 MiB (khugepaged starts)."""
    profile = profile_of(p)[0]
    points: list[int] = []
    if profile.family == "x86_64":
        from memmapcalc.arch.x86_64 import Q35_LOWMEM_LIMIT

        points += [16 * MiB, Q35_LOWMEM_LIMIT]
    elif profile.family == "arm64":
        from memmapcalc.arch.arm64 import DMA_LIMIT, RAM_BASE

        points.append(DMA_LIMIT - RAM_BASE)
    return tuple(points)


def with_online(p: Params, online: int) -> Params:
    return replace(p, online=online)
