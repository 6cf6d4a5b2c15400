"""Totals from a summary lsmem rounded (``4.8G``): exact only when one block count fits."""

from __future__ import annotations

from memmapcalc.arch.s390x.constants import MAX_PHYSICAL
from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import SummaryLine
from memmapcalc.importers.lsmem.sizes import HUMAN_RE, blocks_printed_as
from memmapcalc.importers.lsmem.spans import LsmemFacts, at_line
from memmapcalc.units import format_size


def rounded_summary(source: str, facts: LsmemFacts, online_line: SummaryLine,
                     offline_line: SummaryLine, total: int | None) -> None:
    """Human summary values (``4.8G``) are rounded: accept them only when exactly one
    whole number of blocks prints as each (and, with a table, adds up to its total)."""
    block_size = facts.block_size
    if not block_size:
        raise InputError(source, "the summary sizes are rounded and there is no block size to "
                                 "read them against; run lsmem -b", at_line(online_line.line))
    for line in (online_line, offline_line):
        if HUMAN_RE.match(line.value) is None:
            shown = line.value if len(line.value) <= 24 else line.value[:20] + "..."
            raise InputError(source, f"{line.label} {shown!r} is not an lsmem size (digits 0-9, "
                                     f"one decimal, a unit B K M G T P E); edited output?",
                             at_line(line.line))
    online = blocks_printed_as(online_line.value, block_size)
    offline = blocks_printed_as(offline_line.value, block_size)
    if online and offline and (online.start + offline.start) * block_size > MAX_PHYSICAL:
        raise InputError(source, f"the summary says {online_line.value} online and "
                                 f"{offline_line.value} offline, beyond the "
                                 f"{format_size(MAX_PHYSICAL)} of physical memory s390x addresses "
                                 f"(MAX_PHYSMEM_BITS 46); not the lsmem output of a real machine",
                         at_line(online_line.line))
    pairs = _pairs(online, offline, None if total is None else total // block_size
                   if total % block_size == 0 else -1)
    if len(pairs) != 1:
        many = "more than one whole number" if pairs else "no whole numbers"
        raise InputError(source, f"the summary sizes {online_line.value} and {offline_line.value} "
                                 f"are rounded by lsmem and match {many} of "
                                 f"{format_size(block_size)} blocks; run lsmem -b for exact sizes",
                         at_line(online_line.line))
    a, b = pairs[0]
    facts.online, facts.standby = a * block_size, b * block_size
    why = "the only whole number of blocks lsmem prints as"
    facts.online_from = (f"{a} blocks × {format_size(block_size)}: {why} "  # noqa: RUF001
                         f"\"{online_line.value}\" (rounded \"Total online memory\")")
    facts.standby_from = (f"{b} blocks × {format_size(block_size)}: {why} "  # noqa: RUF001
                          f"\"{offline_line.value}\" (rounded \"Total offline memory\")")
    facts.warnings.append(f"sizes reconstructed from lsmem's rounded summary ({online_line.value} "
                          f"online, {offline_line.value} offline): exact only because one block "
                          f"count fits each; prefer lsmem -b")


def _pairs(online: range, offline: range, blocks: int | None) -> list[tuple[int, int]]:
    """The (online, offline) block counts the rounded summary allows, at most two of them
    (enough to tell one from many), with arithmetic instead of a loop over the counts.
    ``blocks`` is the table's total in blocks (``-1``: not whole blocks, nothing fits)."""
    if blocks is None:
        return [(a, b) for a in online[:2] for b in offline[:2]][:2]
    # a in online and blocks - a in offline: blocks - offline.stop < a <= blocks - offline.start
    low = max(online.start, blocks - offline.stop + 1)
    high = min(online.stop - 1, blocks - offline.start)
    return [(a, blocks - a) for a in range(low, min(high, low + 1) + 1)]
