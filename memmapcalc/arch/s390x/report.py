"""The texts of an s390x evaluation: how its limits were found, and its notes."""

from __future__ import annotations

from memmapcalc.arch.s390x.constants import MAX_PHYSICAL
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.records.budget import Budget
from memmapcalc.records.notes import version_notes
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
    if p.standby_handling is StandbyHandling.DEFERRED and not p.edat1:
        notes.append("6.19+ without EDAT1: sclp_mem.c has no EDAT1 test; memmap-on-memory per "
                     "block follows the kernel source but is untested on real machines")
    if capped:
        notes.append(f"max_standby is capped by the architecture's maximum physical memory "
                     f"({mib(MAX_PHYSICAL)}, MAX_PHYSMEM_BITS 46)")
    return notes
