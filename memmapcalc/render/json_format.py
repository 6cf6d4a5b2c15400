"""``--format json``: one document of the contract (:func:`memmapcalc.contract.document`)."""

from __future__ import annotations

import json
from typing import Any

from memmapcalc.contract import document
from memmapcalc.render import RenderOptions


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    return json.dumps(document(results), indent=2, ensure_ascii=False) + "\n"
