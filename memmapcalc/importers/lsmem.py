"""Read util-linux ``lsmem`` output in every form it prints.

Formats come from util-linux ``sys-utils/lsmem.c`` (2.30 to 2.42), printed through
libsmartcols (``libsmartcols/src/print.c``) and ``lib/strutils.c``
(``size_to_human_string``); see ``../shared/reference/inputs.md`` §1.3:

* the default table (columns aligned by libsmartcols), optionally followed by a blank
  line and the summary ("Memory block size:" ...), whose label field is 23 characters
  wide in util-linux 2.30–2.40 and 32 from 2.41;
* ``-b``: the same with sizes in bytes;
* ``-r`` raw (cells separated by one space, empty cells empty, unsafe bytes ``\\xHH``);
* ``-P`` pairs (``NAME="value"``);
* ``-J`` JSON (``{"memory": [{"range": ..., "size": ...}, ...]}``; ``size`` is a number
  with ``-b``);
* ``--summary=only``; ``-n`` (no header); ``-a`` (one row per block); ``-o`` any columns,
  including the 2.42 columns CONFIGURED and MEMMAP-ON-MEMORY and the 2.42 summary line
  "Memmap on memory parameter:".

Human sizes (``1.8G``) are rounded by lsmem.  Sizes are therefore taken from the RANGE
column (inclusive end), from BLOCK counts × the block size, or from ``-b`` bytes.  Only
when nothing else is there is a rounded size used, and then only if exactly one whole
number of blocks prints as that text (see :func:`blocks_printed_as`); otherwise the input
is refused.  This module is pure: text in, dataclasses out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from memmapcalc.arch.s390x.constants import MAX_PHYSICAL
from memmapcalc.errors import InputError
from memmapcalc.importers.draft import MachineDraft
from memmapcalc.units import MAX_DIGITS, MiB, format_size

#: Column names of lsmem 2.30–2.42, in lsmem's own order.
COLUMNS: tuple[str, ...] = ("RANGE", "SIZE", "STATE", "REMOVABLE", "BLOCK", "NODE", "ZONES",
                            "CONFIGURED", "MEMMAP-ON-MEMORY")

#: STATE cell texts (C locale) and what lsmem's totals do with them: only ``online``
#: counts as online memory; everything else is "Total offline memory".
STATES = ("online", "offline", "on->off", "?")

#: Summary labels (C locale) → field name.
SUMMARY_LABELS: dict[str, str] = {
    "Memory block size": "block_size",
    "Total online memory": "online",
    "Total offline memory": "offline",
    "Memmap on memory parameter": "memmap",
}

_LOCALE_HINT = "run lsmem with LC_ALL=C (labels and states are translated in other locales)"
_RANGE_RE = re.compile(r"^0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)$")
# ASCII digits only: ``\d`` and ``str.isdigit()`` also take Arabic-Indic or full-width
# digits, which lsmem never prints.
_BLOCK_RE = re.compile(r"^([0-9]+)(?:-([0-9]+))?$", re.ASCII)
_HUMAN_RE = re.compile(r"^([0-9]+)(?:[.,]([0-9]{1,2}))?([BKMGTPE])$", re.ASCII)
_DECIMAL_RE = re.compile(r"[0-9]+", re.ASCII)
#: lsmem prints 64-bit numbers: at most 20 decimal digits.
_MAX_DIGITS = 20
_PAIR_RE = re.compile(r'([A-Za-z][A-Za-z0-9_-]*)="((?:[^"\\]|\\.)*)"')
_ESCAPE_RE = re.compile(r"\\x([0-9a-fA-F]{2})")
_UINT64_MAX = (1 << 64) - 1


# --- lsmem's human sizes ---------------------------------------------------------------

def human_size(nbytes: int) -> str:
    """``size_to_human_string(SIZE_SUFFIX_1LETTER, n)`` of util-linux ``lib/strutils.c``.

    One decimal at most, rounded half up ("round 4/5"), trailing zero dropped, C-locale
    decimal point: 4.75 GiB → ``4.8G``, 1.25 GiB → ``1.3G``, 0 → ``0B``.
    """
    exp = _get_exp(nbytes)
    letter = "BKMGTPE"[exp // 10] if exp else "B"
    whole = nbytes >> exp if exp else nbytes
    frac = nbytes % (1 << exp) if exp else 0
    if frac:
        # Three digits after the point, then keep one, rounding 4/5 (as in strutils.c).
        if frac >= _UINT64_MAX // 1000:
            frac = ((frac // 1024) * 1000) // (1 << (exp - 10))
        else:
            frac = (frac * 1000) // (1 << exp)
        frac = ((frac + 50) // 100) * 10
        if frac == 100:  # rounding overflowed into the next whole number
            whole, frac = whole + 1, 0
    if frac:
        text = f"{whole}.{frac:02d}"
        return (text[:-1] if text.endswith("0") else text) + letter
    return f"{whole}{letter}"


def _get_exp(nbytes: int) -> int:
    shift = 10
    while shift <= 60 and nbytes >= (1 << shift):
        shift += 10
    return shift - 10


def blocks_printed_as(text: str, block_size: int) -> range:
    """Every whole number of blocks whose size lsmem prints as ``text``, as a ``range``.

    Rounded text is exact when this range has one element: with 256 MiB blocks only
    19 blocks (4.75 GiB) print as ``4.8G``.  A decimal comma (other locales) is read as
    a point.  The work does not grow with the number of blocks (``3E`` of 128 MiB blocks
    is 2.5·10¹⁰ of them): :func:`_printed_key` grows with the block count, so the counts
    that print as ``text`` are one interval, found by two binary searches.
    """
    match = _HUMAN_RE.match(text.strip())
    if match is None or block_size <= 0 or len(match[1]) > 20:
        return range(0)
    wanted = text.strip().replace(",", ".")
    target = _text_key(wanted)
    # The printed value is within one unit of the text's value: search that wide.
    exp = 10 * "BKMGTPE".index(wanted[-1])
    high = (target[0] // 100 + (2 << exp)) // block_size + 1
    first = _first_count(lambda k: _printed_key(k * block_size) >= target, high)
    end = _first_count(lambda k: _printed_key(k * block_size) > target, high)
    found = range(first, end)
    if found and human_size(found[0] * block_size) != wanted:
        return range(0)
    return found


def _text_key(text: str) -> tuple[int, int]:
    """``(value * 100 in bytes, exponent)`` of a size as lsmem prints it (``4.8G``).

    Ordered as the sizes behind them: the printed value never decreases as the size
    grows, and where two texts print one value (``1024M`` and ``1G``), the larger
    exponent belongs to the larger sizes.
    """
    letter = text[-1]
    whole, _, decimals = text[:-1].partition(".")
    exp = 10 * "BKMGTPE".index(letter)
    hundredths = int(whole) * 100 + int(decimals.ljust(2, "0")[:2] or "0")
    return hundredths << exp, exp


def _printed_key(nbytes: int) -> tuple[int, int]:
    return _text_key(human_size(nbytes))


def _first_count(predicate: Callable[[int], bool], high: int) -> int:
    """The least ``k`` in ``0..high`` with ``predicate(k)`` (monotone), or ``high + 1``."""
    low, top = 0, high + 1
    while low < top:
        middle = (low + top) // 2
        if predicate(middle):
            top = middle
        else:
            low = middle + 1
    return low


# --- parsed listing ---------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One table row: cell values by column name, as lsmem printed them."""

    line: int
    cells: Mapping[str, str | int | bool | None]


