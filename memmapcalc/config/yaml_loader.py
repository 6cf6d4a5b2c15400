"""A safe YAML loader that refuses what YAML 1.1 would silently misread.

PyYAML follows YAML 1.1: ``0755`` is octal 493, ``1:30`` is sexagesimal 90, ``0x10`` is
16, and a repeated key silently replaces the first.  In a machine config each of these is
almost certainly a mistake, so they are errors with line and column.  So is every value
PyYAML cannot construct (``!!float abc``, ``!!int 0x``, ``!!bool maybe``, a date such as
``2001-13-45``, an integer of more digits than Python converts): PyYAML raises a bare
``ValueError`` or ``KeyError`` for those, which would otherwise escape as an internal
error.  Tags a machine config never needs (``!!binary``, ``!!set``, ``!!omap``,
``!!pairs``, custom ``!foo``) are refused by name.  Built on libyaml's ``CSafeLoader``
when available (6 to 7 times faster than the pure-Python loader).
"""

from __future__ import annotations

import binascii
import re
from typing import Any

import yaml

from memmapcalc.units import MAX_DIGITS

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_YAML_TAG = "tag:yaml.org,2002:"

#: Standard tags that have no meaning in a machine config (no implicit resolver yields
#: them, so they only appear when written explicitly).
_REFUSED_TAGS = ("binary", "set", "omap", "pairs")

_ACCEPTED_VALUES = "text, a number, true/false, null, a list or a mapping"


class StrictLoader(_BASE):  # type: ignore[misc, valid-type]
    """CSafeLoader plus duplicate-key, integer-form and construction checks."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Every value PyYAML cannot construct is an error at the value's line and column."""
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, OverflowError,
                binascii.Error) as error:  # PyYAML's constructors fail with these
            if _implicit(self, node):
                problem = (f"YAML 1.1 reads {_short_value(node)} as {tag_name(node.tag)}, but it "
                           f"is not a valid one{_reason(error)}; quote it")
            else:
                problem = (f"{_short_value(node)} is not a valid {tag_name(node.tag)} value"
                           f"{_reason(error)}; remove the tag or quote the value")
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _implicit(loader: StrictLoader, node: yaml.Node) -> bool:
    """Whether ``node``'s tag is what YAML gives its plain text (no tag written)."""
    return (isinstance(node, yaml.ScalarNode) and not node.style
            and loader.resolve(yaml.ScalarNode, node.value, (True, False)) == node.tag)


def tag_name(tag: str) -> str:
    """``!!float`` for ``tag:yaml.org,2002:float``; other tags as written."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _short_value(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        return "the " + ("list" if isinstance(node, yaml.SequenceNode) else "mapping")
    text = str(node.value)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _reason(error: Exception) -> str:
    """PyYAML's own words where they help ("month must be in 1..12"), never a huge repr."""
    if isinstance(error, ValueError) and ("month" in str(error) or "day" in str(error)):
        return f" ({error})"
    return ""


def _construct_int(loader: StrictLoader, node: yaml.ScalarNode) -> int:
    text = str(node.value)
    digits = text.lstrip("+-").replace("_", "")
    if len(digits) > MAX_DIGITS and digits.isascii() and digits.isdigit():
        raise yaml.constructor.ConstructorError(
            None, None, f"number too long ({len(digits)} digits); no machine config value has "
            f"more than 20 digits (sizes are at most 16 EiB)", node.start_mark)
    if not _PLAIN_DECIMAL.match(text):
        value = yaml.SafeLoader.construct_yaml_int(loader, node)
        shown = (f"the integer {value}" if value.bit_length() <= 256
                 else "an integer too long to show")
        text = text if len(text) <= 40 else text[:37] + "..."
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is read by YAML 1.1 as {shown} (octal, hexadecimal, "
            f"sexagesimal or with '_'); quote it, or write a plain decimal number or a size "
            f"such as \"16G\"", node.start_mark)
    return int(text)


def _refuse_tag(loader: StrictLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"the YAML tag {tag_name(node.tag)!r} is not accepted in a machine config; "
        f"remove it (values are {_ACCEPTED_VALUES})", node.start_mark)


def _refuse_unknown_tag(loader: StrictLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"unknown YAML tag {tag_name(node.tag)!r}; remove it (a machine config holds "
        f"{_ACCEPTED_VALUES}, no tags)", node.start_mark)


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(
                None, None, "YAML merge keys (<<) are not supported; a fleet file's 'defaults' "
                "gives shared settings", key_node.start_mark)
        key = loader.construct_object(key_node, deep=False)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is not text (YAML 1.1 reads yes/no/on/off as booleans)",
                key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    loader.flatten_mapping(node)
    return {loader.construct_object(k, deep=True): loader.construct_object(v, deep=True)
            for k, v in node.value}


StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
for _tag in _REFUSED_TAGS:
    StrictLoader.add_constructor(_YAML_TAG + _tag, _refuse_tag)
StrictLoader.add_constructor(None, _refuse_unknown_tag)
