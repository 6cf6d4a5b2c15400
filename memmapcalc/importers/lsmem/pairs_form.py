"""``lsmem -P``: one line of ``NAME="value"`` pairs per row, optionally the summary."""

from __future__ import annotations

from collections.abc import Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import (
    PAIR_RE,
    Listing,
    Row,
    SummaryLine,
    check_columns,
    unescape,
)
from memmapcalc.importers.lsmem.summary import parse_summary


def parse_pairs(lines: Sequence[str], start: int, source: str) -> Listing:
    rows: list[Row] = []
    columns: tuple[str, ...] | None = None
    summary_lines: list[tuple[int, str]] = []
    for number in range(start, len(lines)):
        line = lines[number].strip()
        where = f"line {number + 1}"
        if not line:
            continue
        if not PAIR_RE.match(line):
            summary_lines.append((number, lines[number]))
            continue
        pairs = PAIR_RE.findall(line)
        if PAIR_RE.sub("", line).strip():
            raise InputError(source, "malformed lsmem -P line (NAME=\"value\" pairs expected); "
                                     "truncated?", where)
        names = check_columns((name for name, _ in pairs), source, where)
        if columns is None:
            columns = names
        elif names != columns:
            raise InputError(source, f"line has columns {', '.join(names)}, the first line "
                                     f"{', '.join(columns)}", where)
        cells = {name: (unescape(value) or None) for name, (_, value) in
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
    return parse_summary(block, source, first)
