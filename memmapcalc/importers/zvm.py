"""Read guest storage from a z/VM user directory or from CP ``QUERY VIRTUAL STORAGE``.

Sources (see ``../shared/reference/inputs.md`` §2.1–2.3):

* USER statement, z/VM CP Planning and Administration, "USER Directory Statement"
  (z/VM 7.2): ``USER userid password stor maxstor privclasses ...`` — DIRECTXA reads at
  most ten positional tokens; ``stor`` is the logon storage, ``maxstor`` the maximum.
  IDENTITY statements (SSI multiconfiguration virtual machines) have the same operands.
* STORAGE / MAXSTORAGE statements (z/VM 7.3): override the USER statement's sizes, as
  the 7.3 DEFINE STORAGE page describes INITIAL and MAXIMUM ("as defined on the
  STORAGE statement, if any, or defined in the USER directory entry").
* ``COMMAND DEFINE STORAGE ...`` statements, run by CP at logon.  DEFINE STORAGE syntax
  of z/VM 7.1 and 7.3: ``DEFine STorage {AS size | size | INItial | MAXimum}
  [STANDBY size | STANDBY REMainder] [RESERVED size] [INCrement size]
  [CONFIGuration ...]``.
* ``INCLUDE profile`` pulls in a PROFILE entry of the same file.
* CP ``QUERY VIRTUAL STORAGE`` responses:
  ``STORAGE = 8320M MAX = 2T INC = 16M STANDBY = 3968M RESERVED = 0``.
* Sizes: ``nu``, n = 1–7 decimal digits, u = K, M, G, T, P or E (binary units); K is
  rounded up to whole MB (at most 2096128K); P at most 16384, E at most 16.

Record rules used here (general z/VM source-file conventions; the IBM page on coding
directory records was not retrieved, see docs/importing.md): ``*`` in column 1 starts a
comment record; blank records are skipped; statement data is in columns 1–71, columns
72–80 (sequence numbers) are ignored.  A directory statement is one record: there is no
continuation character, so a record that looks like the rest of a DEFINE STORAGE command
(``STANDBY 4G`` on a line of its own) is refused rather than guessed at.  A QUERY
response wrapped onto a second line (a narrow console) is joined back.

This module is pure: text in, dataclasses out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from memmapcalc.errors import InputError
from memmapcalc.importers.draft import MachineDraft
from memmapcalc.units import MiB, format_size

_SIZE_RE = re.compile(r"^(\d{1,7})([KMGTPE])$", re.IGNORECASE)
_SHIFT = {"K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60}
_MAX_N = {"K": 2096128, "M": 9999999, "G": 9999999, "T": 9999999, "P": 16384, "E": 16}
_QUERY_KEYS = ("STORAGE", "MAX", "INC", "STANDBY", "RESERVED")
_QUERY_PAIR = re.compile(r"([A-Z]+)\s*=\s*(\S+)", re.IGNORECASE)
_QUERY_START = re.compile(r"^\s*(?:(?P<name>[^\s=:]+):?\s+)?STORAGE\s*=", re.IGNORECASE)
_ENTRY_STARTS = ("USER", "IDENTITY", "PROFILE", "SUBCONFIG", "DIRECTORY", "GLOBALDEFS",
                 "GLOBALOPTS")
#: Words that begin DEFINE STORAGE operands: a record starting with one of them is the
#: rest of a command someone tried to continue.
_OPERAND_WORDS = ("STANDBY", "RESERVED", "INCREMENT", "INC", "AS", "CONFIGURATION")
_DATA_COLUMNS = 71
_RESERVED_POLICIES = ("standby", "ignore")


def parse_zvm_size(text: str, source: str, where: str, *, allow_zero: bool = True) -> int:
    """A z/VM size (``512M``, ``2T``, ``0``) in bytes; K is rounded up to whole MB."""
    token = text.strip()
    if token == "0" and allow_zero:
        return 0
    match = _SIZE_RE.match(token)
    if match is None:
        raise InputError(source, f"{token!r} is not a z/VM size: 1 to 7 digits and a unit K, M, "
                                 f"G, T, P or E (e.g. 4G, 512M)", where)
    number, unit = int(match[1]), match[2].upper()
    if number > _MAX_N[unit]:
        raise InputError(source, f"{token!r} is larger than z/VM accepts with unit {unit} "
                                 f"(at most {_MAX_N[unit]}{unit})", where)
    if number == 0 and not allow_zero:
        raise InputError(source, f"{token!r}: this size must be greater than 0", where)
    nbytes = number << _SHIFT[unit]
    if unit == "K":  # "a K specification is rounded up to a MB value"
        nbytes = -(-nbytes // MiB) * MiB
    return nbytes


@dataclass(frozen=True)
class Sized:
    """A size and where it was written."""

    nbytes: int
    text: str
    line: int


@dataclass(frozen=True)
class DefineStorage:
    """One ``DEFINE STORAGE`` command (from a COMMAND statement)."""

    line: int
    text: str
    mode: str  # "as", "initial", "maximum"
    size: Sized | None = None
    standby: Sized | None = None
    standby_remainder: bool = False
    reserved: Sized | None = None
    increment: Sized | None = None


@dataclass
class Entry:
    """A USER, IDENTITY or PROFILE entry: the statements that matter for storage."""

    kind: str
    name: str
    line: int
    password: str | None = None
    logon: Sized | None = None
    maximum: Sized | None = None
    storage_statement: Sized | None = None
    maxstorage_statement: Sized | None = None
    includes: list[tuple[str, int]] = field(default_factory=list)
    defines: list[DefineStorage] = field(default_factory=list)


@dataclass(frozen=True)
class QueryResponse:
    """One ``QUERY VIRTUAL STORAGE`` response."""

    line: int
    name: str | None
    values: dict[str, Sized]


@dataclass
class ZvmInput:
    guests: list[Entry] = field(default_factory=list)
    profiles: dict[str, Entry] = field(default_factory=dict)
    queries: list[QueryResponse] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- records --------------------------------------------------------------------------

def _records(text: str, source: str, warnings: list[str]) -> list[tuple[int, str]]:
    """(line number, statement text) for every record that is not a comment or blank."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.expandtabs(8).rstrip("\r\n")
        if line.startswith("*") or not line.strip():
            continue
        data, beyond = line[:_DATA_COLUMNS], line[_DATA_COLUMNS:].strip()
        if beyond and not beyond.isdigit():
            warnings.append(f"line {number}: text beyond column 71 ({beyond!r}) is ignored, as "
                            f"directory records end at column 71")
        out.append((number, data.strip()))
    return out


