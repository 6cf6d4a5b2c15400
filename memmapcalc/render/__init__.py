"""Report formats: name -> module with ``render(results, options) -> str``.

Modules are imported only when their format is used, so ``-f json`` never loads rich.
Every renderer takes the JSON contract's result dicts (:mod:`memmapcalc.contract`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol

FORMATS: dict[str, str] = {
    "text": "memmapcalc.render.text",
    "json": "memmapcalc.render.json_format",
}


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render: colour, verbosity, explanations."""

    color: bool = False
    quiet: int = 0
    explain: bool = False
    width: int | None = None


class Renderer(Protocol):
    def __call__(self, results: list[dict[str, Any]], options: RenderOptions) -> str: ...


def renderer(name: str) -> Renderer:
    """The ``render`` function of format ``name`` (imported on first use)."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render
