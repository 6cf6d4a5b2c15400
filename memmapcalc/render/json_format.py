"""``--format json``: one document of the contract (:func:`memmapcalc.contract.document`)."""

from __future__ import annotations

from typing import Any

from memmapcalc.contract import document
from memmapcalc.render import RenderOptions
from memmapcalc.render.safe import dumps


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    return dumps(document(results), indent=2) + "\n"
