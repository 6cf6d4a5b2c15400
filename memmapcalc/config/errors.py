"""Turn a pydantic validation error into one line a person can act on.

The field is named by its dotted path (``memory.online``) and, for YAML, by line and
column.  The offending value is quoted only when it is a short scalar: a config may be
an alias bomb, and its repr must never be built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from memmapcalc.config.model import Machine

_EXPECTED = {
    "bool_type": "true or false",
    "string_type": "text",
    "int_type": "a whole number",
    "model_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
    "int_from_float": "a whole number",
}


def describe(error: dict[str, Any], prefix: tuple[Any, ...],
             yaml_text: str | Callable[[tuple[Any, ...], bool], str | None] | None
             ) -> tuple[str, str]:
    """``(location, message)`` for one pydantic error dict.  ``yaml_text`` is the YAML
    text, or a function giving the position of a path (one machine of a large fleet,
    :mod:`memmapcalc.config.stream`)."""
    loc = tuple(part for part in error["loc"] if not str(part).startswith("function-"))
    path = (*prefix, *loc)
    location = ".".join(str(part) for part in path) or "(top level)"
    if yaml_text is not None:
        position = position_of(yaml_text, path, at_key=error["type"] == "extra_forbidden")
        if position:
            location = f"{location} ({position})"
    return location, _message(error, loc)


def _message(error: dict[str, Any], loc: tuple[Any, ...]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        accepted = ", ".join(_accepted_keys(loc[:-1]))
        return f"unknown key {loc[-1]!r}; accepted: {accepted}"
    if kind == "missing":
        return "required key is missing"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        return f"{_short(value)} is not accepted; expected {error['ctx']['expected']}"
    if kind == "enum":
        return f"{_short(value)} is not accepted; expected {error['ctx']['expected']}"
    if kind in _EXPECTED:
        hint = (" (YAML 1.1 reads yes/no/on/off as booleans; quote it)"
                if isinstance(value, bool) and kind == "string_type" else "")
        return f"expected {_EXPECTED[kind]}, got {_short(value)}{hint}"
    return f"{error['msg']} (got {_short(value)})"


def _short(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a number of {len(hex(value)) - 2} hex digits"  # decimal repr may be refused
    if isinstance(value, bool | int | float) or value is None:
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    return {list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _accepted_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (sub)model at ``loc`` (``$schema`` shown by its alias)."""
    model: type[BaseModel] = Machine
    for part in loc:
        field = model.model_fields.get(str(part))
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return [info.alias or name for name, info in model.model_fields.items()]


def yaml_position(text: str, path: tuple[Any, ...], at_key: bool = False) -> str | None:
    """``line L, column C`` of the node at ``path`` in a YAML text (error path only).

    The position is where the text really is: a key reached through an alias (``memory:
    *m``) is found in the anchored mapping; a value that is an alias (``bogus: *n``) is
    reported at its key, where the alias is used, not at the anchor far above; with
    ``at_key`` (an unknown key) the key itself is named.  A fleet machine's key that is
    not in the machine's own mapping is looked up in ``defaults``, which it came from.
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    node, complete = _walk(root, path, at_key)
    if not complete and len(path) > 2 and path[0] == "machines":
        fallback, found = _walk(root, ("defaults", *path[2:]), at_key)
        if found:
            node = fallback
    if node is None:
        return None
    mark = node.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


def position_of(positions: str | Callable[[tuple[Any, ...], bool], str | None] | None,
                path: tuple[Any, ...], at_key: bool = False) -> str | None:
    """``line L, column C`` of ``path`` from what gives positions: the YAML text, or a
    function of the path (one machine of a large fleet, :mod:`memmapcalc.config.stream`)."""
    if positions is None:
        return None
    if callable(positions):
        return positions(path, at_key)
    return yaml_position(positions, path, at_key)


def node_position(node: Any, path: tuple[Any, ...], at_key: bool = False) -> str | None:
    """``line L, column C`` of the node at ``path`` below ``node`` (the deepest node of the
    path that exists: a key a fleet's defaults gave points at the machine)."""
    found, _ = _walk(node, path, at_key)
    if found is None:
        return None
    mark = found.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _walk(node: Any, path: tuple[Any, ...], at_key: bool) -> tuple[Any, bool]:
    """The node at ``path`` (or the deepest one found) and whether all of it was found."""
    import yaml

    for number, part in enumerate(path):
        last = number == len(path) - 1
        if isinstance(node, yaml.MappingNode):
            matches = [(k, v) for k, v in node.value if str(k.value) == str(part)]
            if not matches:
                return node, False
            key, value = matches[0]
            aliased = value.start_mark.index < key.start_mark.index
            node = key if last and (at_key or aliased) else value
        elif (isinstance(node, yaml.SequenceNode) and isinstance(part, int)
              and part < len(node.value)):
            node = node.value[part]
        else:
            return node, False
    return node, True
