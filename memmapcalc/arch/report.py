"""Limits, advice and notes for x86_64, arm64 and ppc64le machines (the s390x ones are in
:mod:`memmapcalc.arch.s390x.report` and :mod:`memmapcalc.arch.s390x.advice`).  Every fix
is checked by re-running the model with the change applied."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from memmapcalc.arch import paging_formulas as fm
from memmapcalc.arch.hotplug_rows import hotplug_behaviour
from memmapcalc.arch.memmap import supported
from memmapcalc.arch.paging_boot import KERNEL_ONLINE
from memmapcalc.arch.paging_geometry import MAX_DIMMS, layout, physical_room, profile_of, slot_room
from memmapcalc.arch.profile import Hotplug
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.cmdline_fix import boot_with, in_line
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.kernel.version import v
from memmapcalc.records.budget import Budget
from memmapcalc.records.fixes import Fix, other
from memmapcalc.records.notes import release_notes, version_notes
from memmapcalc.records.params import Params
from memmapcalc.records.size_tips import size_tips
from memmapcalc.records.verdict import passes


def _what(p: Params) -> str:
    if profile_of(p)[0].hotplug is Hotplug.DLPAR:
        return "hot-pluggable memory (DLPAR)"
    return "DIMM" if len(p.dimms) <= 1 else "DIMM memory"


def limits(p: Params, result: Budget, standby_limit: int | None, capped: bool,
           online_limit: int | None) -> tuple[Explained[int] | None, Explained[int] | None]:
    profile = profile_of(p)[0]
    block = result.block_size.value
    what = ("the largest single DIMM" if len(p.dimms) <= 1 and profile.hotplug is Hotplug.ACPI_DIMMS
            else "the most hot-pluggable memory" if profile.hotplug is Hotplug.DLPAR
            else "the most DIMM memory (your DIMMs, then more of the last size)")
    standby_x = None if standby_limit is None else Explained(
        standby_limit, partial(fm.standby_limit, what, block, p.min_margin, standby_limit,
                               _cap(p) if capped else None), fm.LIMIT_SOURCE)
    online_x = None if online_limit is None else Explained(
        online_limit, partial(fm.online_limit, p.min_margin, online_limit), fm.LIMIT_SOURCE)
    return standby_x, online_x


def _cap(p: Params) -> str:
    if slot_room(p) < physical_room(p):
        return f"{MAX_DIMMS} DIMM slots (QEMU include/hw/acpi/acpi.h ACPI_MAX_RAM_SLOTS)"
    return profile_of(p)[0].max_physical_source


def notes(p: Params, result: Budget, capped: bool) -> list[str]:
    profile = profile_of(p)[0]
    out = version_notes(p, "no memmap-on-memory, oldest section sizes") + release_notes(p)
    behaviour = profile_of(p)[1]
    bare_metal = not p.hypervisor and behaviour.bare_metal_max_block
    block_note = profile.block_size_note(p.online, p.block_size is not None, bare_metal)
    if block_note is not None:
        out.append(block_note)
    if profile.hotplug is Hotplug.DLPAR and p.standby:
        out.append("ppc64le: DIMMs present at boot are boot memory (count them in memory.online); "
                   "memory.standby is added later by DLPAR, one LMB at a time")
    if capped and slot_room(p) < physical_room(p):
        out.append(f"max_standby is capped by {MAX_DIMMS} DIMM slots (QEMU "
                   f"ACPI_MAX_RAM_SLOTS) of at most {mib(p.dimms[-1])} after your DIMMs")
    elif capped:
        out.append(f"max_standby is capped by the architecture's maximum physical memory "
                   f"({mib(profile.max_physical)}, {profile.max_physical_source})")
    return out


def advise(p: Params, min_online: int | None, max_standby: int | None) -> list[Fix]:
    """Concrete, verified fixes for a machine that does not boot (the DIMM ones are
    records of kind ``other``: no admin commands are modelled for these profiles)."""
    tips = size_tips(p, min_online, max_standby, passes, "boot memory", f"the {_what(p)}")
    if profile_of(p)[0].hotplug is Hotplug.ACPI_DIMMS and p.standby:
        tips.extend(other(text, p.online, p.standby) for text in _dimm_tips(p))
    if not tips:
        tips.append(other("no single change of boot memory, DIMMs or kernel makes this machine "
                          "boot: check kernel.footprint (or kernel.image, kernel.initramfs), "
                          "kernel.crashkernel and boot.userspace", p.online, p.standby))
    return tips


def _dimm_tips(p: Params) -> list[str]:
    behaviour = profile_of(p)[1]
    tips: list[str] = []
    on = replace(p, memmap_on_memory=MemmapMode.ON)
    if p.memmap_on_memory is MemmapMode.OFF and passes(on):
        tips.append(boot_with(p.cmdline_tokens, "memory_hotplug.memmap_on_memory=1",
                              "kernel.memmap_on_memory: on"))
    if p.auto_online not in KERNEL_ONLINE and len(p.dimms) > 1 and passes(
            replace(p, auto_online="online")):
        tips.append(boot_with(p.cmdline_tokens, "memhp_default_state=online",
                              "kernel.auto_online: online") + ": each DIMM's memmap then comes "
                    "from the DIMMs onlined before it")
    newer = v("6.8")  # (only the ACPI profiles get here: x86_64 and arm64)
    if p.version is None or p.version < newer:
        later = replace(p, version=newer, memmap_on_memory=MemmapMode.ON)
        if passes(later):
            tips.append("boot a kernel ≥ 6.8 with memory_hotplug.memmap_on_memory=1"
                        f"{in_line(p.cmdline_tokens)} (DIMMs of several blocks then carry their "
                        "own memmap)")
    tips.extend(_split_tips(p, behaviour.split_per_block))
    return tips


def _split_tips(p: Params, split: bool) -> list[str]:
    """Split the DIMM memory into smaller DIMMs: of one block each with memmap_on_memory
    (kernels without per-block split), or auto-onlined so each memmap comes from the last."""
    profile, behaviour = profile_of(p)
    block = profile.block_size(profile, behaviour, p.online, p.hypervisor, p.block_size).value
    tips: list[str] = []
    ok = supported(profile, hotplug_behaviour(profile.family, p.page_size, p.version), block,
                   p.struct_page, p.pageblock, MemmapMode.ON, p.radix)[0]
    count = p.standby // block
    if not split and ok and p.standby % block == 0 and count <= 256:
        one_block = replace(p, dimms=(block,) * count, memmap_on_memory=MemmapMode.ON)
        if passes(one_block):
            tips.append(f"use {count} DIMMs of one {mib(block)} memory block each and "
                        f"memory_hotplug.memmap_on_memory=1{in_line(p.cmdline_tokens)} (before 6.8 "
                        f"memmap-on-memory applies "
                        f"only to one-block DIMMs)")
    for size in _split_sizes(p.standby, block):
        parts = p.standby // size
        if parts < 2 or parts > 256 or layout(p.dimms, p.standby) == ((size, parts),):
            continue
        candidate = replace(p, dimms=(size,) * parts, auto_online="online")
        if passes(candidate):
            where = ("(kernel.auto_online: online)" if p.cmdline_tokens is None else
                     "in the kernel command line (kernel.cmdline)")
            tips.append(f"use {parts} DIMMs of {mib(size)} and memhp_default_state=online "
                        f"{where}: each DIMM's memmap comes from the DIMMs onlined before it")
            break
    return tips


def _split_sizes(total: int, block: int) -> list[int]:
    """DIMM sizes that divide ``total`` in whole blocks, largest first."""
    sizes, size = [], block
    while size * 2 <= total:
        size *= 2
    while size >= block:
        if total % size == 0:
            sizes.append(size)
        size //= 2
    return sizes
