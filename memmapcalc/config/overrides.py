"""``--set KEY=VALUE``: what-if overrides applied to every machine before validation.

"Will the whole fleet IPL on the kernel we plan to roll out?" is
``memmapcalc check configs/ --set kernel.version=6.19``.

The rules (also in the README):

- KEY is a dotted config key: ``arch`` or ``SECTION.FIELD`` such as ``kernel.version``,
  ``kernel.memmap_on_memory`` or ``memory.standby``.  ``name`` and ``$schema`` are not
  what-if settings.  An unknown key is an error that lists the accepted ones.
- VALUE is read as one YAML value with the config files' own loader, as if written after
  ``KEY:`` in a YAML config: ``on``/``off``/``true``/``false`` are booleans, ``8G`` is a
  size, ``4294967296`` an integer number of bytes, ``[4G, 4G]`` a list, ``null`` (or
  ``~``) removes the key so the default applies.  A mapping is refused: set each key.
  One exception: a field that holds text (``kernel.version``) takes VALUE as written,
  so ``kernel.version=6.10`` is the text ``"6.10"``, not the number 6.1.
- An override is applied to each machine's mapping after a fleet's ``defaults`` and the
  machine's own keys are merged, so ``--set`` wins over both.  Of two ``--set`` with the
  same KEY the last wins.
- Each VALUE is validated by the config model exactly like a file's value, once, before
  any config is read: a bad key or value stops the run with exit status 2 and a message
  naming the ``--set``.  A value that is valid alone but inconsistent with a machine
  (``memory.standby`` smaller than one memory block) is that machine's input error, and
  the message names the ``--set``.

Nothing here imports pydantic or yaml at module level: the CLI imports this module only
when ``--set`` is given.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from memmapcalc.errors import UsageError

#: Top-level keys that are not what-if settings: a machine's identity, an editor hint.
_NOT_SETTABLE = {"name", "$schema"}


@dataclass(frozen=True, slots=True)
class Override:
    """One ``--set``: the key's path, the parsed value and the argument as given."""

    path: tuple[str, ...]
    value: Any
    argument: str

    @property
    def key(self) -> str:
        return ".".join(self.path)

    def label(self) -> str:
        return f"--set {_short(self.argument)}"


def parse_overrides(arguments: Sequence[str]) -> tuple[Override, ...]:
    """Parse and validate every ``--set`` argument (the last of two equal keys wins).

    Raises :class:`~memmapcalc.errors.UsageError` naming the ``--set`` for a malformed
    argument, an unknown key or a value the config model refuses.
    """
    by_key: dict[tuple[str, ...], Override] = {}
    for argument in arguments:
        override = _parse_one(argument)
        by_key.pop(override.path, None)
        by_key[override.path] = override
    return tuple(by_key.values())


def apply_overrides(data: dict[str, Any], overrides: Iterable[Override]) -> dict[str, Any]:
    """``data`` with every override set; the input mapping is not modified.

    A section that is not a mapping in ``data`` (``kernel: 5``) is left alone, so the
    config's own error is reported rather than hidden by the override.
    """
    result = dict(data)
    for override in overrides:
        *sections, leaf = override.path
        target = result
        for section in sections:
            current = target.get(section, {})
            if not isinstance(current, dict):
                break
            target[section] = dict(current)
            target = target[section]
        else:
            if override.value is None:
                target.pop(leaf, None)
            else:
                target[leaf] = override.value
    return result


def blame(overrides: Iterable[Override], path: Sequence[Any]) -> tuple[Override, bool] | None:
    """The override behind an error at ``path`` (a machine-relative key path), if any.

    Returns ``(override, exact)``: ``exact`` when the error is at the override's key (or
    below it), otherwise the error is at a section that contains the key.
    """
    parts = tuple(str(part) for part in path)
    for override in reversed(tuple(overrides)):
        if parts[: len(override.path)] == override.path:
            return override, True
        if parts and override.path[: len(parts)] == parts:
            return override, False
    return None


