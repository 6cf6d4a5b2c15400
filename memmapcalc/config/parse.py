"""Read a config document (YAML, TOML or JSON, by file extension) into plain data.

Strict where the formats are lenient, so that a config is never silently misread:
duplicate keys are errors (YAML and JSON keep the last one silently), YAML 1.1 integer
forms that do not mean what they look like (``0755`` is octal 493, ``1:30`` is 90) are
errors, JSON's non-standard ``NaN``/``Infinity`` are errors, a byte-order mark and
non-UTF-8 text are errors, and so is an integer of more digits than Python converts
(``sys.get_int_max_str_digits()``: "number too long" rather than an internal error).
Syntax errors carry line and column.
"""

from __future__ import annotations

import json
import re
from typing import Any

from memmapcalc.errors import InputError
from memmapcalc.units import MAX_DIGITS

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
        raise InputError(source, "starts with a UTF-8 byte-order mark; save it as UTF-8 "
                         "without BOM")
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


def json_decoder(source: str, text: str = "") -> json.JSONDecoder:
    """The strict JSON decoder: duplicate keys, NaN/Infinity and integers of more than
    MAX_DIGITS digits are errors naming ``source`` (and, given the ``text``, the place)."""

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

    def bounded_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_DIGITS:
            raise too_long(text, source)
        return int(digits)

    return json.JSONDecoder(object_pairs_hook=no_duplicates, parse_constant=no_constant,
                            parse_int=bounded_int)


def _parse_json(text: str, source: str) -> Any:
    if not text.strip():
        return None
    try:
        return json_decoder(source, text).decode(text)
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
    except ValueError:  # tomllib's int() of a number over the digit limit
        raise too_long(text, source) from None


def too_long(text: str, source: str) -> InputError:
    """"number too long" at the first run of more than MAX_DIGITS digits in ``text``."""
    match = re.search(f"[0-9]{{{MAX_DIGITS + 1},}}", text)
    where = None
    if match is not None:
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        where = f"line {line}, column {column}"
    digits = len(match[0]) if match else MAX_DIGITS + 1
    return InputError(source, f"number too long ({digits} digits); no machine config value has "
                      f"more than 20 digits (sizes are at most 16 EiB)", where)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _parse_yaml(text: str, source: str) -> Any:
    import yaml

    from memmapcalc.config.yaml_loader import StrictLoader

    try:
        return yaml.load(text, Loader=StrictLoader)  # StrictLoader is a SafeLoader
    except yaml.YAMLError as error:
        raise yaml_error(error, source, text) from None


def yaml_error(error: Exception, source: str, text: str = "") -> InputError:
    """A PyYAML error as the file's input error, with line and column when it has them
    (and, given the ``text``, a tab where indentation was expected named as such)."""
    import yaml

    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = (", ".join(part for part in (error.context, error.problem) if part)
                   or "syntax error")
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            problem = "tabs are not allowed for indentation in YAML; use spaces"
        return InputError(source, f"invalid YAML: {problem}", where)
    return InputError(source, f"invalid YAML: {error}")
