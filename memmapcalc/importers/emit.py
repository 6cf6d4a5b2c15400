"""Write machine drafts as YAML (default), JSON or TOML, with provenance.

YAML and TOML carry the provenance as comments next to each value.  JSON has no
comments, so the provenance goes to stderr as notes and stdout stays pure JSON.  One
draft gives one machine config; several give a fleet file (``machines: [...]``).

Everything here is text in, text out: the caller decides where it goes.  No YAML or
TOML library is needed: the shapes are fixed and small, and hand-written text keeps the
comments where they belong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from memmapcalc.importers.draft import KEYS, SIZE_KEYS, MachineDraft, Sourced, Value
from memmapcalc.units import format_size

FORMATS = ("yaml", "json", "toml")

#: Words YAML 1.1 reads as booleans or null when unquoted (the loader uses PyYAML).
_YAML_SPECIAL = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


@dataclass
class Rendered:
    """The config text for stdout or ``-o``, and the lines for stderr."""

    text: str
    messages: list[str] = field(default_factory=list)


def render(drafts: Sequence[MachineDraft], fmt: str, command: str, source: str) -> Rendered:
    """Render ``drafts`` (read by ``command`` from ``source``) in ``fmt``.

    Every draft goes through :func:`validated_or_partial` first, so nothing written here
    is a config that ``memmapcalc check`` refuses.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    drafts = [validated_or_partial(draft, source) for draft in drafts]
    shared, drafts = _shared(drafts)
    messages = _messages(shared, drafts, source, with_provenance=fmt == "json")
    if fmt == "json":
        return Rendered(_json(drafts), messages)
    header = _header(command, source, fleet=len(drafts) > 1)
    header += "".join(f"# {line}\n" for line in _draft_comments(shared))
    body = _yaml(drafts) if fmt == "yaml" else _toml(drafts)
    return Rendered(header + body, messages)


def config_mapping(draft: MachineDraft) -> dict[str, object]:
    """The machine mapping the draft is written as (the JSON form; YAML and TOML write the
    same keys and values)."""
    return _json_machine(draft)


def validated_or_partial(draft: MachineDraft, source: str) -> MachineDraft:
    """``draft`` if ``memmapcalc check`` accepts the config it is written as; the one check
    every importer (lsmem, z/VM, probe) passes its drafts through before anything is
    written (:func:`render` calls it).

    The mapping the draft is written as (:func:`config_mapping`) is validated by the
    loader ``check`` uses (:func:`memmapcalc.config.load.machine_from_mapping`).  When
    check refuses it:

    * a complete draft (its input gave every fact, yet the values contradict each other or
      the kernel: 128M blocks with a kernel of 256M sections, a size of 16E, EDAT-2 without
      EDAT-1) raises :class:`~memmapcalc.errors.InputError` naming ``source``, the field
      and check's reason: the importer exits 2 and writes nothing;
    * a draft already partial (a fact is missing, and the user is told which) gets check's
      reason added to its partial reasons, so the written config says why check refuses it
      until the missing fact is given (``--strict`` then exits 2).

    Nothing is left out or changed to make check accept it: that would be a guess.
    Idempotent: calling it again adds nothing.
    """
    from memmapcalc.config.load import machine_from_mapping
    from memmapcalc.errors import InputError

    try:
        machine_from_mapping(config_mapping(draft), source, draft.name or "imported")
    except InputError as error:
        where = f"{error.location}: " if error.location else ""
        reason = f"memmapcalc check refuses this config: {where}{error.message}"
        if not draft.is_partial:
            raise InputError(source, f"{where}{error.message} (memmapcalc check would refuse "
                             f"the config this input gives, so none is written)") from None
        if reason not in draft.partial:
            draft.partial.append(reason)
    return draft


def _shared(drafts: Sequence[MachineDraft]) -> tuple[MachineDraft, list[MachineDraft]]:
    """Move what every draft of a fleet says alike (left-out keys, notes) into one shared
    draft, said once at the top instead of once per machine."""
    if len(drafts) < 2:
        return MachineDraft(), list(drafts)
    common_unknown = {key: reason for key, reason in drafts[0].unknown.items()
                      if all(d.unknown.get(key) == reason for d in drafts)}
    common_notes = [note for note in drafts[0].notes if all(note in d.notes for d in drafts)]
    shared = MachineDraft(unknown=common_unknown, notes=common_notes)
    trimmed = []
    for draft in drafts:
        copy = replace(draft, unknown={k: r for k, r in draft.unknown.items()
                                       if k not in common_unknown},
                       notes=[n for n in draft.notes if n not in common_notes])
        trimmed.append(copy)
    return shared, trimmed


# --- shared -----------------------------------------------------------------------------

def _header(command: str, source: str, fleet: bool) -> str:
    what = "fleet of machine configs" if fleet else "machine config"
    return (f"# memmapcalc {what}, written by `memmapcalc {command}` from {_one_line(source)}.\n"
            f"# Comments say where each value came from; check it with `memmapcalc check`.\n")