def settable_keys() -> list[str]:
    """Every KEY ``--set`` accepts, in the config model's order."""
    return [".".join(path) for path in _leaf_fields()]


def _parse_one(argument: str) -> Override:
    key, sep, text = argument.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UsageError(f"--set {argument!r}: expected KEY=VALUE, e.g. kernel.version=6.19")
    path = tuple(key.split("."))
    leaves = _leaf_fields()
    if path not in leaves:
        raise UsageError(f"--set {_short(argument)}: {_unknown_key(key, path, leaves)}")
    value = text if _holds_text(leaves[path]) else _yaml_scalar(argument, text)
    _validate(argument, path, value)
    return Override(path, value, argument)


def _short(text: str) -> str:
    """An argument as shown in a message: whole unless absurdly long (a 5000-digit VALUE)."""
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


def _unknown_key(key: str, path: tuple[str, ...], leaves: dict[tuple[str, ...], Any]) -> str:
    if key in _NOT_SETTABLE:
        return (f"{key!r} cannot be set for a whole run; set a machine setting such as "
                "kernel.version")
    children = [".".join(p) for p in leaves if p[: len(path)] == path]
    if children:
        return f"{key!r} is a section; set one of its keys: {', '.join(children)}"
    import difflib

    keys = [".".join(p) for p in leaves]
    close = difflib.get_close_matches(key, keys, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {key!r}; {hint}accepted: {', '.join(keys)}"


def _yaml_scalar(argument: str, text: str) -> Any:
    import yaml

    from memmapcalc.config.yaml_loader import StrictLoader

    try:
        value = yaml.load(text, Loader=StrictLoader)  # StrictLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        problem = error.problem or error.context or "cannot be read"
        raise UsageError(f"--set {_short(argument)}: VALUE {_short(text)!r} is not a YAML value: "
                         f"{problem}") from None
    except yaml.YAMLError as error:
        raise UsageError(f"--set {_short(argument)}: VALUE {_short(text)!r} is not a YAML value: "
                         f"{error}") from None
    if isinstance(value, dict):
        raise UsageError(f"--set {_short(argument)}: VALUE must be a value (text, number, size, "
                         f"true/false or a [list]), not a mapping; set each key with its own --set")
    return value


def _validate(argument: str, path: tuple[str, ...], value: Any) -> None:
    """Validate ``value`` with the model class that owns the field, as a file's value is."""
    from pydantic import ValidationError

    from memmapcalc.config.errors import describe

    if value is None:
        return  # "remove the key": the default applies, and defaults are valid
    model, field = _owner(path)
    try:
        model.model_validate({field: value})
    except ValidationError as error:
        for problem in error.errors(include_url=False, include_input=True):
            loc = [part for part in problem["loc"] if not str(part).startswith("function-")]
            if loc[:1] == [field]:
                _, message = describe(problem, path[:-1], None)
                raise UsageError(f"--set {_short(argument)}: {message}") from None


def _owner(path: tuple[str, ...]) -> tuple[Any, str]:
    from memmapcalc.config.model import Machine

    model: Any = Machine
    for section in path[:-1]:
        model = _submodel(model.model_fields[section].annotation)
    return model, path[-1]


def _leaf_fields() -> dict[tuple[str, ...], Any]:
    """``{path: annotation}`` for every settable leaf of the config model."""
    from memmapcalc.config.model import Machine

    leaves: dict[tuple[str, ...], Any] = {}
    for name, info in Machine.model_fields.items():
        key = info.alias or name
        if key in _NOT_SETTABLE:
            continue
        section = _submodel(info.annotation)
        if section is None:
            leaves[(key,)] = info.annotation
            continue
        for child, child_info in section.model_fields.items():
            leaves[(key, child_info.alias or child)] = child_info.annotation
    return leaves


def _submodel(annotation: Any) -> Any:
    from pydantic import BaseModel

    is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation if is_model else None


def _holds_text(annotation: Any) -> bool:
    """Whether a field's type is plain text (``str`` or ``str | None``), not an enum or literal."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return str in typing.get_args(annotation)
    return False
