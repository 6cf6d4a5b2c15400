"""Exact limits of an s390x machine: the largest standby and the smallest online memory
that still IPL.

Both are searches over the model itself (``budget``), not estimates; an estimate only
picks where the search starts, so a typical machine needs a handful of evaluations.

* IPL cost never falls when standby grows (more blocks, never fewer), so ``max_standby``
  is a monotone search over whole blocks.
* Online memory is not monotone at MiB scale, because the kernel is not: crossing a
  section boundary adds a whole section's memmap, crossing 2 GiB adds ZONE_NORMAL (and
  khugepaged's reserve for it), the standby end crossing a block boundary adds a block.
  So ``min_online`` is the smallest size from which *every* larger size passes: a search
  finds a boundary, then every point where the budget can jump within reach of it is
  checked (between jumps the margin only grows with online memory), and the search
  resumes above any failure found.
"""

from __future__ import annotations

from memmapcalc.arch.s390x import metadata
from memmapcalc.arch.s390x.budget import budget, passes
from memmapcalc.arch.s390x.constants import DMA_ZONE_END, MAX_PHYSICAL, PAGE, REGION3_ENTRY
from memmapcalc.arch.s390x.platforms import platform
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.kernel.search import first_true, from_here_on, smallest_online
from memmapcalc.kernel.watermarks import THP_MIN_RAM
from memmapcalc.records.budget import Budget
from memmapcalc.records.params import Params, vary
from memmapcalc.units import MiB


