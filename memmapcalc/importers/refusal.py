"""An importer never writes a config that ``check`` refuses (issue 11 item 7).

Each draft is validated, after the command-line overrides, with the config loader that
``check`` uses (:func:`memmapcalc.config.load.machine_from_mapping`); a draft it refuses
is an input error of the import (exit 2) naming the value and where it was read.

Local stand-in used by ``import zvm`` and ``import hmc`` until the shared importer
validation (being added to emit.py/draft.py) is merged: swap this call for it then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from memmapcalc.errors import InputError
from memmapcalc.importers.draft import MachineDraft

_LINE = re.compile(r"\(line (\d+)\)|at line (\d+)")


def _mapping(draft: MachineDraft) -> dict[str, Any]:
    """The draft's values as the nested mapping the config file would hold."""
    out: dict[str, Any] = {}
    for key, item in draft.values.items():
        if "." in key:
            section, leaf = key.split(".", 1)
            out.setdefault(section, {})[leaf] = item.value
        else:
            out[key] = item.value
    return out


def _where(draft: MachineDraft, key: str | None) -> str | None:
    """Where the offending value was read: its line in the input, else the entry's."""
    texts = [draft.values[key].source] if key in draft.values else []
    texts.append(draft.origin)
    for text in texts:
        match = _LINE.search(text)
        if match:
            return f"line {match[1] or match[2]}"
    return None


def refuse_what_check_refuses(drafts: Sequence[MachineDraft], source: str) -> None:
    """Raise an :class:`InputError` for the first draft ``check`` would refuse."""
    from memmapcalc.config.load import machine_from_mapping

    for draft in drafts:
        try:
            machine_from_mapping(_mapping(draft), source, draft.name)
        except InputError as error:
            key = error.location if error.location in draft.values else None
            who = f"{draft.name}: " if draft.name else ""
            raise InputError(source, f"{who}{error.location or 'config'}: {error.message} "
                                     f"(`check` would refuse the imported config)",
                             _where(draft, key)) from None
