"""Which form an lsmem output is (JSON, pairs, table), parsed by that form's reader."""

from __future__ import annotations

import re
from collections.abc import Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.json_form import parse_json
from memmapcalc.importers.lsmem.listing import PAIR_RE, Listing
from memmapcalc.importers.lsmem.pairs_form import parse_pairs
from memmapcalc.importers.lsmem.table_form import parse_text


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
        return parse_json(text, lines, source)
    if PAIR_RE.match(first):
        return parse_pairs(lines, start, source)
    return parse_text(lines, start, source, columns)


def _first_content_line(lines: Sequence[str]) -> int | None:
    for number, line in enumerate(lines):
        stripped = line.strip()
        # A pasted shell prompt line ("$ lsmem -b", "# lsmem") is not part of the output.
        if not stripped or re.match(r"^[$#]\s*(\S*/)?lsmem(\s|$)", stripped):
            continue
        return number
    return None



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
        bits.append("summary layout of util-linux 2.30–2.40")  # noqa: RUF001
    elif widths == {32}:
        bits.append("summary layout of util-linux 2.41+")
    return ", ".join(bits)