@dataclass(frozen=True)
class SummaryLine:
    line: int
    label: str
    value: str
    #: Width of the label field (23 for util-linux 2.30–2.40, 32 for 2.41+), if recognisable.
    label_width: int | None


@dataclass(frozen=True)
class Listing:
    """An lsmem output, parsed but not yet interpreted."""

    form: str  # "table", "raw", "pairs", "json", "summary"
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    summary: Mapping[str, SummaryLine]
    header: bool = True


def parse_listing(text: str, source: str, columns: Sequence[str] | None = None) -> Listing:
    """Parse any lsmem output form into a :class:`Listing` (raises :class:`InputError`).

    ``columns`` names the columns of output printed without a header (``lsmem -n``).
    """
    lines = text.splitlines()
    start = _first_content_line(lines)
    if start is None:
        raise InputError(source, "no lsmem output in the input (it is empty)")
    first = lines[start].strip()
    if first.startswith("{"):
        return _parse_json(text, lines, source)
    if _PAIR_RE.match(first):
        return _parse_pairs(lines, start, source)
    return _parse_text(lines, start, source, columns)


def _first_content_line(lines: Sequence[str]) -> int | None:
    for number, line in enumerate(lines):
        stripped = line.strip()
        # A pasted shell prompt line ("$ lsmem -b", "# lsmem") is not part of the output.
        if not stripped or re.match(r"^[$#]\s*(\S*/)?lsmem(\s|$)", stripped):
            continue
        return number
    return None


