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
    """The config's mapping (the fields it wrote) with ``edits`` applied.  With
    ``kernel.cmdline``, what the command line sets is edited there
    (:mod:`memmapcalc.config.cmdline_edits`)."""
    data = machine.model_dump(mode="json", by_alias=True, exclude_unset=True)
    edits = list(edits)
    if machine.kernel.cmdline is None:
        _write(data, edits)
        return data
    from memmapcalc.config import cmdline_edits
    from memmapcalc.config.cmdline import apply, rules_of_release

    new_version = dict(edits).get("kernel.version", machine.kernel.version)
    rules = rules_of_release(new_version if isinstance(new_version, str) else None)
    kernel_keys = data.get("kernel", {})
    # a key the config does not write stays unwritten when the line takes the edit
    _write(data, [(key, value) for key, value in edits
                  if not cmdline_edits.routed(machine.arch, key, rules)
                  or key.split(".", 1)[1] in kernel_keys])
    applied = apply(machine, None)
    effective = {"memmap_on_memory": applied.memmap_on_memory or machine.kernel.memmap_on_memory,
                 "online": machine.memory.online if applied.online is None else applied.online,
                 "standby": machine.memory.standby if applied.standby is None
                 else applied.standby,
                 "crashkernel": applied.crashkernel, "line": machine.kernel.cmdline,
                 "config_online": machine.memory.online}
    if "cmdline" in data.get("kernel", {}):
        cmdline_edits.apply_to_line(data, rules_of_release(machine.kernel.version), edits,
                                    effective)
    return data


def _write(data: dict[str, Any], edits: Iterable[Edit]) -> None:
    for key, value in edits:
        *path, last = key.split(".")
        node = data
        for part in path:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value


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
