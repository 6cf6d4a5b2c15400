"""From a file, stdin or a mapping to validated :class:`Machine` objects.

A file holds one machine, or a fleet: ``machines: [...]`` with optional ``defaults:``
that every machine inherits (see :func:`machines_from_document`).  Each machine is
validated on its own, so one broken machine in a fleet is reported without hiding the
others.  Errors name the file, the field (with line and column for YAML) and what is
accepted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from memmapcalc.config.model import Machine
from memmapcalc.config.parse import decode, format_for, parse_document
from memmapcalc.errors import InputError


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
    try:
        fmt = format_for(path)
        try:
            with open(path, "rb") as stream:
                raw = stream.read(MAX_READ)
        except OSError as error:
            raise InputError(path, f"cannot read: {error.strerror or error}") from None
        return load_bytes(raw, path, fmt)
    except InputError as error:
        return [Loaded(path, default_name(path), None, error)]


def load_bytes(raw: bytes, source: str, fmt: str) -> list[Loaded]:
    """Validate every machine of a document given as bytes (a file's or stdin's)."""
    try:
        text = decode(raw, source)
        data = parse_document(text, fmt, source)
    except InputError as error:
        return [Loaded(source, default_name(source), None, error)]
    return machines_from_document(data, source, text if fmt == "yaml" else None)


def machines_from_document(data: Any, source: str, yaml_text: str | None = None) -> list[Loaded]:
    """One machine, or a fleet ``{machines: [...], defaults: {...}}``.

    Fleet rule: each machine is ``defaults`` deep-merged with the machine's own mapping;
    the machine's value wins for every key it sets (nested tables are merged key by key,
    any other value replaces the default).  A fleet machine without ``name`` is called
    ``<file stem>[<index>]``.
    """
    stem = default_name(source)
    if not isinstance(data, dict):
        error = InputError(source, f"expected a mapping of keys at the top, got "
                           f"{_kind(data)}")
        return [Loaded(source, stem, None, error)]
    if "machines" not in data:
        return [_one(data, source, stem, (), yaml_text)]
    unknown = sorted(set(data) - {"machines", "defaults", "$schema"})
    machines, defaults = data.get("machines"), data.get("defaults", {})
    if unknown:
        return [Loaded(source, stem, None, InputError(
            source, f"unknown key {unknown[0]!r} beside 'machines'; a fleet file has machines, "
            f"defaults and $schema", unknown[0]))]
    if not isinstance(machines, list) or not machines:
        return [Loaded(source, stem, None, InputError(
            source, "must be a non-empty list of machine mappings", "machines"))]
    if not isinstance(defaults, dict):
        return [Loaded(source, stem, None, InputError(
            source, f"must be a mapping of machine keys, got {_kind(defaults)}", "defaults"))]
    results: list[Loaded] = []
    for index, entry in enumerate(machines):
        name = f"{stem}[{index}]"
        if not isinstance(entry, dict):
            results.append(Loaded(source, name, None, InputError(
                source, f"expected a machine mapping, got {_kind(entry)}", f"machines[{index}]")))
            continue
        merged = deep_merge(defaults, entry)
        if "name" in entry and isinstance(entry["name"], str):
            name = entry["name"]
        results.append(_one(merged, source, name, ("machines", index), yaml_text))
    return results


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
         yaml_text: str | None) -> Loaded:
    try:
        machine = machine_from_mapping(data, source, name, prefix, yaml_text)
    except InputError as error:
        return Loaded(source, name, None, error)
    return Loaded(source, machine.name or name, machine)


def machine_from_mapping(data: Any, source: str = "<mapping>", name: str | None = None,
                         prefix: tuple[Any, ...] = (), yaml_text: str | None = None) -> Machine:
    """Validate a mapping as a machine (types, units, unknown keys, then consistency)."""
    from pydantic import ValidationError

    from memmapcalc.config.errors import describe, yaml_position
    from memmapcalc.config.semantics import FieldError, check_machine

    try:
        machine = Machine.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=True)[0]
        location, message = describe(first, prefix, yaml_text)
        raise InputError(source, message, location) from None
    try:
        check_machine(machine)
    except FieldError as error:
        path = (*prefix, *error.field.split("."))
        location = ".".join(str(part) for part in path)
        position = yaml_position(yaml_text, path) if yaml_text is not None else None
        location = f"{location} ({position})" if position else location
        raise InputError(source, error.message, location) from None
    if machine.name is None and name is not None:
        machine = machine.model_copy(update={"name": name})
    return machine


def _kind(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "a boolean",
            type(None): "nothing"}.get(type(value), type(value).__name__)


#: Read one byte more than the parser accepts, so an oversized file is reported as such.
MAX_READ = 16 * 1024 * 1024 + 1