def _normal_column(name: str) -> str:
    return name.strip().upper().replace("_", "-")


def _check_columns(names: Iterable[str], source: str, where: str) -> tuple[str, ...]:
    found = tuple(_normal_column(n) for n in names)
    unknown = [n for n in found if n not in COLUMNS]
    if unknown:
        raise InputError(source, f"unknown lsmem column {unknown[0]!r}; memmapcalc knows "
                                 f"{', '.join(COLUMNS)} (util-linux 2.30–2.42); run lsmem with "
                                 f"-o naming known columns", where)
    duplicate = sorted({n for n in found if found.count(n) > 1})
    if duplicate:
        raise InputError(source, f"column {duplicate[0]} appears twice; run lsmem with each column "
                                 f"once", where)
    return found


# --- JSON (-J) --------------------------------------------------------------------------

def _parse_json(text: str, lines: Sequence[str], source: str) -> Listing:
    decoder = json.JSONDecoder()
    body = text.lstrip()
    try:
        document, end = decoder.raw_decode(body)
    except json.JSONDecodeError as error:
        raise InputError(source, f"lsmem -J output is not complete JSON ({error.msg}); truncated?",
                         f"line {error.lineno}, column {error.colno}") from None
    except ValueError:  # int() of a number over Python's digit limit
        raise InputError(source, f"number too long (over {MAX_DIGITS} digits); lsmem prints "
                                 f"64-bit numbers: edited output?") from None
    if not isinstance(document, dict) or not isinstance(document.get("memory"), list):
        raise InputError(source, 'not lsmem -J output: expected an object with a "memory" list')
    rows: list[Row] = []
    columns: tuple[str, ...] | None = None
    for number, item in enumerate(document["memory"]):
        where = f"memory[{number}]"
        if not isinstance(item, dict):
            raise InputError(source, "each lsmem -J row must be an object", where)
        names = _check_columns(item.keys(), source, where)
        if columns is None:
            columns = names
        elif names != columns:
            raise InputError(source, f"row has columns {', '.join(names)}, the first row "
                                     f"{', '.join(columns)}", where)
        cells = {name: item[key] for name, key in zip(names, item.keys(), strict=True)}
        rows.append(Row(number, cells))
    if not rows:
        raise InputError(source, 'lsmem -J output has an empty "memory" list')
    # lsmem -J --summary=always prints the summary after the JSON document.
    rest = body[end:]
    offset = len(lines) - len(rest.splitlines())
    summary = _parse_summary(rest.splitlines(), source, offset) if rest.strip() else {}
    return Listing("json", columns or (), tuple(rows), summary)


# --- pairs (-P) -------------------------------------------------------------------------

def _unescape(text: str) -> str:
    """Undo libsmartcols' ``\\xHH`` escapes (raw and pairs output)."""
    return _ESCAPE_RE.sub(lambda m: chr(int(m[1], 16)), text)


def _parse_pairs(lines: Sequence[str], start: int, source: str) -> Listing:
    rows: list[Row] = []
    columns: tuple[str, ...] | None = None
    summary_lines: list[tuple[int, str]] = []
    for number in range(start, len(lines)):
        line = lines[number].strip()
        where = f"line {number + 1}"
        if not line:
            continue
        if not _PAIR_RE.match(line):
            summary_lines.append((number, lines[number]))
            continue
        pairs = _PAIR_RE.findall(line)
        if _PAIR_RE.sub("", line).strip():
            raise InputError(source, "malformed lsmem -P line (NAME=\"value\" pairs expected); "
                                     "truncated?", where)
        names = _check_columns((name for name, _ in pairs), source, where)
        if columns is None:
            columns = names
        elif names != columns:
            raise InputError(source, f"line has columns {', '.join(names)}, the first line "
                                     f"{', '.join(columns)}", where)
        cells = {name: (_unescape(value) or None) for name, (_, value) in
                 zip(names, pairs, strict=True)}
        rows.append(Row(number + 1, cells))
    summary = _summary_from(summary_lines, source)
    return Listing("pairs", columns or (), tuple(rows), summary)