def parse_zvm(text: str, source: str) -> ZvmInput:
    """Parse a z/VM directory (one or many entries) and/or QUERY responses."""
    result = ZvmInput()
    records = _records(text, source, result.warnings)
    if not records:
        raise InputError(source, "no z/VM directory statements or QUERY VIRTUAL STORAGE "
                                 "responses in the input")
    current: Entry | None = None
    in_section = False  # inside an entry or a SUBCONFIG/DIRECTORY/GLOBAL section
    index = 0
    while index < len(records):
        number, statement = records[index]
        index += 1
        if _QUERY_START.match(statement):
            joined, index = _join_query(records, index, statement)
            result.queries.append(_parse_query(joined, number, source))
            current, in_section = None, False
            continue
        words = statement.split()
        keyword = words[0].upper()
        if keyword in _ENTRY_STARTS:
            current, in_section = _start_entry(keyword, words, number, source, result), True
            continue
        if not in_section:
            raise InputError(source, f"{words[0]!r} is neither a QUERY VIRTUAL STORAGE response "
                                     f"nor a statement inside a USER, IDENTITY or PROFILE entry",
                             f"line {number}")
        _entry_statement(current, keyword, words, statement, number, source)
    if not result.guests and not result.queries:
        raise InputError(source, "no USER or IDENTITY entry and no QUERY VIRTUAL STORAGE "
                                 "response in the input")
    return result


