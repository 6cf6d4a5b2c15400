"""``lsmem -n``: rows without a header, columns named by ``--columns`` or by their cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import (
    RANGE_RE,
    STATES,
    Listing,
    Row,
    SummaryLine,
    check_columns,
    unescape,
)
from memmapcalc.importers.lsmem.sizes import HUMAN_RE, MAX_NUMBER_DIGITS, is_decimal
from memmapcalc.units import MiB


def parse_headerless(table: Sequence[tuple[int, str]], source: str, columns: Sequence[str] | None,
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
        found = check_columns(columns, source, "--columns")
        if len(found) != count:
            raise InputError(source, f"--columns names {len(found)} columns, the rows have "
                                     f"{count} cells", where)
    else:
        found = tuple(_guess_column([cells[i] for _, cells in split], source, where)
                      for i in range(count))
        found = check_columns(found, source, where)
    rows = tuple(Row(number + 1, dict(zip(found, cells, strict=True))) for number, cells in split)
    return Listing("raw", found, rows, summary, header=False)


def _split_headerless(line: str) -> list[str | None]:
    if line.startswith(" ") or "  " in line.rstrip():
        return [unescape(cell) for cell in line.split()]
    return [(unescape(cell) or None) for cell in line.split(" ")]


def _guess_column(cells: Sequence[str | None], source: str, where: str) -> str:
    texts = [c or "" for c in cells]
    if all(RANGE_RE.match(t) for t in texts):
        return "RANGE"
    if all(t in STATES for t in texts):
        return "STATE"
    if all(HUMAN_RE.match(t) for t in texts):
        return "SIZE"
    # Byte sizes are at least one block (≥ 1 MiB); block and node numbers never get there.
    if all(is_decimal(t) and len(t) <= MAX_NUMBER_DIGITS and int(t) >= MiB for t in texts):
        return "SIZE"
    raise InputError(source, f"output without a header (lsmem -n) has a column memmapcalc "
                             f"cannot name (cells like {texts[0]!r}); name the columns with "
                             f"--columns, e.g. --columns SIZE,STATE", where)
