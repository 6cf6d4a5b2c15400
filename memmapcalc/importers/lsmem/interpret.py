"""A parsed listing → exact byte counts: block size, spans, totals, memmap parameter."""

from __future__ import annotations

from memmapcalc.arch.s390x.constants import MAX_PHYSICAL
from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import LOCALE_HINT, Listing
from memmapcalc.importers.lsmem.sizes import exact_size, human_size
from memmapcalc.importers.lsmem.spans import LsmemFacts, at_line, parse_blocks, parse_range, span_of
from memmapcalc.importers.lsmem.totals import totals
from memmapcalc.units import format_size


def interpret(listing: Listing, source: str, block_size: int | None = None) -> LsmemFacts:
    """Turn a parsed listing into exact byte counts (raises :class:`InputError`).

    ``block_size`` (``--block-size``) is used when the listing does not give it and must
    agree when it does.
    """
    facts = LsmemFacts()
    _block_size(listing, source, facts, block_size)
    facts.spans = [span_of(row, listing, source, facts.block_size) for row in listing.rows]
    totals(listing, source, facts)
    _physical_limit(source, facts)
    _memmap_parameter(listing, source, facts)
    return facts


def _physical_limit(source: str, facts: LsmemFacts) -> None:
    """No s390x machine has more memory than the kernel can address: MAX_PHYSMEM_BITS 46
    (arch/s390/include/asm/sparsemem.h), 64 TiB."""
    total = (facts.online or 0) + (facts.standby or 0)
    if total > MAX_PHYSICAL:
        raise InputError(source, f"online + offline memory is {human_size(total)}, beyond the "
                                 f"{format_size(MAX_PHYSICAL)} of physical memory s390x addresses "
                                 f"(MAX_PHYSMEM_BITS 46); not the lsmem output of a real machine")


def _block_size(listing: Listing, source: str, facts: LsmemFacts, given: int | None) -> None:
    found: int | None = None
    how = ""
    line = listing.summary.get("block_size")
    if line is not None:
        found = exact_size(line.value, source, at_line(line.line), "Memory block size")
        how = f'"Memory block size" summary line ({line.value})'
    else:
        derived = _block_size_from_rows(listing, source)
        if derived is not None:
            found, how = derived
    if given is not None:
        if found is not None and found != given:
            raise InputError(source, f"--block-size {format_size(given)} disagrees with the "
                                     f"input's {format_size(found)} ({how})")
        if found is None:
            found, how = given, "--block-size option"
    if found is not None and (found <= 0 or found & (found - 1)):
        raise InputError(source, f"memory block size {found} is not a power of two")
    facts.block_size, facts.block_size_from = found, how


def _block_size_from_rows(listing: Listing, source: str) -> tuple[int, str] | None:
    """Range size ÷ block count of rows that have both RANGE and BLOCK."""
    sizes = set()
    for row in listing.rows:
        rng, blk = row.cells.get("RANGE"), row.cells.get("BLOCK")
        if isinstance(rng, str) and isinstance(blk, str):
            start, size = parse_range(rng, source, row.line)
            first, count = parse_blocks(blk, source, row.line)
            if size % count:
                raise InputError(source, f"range {rng} is not a whole number of the {count} "
                                         f"blocks {blk}", at_line(row.line))
            per_block = size // count
            if start != first * per_block:
                raise InputError(source, f"range {rng} does not start at block {first}",
                                 at_line(row.line))
            sizes.add(per_block)
    if not sizes:
        return None
    if len(sizes) > 1:
        raise InputError(source, "rows imply different block sizes "
                                 f"({', '.join(format_size(s) for s in sorted(sizes))})")
    return sizes.pop(), "RANGE size ÷ number of blocks in BLOCK"


def _memmap_parameter(listing: Listing, source: str, facts: LsmemFacts) -> None:
    line = listing.summary.get("memmap")
    if line is None:
        return
    modes = {"yes": "on", "y": "on", "no": "off", "n": "off", "force": "force"}
    mode = modes.get(line.value.lower())
    if mode is None:
        raise InputError(source, f"\"Memmap on memory parameter\" {line.value!r} is not yes, no or "
                                 f"force; {LOCALE_HINT}", at_line(line.line))
    facts.memmap_parameter, facts.memmap_line = mode, line.line
