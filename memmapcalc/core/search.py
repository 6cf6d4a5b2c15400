"""Exact limits: the largest standby and the smallest online memory that still IPL.

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

from collections.abc import Callable

from memmapcalc.config.model import StandbyHandling
from memmapcalc.core.budget import Budget, budget, passes
from memmapcalc.core.params import Params, vary
from memmapcalc.core.s390 import DMA_ZONE_END, MAX_PHYSICAL, PAGE, REGION3_ENTRY
from memmapcalc.units import MiB


def first_true(predicate: Callable[[int], bool], lo: int, hi: int, guess: int) -> int:
    """Smallest ``k`` in ``[lo, hi]`` with ``predicate(k)``, for a predicate that is false
    then true; ``predicate(hi)`` must hold.  Gallops out from ``guess``, then bisects."""
    guess = min(max(guess, lo), hi)
    if predicate(guess):
        top, step = guess, 1
        while top - step >= lo and predicate(top - step):
            top, step = top - step, step * 2
        bottom = max(lo - 1, top - step)
    else:
        bottom, step = guess, 1
        while bottom + step < hi and not predicate(bottom + step):
            bottom, step = bottom + step, step * 2
        top = min(hi, bottom + step)
    while top - bottom > 1:  # predicate(top) is true, predicate(bottom) false (or bottom < lo)
        mid = (bottom + top) // 2
        if predicate(mid):
            top = mid
        else:
            bottom = mid
    return top


def max_standby(p: Params, current: Budget | None = None) -> tuple[int | None, bool]:
    """Largest standby (a whole number of blocks) that IPLs, and whether the architecture's
    physical limit capped it.  ``None`` when not even standby 0 passes."""
    current = current or budget(p)
    if p.arch != "s390x":
        from memmapcalc.arch import search

        return search.max_standby(p, current)
    block = current.block_size.value
    limit = max(0, (MAX_PHYSICAL - p.online) // block)
    if passes(vary(p, standby=limit * block)):
        return limit * block, True
    fails = lambda k: not passes(vary(p, standby=k * block))  # noqa: E731
    per_block = _standby_cost_per_block(p, current)
    guess = current.standby_blocks.value + (current.margin - p.min_margin) // per_block
    first_failing = first_true(fails, 0, limit, guess)
    if first_failing == 0:
        return None, False
    return (first_failing - 1) * block, False


def _standby_cost_per_block(p: Params, current: Budget) -> int:
    """Rough online cost of one more standby block, only to aim the search."""
    if p.standby_handling is StandbyHandling.DEFERRED:
        return 1024
    memmap = 0 if current.memmap_on_memory.used.value else current.memmap_per_block.value
    return memmap + 8 * 1024


def min_online(p: Params, current: Budget | None = None) -> int | None:
    """Smallest online size (whole MiB, or whole increments) from which every larger size
    IPLs with the same standby; ``None`` if even the largest possible online size fails."""
    current = current or budget(p)
    if p.arch != "s390x":
        from memmapcalc.arch import search

        return search.min_online(p, current)
    step = max(MiB, p.increment or 0)
    top = (MAX_PHYSICAL - p.standby) // step
    passes_at = lambda k: passes(vary(p, online=k * step))  # noqa: E731
    if top < 1 or not passes_at(top):
        return None
    # margin grows by about 63/64 of each added byte (the online memmap takes 1/64)
    guess = (p.online - (current.margin - p.min_margin) * 64 // 63) // step
    lo = 1
    while True:
        found = first_true(passes_at, lo, top, guess)
        failing = _failure_within_reach(p, found, step, top, current.block_size.value)
        if failing is None:
            return found * step
        lo = guess = failing + 1


def _failure_within_reach(p: Params, start: int, step: int, top: int, block: int) -> int | None:
    """The lowest failing multiple of ``step`` above ``start`` that the budget's jumps can
    reach.  Above a passing size the margin grows by x·(1 − 2/64) over a distance x and
    drops by at most one section memmap, one block memmap, the khugepaged reserve of a new
    zone and a few tables at once, so nothing beyond that reach can fail."""
    section = p.behaviour.section_size
    reserve_jump = 11 * (p.pageblock // PAGE) * PAGE
    reach = ((section + block) * p.struct_page // PAGE + reserve_jump + 4 * MiB) * 32 // 30
    lo_bytes, hi_bytes = start * step, min(top * step, start * step + reach)
    for candidate in _jump_points(lo_bytes, hi_bytes, step, (section, block, REGION3_ENTRY),
                                  p.standby, block):
        if not passes(vary(p, online=candidate)):
            return candidate // step
    return None


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
