"""``--format github``: GitHub Actions workflow commands, one annotation per machine that
fails (``::error``), warns (``::warning``) or cannot be read (``::error`` with the line
and column when the error names them).  Passing machines print nothing.

Escaping is exactly that of actions/toolkit ``packages/core/src/command.ts``
(``escapeData``/``escapeProperty``): in the message ``%`` → ``%25``, CR → ``%0D``,
LF → ``%0A``; in property values additionally ``:`` → ``%3A`` and ``,`` → ``%2C``.
Without it a file name with a comma or a multi-line message would break the
annotation.  Before that, control, separator and bidi characters and lone surrogates in
names, paths and messages become visible escapes (:func:`memmapcalc.render.safe.lines`):
the runner reads the log line by line and would act on a raw ESC, NUL or U+2028.
Properties are written in the toolkit's order (title, file, line, col) and,
as there, an empty property is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TextIO

from memmapcalc.render import RenderOptions
from memmapcalc.render.findings import error_position, message, title
from memmapcalc.render.safe import lines

_COMMAND = {"fail": "error", "error": "error", "warn": "warning"}
#: How results name standard input read without --stdin-filename (config.sources.STDIN_NAME).
STDIN_NAME = "<stdin>"
#: Results that no file stands behind: standard input, a machine given by ``check --online``.
NOT_FILES = frozenset({STDIN_NAME, "<command line>"})


def escape_data(text: str) -> str:
    """actions/toolkit ``escapeData``: for the message after ``::`` (control characters
    made visible first)."""
    return lines(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """actions/toolkit ``escapeProperty``: for ``key=value`` properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, Any], text: str) -> str:
    """One workflow command line, ``::name k=v,k=v::message`` (without the newline)."""
    props = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value)
    return f"::{name}{' ' + props if props else ''}::{escape_data(text)}"


def annotation(r: dict[str, Any]) -> str | None:
    """The workflow command for one result; ``None`` for a passing machine."""
    name = _COMMAND.get(r["verdict"])
    if name is None:
        return None
    line, column = error_position(r)
    # Standard input without --stdin-filename has no file to annotate: a run-level annotation.
    path = None if r["path"] in NOT_FILES else r["path"]
    properties = {"title": f"memmapcalc: {title(r)}", "file": path, "line": path and line,
                  "col": path and column}
    return command(name, properties, message(r))


def write(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
    for result in results:
        line = annotation(result)
        if line is not None:
            out.write(line + "\n")


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    lines = (annotation(result) for result in results)
    return "".join(line + "\n" for line in lines if line is not None)