def _summary_from(numbered: Sequence[tuple[int, str]], source: str) -> dict[str, SummaryLine]:
    if not numbered:
        return {}
    first = numbered[0][0]
    block = [""] * (numbered[-1][0] - first + 1)
    for number, line in numbered:
        block[number - first] = line
    return _parse_summary(block, source, first)


# --- summary lines ----------------------------------------------------------------------

def _parse_summary(lines: Sequence[str], source: str, offset: int) -> dict[str, SummaryLine]:
    summary: dict[str, SummaryLine] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        number = offset + index + 1
        where = f"line {number}"
        label, colon, value = line.partition(":")
        if not colon or not value.strip() or len(value.split()) != 1:
            raise InputError(source, f"unexpected text {line.strip()!r} where lsmem's summary "
                                     f"lines belong; truncated or edited output?", where)
        label = label.strip()
        key = SUMMARY_LABELS.get(label)
        if key is None:
            raise InputError(source, f"unknown lsmem summary line {label!r}; {_LOCALE_HINT}",
                             where)
        if key in summary:
            raise InputError(source, f"summary line {label!r} appears twice (two lsmem outputs "
                                     f"in one input?)", where)
        summary[key] = SummaryLine(number, label, value.strip(), _label_width(line, value.strip()))
    return summary


def _label_width(line: str, value: str) -> int | None:
    """The label field width: ``printf("%-23s %5s")`` (``%15`` with ``-b``) in 2.30–2.40,
    32 characters from 2.41."""
    field_width = 15 if _is_decimal(value) else 5
    width = len(line.rstrip()) - 1 - max(field_width, len(value))
    return width if width in (23, 32) else None


# --- table, raw, summary-only ------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


def _tokens(line: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line)]


def _is_summary_line(line: str) -> bool:
    return ":" in line


def _parse_text(lines: Sequence[str], start: int, source: str,
                columns: Sequence[str] | None) -> Listing:
    table: list[tuple[int, str]] = []
    number = start
    while number < len(lines) and lines[number].strip() and not _is_summary_line(lines[number]):
        table.append((number, lines[number]))
        number += 1
    summary = _parse_summary(lines[number:], source, number)
    if not table:
        if not summary:
            raise InputError(source, "no lsmem table or summary found", f"line {start + 1}")
        return Listing("summary", (), (), summary)
    header_tokens = _tokens(table[0][1])
    names = [t.text for t in header_tokens]
    looks_like_header = all(re.fullmatch(r"[A-Z][A-Z_-]*", n) for n in names)
    if looks_like_header:
        if columns is not None:
            raise InputError(source, "--columns is for output without a header (lsmem -n); "
                                     "this output has one", f"line {table[0][0] + 1}")
        found = _check_columns(names, source, f"line {table[0][0] + 1}")
        header_line = table[0][1]
        body = table[1:]
        if not body:
            raise InputError(source, "the table has a header but no rows; truncated output?",
                             f"line {table[0][0] + 2}")
        # Raw output (-r) separates cells by exactly one space and never pads; a table
        # pads its header and right-aligned cells.
        raw = (not header_line.startswith(" ") and "  " not in header_line.rstrip()
               and not any(line.startswith(" ") for _, line in body))
        if raw:
            return Listing("raw", found, _raw_rows(body, found, source), summary)
        return Listing("table", found, _aligned_rows(body, header_tokens, found, source), summary)
    return _headerless(table, source, columns, summary)


def _raw_rows(body: Sequence[tuple[int, str]], columns: Sequence[str],
              source: str) -> tuple[Row, ...]:
    rows = []
    for number, line in body:
        cells = [(_unescape(cell) or None) for cell in line.rstrip("\r").split(" ")]
        if len(cells) != len(columns):
            raise InputError(source, f"{len(cells)} cells where the header names "
                                     f"{len(columns)} columns (lsmem -r separates cells by one "
                                     f"space); truncated or edited output?", f"line {number + 1}")
        rows.append(Row(number + 1, dict(zip(columns, cells, strict=True))))
    return tuple(rows)


