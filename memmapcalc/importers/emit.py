"""Write machine drafts as YAML (default), JSON or TOML, with provenance.

YAML and TOML carry the provenance as comments next to each value.  JSON has no
comments, so the provenance goes to stderr as notes and stdout stays pure JSON.  One
draft gives one machine config; several give a fleet file (``machines: [...]``).

Everything here is text in, text out: the caller decides where it goes.  The text of
each format is written by :mod:`memmapcalc.importers.emit_formats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from memmapcalc.importers.draft import SIZE_KEYS, MachineDraft, Value
from memmapcalc.importers.emit_formats import (
    draft_comments,
    json_machine,
    json_text,
    one_line,
    ordered,
    toml_text,
    yaml_text,
)
from memmapcalc.units import format_size

FORMATS = ("yaml", "json", "toml")


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
        return Rendered(json_text(drafts), messages)
    header = _header(command, source, fleet=len(drafts) > 1)
    header += "".join(f"# {line}\n" for line in draft_comments(shared))
    body = yaml_text(drafts) if fmt == "yaml" else toml_text(drafts)
    return Rendered(header + body, messages)


def config_mapping(draft: MachineDraft) -> dict[str, object]:
    """The machine mapping the draft is written as (the JSON form; YAML and TOML write the
    same keys and values)."""
    return json_machine(draft)


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


# --- header and messages ----------------------------------------------------------------

def _header(command: str, source: str, fleet: bool) -> str:
    what = "fleet of machine configs" if fleet else "machine config"
    return (f"# memmapcalc {what}, written by `memmapcalc {command}` from {one_line(source)}.\n"
            f"# Comments say where each value came from; check it with `memmapcalc check`.\n")


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
                       for key, item in ordered(draft))
    return [f"memmapcalc: {one_line(line)}" for line in out]


def _plain(key: str, value: Value) -> str:
    if key in SIZE_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return format_size(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
