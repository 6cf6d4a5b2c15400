"""The config text of machine drafts: YAML, JSON and TOML writers, keys in config order.

Hand-written text (no YAML or TOML library): the shapes are fixed and small, and the
comments, where each value came from, stay next to their values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from memmapcalc.importers.draft import KEYS, SIZE_KEYS, MachineDraft, Sourced, Value
from memmapcalc.units import format_size

#: Words YAML 1.1 reads as booleans or null when unquoted (the loader uses PyYAML).
_YAML_SPECIAL = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


def draft_comments(draft: MachineDraft) -> list[str]:
    lines = []
    if draft.origin:
        lines.append(f"input: {draft.origin}")
    lines.extend(f"PARTIAL: {reason}" for reason in draft.partial)
    lines.extend(f"not in the input, left out (memmapcalc's default applies): {key}: {reason}"
                 for key, reason in draft.unknown.items())
    lines.extend(f"note: {note}" for note in draft.notes)
    lines.extend(f"warning: {warning}" for warning in draft.warnings)
    return [one_line(line) for line in lines]


def ordered(draft: MachineDraft) -> list[tuple[str, Sourced]]:
    items = [(key, draft.values[key]) for key in KEYS if key in draft.values]
    if not draft.omit_arch and "arch" not in draft.values:
        items.insert(1 if "name" in draft.values else 0,
                     ("arch", Sourced("s390x", "IBM Z: storage definitions, s390 memory blocks")))
    return items


Items = list[tuple[str, Sourced]]


def sections_of(draft: MachineDraft) -> tuple[Items, dict[str, Items]]:
    """Split the keys into top-level ones and ``memory``/``cpu``/``kernel`` sections."""
    top: Items = []
    sections: dict[str, Items] = {}
    for key, item in ordered(draft):
        if "." in key:
            section, leaf = key.split(".", 1)
            sections.setdefault(section, []).append((leaf, item))
        else:
            top.append((key, item))
    return top, sections


def _size_text(value: int) -> str:
    return format_size(value)


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- YAML -------------------------------------------------------------------------------

def yaml_text(drafts: Sequence[MachineDraft]) -> str:
    if len(drafts) == 1:
        return _yaml_machine(drafts[0], indent="", first_prefix="")
    items = [_yaml_machine(draft, indent="    ", first_prefix="  - ") for draft in drafts]
    return "machines:\n" + "".join(items)


def _yaml_machine(draft: MachineDraft, indent: str, first_prefix: str) -> str:
    lines = [f"{indent if first_prefix else ''}# {c}" for c in draft_comments(draft)]
    top, sections = sections_of(draft)
    rows: list[tuple[str, str, str]] = []  # (prefix+key, value, comment)
    for key, item in top:
        rows.append((key, _yaml_value(key, item.value), item.source))
    body: list[str] = []
    for key, value, comment in rows:
        body.append(_yaml_line(key, value, comment))
    for section, items in sections.items():
        body.append(f"{section}:")
        for leaf, item in items:
            body.append("  " + _yaml_line(leaf, _yaml_value(f"{section}.{leaf}", item.value),
                                          item.source))
    _align_comments(body)
    out = list(lines)
    for number, line in enumerate(body):
        prefix = first_prefix if number == 0 and first_prefix else indent
        out.append(prefix + line)
    return "\n".join(out) + "\n"


def _yaml_value(key: str, value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _size_text(value) if key in SIZE_KEYS else str(value)
    if _BARE.fullmatch(value) and value.lower() not in _YAML_SPECIAL:
        return value
    return json.dumps(value)


def _yaml_line(key: str, value: str, comment: str) -> str:
    return f"{key}: {value}\t# {one_line(comment)}" if comment else f"{key}: {value}"


def _align_comments(lines: list[str]) -> None:
    """Replace the tab before each comment with spaces so the comments line up."""
    width = max((len(line.split("\t", 1)[0]) for line in lines if "\t" in line), default=0)
    for number, line in enumerate(lines):
        if "\t" in line:
            head, tail = line.split("\t", 1)
            lines[number] = f"{head.ljust(width)}  {tail}"


# --- JSON -------------------------------------------------------------------------------

def json_text(drafts: Sequence[MachineDraft]) -> str:
    machines = [json_machine(draft) for draft in drafts]
    document: object = machines[0] if len(machines) == 1 else {"machines": machines}
    return json.dumps(document, indent=2) + "\n"


def json_machine(draft: MachineDraft) -> dict[str, object]:
    top, sections = sections_of(draft)
    out: dict[str, object] = {key: _json_value(key, item.value) for key, item in top}
    for section, items in sections.items():
        out[section] = {leaf: _json_value(f"{section}.{leaf}", item.value) for leaf, item in items}
    return out


def _json_value(key: str, value: Value) -> object:
    if key in SIZE_KEYS and isinstance(value, int) and not isinstance(value, bool):
        text = _size_text(value)
        return int(text) if text.isdigit() else text
    return value


# --- TOML -------------------------------------------------------------------------------

def toml_text(drafts: Sequence[MachineDraft]) -> str:
    if len(drafts) == 1:
        return _toml_machine(drafts[0], table_prefix="", array=False)
    return "\n".join(_toml_machine(draft, table_prefix="machines.", array=True) for draft in drafts)


def _toml_machine(draft: MachineDraft, table_prefix: str, array: bool) -> str:
    out = [f"# {c}" for c in draft_comments(draft)]
    top, sections = sections_of(draft)
    if array:
        out.append("[[machines]]")
    block = [_toml_line(key, _toml_value(key, item.value), item.source) for key, item in top]
    _align_comments(block)
    out.extend(block)
    for section, items in sections.items():
        out.append("")
        out.append(f"[{table_prefix}{section}]")
        block = [_toml_line(leaf, _toml_value(f"{section}.{leaf}", item.value), item.source)
                 for leaf, item in items]
        _align_comments(block)
        out.extend(block)
    return "\n".join(out) + "\n"


def _toml_value(key: str, value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if key in SIZE_KEYS:
            text = _size_text(value)
            return text if text.isdigit() else json.dumps(text)
        return str(value)
    return json.dumps(value)


def _toml_line(key: str, value: str, comment: str) -> str:
    return f"{key} = {value}\t# {one_line(comment)}" if comment else f"{key} = {value}"