def _aligned_rows(body: Sequence[tuple[int, str]], header: Sequence[_Token],
                  columns: Sequence[str], source: str) -> tuple[Row, ...]:
    """Cells of a libsmartcols table, placed by position.

    libsmartcols pads every cell to its column's width, left- or right-aligned like the
    header name above it.  So each cell either starts where its header starts (left
    aligned: RANGE, and STATE in 2.30) or ends where its header ends (right aligned).
    Placing cells by position keeps empty cells (REMOVABLE of offline rows) empty.
    """
    rows = []
    for number, line in body:
        cells: dict[str, str | None] = dict.fromkeys(columns)
        for token in _tokens(line):
            column = _column_of(token, header, columns)
            if column is None or cells[column] is not None:
                raise InputError(source, f"cannot tell which column {token.text!r} belongs to; "
                                         f"edited, truncated or re-wrapped table? (lsmem -b -r "
                                         f"output is easier to pass along)",
                                 f"line {number + 1}, column {token.start + 1}")
            cells[column] = token.text
        rows.append(Row(number + 1, cells))
    return tuple(rows)


def _column_of(token: _Token, header: Sequence[_Token], columns: Sequence[str]) -> str | None:
    for head, name in zip(header, columns, strict=True):
        if token.end == head.end or token.start == head.start:
            return name
    return None


def _headerless(table: Sequence[tuple[int, str]], source: str, columns: Sequence[str] | None,
                summary: Mapping[str, SummaryLine]) -> Listing:
    """Output of ``lsmem -n``: columns from ``--columns``, or recognised by their cells."""
    split = [(number, _split_headerless(line)) for number, line in table]
    widths = {len(cells) for _, cells in split}
    where = f"line {table[0][0] + 1}"
    if len(widths) != 1:
        raise InputError(source, "rows have different numbers of cells and there is no header "
                                 "to place them; run lsmem without -n, or with -r", where)
    count = widths.pop()
    if columns is not None:
        found = _check_columns(columns, source, "--columns")
        if len(found) != count:
            raise InputError(source, f"--columns names {len(found)} columns, the rows have "
                                     f"{count} cells", where)
    else:
        found = tuple(_guess_column([cells[i] for _, cells in split], source, where)
                      for i in range(count))
        found = _check_columns(found, source, where)
    rows = tuple(Row(number + 1, dict(zip(found, cells, strict=True))) for number, cells in split)
    return Listing("raw", found, rows, summary, header=False)


def _split_headerless(line: str) -> list[str | None]:
    if line.startswith(" ") or "  " in line.rstrip():
        return [_unescape(cell) for cell in line.split()]
    return [(_unescape(cell) or None) for cell in line.split(" ")]


def _guess_column(cells: Sequence[str | None], source: str, where: str) -> str:
    texts = [c or "" for c in cells]
    if all(_RANGE_RE.match(t) for t in texts):
        return "RANGE"
    if all(t in STATES for t in texts):
        return "STATE"
    if all(_HUMAN_RE.match(t) for t in texts):
        return "SIZE"
    # Byte sizes are at least one block (≥ 1 MiB); block and node numbers never get there.
    if all(_is_decimal(t) and len(t) <= _MAX_DIGITS and int(t) >= MiB for t in texts):
        return "SIZE"
    raise InputError(source, f"output without a header (lsmem -n) has a column memmapcalc "
                             f"cannot name (cells like {texts[0]!r}); name the columns with "
                             f"--columns, e.g. --columns SIZE,STATE", where)


# --- interpretation -------------------------------------------------------------------

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


def interpret(listing: Listing, source: str, block_size: int | None = None) -> LsmemFacts:
    """Turn a parsed listing into exact byte counts (raises :class:`InputError`).

    ``block_size`` (``--block-size``) is used when the listing does not give it and must
    agree when it does.
    """
    facts = LsmemFacts()
    _block_size(listing, source, facts, block_size)
    facts.spans = [_span(row, listing, source, facts.block_size) for row in listing.rows]
    _totals(listing, source, facts)
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


def _where(line: int) -> str:
    return f"line {line}"


