"""Where a paging profile's memory sits: the machine's geometry profile and kernel behaviour,
the DIMM layout, page tables over physical ranges, and the physical room and boundaries the
searches need (x86_64, arm64, ppc64le)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from memmapcalc.arch.hotplug_rows import HotplugBehaviour, hotplug_behaviour
from memmapcalc.arch.profile import Hotplug, Profile
from memmapcalc.arch.registry import profile_for
from memmapcalc.kernel.version import KernelVersion
from memmapcalc.kernel.windows import new_windows
from memmapcalc.records.params import Params


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
    return profile_of(p)[0].boundaries


def with_online(p: Params, online: int) -> Params:
    return replace(p, online=online)
