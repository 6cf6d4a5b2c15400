"""Applying ``config_edits`` (what ``plan`` prints for a column, a change or a limit) to a
machine config, validated exactly as ``check`` would validate the edited file.

An edit is a dotted key and a value; ``None`` removes the key.  Only what the config wrote
is carried over (``exclude_unset``), so a default left out stays left out: the edited
machine is the config a user gets by making the edits in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from memmapcalc.config.model import Machine

Edit = tuple[str, Any]


def edited_mapping(machine: Machine, edits: Iterable[Edit]) -> dict[str, Any]:
    """The config's mapping (the fields it wrote) with ``edits`` applied."""
    data = machine.model_dump(mode="json", by_alias=True, exclude_unset=True)
    for key, value in edits:
        *path, last = key.split(".")
        node = data
        for part in path:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def apply_edits(machine: Machine, edits: Iterable[Edit], source: str = "<edited>",
                name: str | None = None) -> Machine:
    """The machine with ``edits`` applied; raises :class:`memmapcalc.errors.InputError` when
    ``check`` would refuse the edited config (its message says why)."""
    from memmapcalc.config.load import machine_from_mapping

    return machine_from_mapping(edited_mapping(machine, edits), source, name or machine.name)


def refusal(machine: Machine, edits: Iterable[Edit]) -> str | None:
    """Why ``check`` refuses the config with ``edits`` applied, or ``None`` if it accepts it."""
    from memmapcalc.errors import InputError

    try:
        apply_edits(machine, edits)
    except InputError as error:
        return error.message if error.location is None else f"{error.location}: {error.message}"
    return None