def _block_size(listing: Listing, source: str, facts: LsmemFacts, given: int | None) -> None:
    found: int | None = None
    how = ""
    line = listing.summary.get("block_size")
    if line is not None:
        found = _exact_size(line.value, source, _where(line.line), "Memory block size")
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
            start, size = _range(rng, source, row.line)
            first, count = _blocks(blk, source, row.line)
            if size % count:
                raise InputError(source, f"range {rng} is not a whole number of the {count} "
                                         f"blocks {blk}", _where(row.line))
            per_block = size // count
            if start != first * per_block:
                raise InputError(source, f"range {rng} does not start at block {first}",
                                 _where(row.line))
            sizes.add(per_block)
    if not sizes:
        return None
    if len(sizes) > 1:
        raise InputError(source, "rows imply different block sizes "
                                 f"({', '.join(format_size(s) for s in sorted(sizes))})")
    return sizes.pop(), "RANGE size ÷ number of blocks in BLOCK"


def _is_decimal(text: str) -> bool:
    return _DECIMAL_RE.fullmatch(text) is not None


def _decimal(text: str, source: str, where: str) -> int:
    """An ASCII decimal number lsmem printed; longer than any 64-bit number is an error."""
    if len(text) > _MAX_DIGITS:
        raise InputError(source, f"number too long ({len(text)} digits); lsmem prints 64-bit "
                                 f"numbers (at most {_MAX_DIGITS} digits): edited output?", where)
    return int(text)


def _exact_size(text: str, source: str, where: str, what: str) -> int:
    """A size that must be exact: bytes, or human text without decimals (powers of two)."""
    if _is_decimal(text):
        return _decimal(text, source, where)
    match = _HUMAN_RE.match(text)
    if match is None:
        raise InputError(source, f"{what} {text!r} is not an lsmem size", where)
    if match[2]:
        raise InputError(source, f"{what} {text!r} is rounded; run lsmem with -b", where)
    return _decimal(match[1], source, where) << (10 * "BKMGTPE".index(match[3]))


def _range(text: str, source: str, line: int) -> tuple[int, int]:
    match = _RANGE_RE.match(text)
    if match is None:
        raise InputError(source, f"RANGE {text!r} is not 0xSTART-0xEND; truncated?", _where(line))
    start, end = int(match[1], 16), int(match[2], 16)
    if end < start:
        raise InputError(source, f"RANGE {text!r} ends before it starts", _where(line))
    return start, end - start + 1  # lsmem prints the end address inclusive


def _blocks(text: str, source: str, line: int) -> tuple[int, int]:
    match = _BLOCK_RE.match(text)
    if match is None:
        raise InputError(source, f"BLOCK {text!r} is not N or N-M; truncated?", _where(line))
    first = _decimal(match[1], source, _where(line))
    last = _decimal(match[2], source, _where(line)) if match[2] else first
    if last < first:
        raise InputError(source, f"BLOCK {text!r} ends before it starts", _where(line))
    return first, last - first + 1


def _yes_no(value: object, column: str, source: str, line: int) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    raise InputError(source, f"{column} {value!r} is not yes or no; {_LOCALE_HINT}", _where(line))


def _span(row: Row, listing: Listing, source: str, block_size: int | None) -> Span:
    cells = row.cells
    line = row.line
    _require_cells(row, listing, source)
    state = cells.get("STATE")
    if state is not None and state not in STATES:
        raise InputError(source, f"unknown STATE {state!r} (lsmem prints online, offline, on->off "
                                 f"or ?); {_LOCALE_HINT}", _where(line))
    size, blocks, first, how = _span_size(row, source, block_size)
    return Span(line, size, blocks, first, state if isinstance(state, str) else None,
                _yes_no(cells.get("CONFIGURED"), "CONFIGURED", source, line),
                _yes_no(cells.get("MEMMAP-ON-MEMORY"), "MEMMAP-ON-MEMORY", source, line), how)


def _require_cells(row: Row, listing: Listing, source: str) -> None:
    """lsmem always fills these cells; an empty one means a cut or edited line."""
    for column in ("RANGE", "SIZE", "STATE", "BLOCK", "CONFIGURED", "MEMMAP-ON-MEMORY"):
        if column in listing.columns and row.cells.get(column) in (None, ""):
            raise InputError(source, f"the {column} cell is empty; lsmem always fills it "
                                     f"(truncated or edited output?)", _where(row.line))


