"""An lsmem output parsed but not yet interpreted: its columns, rows and summary.

The names lsmem prints (columns, states, summary labels) and the patterns of its cells,
shared by every input form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from memmapcalc.errors import InputError

#: Column names of lsmem 2.30-2.42, in lsmem's own order.
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

LOCALE_HINT = "run lsmem with LC_ALL=C (labels and states are translated in other locales)"
RANGE_RE = re.compile(r"^0x([0-9a-fA-F]+)-0x([0-9a-fA-F]+)$")
# ASCII digits only: ``\d`` and ``str.isdigit()`` also take Arabic-Indic or full-width
# digits, which lsmem never prints.
BLOCK_RE = re.compile(r"^([0-9]+)(?:-([0-9]+))?$", re.ASCII)
PAIR_RE = re.compile(r'([A-Za-z][A-Za-z0-9_-]*)="((?:[^"\\]|\\.)*)"')
_ESCAPE_RE = re.compile(r"\\x([0-9a-fA-F]{2})")


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
    #: Width of the label field (23 for util-linux 2.30-2.40, 32 for 2.41+), if recognisable.
    label_width: int | None


@dataclass(frozen=True)
class Listing:
    """An lsmem output, parsed but not yet interpreted."""

    form: str  # "table", "raw", "pairs", "json", "summary"
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    summary: Mapping[str, SummaryLine]
    header: bool = True


def _normal_column(name: str) -> str:
    return name.strip().upper().replace("_", "-")


def check_columns(names: Iterable[str], source: str, where: str) -> tuple[str, ...]:
    found = tuple(_normal_column(n) for n in names)
    unknown = [n for n in found if n not in COLUMNS]
    if unknown:
        raise InputError(source, f"unknown lsmem column {unknown[0]!r}; memmapcalc knows "
                                 f"{', '.join(COLUMNS)} (util-linux "
                                 "2.30–2.42"  # noqa: RUF001 - the en dash is in the message
                                 "); run lsmem with -o naming known columns", where)
    duplicate = sorted({n for n in found if found.count(n) > 1})
    if duplicate:
        raise InputError(source, f"column {duplicate[0]} appears twice; run lsmem with each column "
                                 f"once", where)
    return found



def unescape(text: str) -> str:
    """Undo libsmartcols' ``\\xHH`` escapes (raw and pairs output)."""
    return _ESCAPE_RE.sub(lambda m: chr(int(m[1], 16)), text)
