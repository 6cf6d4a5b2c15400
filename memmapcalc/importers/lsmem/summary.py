"""lsmem's summary lines ("Memory block size:", "Total online memory:", ...)."""

from __future__ import annotations

from collections.abc import Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import LOCALE_HINT, SUMMARY_LABELS, SummaryLine
from memmapcalc.importers.lsmem.sizes import is_decimal


def parse_summary(lines: Sequence[str], source: str, offset: int) -> dict[str, SummaryLine]:
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
            raise InputError(source, f"unknown lsmem summary line {label!r}; {LOCALE_HINT}",
                             where)
        if key in summary:
            raise InputError(source, f"summary line {label!r} appears twice (two lsmem outputs "
                                     f"in one input?)", where)
        summary[key] = SummaryLine(number, label, value.strip(), _label_width(line, value.strip()))
    return summary


def _label_width(line: str, value: str) -> int | None:
    """The label field width: ``printf("%-23s %5s")`` (``%15`` with ``-b``) in 2.30-2.40,
    32 characters from 2.41."""
    field_width = 15 if is_decimal(value) else 5
    width = len(line.rstrip()) - 1 - max(field_width, len(value))
    return width if width in (23, 32) else None