def _start_entry(keyword: str, words: Sequence[str], number: int, source: str,
                 result: ZvmInput) -> Entry | None:
    where = f"line {number}"
    if keyword in ("SUBCONFIG", "DIRECTORY", "GLOBALDEFS", "GLOBALOPTS"):
        return None  # devices and system-wide settings: no guest storage in them
    if len(words) < 2:
        raise InputError(source, f"{keyword} statement without a name", where)
    name = words[1].upper()
    entry = Entry(keyword, name, number)
    if keyword == "PROFILE":
        result.profiles[name] = entry
        return entry
    if any(g.name == name for g in result.guests):
        raise InputError(source, f"user ID {name} is defined twice", where)
    entry.password = words[2].upper() if len(words) > 2 else None
    # DIRECTXA reads userid, password, storage, maximum storage, classes ... in this order.
    if len(words) > 3:
        entry.logon = Sized(parse_zvm_size(words[3], source, f"{where}: logon storage",
                                           allow_zero=False), words[3], number)
    if len(words) > 4:
        entry.maximum = Sized(parse_zvm_size(words[4], source, f"{where}: maximum storage",
                                             allow_zero=False), words[4], number)
    result.guests.append(entry)
    return entry


def _entry_statement(entry: Entry | None, keyword: str, words: Sequence[str], statement: str,
                     number: int, source: str) -> None:
    if entry is None:
        return  # inside a SUBCONFIG or global section
    where = f"line {number}"
    if keyword in ("STORAGE", "MAXSTORAGE"):
        if len(words) != 2:
            raise InputError(source, f"{keyword} statement needs one size", where)
        sized = Sized(parse_zvm_size(words[1], source, where, allow_zero=False), words[1], number)
        if keyword == "STORAGE":
            entry.storage_statement = sized
        else:
            entry.maxstorage_statement = sized
    elif keyword == "INCLUDE":
        if len(words) < 2:
            raise InputError(source, "INCLUDE statement without a profile name", where)
        entry.includes.append((words[1].upper(), number))
    elif keyword == "COMMAND":
        define = _parse_define(words[1:], statement, number, source)
        if define is not None:
            entry.defines.append(define)
    elif keyword in _OPERAND_WORDS or _SIZE_RE.match(words[0]):
        raise InputError(source, f"{statement!r} is not a directory statement; it looks like the "
                                 f"rest of a DEFINE STORAGE command, but directory statements "
                                 f"are not continued: write the whole command on one COMMAND "
                                 f"statement", where)
    # Every other statement (MDISK, NICDEF, IPL, CPU, OPTION, ...) says nothing about storage.


# --- DEFINE STORAGE -------------------------------------------------------------------

def _abbrev(word: str, full: str, minimum: int) -> bool:
    """CP abbreviations: ``DEFine`` accepts DEF, DEFI, DEFIN, DEFINE."""
    word = word.upper()
    return minimum <= len(word) <= len(full) and full.startswith(word)


