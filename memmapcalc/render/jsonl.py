"""``--format jsonl``: one result object of the JSON contract per line, written as each
machine is checked.

Each line is exactly one ``results[]`` entry of the ``--format json`` document (schema
version 1, :mod:`memmapcalc.api.contract`); there is no header or summary line, so every
line parses alone (the summary goes to stderr).  Lines are flushed one by one, so a
consumer (``| jq``) sees each machine as soon as it is checked, and memory stays flat
however many machines a run checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from memmapcalc.render import RenderOptions
from memmapcalc.render.safe import json_text

_raw_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _encode(result: dict[str, Any]) -> str:
    """One line: U+2028, U+0085 and the like escaped, never raw (:mod:`.safe`)."""
    return json_text(_raw_encode(result))


def write(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
    for result in results:
        out.write(_encode(result) + "\n")
        out.flush()


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    return "".join(_encode(result) + "\n" for result in results)
