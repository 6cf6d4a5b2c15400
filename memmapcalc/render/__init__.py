"""Report formats: name -> module, imported only when its format is used (``-f json``
never loads rich).

Every format works on the JSON contract's result dicts (:mod:`memmapcalc.api.contract`).  A
format module has ``render(results, options) -> str`` and may have
``write(results, out, options)``, which takes an iterable and writes to a stream as the
results come: :func:`writer` gives a streaming writer for every format, so ``check``
loads, evaluates and writes one machine at a time.  Formats without ``write`` get one
from their ``render``: per machine when their output for each machine stands alone
(:data:`PER_MACHINE`), else once for all results.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

FORMATS: dict[str, str] = {
    "text": "memmapcalc.render.text",
    "json": "memmapcalc.render.json_format",
    "jsonl": "memmapcalc.render.jsonl",
    "junit": "memmapcalc.render.junit",
    "github": "memmapcalc.render.github",
    "sarif": "memmapcalc.render.sarif",
    "markdown": "memmapcalc.render.markdown",
    "html": "memmapcalc.render.html",
}

#: Formats for programs: never coloured, content independent of ``--quiet``.
MACHINE_FORMATS = frozenset(FORMATS) - {"text"}

#: Formats whose ``render`` output for one machine does not depend on the others, so they
#: can be written machine by machine.
PER_MACHINE = frozenset({"text"})


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render: colour, verbosity, explanations, and the terminal width text is
    wrapped to (``None``: a file or pipe, never wrapped)."""

    color: bool = False
    quiet: int = 0
    explain: bool = False
    width: int | None = None


class Renderer(Protocol):
    def __call__(self, results: list[dict[str, Any]], options: RenderOptions) -> str: ...


class Writer(Protocol):
    def __call__(self, results: Iterable[dict[str, Any]], out: TextIO,
                 options: RenderOptions) -> None: ...


def renderer(name: str) -> Renderer:
    """The ``render`` function of format ``name`` (imported on first use)."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def writer(name: str) -> Writer:
    """A function writing format ``name`` to a stream as results come (imported on first use)."""
    module = importlib.import_module(FORMATS[name])
    write: Writer | None = getattr(module, "write", None)
    if write is not None:
        return write
    render: Renderer = module.render

    def each(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
        for result in results:
            out.write(render([result], options))
            out.flush()

    def whole(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
        out.write(render(list(results), options))

    return each if name in PER_MACHINE else whole