def _parse_define(words: Sequence[str], text: str, number: int, source: str
                  ) -> DefineStorage | None:
    """A COMMAND statement's command, if it is DEFINE STORAGE (else None)."""
    tokens = list(words)
    if tokens and tokens[0].upper() == "CP":
        tokens = tokens[1:]
    if len(tokens) < 2 or not (_abbrev(tokens[0], "DEFINE", 3)
                               and _abbrev(tokens[1], "STORAGE", 2)):
        return None
    where = f"line {number}"
    rest = tokens[2:]
    if not rest:
        raise InputError(source, "DEFINE STORAGE without a size (AS size, INITIAL or MAXIMUM)",
                         where)
    fields: dict[str, object] = {}
    position = 0

    def take_size(operand: str, allow_zero: bool) -> Sized:
        nonlocal position
        if position >= len(rest):
            raise InputError(source, f"DEFINE STORAGE {operand} needs a size", where)
        token = rest[position]
        position += 1
        return Sized(parse_zvm_size(token, source, f"{where}: {operand}", allow_zero=allow_zero),
                     token, number)

    first = rest[0]
    position = 1
    if first.upper() == "AS":
        fields["mode"], fields["size"] = "as", take_size("AS", allow_zero=False)
    elif _abbrev(first, "INITIAL", 3):
        fields["mode"] = "initial"
    elif _abbrev(first, "MAXIMUM", 3):
        fields["mode"] = "maximum"
    elif _SIZE_RE.match(first):
        position = 0
        fields["mode"], fields["size"] = "as", take_size("AS", allow_zero=False)
    else:
        raise InputError(source, f"DEFINE STORAGE {first!r}: expected AS size, a size, INITIAL "
                                 f"or MAXIMUM", where)
    while position < len(rest):
        operand = rest[position].upper()
        position += 1
        if operand == "STANDBY":
            if position < len(rest) and _abbrev(rest[position], "REMAINDER", 3):
                position += 1
                fields["standby_remainder"] = True
            else:
                fields["standby"] = take_size("STANDBY", allow_zero=True)
        elif operand == "RESERVED":
            fields["reserved"] = take_size("RESERVED", allow_zero=True)
        elif _abbrev(operand, "INCREMENT", 3):
            fields["increment"] = take_size("INCREMENT", allow_zero=False)
        elif _abbrev(operand, "CONFIGURATION", 6):
            raise InputError(source, "DEFINE STORAGE CONFIGURATION (storage extents with gaps) "
                                     "is not modelled by memmapcalc; describe the guest with AS, "
                                     "STANDBY and RESERVED, or import its QUERY VIRTUAL STORAGE "
                                     "response", where)
        else:
            raise InputError(source, f"DEFINE STORAGE operand {rest[position - 1]!r} is not AS, "
                                     f"STANDBY, RESERVED, INCREMENT or CONFIGURATION", where)
    return DefineStorage(number, " ".join(words), **fields)  # type: ignore[arg-type]


# --- QUERY VIRTUAL STORAGE --------------------------------------------------------------

def _join_query(records: Sequence[tuple[int, str]], index: int, first: str) -> tuple[str, int]:
    """Join a response wrapped onto following lines that hold only ``KEY = value`` pairs."""
    joined = first
    while index < len(records):
        text = records[index][1]
        if _QUERY_START.match(text) or _QUERY_PAIR.sub("", text).strip():
            break
        if not _QUERY_PAIR.search(text):
            break
        joined += " " + text
        index += 1
    return joined, index


def _parse_query(text: str, number: int, source: str) -> QueryResponse:
    where = f"line {number}"
    start = _QUERY_START.match(text)
    assert start is not None
    name = start["name"]
    body = text[start.end("name"):].lstrip().lstrip(":") if name else text
    values: dict[str, Sized] = {}
    leftover = _QUERY_PAIR.sub("", body).strip()
    if leftover:
        raise InputError(source, f"unexpected text {leftover!r} in a QUERY VIRTUAL STORAGE "
                                 f"response (KEY = value pairs expected)", where)
    for key, value in _QUERY_PAIR.findall(body):
        key = key.upper()
        if key not in _QUERY_KEYS:
            raise InputError(source, f"unknown field {key!r} in a QUERY VIRTUAL STORAGE response "
                                     f"(known: {', '.join(_QUERY_KEYS)})", where)
        if key in values:
            raise InputError(source, f"{key} appears twice in one response", where)
        values[key] = Sized(parse_zvm_size(value, source, f"{where}: {key}",
                                           allow_zero=key != "STORAGE"), value, number)
    return QueryResponse(number, name.upper() if name else None, values)


# --- guest storage ----------------------------------------------------------------------

@dataclass
class GuestStorage:
    """What a guest gets at logon, with the reasoning for each number."""

    name: str | None
    online: int
    online_from: str
    standby: int
    standby_from: str
    reserved: int
    reserved_from: str
    maximum: int | None
    maximum_from: str
    increment: int | None
    increment_from: str
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)


def _at(sized: Sized, what: str) -> str:
    return f"{what} {sized.text} (line {sized.line})"


