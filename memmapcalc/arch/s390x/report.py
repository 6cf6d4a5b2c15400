"""The texts of an s390x evaluation: how its limits were found, and its notes."""

from __future__ import annotations

from memmapcalc.arch.s390x.constants import MAX_PHYSICAL
from memmapcalc.arch.s390x.platforms import platform_notes
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.records.budget import Budget
from memmapcalc.records.notes import identity_notes, kernel_name, version_notes
from memmapcalc.records.params import Params


def limits(p: Params, result: Budget, standby_limit: int | None, capped: bool,
           online_limit: int | None) -> tuple[Explained[int] | None, Explained[int] | None]:
    """The limits with the search that found them."""
    block = mib(result.block_size.value)
    standby_x = None if standby_limit is None else Explained(
        standby_limit, lambda: (f"largest whole number of {block} blocks with margin ≥ "
                                f"{mib(p.min_margin)}"
        + (": capped by MAX_PHYSMEM_BITS 46 (64 TiB) - online" if capped else
           f"; {mib(standby_limit + result.block_size.value)} fails")),
        "binary search over budget(); arch/s390/include/asm/sparsemem.h MAX_PHYSMEM_BITS")
    online_x = None if online_limit is None else Explained(
        online_limit, lambda: (f"smallest online (whole {mib(max(p.increment or 0, 1 << 20))}) "
        f"from which "
        f"every larger size keeps margin ≥ {mib(p.min_margin)}; "
        f"{mib(online_limit - max(p.increment or 0, 1 << 20))} fails"), "search over budget()")
    return standby_x, online_x


def notes(p: Params, result: Budget, capped: bool) -> list[str]:
    return _notes(p, capped)


def _notes(p: Params, capped: bool) -> list[str]:
    notes = version_notes(p, "all standby added at IPL, no memmap-on-memory, 256 MiB sections")
    notes += identity_notes(p) + override_notes(p) + platform_notes(p)
    if p.standby_handling is StandbyHandling.DEFERRED and not p.edat1:
        notes.append("6.19+ without EDAT1: sclp_mem.c has no EDAT1 test; memmap-on-memory per "
                     "block follows the kernel source but is untested on real machines")
    if capped:
        notes.append(f"max_standby is capped by the architecture's maximum physical memory "
                     f"({mib(MAX_PHYSICAL)}, MAX_PHYSMEM_BITS 46)")
    return notes


_STANDBY_EFFECT = {
    StandbyHandling.BOOT_ADD: "sclp adds all standby memory at IPL, its memmap charged to "
                              "online memory",
    StandbyHandling.DEFERRED: "standby memory is not added at IPL (configure it later with "
                              "chmem)",
}
_SCLP_EFFECT = {
    True: "sclp asks for memmap-on-memory when it adds standby blocks (with EDAT-1 and "
          "memory_hotplug.memmap_on_memory)",
    False: "sclp adds standby blocks with their memmap in online memory",
}


def override_notes(p: Params) -> list[str]:
    """Every behaviour override the config writes, with its effect: the config wins over
    the kernel's table (and a distribution's backports), so the output must say so."""
    kernel = kernel_name(p)
    out = []
    if "kernel.standby" in p.behaviour_overrides:
        out.append(_override("kernel.standby", p.standby_handling.value,
                             p.behaviour.standby.value, kernel,
                             _STANDBY_EFFECT[p.standby_handling]))
    if "kernel.s390_memmap_on_memory" in p.behaviour_overrides:
        out.append(_override("kernel.s390_memmap_on_memory",
                             str(p.sclp_memmap_on_memory).lower(),
                             str(p.behaviour.sclp_memmap_on_memory).lower(), kernel,
                             _SCLP_EFFECT[p.sclp_memmap_on_memory]))
    return out


def _override(key: str, value: str, default: str, kernel: str, effect: str) -> str:
    if value == default:
        return f"{key}: {value}, as {kernel} already does (no effect)"
    return f"{key}: {value} overrides {kernel}'s {default}: {effect}"
