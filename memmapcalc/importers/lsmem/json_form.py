"""``lsmem -J``: a JSON document ``{"memory": [...]}``, optionally followed by the summary."""

from __future__ import annotations

import json
from collections.abc import Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem.listing import Listing, Row, check_columns
from memmapcalc.importers.lsmem.summary import parse_summary
from memmapcalc.units import MAX_DIGITS


def parse_json(text: str, lines: Sequence[str], source: str) -> Listing:
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
        names = check_columns(item.keys(), source, where)
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
    summary = parse_summary(rest.splitlines(), source, offset) if rest.strip() else {}
    return Listing("json", columns or (), tuple(rows), summary)
