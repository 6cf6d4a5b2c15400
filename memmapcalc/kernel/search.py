"""Pure integer searches the limits of every profile use (``max_standby``, ``min_online``):
a galloping bisection, the "from here on" search over a non-monotone predicate, a secant
step to aim them, and the smallest online size a search may answer."""

from __future__ import annotations

from collections.abc import Callable


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


def smallest_online(section: int, step: int) -> int:
    """The smallest online size a config may have: one section (sparsemem builds memory of
    whole sections; config.semantics refuses less), in whole steps.  A lower limit below it
    would name a size that ``check`` refuses."""
    return -(-section // step) * step


def from_here_on(passes_at: Callable[[int], bool], failure_above: Callable[[int], int | None],
                 top: int, guess: int) -> int:
    """The smallest ``k`` from which every larger one passes, for a predicate that is not
    monotone: find a boundary, ask ``failure_above`` for the lowest failure its jumps can
    reach above it, and search again above any it finds.  ``passes_at(top)`` must hold."""
    lo = 1
    while True:
        found = first_true(passes_at, lo, top, guess)
        failing = failure_above(found)
        if failing is None:
            return found
        lo = guess = failing + 1


def secant(at: Callable[[int], int], x0: int, f0: int, slope: int, lo: int, hi: int,
            falling: bool) -> int:
    """Where ``at`` (a margin, falling or rising by about ``slope`` per step) crosses zero:
    one Newton step from ``x0``, then one secant step — a starting point for the search."""
    sign = -1 if falling else 1
    x1 = min(max(x0 - sign * f0 // max(slope, 1), lo), hi)
    if x1 == x0:
        return x0
    f1 = at(x1)
    if f1 == f0:
        return x1
    x2 = x1 - f1 * (x1 - x0) // (f1 - f0)
    return min(max(x2, lo), hi)