def resolve_entry(entry: Entry, profiles: dict[str, Entry], source: str) -> GuestStorage | None:
    """The storage a directory entry gives its guest; None for an entry that cannot log
    on (NOLOG without storage, e.g. $ALLOC$)."""
    where = f"line {entry.line}"
    included = []
    for profile_name, line in entry.includes:
        profile = profiles.get(profile_name)
        if profile is None:
            raise InputError(source, f"INCLUDE {profile_name}: no PROFILE {profile_name} in the "
                                     f"input; import the whole directory", f"line {line}")
        included.append(profile)
    logon, logon_what = _pick(entry, included, "storage_statement", "STORAGE statement",
                              entry.logon, f"{entry.kind} statement logon storage")
    maximum, max_what = _pick(entry, included, "maxstorage_statement", "MAXSTORAGE statement",
                              entry.maximum, f"{entry.kind} statement maximum storage")
    if logon is None:
        if entry.password == "NOLOG":
            return None
        raise InputError(source, f"{entry.kind} {entry.name} has no logon storage (USER statement "
                                 f"operand or STORAGE statement)", where)
    defines = [d for p in included for d in p.defines] + entry.defines
    guest = GuestStorage(
        name=entry.name, online=logon.nbytes, online_from=_at(logon, logon_what),
        standby=0, standby_from="no DEFINE STORAGE ... STANDBY in the entry: the guest logs on "
                                "without standby storage",
        reserved=0, reserved_from="no RESERVED storage defined",
        maximum=maximum.nbytes if maximum else None,
        maximum_from=_at(maximum, max_what) if maximum else "no maximum storage in the entry",
        increment=None, increment_from="")
    if len(defines) > 1:
        guest.warnings.append(f"{len(defines)} DEFINE STORAGE commands; the last one (line "
                              f"{defines[-1].line}) is what the guest ends up with")
    if defines:
        _apply_define(guest, defines[-1], source)
    _check_maximum(guest, source, defines[-1].line if defines else entry.line)
    guest.notes.append("CP may round storage up to its increment: `QUERY VIRTUAL STORAGE` in the "
                       "guest shows what it really got (a guest defined as 8G + 4G standby showed "
                       "8320M + 3968M)")
    return guest


def _pick(entry: Entry, profiles: Sequence[Entry], attribute: str, statement: str,
          fallback: Sized | None, fallback_what: str) -> tuple[Sized | None, str]:
    """The entry's own STORAGE/MAXSTORAGE statement, else an included profile's, else the
    USER/IDENTITY statement operand."""
    own: Sized | None = getattr(entry, attribute)
    if own is not None:
        return own, statement
    for profile in profiles:
        inherited: Sized | None = getattr(profile, attribute)
        if inherited is not None:
            return inherited, f"{statement} of PROFILE {profile.name}"
    return fallback, fallback_what


def _apply_define(guest: GuestStorage, define: DefineStorage, source: str) -> None:
    where = f"line {define.line}"
    what = f"COMMAND DEFINE STORAGE (line {define.line})"
    if define.mode == "as":
        assert define.size is not None
        guest.online, guest.online_from = define.size.nbytes, f"AS {define.size.text} of {what}"
    elif define.mode == "maximum":
        if guest.maximum is None:
            raise InputError(source, "DEFINE STORAGE MAXIMUM but the entry has no maximum storage",
                             where)
        if define.standby or define.standby_remainder or define.reserved:
            raise InputError(source, "DEFINE STORAGE MAXIMUM leaves no room for STANDBY or "
                                     "RESERVED storage", where)
        guest.online, guest.online_from = guest.maximum, f"MAXIMUM of {what}: {guest.maximum_from}"
    else:
        guest.online_from = f"INITIAL of {what}: {guest.online_from}"
    if define.reserved is not None:
        guest.reserved = define.reserved.nbytes
        guest.reserved_from = f"RESERVED {define.reserved.text} of {what}"
    if define.standby is not None:
        guest.standby = define.standby.nbytes
        guest.standby_from = f"STANDBY {define.standby.text} of {what}"
    elif define.standby_remainder:
        if define.mode != "initial":
            raise InputError(source, "STANDBY REMAINDER is valid only with DEFINE STORAGE INITIAL",
                             where)
        if guest.maximum is None:
            raise InputError(source, "STANDBY REMAINDER but the entry has no maximum storage",
                             where)
        guest.standby = max(0, guest.maximum - guest.online - guest.reserved)
        guest.standby_from = (f"STANDBY REMAINDER of {what}: maximum {format_size(guest.maximum)}"
                              f" − online − reserved")
    else:
        guest.standby_from = f"no STANDBY operand on {what}"
    if define.increment is not None:
        guest.increment = define.increment.nbytes
        guest.increment_from = f"INCREMENT {define.increment.text} of {what}"
        _round_to_increment(guest, define.increment.nbytes)


