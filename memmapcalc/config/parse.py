"""Read a config document (YAML, TOML or JSON, by file extension) into plain data.

Strict where the formats are lenient, so that a config is never silently misread:
duplicate keys are errors (YAML and JSON keep the last one silently), YAML 1.1 integer
forms that do not mean what they look like (``0755`` is octal 493, ``1:30`` is 90) are
errors, JSON's non-standard ``NaN``/``Infinity`` are errors, a byte-order mark and
non-UTF-8 text are errors.  Syntax errors carry line and column.
"""

from __future__ import annotations

import json
import re
from typing import Any

from memmapcalc.errors import InputError

#: Larger than any sane machine config or fleet file; refusing beats hanging a CI gate.
MAX_BYTES = 16 * 1024 * 1024
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}


def format_for(name: str, default: str | None = None) -> str:
    """The document format of ``name`` by extension (``default`` when it has none known)."""
    lowered = name.lower()
    for suffix, fmt in FORMATS.items():
        if lowered.endswith(suffix):
            return fmt
    if default is not None:
        return default
    raise InputError(name, "unknown file type; memmapcalc reads .yaml, .yml, .toml and .json")


def decode(raw: bytes, source: str) -> str:
    """UTF-8 text of a config, refusing what is not a text config."""
    if len(raw) > MAX_BYTES:
        raise InputError(source, f"file is {len(raw)} bytes, larger than any sane config "
                         f"(limit {MAX_BYTES} bytes)")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError(source, "starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")
    if b"\x00" in raw:
        raise InputError(source, "is a binary file (contains NUL bytes), not a text config")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(source, f"is not UTF-8 text (byte 0x{raw[error.start]:02x})",
                         f"line {line}") from None


def parse_document(text: str, fmt: str, source: str) -> Any:
    """Parse ``text`` as ``fmt``; an empty or comment-only document is an error."""
    try:
        data = {"yaml": _parse_yaml, "toml": _parse_toml, "json": _parse_json}[fmt](text, source)
    except RecursionError:
        raise InputError(source, "is nested too deeply to be a machine config") from None
    if data is None or data == {}:
        raise InputError(source, "is empty (no keys); a machine config needs at least "
                         "memory.online")
    return data


def json_decoder(source: str) -> json.JSONDecoder:
    """The strict JSON decoder: duplicate keys and NaN/Infinity are errors naming ``source``."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise InputError(source, f"duplicate key {key!r}")
            result[key] = value
        return result

    def no_constant(name: str) -> Any:
        raise InputError(source, f"{name} is not a JSON number; sizes are integers or strings "
                         f"such as \"16G\"")

    return json.JSONDecoder(object_pairs_hook=no_duplicates, parse_constant=no_constant)


def _parse_json(text: str, source: str) -> Any:
    if not text.strip():
        return None
    try:
        return json_decoder(source).decode(text)
    except json.JSONDecodeError as error:
        raise InputError(source, f"invalid JSON: {error.msg}",
                         f"line {error.lineno}, column {error.colno}") from None


def _parse_toml(text: str, source: str) -> Any:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"line {match[1]}, column {match[2]}" if match else None
        problem = re.sub(r" \(at .*\)$", "", message)
        raise InputError(source, f"invalid TOML: {problem}", where) from None


def _parse_yaml(text: str, source: str) -> Any:
    import yaml

    from memmapcalc.config.yaml_loader import StrictLoader

    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as error:
        raise yaml_error(error, source) from None


def yaml_error(error: Exception, source: str) -> InputError:
    """A PyYAML error as the file's input error, with line and column when it has them."""
    import yaml

    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = (", ".join(part for part in (error.context, error.problem) if part)
                   or "syntax error")
        return InputError(source, f"invalid YAML: {problem}", where)
    return InputError(source, f"invalid YAML: {error}")