def _span_size(row: Row, source: str, block_size: int | None
               ) -> tuple[int | None, int | None, int | None, str]:
    cells = row.cells
    first: int | None = None
    blocks: int | None = None
    if isinstance(cells.get("BLOCK"), str):
        first, blocks = _blocks(str(cells["BLOCK"]), source, row.line)
    if isinstance(cells.get("RANGE"), str):
        start, size = _range(str(cells["RANGE"]), source, row.line)
        if block_size and first is None and start % block_size == 0 and size % block_size == 0:
            first, blocks = start // block_size, size // block_size
        return size, blocks, first, "RANGE"
    if blocks is not None and block_size:
        return blocks * block_size, blocks, first, "BLOCK"
    value = cells.get("SIZE")
    if isinstance(value, int) and not isinstance(value, bool):
        return value, _count(value, block_size), first, "SIZE"
    if isinstance(value, str) and _is_decimal(value):
        size = _decimal(value, source, _where(row.line))
        return size, _count(size, block_size), first, "SIZE"
    if isinstance(value, str) and block_size:
        counts = blocks_printed_as(value, block_size)
        if len(counts) == 1:
            return counts[0] * block_size, counts[0], first, "SIZE (rounded)"
        raise InputError(source, f"SIZE {value!r} is rounded and {len(counts) or 'no'} whole "
                                 f"numbers of {format_size(block_size)} blocks print as it; run "
                                 f"lsmem with -b or with the RANGE column", _where(row.line))
    return None, blocks, first, ""


def _count(size: int, block_size: int | None) -> int | None:
    return size // block_size if block_size and size % block_size == 0 else None


