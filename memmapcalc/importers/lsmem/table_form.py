"""The default table, ``-r`` raw output and ``--summary=only``: text lines, a header
row (unless ``-n``), then the summary lines after a blank line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.headerless import parse_headerless
from memmapcalc.importers.lsmem.listing import Listing, Row, check_columns, unescape
from memmapcalc.importers.lsmem.summary import parse_summary


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


def _tokens(line: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line)]


def _is_summary_line(line: str) -> bool:
    return ":" in line


def parse_text(lines: Sequence[str], start: int, source: str,
                columns: Sequence[str] | None) -> Listing:
    table: list[tuple[int, str]] = []
    number = start
    while number < len(lines) and lines[number].strip() and not _is_summary_line(lines[number]):
        table.append((number, lines[number]))
        number += 1
    summary = parse_summary(lines[number:], source, number)
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
        found = check_columns(names, source, f"line {table[0][0] + 1}")
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
    return parse_headerless(table, source, columns, summary)


def _raw_rows(body: Sequence[tuple[int, str]], columns: Sequence[str],
              source: str) -> tuple[Row, ...]:
    rows = []
    for number, line in body:
        cells = [(unescape(cell) or None) for cell in line.rstrip("\r").split(" ")]
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
