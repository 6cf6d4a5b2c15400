"""From a document (a file's or stdin's bytes) or a mapping to validated :class:`Machine`
objects (finding the files and reading standard input: :mod:`memmapcalc.config.sources`).

A file holds one machine, or a fleet: ``machines: [...]`` with optional ``defaults:``
that every machine inherits (see :func:`iter_document`).  Each machine is validated on
its own, so one broken machine in a fleet is reported without hiding the others.  Errors
name the file, the field (with line and column for YAML) and what is accepted.

The ``iter_*`` functions yield machines one at a time, so a caller that writes each
result as it comes (``check -f jsonl``) never holds a fleet's validated machines at once;
the list-returning functions are their eager forms.  ``overrides`` are ``--set`` values
(:mod:`memmapcalc.config.overrides`), applied to each machine's mapping before validation.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from memmapcalc.config.model import Machine
from memmapcalc.config.parse import MAX_BYTES as PARSE_MAX_BYTES
from memmapcalc.config.parse import decode, format_for, parse_document
from memmapcalc.errors import InputError

if TYPE_CHECKING:
    from memmapcalc.config.overrides import Override

#: Where YAML positions come from: the document's text, a function of a field path (one
#: machine of a large fleet, :mod:`memmapcalc.config.stream`), or nothing (JSON, TOML).
YamlPositions = str | Callable[[tuple[Any, ...], bool], str | None] | None


@dataclass(frozen=True, slots=True)
class Loaded:
    """One machine read from ``source``: either ``machine`` or ``error`` is set."""

    source: str
    name: str
    machine: Machine | None
    error: InputError | None = None


def default_name(source: str) -> str:
    """File name without directory and extension: the default machine name."""
    base = os.path.basename(source)
    stem, _ = os.path.splitext(base)
    return stem or base or "stdin"



def load_path(path: str) -> list[Loaded]:
    """Read and validate every machine in ``path``; a file-level problem is one error entry."""
    return list(iter_path(path))


def load_bytes(raw: bytes, source: str, fmt: str) -> list[Loaded]:
    """Validate every machine of a document given as bytes (a file's or stdin's)."""
    return list(iter_bytes(raw, source, fmt))


def machines_from_document(data: Any, source: str, yaml_text: str | None = None) -> list[Loaded]:
    """One machine, or a fleet; see :func:`iter_document`."""
    return list(iter_document(data, source, yaml_text))


def iter_path(path: str, overrides: Sequence[Override] = ()) -> Iterator[Loaded]:
    """Machines of the file ``path``, one at a time; a file-level problem is one error entry
    (a special file is refused, never read: :func:`memmapcalc.inputfile.read_file`)."""
    from memmapcalc.inputfile import read_file

    try:
        fmt = format_for(path)
        raw = read_file(path, MAX_BYTES)
    except InputError as error:
        yield Loaded(path, default_name(path), None, error)
        return
    yield from iter_bytes(raw, path, fmt, overrides)



def iter_bytes(raw: bytes, source: str, fmt: str,
               overrides: Sequence[Override] = ()) -> Iterator[Loaded]:
    """Machines of a document given as bytes (a file's or stdin's), one at a time."""
    from memmapcalc.config.stream import lazy_fleet

    try:
        text = decode(raw, source)
        fleet = lazy_fleet(text, fmt, source)
        if fleet is None:
            data = parse_document(text, fmt, source)
    except InputError as error:
        yield Loaded(source, default_name(source), None, error)
        return
    if fleet is not None:  # a large fleet: machine by machine (memmapcalc.config.stream)
        yield from _iter_fleet(fleet.head, fleet.count, fleet.machines(), source, overrides)
        return
    yield from iter_document(data, source, text if fmt == "yaml" else None, overrides)


def iter_document(data: Any, source: str, yaml_text: YamlPositions = None,
                  overrides: Sequence[Override] = ()) -> Iterator[Loaded]:
    """One machine, or a fleet ``{machines: [...], defaults: {...}}``, one at a time.

    Fleet rule: each machine is ``defaults`` deep-merged with the machine's own mapping;
    the machine's value wins for every key it sets (nested tables are merged key by key,
    any other value, a list included, replaces the default).  ``--set`` overrides are
    applied last, on top of both.  A fleet machine without ``name`` is called
    ``<file stem>[<index>]``.
    """
    stem = default_name(source)
    if not isinstance(data, dict):
        error = InputError(source, f"expected a mapping of keys at the top, got "
                           f"{_kind(data)}")
        yield Loaded(source, stem, None, error)
        return
    if "machines" not in data:
        yield _one(data, source, stem, (), yaml_text, overrides)
        return
    machines = data["machines"]
    entries = ((entry, yaml_text) for entry in machines) if isinstance(machines, list) else None
    count = len(machines) if isinstance(machines, list) else 0
    yield from _iter_fleet(data, count, entries, source, overrides)


def _iter_fleet(data: dict[str, Any], count: int, entries: Iterator[tuple[Any, Any]] | None,
                source: str, overrides: Sequence[Override] = ()) -> Iterator[Loaded]:
    """The machines of a fleet: ``data`` its top-level keys, ``entries`` each machine's
    mapping with what gives positions in it (the YAML text, or a function), ``None`` when
    ``machines`` is not a list."""
    stem = default_name(source)
    unknown = sorted(set(data) - {"machines", "defaults", "$schema"})
    defaults = data.get("defaults", {})
    if unknown:
        yield Loaded(source, stem, None, InputError(
            source, f"unknown key {unknown[0]!r} beside 'machines'; a fleet file has machines, "
            f"defaults and $schema", unknown[0]))
        return
    if entries is None or not count:
        yield Loaded(source, stem, None, InputError(
            source, "must be a non-empty list of machine mappings", "machines"))
        return
    if not isinstance(defaults, dict):
        yield Loaded(source, stem, None, InputError(
            source, f"must be a mapping of machine keys, got {_kind(defaults)}", "defaults"))
        return
    seen: dict[str, int] = {}
    for index, (entry, positions) in enumerate(entries):
        name = f"{stem}[{index}]"
        if not isinstance(entry, dict):
            loaded = Loaded(source, name, None, InputError(
                source, f"expected a machine mapping, got {_kind(entry)}", f"machines[{index}]"))
        else:
            merged = deep_merge(defaults, entry)
            if "name" in merged and isinstance(merged["name"], str):
                name = merged["name"]
            loaded = _one(merged, source, name, ("machines", index), positions, overrides)
        if loaded.name in seen:
            loaded = _duplicate(loaded, index, seen[loaded.name], entry, positions)
        else:
            seen[loaded.name] = index
        yield loaded


def _duplicate(loaded: Loaded, index: int, first: int, entry: Any,
               positions: YamlPositions) -> Loaded:
    """A fleet machine named like an earlier one: an input error, since the name (with the
    file) identifies the machine in every report (SARIF fingerprints, JUnit test cases, the
    GitHub annotations and the JSON ``name``); the first machine of that name is checked."""
    from memmapcalc.config.errors import position_of

    own = isinstance(entry, dict) and "name" in entry
    path: tuple[Any, ...] = ("machines", index, "name") if own else ("machines", index)
    location = f"machines[{index}]" + (".name" if own else "")
    position = position_of(positions, path)
    if position:
        location = f"{location} ({position})"
    message = (f"machine name {loaded.name!r} is also the name of machines[{first}]; names "
               f"identify machines in every report (SARIF fingerprints, JUnit test cases): "
               f"give each machine of a fleet its own name")
    return Loaded(loaded.source, loaded.name, None, InputError(loaded.source, message, location))


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` on top; nested mappings merge, other values replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _one(data: dict[str, Any], source: str, name: str, prefix: tuple[Any, ...],
         yaml_text: YamlPositions, overrides: Sequence[Override] = ()) -> Loaded:
    try:
        machine = machine_from_mapping(data, source, name, prefix, yaml_text, overrides)
    except InputError as error:
        return Loaded(source, name, None, error)
    return Loaded(source, machine.name or name, machine)


def machine_from_mapping(data: Any, source: str = "<mapping>", name: str | None = None,
                         prefix: tuple[Any, ...] = (), yaml_text: YamlPositions = None,
                         overrides: Sequence[Override] = ()) -> Machine:
    """Validate a mapping as a machine (types, units, unknown keys, then consistency).

    ``overrides`` (``--set``) are applied to the mapping first; an error at a key an
    override set names the ``--set`` instead of a file position.
    """
    from pydantic import ValidationError

    from memmapcalc.config.semantics import FieldError, check_machine

    if overrides and isinstance(data, dict):
        from memmapcalc.config.overrides import apply_overrides

        data = apply_overrides(data, overrides)
    try:
        machine = Machine.model_validate(data)
    except ValidationError as error:
        from memmapcalc.config.errors import describe

        first = error.errors(include_url=False, include_input=True)[0]
        loc = tuple(part for part in first["loc"] if not str(part).startswith("function-"))
        culprit = _blamed(overrides, loc)
        location, message = describe(first, prefix, None if culprit else yaml_text)
        raise InputError(source, message, f"{location}{culprit}") from None
    try:
        check_machine(machine)
    except FieldError as error:
        from memmapcalc.config.errors import position_of

        field = tuple(error.field.split("."))
        path = (*prefix, *field)
        location = ".".join(str(part) for part in path)
        culprit = _blamed(overrides, field)
        position = None if culprit else position_of(yaml_text, path)
        location = f"{location} ({position})" if position else f"{location}{culprit}"
        raise InputError(source, error.message, location) from None
    if machine.name is None and name is not None:
        machine = machine.model_copy(update={"name": name})
    return machine


def _blamed(overrides: Sequence[Override], loc: tuple[Any, ...]) -> str:
    """`` (from --set K=V)`` when an override set the key in error, else ``""``."""
    if not overrides:
        return ""
    from memmapcalc.config.overrides import blame

    found = blame(overrides, loc)
    if found is None:
        return ""
    override, exact = found
    return f" ({'from' if exact else 'with'} {override.label()})"


def _kind(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "a boolean",
            type(None): "nothing"}.get(type(value), type(value).__name__)


#: The largest config or fleet file read (the parser's limit); a larger one is refused
#: with its real size before it is read.
MAX_BYTES = PARSE_MAX_BYTES
#: Kept for callers of the old name: one byte more than the parser accepts.
MAX_READ = MAX_BYTES + 1
