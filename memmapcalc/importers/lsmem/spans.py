"""What one row of a listing says, exactly: its bytes, its blocks, its state."""

from __future__ import annotations

from dataclasses import dataclass, field

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import BLOCK_RE, LOCALE_HINT, RANGE_RE, STATES, Listing, Row
from memmapcalc.importers.lsmem.sizes import blocks_printed_as, decimal, is_decimal
from memmapcalc.units import format_size


@dataclass(frozen=True)
class Span:
    """A row's memory, exactly: its size in bytes and how many blocks, where known."""

    line: int
    size: int | None
    blocks: int | None
    first_block: int | None
    state: str | None
    configured: bool | None
    memmap_on_memory: bool | None
    how: str  # where the size came from: "RANGE", "BLOCK", "SIZE", "SIZE (rounded)"


@dataclass
class LsmemFacts:
    """What an lsmem listing establishes about the machine."""

    block_size: int | None = None
    block_size_from: str = ""
    spans: list[Span] = field(default_factory=list)
    online: int | None = None
    standby: int | None = None
    online_from: str = ""
    standby_from: str = ""
    memmap_parameter: str | None = None
    memmap_line: int | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)


def at_line(line: int) -> str:
    return f"line {line}"


def parse_range(text: str, source: str, line: int) -> tuple[int, int]:
    match = RANGE_RE.match(text)
    if match is None:
        raise InputError(source, f"RANGE {text!r} is not 0xSTART-0xEND; truncated?", at_line(line))
    start, end = int(match[1], 16), int(match[2], 16)
    if end < start:
        raise InputError(source, f"RANGE {text!r} ends before it starts", at_line(line))
    return start, end - start + 1  # lsmem prints the end address inclusive


def parse_blocks(text: str, source: str, line: int) -> tuple[int, int]:
    match = BLOCK_RE.match(text)
    if match is None:
        raise InputError(source, f"BLOCK {text!r} is not N or N-M; truncated?", at_line(line))
    first = decimal(match[1], source, at_line(line))
    last = decimal(match[2], source, at_line(line)) if match[2] else first
    if last < first:
        raise InputError(source, f"BLOCK {text!r} ends before it starts", at_line(line))
    return first, last - first + 1


def _yes_no(value: object, column: str, source: str, line: int) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    raise InputError(source, f"{column} {value!r} is not yes or no; {LOCALE_HINT}", at_line(line))


def span_of(row: Row, listing: Listing, source: str, block_size: int | None) -> Span:
    cells = row.cells
    line = row.line
    _require_cells(row, listing, source)
    state = cells.get("STATE")
    if state is not None and state not in STATES:
        raise InputError(source, f"unknown STATE {state!r} (lsmem prints online, offline, on->off "
                                 f"or ?); {LOCALE_HINT}", at_line(line))
    size, blocks, first, how = _span_size(row, source, block_size)
    return Span(line, size, blocks, first, state if isinstance(state, str) else None,
                _yes_no(cells.get("CONFIGURED"), "CONFIGURED", source, line),
                _yes_no(cells.get("MEMMAP-ON-MEMORY"), "MEMMAP-ON-MEMORY", source, line), how)


def _require_cells(row: Row, listing: Listing, source: str) -> None:
    """lsmem always fills these cells; an empty one means a cut or edited line."""
    for column in ("RANGE", "SIZE", "STATE", "BLOCK", "CONFIGURED", "MEMMAP-ON-MEMORY"):
        if column in listing.columns and row.cells.get(column) in (None, ""):
            raise InputError(source, f"the {column} cell is empty; lsmem always fills it "
                                     f"(truncated or edited output?)", at_line(row.line))


def _span_size(row: Row, source: str, block_size: int | None
               ) -> tuple[int | None, int | None, int | None, str]:
    cells = row.cells
    first: int | None = None
    blocks: int | None = None
    if isinstance(cells.get("BLOCK"), str):
        first, blocks = parse_blocks(str(cells["BLOCK"]), source, row.line)
    if isinstance(cells.get("RANGE"), str):
        start, size = parse_range(str(cells["RANGE"]), source, row.line)
        if block_size and first is None and start % block_size == 0 and size % block_size == 0:
            first, blocks = start // block_size, size // block_size
        return size, blocks, first, "RANGE"
    if blocks is not None and block_size:
        return blocks * block_size, blocks, first, "BLOCK"
    value = cells.get("SIZE")
    if isinstance(value, int) and not isinstance(value, bool):
        return value, _count(value, block_size), first, "SIZE"
    if isinstance(value, str) and is_decimal(value):
        size = decimal(value, source, at_line(row.line))
        return size, _count(size, block_size), first, "SIZE"
    if isinstance(value, str) and block_size:
        counts = blocks_printed_as(value, block_size)
        if len(counts) == 1:
            return counts[0] * block_size, counts[0], first, "SIZE (rounded)"
        raise InputError(source, f"SIZE {value!r} is rounded and {len(counts) or 'no'} whole "
                                 f"numbers of {format_size(block_size)} blocks print as it; run "
                                 f"lsmem with -b or with the RANGE column", at_line(row.line))
    return None, blocks, first, ""


def _count(size: int, block_size: int | None) -> int | None:
    return size // block_size if block_size and size % block_size == 0 else None
