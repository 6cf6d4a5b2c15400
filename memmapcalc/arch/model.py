"""Boot model for x86_64, arm64 and ppc64le: what booting charges to boot memory when
hot-pluggable memory is present, item by item, as :class:`~memmapcalc.records.budget.Budget`.

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

from functools import lru_cache, partial
from typing import NamedTuple

from memmapcalc.arch import paging_formulas as fm
from memmapcalc.arch.hotplug_rows import HotplugBehaviour, rule
from memmapcalc.arch.memmap import requested, supported
from memmapcalc.arch.paging_boot import (
    DRMEM_LMB,
    KERNEL_ONLINE,
    Boot,
    Costs,
    add_costs,
    boot_charge,
)
from memmapcalc.arch.paging_geometry import layout, profile_of
from memmapcalc.arch.profile import BlockSize, Hotplug, Profile
from memmapcalc.explained import GIVEN, Explained, given, mib
from memmapcalc.kernel.memmap_on_memory import (
    MEMMAP_PER_BLOCK_SOURCE,
    memmap_pages,
    memmap_per_block_formula,
)
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.kernel.watermarks import kb as _kb
from memmapcalc.kernel.watermarks import reserve, thp_active
from memmapcalc.records.budget import Budget, MemmapOnMemory
from memmapcalc.records.params import Params
from memmapcalc.units import KiB


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
    boot = boot_charge(p, profile, hb.section_size, b)
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
    return max(0, p.online - boot_charge(p, profile, hb.section_size, block).reserved)


def profiled_passes(p: Params) -> bool:
    """Does the machine boot with at least ``min_margin`` left?"""
    return compute(p).margin >= p.min_margin


def profiled_budget(p: Params) -> Budget:
    """Charge booting's consumers to boot memory (x86_64, arm64, ppc64le)."""
    c = compute(p)
    profile, hb, page = c.profile, c.behaviour, c.profile.page
    versions, source = rule(profile.family, page, "section_size", p.version)
    section = Explained(hb.section_size, partial(fm.section_size, hb.section_size), source,
                        versions)
    block = Explained(c.block.value, c.block.formula, c.block.source, c.block.versions)
    b = c.block.value
    per_block = Explained(c.per_block, partial(memmap_per_block_formula, b, page, p.struct_page,
                                               c.per_block), MEMMAP_PER_BLOCK_SOURCE)
    ok, why = c.supported
    if profile.hotplug is Hotplug.DLPAR:
        return _dlpar_budget(p, c, section, block, per_block)
    groups, credit, at = c.groups, c.credit, c.at
    all_used = bool(c.uses) and all(used for _, used, _ in c.uses)
    mom_text = "; ".join(f"{mib(size)} DIMM: {'yes' if used else 'no'} ({how})"
                         for size, used, how in c.uses) or "no DIMMs"
    mom = MemmapOnMemory(
        Explained(all_used, partial(fm.dimm_memmap_on_memory, ok, b, why, mom_text),
                  fm.DIMM_MOM_SOURCE, profile.mom_versions),
        c.kept_pages if all_used else 0,
        (c.kept_pages - -(-c.per_block // page)) if all_used else 0)
    blocks = Explained(c.blocks, partial(fm.dimm_blocks, groups, b, c.blocks),
                       fm.DIMM_BLOCKS_SOURCE)
    where = (f" − {mib(credit)} of earlier DIMMs onlined (memhp_default_state={p.auto_online})"
             if credit else "")
    hotplug_memmap = Explained(at.memmap - credit, partial(fm.dimm_memmap, at.memmap, where),
                               fm.DIMM_MEMMAP_SOURCE, _auto_versions(p))
    hot_parts = {"dimm_linear": Explained(at.linear, partial(fm.tables_of,
                                                             "linear map of the DIMMs", at.linear),
                                          profile.linear_source),
                 "dimm_vmemmap": Explained(at.vmemmap, partial(fm.tables_of,
                                                               "vmemmap tables of the DIMMs",
                                                               at.vmemmap),
                                           profile.vmemmap_source)}
    hot_meta = Explained(at.metadata, partial(fm.dimm_metadata, at.metadata),
                         fm.DIMM_METADATA_SOURCE)
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
    blocks = Explained(lmbs, partial(fm.lmbs, p.standby, b, lmbs), fm.LMBS_SOURCE)
    mom = MemmapOnMemory(
        Explained(used, partial(fm.lmb_memmap_on_memory, ok, how, b, why), fm.LMB_MOM_SOURCE,
                  profile.mom_versions),
        c.kept_pages if used else 0,
        (c.kept_pages - -(-per_block.value // profile.page)) if used else 0)
    memmap = Explained(0, partial(fm.lmb_memmap, lmbs, per_lmb), fm.LMB_MEMMAP_SOURCE)
    possible = (p.online + p.standby) // b
    table = c.at.metadata
    meta = Explained(table, partial(fm.lmb_table, possible, DRMEM_LMB, table),
                     fm.LMB_TABLE_SOURCE)
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
        "cma": Explained(0, "0 B: no CMA area is modelled for this architecture",
                         "not modelled"),
        "online_memmap": boot["online_memmap"],
        "standby_memmap": hotplug_memmap,
        "page_tables": Explained(pt_total, partial(fm.page_tables, page_table_parts, pt_total),
                                 c.profile.linear_source),
        "metadata": Explained(boot_meta.value + hot_meta.value,
                              partial(fm.metadata, boot_meta.value, hot_meta.value),
                              f"{boot_meta.source}; {hot_meta.source}"),
        "min_free": Explained(min_free_kb * KiB,
                              partial(fm.min_free, base.value, raised.value if raised else 0,
                                      min_free_kb, managed), fm.MIN_FREE_SOURCE),
        "userspace": Explained(p.userspace, partial(given, "boot.userspace", p.userspace),
                               GIVEN),
    }
    required = sum(item.value for item in charged.values())
    assert p.online - required == c.margin, "explained budget and computed margin differ"
    return Budget(block_size=block, standby_blocks=blocks, memmap_per_block=per_block,
                  memmap_on_memory=mom, charged=charged, page_table_parts=page_table_parts,
                  min_free_parts=(base, raised, c.active), section_size=section,
                  required=required, margin=c.margin)


def _auto_versions(p: Params) -> str:
    return "all" if p.auto_online == "offline" else f"memhp_default_state={p.auto_online}"


