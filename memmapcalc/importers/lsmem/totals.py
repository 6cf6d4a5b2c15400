"""Online and standby totals: from the rows (cross-checked with the summary) or the summary."""

from __future__ import annotations

from collections.abc import Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import Listing
from memmapcalc.importers.lsmem.rounded_summary import rounded_summary
from memmapcalc.importers.lsmem.sizes import decimal, human_size, is_decimal
from memmapcalc.importers.lsmem.spans import LsmemFacts, Span, at_line
from memmapcalc.units import format_size


def totals(listing: Listing, source: str, facts: LsmemFacts) -> None:
    spans = facts.spans
    have_state = "STATE" in listing.columns or "CONFIGURED" in listing.columns
    if spans and have_state and all(s.size is not None for s in spans):
        _totals_from_rows(facts)
        _cross_check(listing, source, facts)
        return
    total = sum(s.size for s in spans if s.size is not None) if spans else None
    if spans and any(s.size is None for s in spans):
        raise InputError(source, "the rows give no exact sizes (no RANGE, BLOCK or -b SIZE, and "
                                 "no block size to read rounded sizes against); run lsmem -b")
    _totals_from_summary(listing, source, facts, total)


def _is_standby(span: Span) -> bool:
    """Offline, going offline, unknown and deconfigured blocks are standby (lsmem's "Total
    offline memory"); CONFIGURED=no marks deconfigured standby blocks on Linux 6.19+."""
    if span.configured is False:
        return True
    return span.state != "online"


def _totals_from_rows(facts: LsmemFacts) -> None:
    online = [s for s in facts.spans if not _is_standby(s)]
    standby = [s for s in facts.spans if _is_standby(s)]
    facts.online = sum(s.size or 0 for s in online)
    facts.standby = sum(s.size or 0 for s in standby)
    facts.online_from = _describe(online, "online", facts.block_size)
    facts.standby_from = _describe(standby, "offline", facts.block_size)
    configured_offline = [s for s in standby if s.configured is True]
    deconfigured = [s for s in standby if s.configured is False]
    if deconfigured:
        facts.notes.append(f"{_blocks_text(deconfigured, facts.block_size)} deconfigured "
                           f"(CONFIGURED=no): standby memory of a Linux 6.19+ kernel")
    if configured_offline:
        facts.notes.append(f"{_blocks_text(configured_offline, facts.block_size)} configured but "
                           f"offline: counted as standby (conservative: if this is core memory "
                           f"an admin set offline, the machine IPLs with more online memory)")
    odd = sorted({s.state for s in standby if s.state not in ("offline", None)})
    if odd:
        facts.warnings.append(f"blocks in state {', '.join(odd)} are counted as standby, as "
                              f"lsmem counts them as offline")
    with_memmap = [s for s in standby if s.memmap_on_memory]
    if with_memmap:
        facts.notes.append(f"{_blocks_text(with_memmap, facts.block_size)} of the standby memory "
                           f"would be configured with memmap-on-memory (MEMMAP-ON-MEMORY=yes)")


def _blocks_text(spans: Sequence[Span], block_size: int | None) -> str:
    size = sum(s.size or 0 for s in spans)
    if block_size and all(s.blocks is not None for s in spans):
        count = sum(s.blocks or 0 for s in spans)
        return f"{count} block{'s' if count != 1 else ''} ({format_size(size)})"
    return format_size(size)


def _describe(spans: Sequence[Span], word: str, block_size: int | None) -> str:
    if not spans:
        return f"no {word} rows in the table"
    hows = sorted({s.how for s in spans})
    column = " and ".join(hows)
    numbers = [(first, first + count - 1) for first, count in
               ((s.first_block, s.blocks) for s in spans)
               if first is not None and count]
    if block_size and len(numbers) == len(spans):
        count = sum(s.blocks or 0 for s in spans)
        ranges = _block_ranges(numbers)
        label = "blocks" if "," in ranges or "-" in ranges else "block"
        times = f"× {format_size(block_size)}"  # noqa: RUF001 - lsmem-like output text
        return (f"{count} {word} block{'s' if count != 1 else ''} {times} "
                f"({label} {ranges}), from the {column} column")
    rows = len(spans)
    return f"sum of {rows} {word} row{'s' if rows != 1 else ''}, from the {column} column"


def _block_ranges(intervals: Sequence[tuple[int, int]]) -> str:
    """``[(0, 6), (7, 7), (8, 9), (14, 14)]`` → ``0-9, 14`` (adjacent rows merged)."""
    merged: list[list[int]] = []
    for first, last in sorted(intervals):
        if merged and first == merged[-1][1] + 1:
            merged[-1][1] = last
        else:
            merged.append([first, last])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in merged)


def _cross_check(listing: Listing, source: str, facts: LsmemFacts) -> None:
    """The table and the summary printed by one lsmem run agree; if not, the input was cut."""
    for key, total in (("online", facts.online), ("offline", facts.standby)):
        line = listing.summary.get(key)
        if line is None or total is None:
            continue
        printed = str(total) if is_decimal(line.value) else human_size(total)
        if line.value.replace(",", ".") != printed:
            raise InputError(source, f"the table adds up to {format_size(total)} {key} but the "
                                     f"summary says {line.value}; truncated or edited output?",
                             at_line(line.line))


def _totals_from_summary(listing: Listing, source: str, facts: LsmemFacts,
                         total: int | None) -> None:
    online_line = listing.summary.get("online")
    offline_line = listing.summary.get("offline")
    missing = [label for key, label in (("online", "Total online memory"),
                                        ("offline", "Total offline memory"))
               if key not in listing.summary]
    if missing:
        hint = ("the rows have no STATE column" if listing.rows
                else "a summary needs all its lines")
        raise InputError(source, f"no {missing[0]!r} line ({hint}); truncated output? Run "
                                 f"lsmem -b with its summary")
    assert online_line is not None and offline_line is not None
    if is_decimal(online_line.value) and is_decimal(offline_line.value):
        facts.online = decimal(online_line.value, source, at_line(online_line.line))
        facts.standby = decimal(offline_line.value, source, at_line(offline_line.line))
        facts.online_from = '"Total online memory" summary line (bytes, lsmem -b)'
        facts.standby_from = '"Total offline memory" summary line (bytes, lsmem -b)'
    else:
        rounded_summary(source, facts, online_line, offline_line, total)
    assert facts.online is not None and facts.standby is not None
    if total is not None and facts.online + facts.standby != total:
        both = format_size(facts.online + facts.standby)
        raise InputError(source, f"the summary adds up to {both} but the table to "
                                 f"{format_size(total)}; truncated output?",
                         at_line(online_line.line))