def _totals(listing: Listing, source: str, facts: LsmemFacts) -> None:
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
        return (f"{count} {word} block{'s' if count != 1 else ''} × {format_size(block_size)} "
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
        printed = str(total) if _is_decimal(line.value) else human_size(total)
        if line.value.replace(",", ".") != printed:
            raise InputError(source, f"the table adds up to {format_size(total)} {key} but the "
                                     f"summary says {line.value}; truncated or edited output?",
                             _where(line.line))


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
    if _is_decimal(online_line.value) and _is_decimal(offline_line.value):
        facts.online = _decimal(online_line.value, source, _where(online_line.line))
        facts.standby = _decimal(offline_line.value, source, _where(offline_line.line))
        facts.online_from = '"Total online memory" summary line (bytes, lsmem -b)'
        facts.standby_from = '"Total offline memory" summary line (bytes, lsmem -b)'
    else:
        _rounded_summary(source, facts, online_line, offline_line, total)
    assert facts.online is not None and facts.standby is not None
    if total is not None and facts.online + facts.standby != total:
        both = format_size(facts.online + facts.standby)
        raise InputError(source, f"the summary adds up to {both} but the table to "
                                 f"{format_size(total)}; truncated output?",
                         _where(online_line.line))


def _rounded_summary(source: str, facts: LsmemFacts, online_line: SummaryLine,
                     offline_line: SummaryLine, total: int | None) -> None:
    """Human summary values (``4.8G``) are rounded: accept them only when exactly one
    whole number of blocks prints as each (and, with a table, adds up to its total)."""
    block_size = facts.block_size
    if not block_size:
        raise InputError(source, "the summary sizes are rounded and there is no block size to "
                                 "read them against; run lsmem -b", _where(online_line.line))
    for line in (online_line, offline_line):
        if _HUMAN_RE.match(line.value) is None:
            shown = line.value if len(line.value) <= 24 else line.value[:20] + "..."
            raise InputError(source, f"{line.label} {shown!r} is not an lsmem size (digits 0-9, "
                                     f"one decimal, a unit B K M G T P E); edited output?",
                             _where(line.line))
    online = blocks_printed_as(online_line.value, block_size)
    offline = blocks_printed_as(offline_line.value, block_size)
    if online and offline and (online.start + offline.start) * block_size > MAX_PHYSICAL:
        raise InputError(source, f"the summary says {online_line.value} online and "
                                 f"{offline_line.value} offline, beyond the "
                                 f"{format_size(MAX_PHYSICAL)} of physical memory s390x addresses "
                                 f"(MAX_PHYSMEM_BITS 46); not the lsmem output of a real machine",
                         _where(online_line.line))
    pairs = _pairs(online, offline, None if total is None else total // block_size
                   if total % block_size == 0 else -1)
    if len(pairs) != 1:
        many = "more than one whole number" if pairs else "no whole numbers"
        raise InputError(source, f"the summary sizes {online_line.value} and {offline_line.value} "
                                 f"are rounded by lsmem and match {many} of "
                                 f"{format_size(block_size)} blocks; run lsmem -b for exact sizes",
                         _where(online_line.line))
    a, b = pairs[0]
    facts.online, facts.standby = a * block_size, b * block_size
    why = "the only whole number of blocks lsmem prints as"
    facts.online_from = (f"{a} blocks × {format_size(block_size)}: {why} "
                         f"\"{online_line.value}\" (rounded \"Total online memory\")")
    facts.standby_from = (f"{b} blocks × {format_size(block_size)}: {why} "
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


def _memmap_parameter(listing: Listing, source: str, facts: LsmemFacts) -> None:
    line = listing.summary.get("memmap")
    if line is None:
        return
    modes = {"yes": "on", "y": "on", "no": "off", "n": "off", "force": "force"}
    mode = modes.get(line.value.lower())
    if mode is None:
        raise InputError(source, f"\"Memmap on memory parameter\" {line.value!r} is not yes, no or "
                                 f"force; {_LOCALE_HINT}", _where(line.line))
    facts.memmap_parameter, facts.memmap_line = mode, line.line


# --- machine draft ----------------------------------------------------------------------

def describe_form(listing: Listing) -> str:
    """Human words for the input form, e.g. 'lsmem table with summary (util-linux 2.41+)'."""
    name = {"table": "lsmem table", "raw": "lsmem -r raw output", "pairs": "lsmem -P pairs",
            "json": "lsmem -J JSON", "summary": "lsmem --summary=only"}[listing.form]
    bits = [name]
    if listing.columns:
        bits.append(f"columns {','.join(listing.columns)}")
    if not listing.header:
        bits.append("no header")
    if listing.summary and listing.form != "summary":
        bits.append("with summary")
    widths = {s.label_width for s in listing.summary.values() if s.label_width}
    if widths == {23}:
        bits.append("summary layout of util-linux 2.30–2.40")
    elif widths == {32}:
        bits.append("summary layout of util-linux 2.41+")
    return ", ".join(bits)


def lsmem_machine(text: str, source: str, *, columns: Sequence[str] | None = None,
                  block_size: int | None = None) -> MachineDraft:
    """Parse lsmem output and build the machine draft (raises :class:`InputError`)."""
    listing = parse_listing(text, source, columns)
    facts = interpret(listing, source, block_size)
    draft = MachineDraft(origin=describe_form(listing))
    assert facts.online is not None and facts.standby is not None
    if facts.online <= 0:
        raise InputError(source, "the input shows no online memory; memory.online must be > 0")
    draft.set("memory.online", facts.online, facts.online_from)
    draft.set("memory.standby", facts.standby, facts.standby_from)
    if facts.block_size is not None:
        draft.set("memory.block_size", facts.block_size, facts.block_size_from)
    else:
        draft.leave_out("memory.block_size", "the input has no summary and no RANGE+BLOCK "
                                             "columns; give it with --block-size")
    if facts.memmap_parameter is not None:
        draft.set("kernel.memmap_on_memory", facts.memmap_parameter,
                  f'"Memmap on memory parameter" summary line (line {facts.memmap_line})')
    else:
        draft.leave_out("kernel.memmap_on_memory", "lsmem prints it from util-linux 2.42 on, in "
                                                   "the summary")
    draft.leave_out("memory.increment", "lsmem does not show the storage increment")
    draft.leave_out("cpu.edat1", "lsmem cannot tell; look for `edat` in the features line of "
                                 "/proc/cpuinfo (or use memmapcalc probe)")
    draft.leave_out("kernel.version", "lsmem cannot tell; give it with --kernel-version")
    if any(s.configured is not None for s in facts.spans):
        draft.notes.append("the CONFIGURED column exists only with /sys/firmware/memory, i.e. a "
                           "Linux 6.19+ kernel; pass --kernel-version")
    elif facts.standby == 0:
        draft.notes.append("no offline memory: either the machine has no standby memory, or it "
                           "runs Linux 6.19+ whose deconfigured standby memory only lsmem 2.42+ "
                           "shows (with -o +CONFIGURED) — check before trusting standby: 0")
    draft.notes.append("lsmem shows the current block states; blocks set online or offline "
                       "since IPL (chmem) move memory between online and standby")
    draft.notes.extend(facts.notes)
    draft.warnings.extend(facts.warnings)
    draft.partial.extend(facts.partial)
    return draft
