"""``--format json``: one document of the contract (:func:`memmapcalc.api.contract.document`).

The document's summary comes before its results, but is known only after the last
result: :func:`write` keeps each result's encoded text in a temporary file (not in
memory) while counting, then writes the head, the summary and the results, byte for byte
the document :func:`render` builds at once.  Memory stays flat for any fleet.
"""

from __future__ import annotations

import shutil
import tempfile
import textwrap
from collections.abc import Iterable
from typing import Any, TextIO

from memmapcalc.api.contract import document, head
from memmapcalc.render import RenderOptions
from memmapcalc.render.safe import dumps

#: A result's lines as they sit in the document: two levels deep (document, results list).
#: (textwrap splits lines at U+2028, U+0085 and some C0 too: dumps has escaped them all.)
_INDENT = " " * 4


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    return dumps(document(results), indent=2) + "\n"


def write(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
    counts: dict[str, int] = {}
    with tempfile.TemporaryFile("w+", encoding="utf-8") as body:
        for index, result in enumerate(results):
            if index:
                body.write(",\n")
            body.write(textwrap.indent(dumps(result, indent=2), _INDENT))
            counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
        if not counts:  # `"results": []`, as json.dumps writes an empty list
            out.write(dumps({**head(counts), "results": []}, indent=2) + "\n")
            return
        start = dumps({**head(counts), "results": [0]}, indent=2)
        out.write(start[:start.rindex("\n" + _INDENT + "0") + 1])
        body.seek(0)
        shutil.copyfileobj(body, out)
        out.write("\n  ]\n}\n")
