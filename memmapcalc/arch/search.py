"""Exact limits for x86_64, arm64 and ppc64le: the largest hot-pluggable memory and the
smallest boot memory that still boot.  Searches over the model itself, like the s390x ones
in :mod:`memmapcalc.arch.s390x.search` (both use :mod:`memmapcalc.kernel.search`).

* ``max_standby``: hot-pluggable memory in whole memory blocks, laid out as
  :func:`memmapcalc.arch.paging_geometry.layout` says (one DIMM grows; several DIMMs are followed by
  more DIMMs of the last size).  The boot cost never falls as it grows.
* ``min_online``: the budget jumps where boot memory crosses a section (its memmap), a
  zone or layout boundary (khugepaged's reserve for a new zone) and where managed memory
  reaches 512 MiB (khugepaged starts); between jumps the margin grows with boot memory.  So
  a boundary is found by bisection, then every jump point within reach is checked.
"""

from __future__ import annotations

from memmapcalc.arch.model import boot_managed, compute
from memmapcalc.arch.paging_geometry import boundaries, hotplug_room, profile_of
from memmapcalc.kernel.search import first_true, from_here_on, secant, smallest_online
from memmapcalc.records.budget import Budget
from memmapcalc.records.params import Params, vary
from memmapcalc.units import MiB


def _margin(p: Params) -> int:
    margin: int = compute(p).margin
    return margin - p.min_margin


def max_standby(p: Params, current: Budget) -> tuple[int | None, bool]:
    """Largest hot-pluggable memory (whole blocks) that boots, and whether the physical
    address limit capped it; ``None`` when not even none boots."""
    block = current.block_size.value
    limit = hotplug_room(p) // block
    def at(k: int) -> int:
        return _margin(vary(p, standby=k * block))

    def fails(k: int) -> bool:
        return at(k) < 0

    if at(limit) >= 0:
        return limit * block, True
    guess = secant(at, current.standby_blocks.value, current.margin - p.min_margin,
                    _per_block(p, current), 0, limit, falling=True)
    first_failing = first_true(fails, 0, limit, guess)
    if first_failing == 0:
        return None, False
    return (first_failing - 1) * block, False


def _per_block(p: Params, current: Budget) -> int:
    """Boot memory one more hot-pluggable block costs, from the current budget."""
    blocks = current.standby_blocks.value
    hot = current.charged["standby_memmap"].value + sum(
        part.value for name, part in current.page_table_parts.items() if name.startswith("dimm"))
    if blocks and hot > 0:
        return max(1, hot // blocks)
    memmap = 0 if current.memmap_on_memory.used.value else current.memmap_per_block.value
    return memmap + 8 * 1024


def min_online(p: Params, current: Budget) -> int | None:
    """Smallest boot memory (whole MiB) from which every larger size boots with the same
    hot-pluggable memory; ``None`` if even the largest fails."""
    profile = profile_of(p)[0]
    step = MiB
    top = max(0, profile.max_physical - p.standby) // step // 2
    def at(k: int) -> int:
        return _margin(vary(p, online=k * step))

    def passes_at(k: int) -> bool:
        return at(k) >= 0

    if top < 1 or not passes_at(top):
        return None
    guess = secant(at, p.online // step, current.margin - p.min_margin, step * 63 // 64,
                    1, top, falling=False)
    block = current.block_size.value
    found = step * from_here_on(passes_at, lambda k: _failure_within_reach(p, k, step, top, block),
                                top, guess)
    return max(found, smallest_online(current.section_size.value, step))


def _failure_within_reach(p: Params, start: int, step: int, top: int, block: int) -> int | None:
    """The lowest failing size above ``start`` that a jump of the budget can reach.  Above a
    passing size the margin grows by at least x·(1 − 1/64 − 1/20 − 1/64) over a distance x
    (memmap, the 5 % cap of khugepaged's reserve, tables) and drops at most by a section's and
    a block's memmap, khugepaged's reserve (at most 5 % of managed memory, or one zone's
    11 pageblocks) and a few MiB of tables at once."""
    profile, behaviour = profile_of(p)
    section = behaviour.section_size
    lo_bytes = start * step
    khugepaged = min(11 * p.pageblock * 2, lo_bytes // 20 + 32 * MiB)
    jump = (section + block) * p.struct_page // profile.page + khugepaged + 8 * MiB
    reach = jump * 32 // 28
    hi_bytes = min(top * step, lo_bytes + reach)
    points = set(boundaries(p))
    for period in (section, block):
        points.update(range(lo_bytes // period * period, hi_bytes + 1, period))
    points.update(_thp_threshold(p, lo_bytes, hi_bytes, step))
    grid = {x // step * step for x in points} | {-(-(x + 1) // step) * step for x in points}
    for candidate in sorted(x for x in grid if lo_bytes < x <= hi_bytes):
        if _margin(vary(p, online=candidate)) < 0:
            return candidate // step
    return None


def _thp_threshold(p: Params, lo: int, hi: int, step: int) -> set[int]:
    """The boot memory size in ``(lo, hi]`` at which khugepaged starts (managed memory
    reaches 512 MiB), if any."""
    if not p.thp:
        return set()
    def active(k: int) -> bool:
        return boot_managed(vary(p, online=k * step)) >= 512 * MiB

    lo_k, hi_k = lo // step, hi // step
    if hi_k <= lo_k or active(lo_k) or not active(hi_k):
        return set()
    return {first_true(active, lo_k + 1, hi_k, hi_k) * step}
