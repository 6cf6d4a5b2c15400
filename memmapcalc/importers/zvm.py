"""Read guest storage from a z/VM user directory or from CP ``QUERY VIRTUAL STORAGE/ALL`` output.

The input may mix both: directory records (:mod:`.zvm_directory`, DEFINE STORAGE in
:mod:`.zvm_define`) and CP responses (:mod:`.zvm_query`), with sizes and the resolved
guest storage in :mod:`.zvm_storage`.  This module splits the input between them and
turns each guest into a machine draft.  Sources: ``../shared/reference/inputs.md``
§2.1-2.3 and docs/importing.md.  Pure: text in, dataclasses out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from memmapcalc.errors import InputError
from memmapcalc.importers.draft import MachineDraft
from memmapcalc.importers.zvm_define import DefineStorage
from memmapcalc.importers.zvm_directory import DirectoryReader, Entry, directory_data, resolve_entry
from memmapcalc.importers.zvm_query import QueryResponse, is_query_start, read_query, resolve_query
from memmapcalc.importers.zvm_storage import GuestStorage, Sized, parse_zvm_size
from memmapcalc.units import format_size

__all__ = ["DefineStorage", "Entry", "GuestStorage", "QueryResponse", "Sized", "ZvmInput",
           "guest_machine", "parse_zvm", "parse_zvm_size", "resolve_entry", "resolve_query",
           "zvm_machines"]

_RESERVED_POLICIES = ("standby", "ignore")


@dataclass
class ZvmInput:
    guests: list[Entry] = field(default_factory=list)
    profiles: dict[str, Entry] = field(default_factory=dict)
    queries: list[QueryResponse] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, whole line, directory statement) for every line that is not a
    comment or blank; the statement is "" where columns 1-71 hold nothing."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.expandtabs(8).rstrip("\r\n")
        if line.startswith("*") or not line.strip():
            continue
        out.append((number, line, line.strip()))
    return out


def parse_zvm(text: str, source: str, into: ZvmInput | None = None) -> ZvmInput:
    """Parse a z/VM directory (one or many entries) and/or CP QUERY responses; ``into``
    collects several files (the input and ``--profile`` files) in one result."""
    result = into if into is not None else ZvmInput()
    lines = _lines(text)
    if not lines:
        raise InputError(source, "no z/VM directory statements or QUERY VIRTUAL STORAGE "
                                 "responses in the input")
    whole = [(number, stripped) for number, _, stripped in lines]
    reader = DirectoryReader(source, result.guests, result.profiles)
    index = 0
    while index < len(lines):
        number, line, stripped = lines[index]
        statement = directory_data(line, number, [])
        if statement and is_query_start(stripped):
            query, index = read_query(whole, index, source)
            result.queries.append(query)
            reader.end()
            continue
        index += 1
        statement = directory_data(line, number, result.warnings)
        if statement:  # a record with text only in columns 72-80 is blank
            reader.record(number, statement)
    return result


# --- machine drafts ---------------------------------------------------------------------

def guest_machine(guest: GuestStorage, origin: str, reserved: str = "standby") -> MachineDraft:
    """Build the machine draft; ``reserved`` is ``standby`` (RESERVED storage counts as
    standby memory, the default) or ``ignore``."""
    if reserved not in _RESERVED_POLICIES:
        raise ValueError(f"reserved policy {reserved!r}")
    draft = MachineDraft(origin=origin)
    if guest.name:
        draft.set("name", guest.name, "z/VM user ID")
    draft.set("platform", "zvm", "a z/VM guest's storage definitions")
    draft.set("memory.online", guest.online, guest.online_from)
    standby, source = guest.standby, guest.standby_from
    if guest.reserved and reserved == "standby":
        standby += guest.reserved
        source = (f"{source} + {guest.reserved_from}: RESERVED counted as standby (Linux treats "
                  f"every storage increment it is told about but not given as standby; "
                  f"--reserved ignore to leave it out)")
    elif guest.reserved:
        draft.notes.append(f"{format_size(guest.reserved)} RESERVED storage left out of standby "
                           f"(--reserved ignore): {guest.reserved_from}")
    draft.set("memory.standby", standby, source)
    if guest.increment is not None:  # z/VM sizes are whole MB (K is rounded up)
        draft.set("memory.increment", guest.increment, guest.increment_from)
    else:
        draft.leave_out("memory.increment",
                        "CP chooses it; `QUERY VIRTUAL STORAGE` shows it as INC")
    if guest.maximum is not None:
        draft.notes.append(f"maximum storage {format_size(guest.maximum)} ({guest.maximum_from}) "
                           f"is not standby memory: it only caps later DEFINE STORAGE commands")
    draft.leave_out("memory.block_size", "the block size is max(section size, increment), which "
                                         "memmapcalc derives")
    draft.leave_out("cpu.edat1", "not in z/VM storage definitions; z/VM guests may lack EDAT-1 "
                                 "(the z/VM 6.1 guest in util-linux's dumps has no `edat`): check "
                                 "/proc/cpuinfo in the guest and pass --no-edat1 if it is missing")
    draft.leave_out("kernel.version", "not in z/VM storage definitions; give it with "
                                      "--kernel-version")
    draft.notes.extend(guest.notes)
    draft.warnings.extend(guest.warnings)
    draft.partial.extend(guest.partial)
    return draft


def zvm_machines(text: str, source: str, *, users: Sequence[str] = (),
                 reserved: str = "standby", profiles: Sequence[tuple[str, str]] = ()
                 ) -> tuple[list[MachineDraft], list[str]]:
    """Parse the input and build one draft per guest; also return input-level warnings
    (skipped entries, ignored columns).  ``profiles`` are (text, source) of files holding
    PROFILE entries that the input INCLUDEs (``--profile FILE``)."""
    parsed = ZvmInput()
    for profile_text, profile_source in profiles:
        extra = parse_zvm(profile_text, profile_source)
        if extra.guests or extra.queries or not extra.profiles:
            raise InputError(profile_source, "a --profile file holds PROFILE entries only (no "
                                             "USER/IDENTITY entries or QUERY responses)")
        for name, entry in extra.profiles.items():
            if name in parsed.profiles:
                raise InputError(profile_source, f"PROFILE {name} is defined twice",
                                 f"line {entry.line}")
            parsed.profiles[name] = entry
        parsed.warnings.extend(f"{profile_source}: {w}" for w in extra.warnings)
    parse_zvm(text, source, into=parsed)
    if not parsed.guests and not parsed.queries:
        raise InputError(source, "no USER or IDENTITY entry and no QUERY VIRTUAL STORAGE "
                                 "response in the input")
    messages = list(parsed.warnings)
    wanted = {u.upper() for u in users}
    drafts: list[MachineDraft] = []
    for entry in parsed.guests:
        if wanted and entry.name not in wanted:
            continue
        guest = resolve_entry(entry, parsed.profiles, source)
        if guest is None:
            messages.append(f"line {entry.line}: {entry.kind} {entry.name} is NOLOG without "
                            f"storage (not a guest): skipped")
            continue
        drafts.append(guest_machine(guest, f"z/VM directory {entry.kind} entry at line "
                                           f"{entry.line}", reserved))
    for number, query in enumerate(parsed.queries, start=1):
        if wanted and query.name not in wanted:
            continue
        guest = resolve_query(query, source)
        drafts.append(guest_machine(guest, f"CP QUERY VIRTUAL STORAGE response at line "
                                           f"{query.line}", reserved))
        if guest.name is None and len(parsed.queries) + len(parsed.guests) > 1:
            drafts[-1].set("name", f"query-{number}", f"response {number} of the input "
                                                       f"(no user ID before it)")
    if wanted:
        found = {d.name for d in drafts}
        missing = sorted(wanted - {n for n in found if n})
        if missing:
            raise InputError(source, f"no guest {missing[0]} in the input (--user)")
    if not drafts:
        raise InputError(source, "no guest with storage in the input")
    names = [d.name for d in drafts if d.name]
    duplicate = sorted({n for n in names if names.count(n) > 1})
    if duplicate:
        raise InputError(source, f"guest {duplicate[0]} appears more than once (directory entry "
                                 f"and QUERY response?); select one with --user or split the input")
    return drafts, messages