def max_standby(p: Params, current: Budget) -> tuple[int | None, bool]:
    """Largest standby (a whole number of blocks) that IPLs, and whether the architecture's
    physical limit capped it.  ``None`` when not even standby 0 passes, and on a platform
    whose hypervisor reports no standby memory (KVM: there is none to bound)."""
    if not platform(p.platform).sclp_standby:
        return None, False
    block = current.block_size.value
    limit = max(0, (MAX_PHYSICAL - p.online) // block)
    added = limit - 1 - current.standby_blocks.value  # usable blocks the limit adds, at least
    certain_to_fail = added * _standby_cost_lower_bound(p, current) > current.margin - p.min_margin
    if not certain_to_fail and passes(vary(p, standby=limit * block)):
        return limit * block, True
    fails = lambda k: not passes(vary(p, standby=k * block))  # noqa: E731
    per_block = _standby_cost_per_block(p, current)
    guess = current.standby_blocks.value + (current.margin - p.min_margin) // per_block
    first_failing = first_true(fails, 0, limit, guess)
    if first_failing == 0:
        return None, False
    return (first_failing - 1) * block, False


def _standby_cost_lower_bound(p: Params, current: Budget) -> int:
    """What one more usable standby block costs online memory at least: its memmap (unless
    it is on the block) and its memory block device (boot-add), or its
    /sys/firmware/memory directory (deferred)."""
    if p.standby_handling is StandbyHandling.DEFERRED:
        return metadata.FIRMWARE_MEMORY_SYSFS
    memmap = 0 if current.memmap_on_memory.used.value else current.memmap_per_block.value
    return memmap + metadata.MEMORY_BLOCK_DEVICE


def _standby_cost_per_block(p: Params, current: Budget) -> int:
    """Rough online cost of one more standby block, only to aim the search."""
    if p.standby_handling is StandbyHandling.DEFERRED:
        return 1024
    memmap = 0 if current.memmap_on_memory.used.value else current.memmap_per_block.value
    return memmap + 8 * 1024


def min_online(p: Params, current: Budget) -> int | None:
    """Smallest online size (whole MiB, or whole increments) from which every larger size
    IPLs with the same standby; ``None`` if even the largest possible online size fails."""
    step = max(MiB, p.increment or 0)
    top = (MAX_PHYSICAL - p.standby) // step
    block = current.block_size.value
    passes_at = lambda k: passes(vary(p, online=k * step))  # noqa: E731
    # A machine that passes far below the top passes at the top too (see _reach); only
    # otherwise is the top worth an evaluation of its own.
    far_below = top * step - p.online > _reach(p, block)
    if top < 1 or not ((current.margin >= p.min_margin and far_below) or passes_at(top)):
        return None
    guess = _aim(p, current.margin, p.online, step, top)
    excess = budget(vary(p, online=guess * step)).margin - p.min_margin
    guess = _aim(p, excess + p.min_margin, guess * step, step, top)
    found = step * from_here_on(passes_at, lambda k: _failure_within_reach(p, k, step, top, block),
                                top, guess)
    return max(found, smallest_online(current.section_size.value, step))


def _aim(p: Params, margin: int, online: int, step: int, top: int) -> int:
    """Where the margin reaches ``min_margin`` if it grows by 63/64 of each added byte (the
    online memmap takes 1/64): one secant step, only to aim the search."""
    target = online - (margin - p.min_margin) * 64 // 63
    return min(max(1, -(-target // step)), top)


def _reach(p: Params, block: int) -> int:
    """How far above a passing size a jump of the budget can still make it fail (see
    :func:`_failure_within_reach`)."""
    reserve_jump = 11 * (p.pageblock // PAGE) * PAGE
    return ((p.behaviour.section_size + block) * p.struct_page // PAGE + reserve_jump
            + 4 * MiB) * 32 // 30


def _failure_within_reach(p: Params, start: int, step: int, top: int, block: int) -> int | None:
    """The lowest failing multiple of ``step`` above ``start`` that the budget's jumps can
    reach.  Above a passing size the margin grows by x·(1 − 2/64) over a distance x and
    drops by at most one section memmap, one block memmap, the khugepaged reserve of a new
    zone and a few tables at once, so nothing beyond that reach can fail."""
    section = p.behaviour.section_size
    lo_bytes, hi_bytes = start * step, min(top * step, start * step + _reach(p, block))
    candidates = _jump_points(lo_bytes, hi_bytes, step, (section, block, REGION3_ENTRY),
                              p.standby, block)
    candidates.extend(_khugepaged_start(p, lo_bytes, hi_bytes, step))
    for candidate in sorted(set(candidates)):
        if not passes(vary(p, online=candidate)):
            return candidate // step
    return None


def _khugepaged_start(p: Params, lo: int, hi: int, step: int) -> list[int]:
    """The online size in ``(lo, hi]`` at which managed memory reaches 512 MiB and
    khugepaged starts, raising min_free_kbytes at once (mm/huge_memory.c hugepage_init()).
    Where that is depends on every boot reservation, so it is found by bisection, and only
    when THP could start at all and has not started at ``lo``."""
    if not (p.thp and p.edat1) or hi <= lo:
        return []
    if p.footprint is None and lo - _boot_reserved_bound(p, lo) >= THP_MIN_RAM:
        return []  # managed memory is past 512 MiB at lo already
    active = lambda online: budget(vary(p, online=online)).min_free_parts[2].value  # noqa: E731
    if active(lo) or not active(hi):
        return []
    below, above = lo // step, hi // step  # inactive at below, active at above
    while above - below > 1:
        mid = (below + above) // 2
        below, above = (below, mid) if active(mid * step) else (mid, above)
    return [above * step]


def _boot_reserved_bound(p: Params, online: int) -> int:
    """More than IPL reserves before min_free_kbytes is computed (image, initramfs,
    crashkernel, the online memmap with one extra section, and 1/128 of online memory plus
    16 MiB for page tables and bookkeeping, far above what they take)."""
    section_map = p.behaviour.section_size // PAGE * p.struct_page + MiB
    return (p.image + p.initramfs + p.crashkernel + MiB + online // PAGE * p.struct_page
            + section_map + online // 128 + 16 * MiB)


def _jump_points(lo: int, hi: int, step: int, periods: tuple[int, ...], standby: int,
                 block: int) -> list[int]:
    """Online sizes in ``(lo, hi]`` at or just past a boundary of any period, of the standby
    end (online + standby crossing a block) and of the DMA zone end, on the step grid."""
    points = {DMA_ZONE_END}
    for period in periods:
        points.update(range(lo // period * period, hi + 1, period))
    shift = (-standby) % block
    points.update(range(lo // block * block + shift - block, hi + 1, block))
    on_grid = {point // step * step for point in points} | {-(-(point + 1) // step) * step
                                                           for point in points}
    return sorted(x for x in on_grid if lo < x <= hi)