def _draft_comments(draft: MachineDraft) -> list[str]:
    lines = []
    if draft.origin:
        lines.append(f"input: {draft.origin}")
    lines.extend(f"PARTIAL: {reason}" for reason in draft.partial)
    lines.extend(f"not in the input, left out (memmapcalc's default applies): {key}: {reason}"
                 for key, reason in draft.unknown.items())
    lines.extend(f"note: {note}" for note in draft.notes)
    lines.extend(f"warning: {warning}" for warning in draft.warnings)
    return [_one_line(line) for line in lines]


def _messages(shared: MachineDraft, drafts: Sequence[MachineDraft], source: str,
              with_provenance: bool) -> list[str]:
    out: list[str] = []
    names = ", ".join(d.name or "?" for d in drafts)
    out.extend(f"note: {source}: {key} not in the input, left out ({names}): {reason}"
               for key, reason in shared.unknown.items())
    out.extend(f"note: {source}: {note} ({names})" for note in shared.notes)
    for draft in drafts:
        where = source if len(drafts) == 1 or not draft.name else f"{source}: {draft.name}"
        out.extend(f"warning: {where}: partial config: {reason}" for reason in draft.partial)
        out.extend(f"warning: {where}: {warning}" for warning in draft.warnings)
        out.extend(f"note: {where}: {key} not in the input, left out: {reason}"
                   for key, reason in draft.unknown.items())
        out.extend(f"note: {where}: {note}" for note in draft.notes)
        if with_provenance:
            out.extend(f"note: {where}: {key} = {_plain(key, item.value)}: {item.source}"
                       for key, item in _ordered(draft))
    return [f"memmapcalc: {_one_line(line)}" for line in out]


def _ordered(draft: MachineDraft) -> list[tuple[str, Sourced]]:
    items = [(key, draft.values[key]) for key in KEYS if key in draft.values]
    if not draft.omit_arch and "arch" not in draft.values:
        items.insert(1 if "name" in draft.values else 0,
                     ("arch", Sourced("s390x", "IBM Z: storage definitions and s390 memory blocks")))
    return items


Items = list[tuple[str, Sourced]]


def _sections(draft: MachineDraft) -> tuple[Items, dict[str, Items]]:
    """Split the keys into top-level ones and ``memory``/``cpu``/``kernel`` sections."""
    top: Items = []
    sections: dict[str, Items] = {}
    for key, item in _ordered(draft):
        if "." in key:
            section, leaf = key.split(".", 1)
            sections.setdefault(section, []).append((leaf, item))
        else:
            top.append((key, item))
    return top, sections


def _plain(key: str, value: Value) -> str:
    if key in SIZE_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return format_size(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _size_text(value: int) -> str:
    return format_size(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- YAML -------------------------------------------------------------------------------

def _yaml(drafts: Sequence[MachineDraft]) -> str:
    if len(drafts) == 1:
        return _yaml_machine(drafts[0], indent="", first_prefix="")
    items = [_yaml_machine(draft, indent="    ", first_prefix="  - ") for draft in drafts]
    return "machines:\n" + "".join(items)


def _yaml_machine(draft: MachineDraft, indent: str, first_prefix: str) -> str:
    lines = [f"{indent if first_prefix else ''}# {c}" for c in _draft_comments(draft)]
    top, sections = _sections(draft)
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
    return f"{key}: {value}\t# {_one_line(comment)}" if comment else f"{key}: {value}"


def _align_comments(lines: list[str]) -> None:
    """Replace the tab before each comment with spaces so the comments line up."""
    width = max((len(line.split("\t", 1)[0]) for line in lines if "\t" in line), default=0)
    for number, line in enumerate(lines):
        if "\t" in line:
            head, tail = line.split("\t", 1)
            lines[number] = f"{head.ljust(width)}  {tail}"


# --- JSON -------------------------------------------------------------------------------

def _json(drafts: Sequence[MachineDraft]) -> str:
    machines = [_json_machine(draft) for draft in drafts]
    document: object = machines[0] if len(machines) == 1 else {"machines": machines}
    return json.dumps(document, indent=2) + "\n"


def _json_machine(draft: MachineDraft) -> dict[str, object]:
    top, sections = _sections(draft)
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

def _toml(drafts: Sequence[MachineDraft]) -> str:
    if len(drafts) == 1:
        return _toml_machine(drafts[0], table_prefix="", array=False)
    return "\n".join(_toml_machine(draft, table_prefix="machines.", array=True) for draft in drafts)


def _toml_machine(draft: MachineDraft, table_prefix: str, array: bool) -> str:
    out = [f"# {c}" for c in _draft_comments(draft)]
    top, sections = _sections(draft)
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
    return f"{key} = {value}\t# {_one_line(comment)}" if comment else f"{key} = {value}"