def _round_to_increment(guest: GuestStorage, increment: int) -> None:
    """Storage comes in whole increments: "The AS size might be adjusted upward because of
    the storage-increment size specified by the INCREMENT operand" (DEFINE STORAGE, z/VM
    7.3).  Standby and reserved storage are rounded up too (conservative)."""
    for attribute in ("online", "standby", "reserved"):
        value = getattr(guest, attribute)
        rounded = -(-value // increment) * increment
        if rounded != value:
            setattr(guest, attribute, rounded)
            setattr(guest, f"{attribute}_from", f"{getattr(guest, f'{attribute}_from')}, rounded "
                                                f"up to whole {format_size(increment)} increments")
            guest.notes.append(f"{attribute} {format_size(value)} is not a whole number of "
                               f"{format_size(increment)} increments; CP adjusts it upward "
                               f"(taken as {format_size(rounded)})")


def _check_maximum(guest: GuestStorage, source: str, line: int) -> None:
    if guest.maximum is None:
        return
    total = guest.online + guest.standby + guest.reserved
    if total > guest.maximum:
        raise InputError(source, f"{guest.name}: online {format_size(guest.online)} + standby "
                                 f"{format_size(guest.standby)} + reserved "
                                 f"{format_size(guest.reserved)} exceed the maximum storage "
                                 f"{format_size(guest.maximum)}; CP would refuse this DEFINE "
                                 f"STORAGE", f"line {line}")


def resolve_query(query: QueryResponse, source: str) -> GuestStorage:
    """The storage a ``QUERY VIRTUAL STORAGE`` response reports."""
    values = query.values
    where = f"line {query.line}"
    storage = values.get("STORAGE")
    if storage is None or storage.nbytes == 0:
        raise InputError(source, "QUERY VIRTUAL STORAGE response without a STORAGE size", where)

    def text(key: str) -> str:
        return (f"{key} = {values[key].text} in the QUERY VIRTUAL STORAGE response "
                f"(line {query.line})")

    guest = GuestStorage(
        name=query.name, online=storage.nbytes, online_from=text("STORAGE"),
        standby=values["STANDBY"].nbytes if "STANDBY" in values else 0,
        standby_from=text("STANDBY") if "STANDBY" in values else "",
        reserved=values["RESERVED"].nbytes if "RESERVED" in values else 0,
        reserved_from=text("RESERVED") if "RESERVED" in values else "",
        maximum=values["MAX"].nbytes if "MAX" in values else None,
        maximum_from=text("MAX") if "MAX" in values else "",
        increment=values["INC"].nbytes if "INC" in values else None,
        increment_from=text("INC") if "INC" in values else "")
    missing = [key for key in ("STANDBY", "RESERVED") if key not in values]
    if missing:
        guest.partial.append(f"the response has no {' or '.join(missing)} field (older z/VM, or "
                             f"cut off?): taken as 0, so standby memory may be missing")
        if "STANDBY" in missing:
            guest.standby_from = "NOT REPORTED by the response: 0 assumed"
        if "RESERVED" in missing:
            guest.reserved_from = "NOT REPORTED by the response: 0 assumed"
    return guest


# --- machine drafts ---------------------------------------------------------------------

def guest_machine(guest: GuestStorage, origin: str, reserved: str = "standby") -> MachineDraft:
    """Build the machine draft; ``reserved`` is ``standby`` (RESERVED storage counts as
    standby memory, the default) or ``ignore``."""
    if reserved not in _RESERVED_POLICIES:
        raise ValueError(f"reserved policy {reserved!r}")
    draft = MachineDraft(origin=origin)
    if guest.name:
        draft.set("name", guest.name, "z/VM user ID")
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
                 reserved: str = "standby") -> tuple[list[MachineDraft], list[str]]:
    """Parse the input and build one draft per guest; also return input-level warnings
    (skipped entries, ignored columns)."""
    parsed = parse_zvm(text, source)
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
