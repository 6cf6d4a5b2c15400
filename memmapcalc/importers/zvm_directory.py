"""z/VM user directory entries (USER, IDENTITY, PROFILE): read them and resolve a guest's storage.

Sources (see docs/importing.md):

* USER statement, z/VM CP Planning and Administration, "USER Directory Statement"
  (z/VM 7.2): ``USER userid password stor maxstor privclasses ...`` — DIRECTXA reads at
  most ten positional tokens; ``stor`` is the logon storage, ``maxstor`` the maximum.
  IDENTITY statements (SSI multiconfiguration virtual machines) have the same operands.
* STORAGE / MAXSTORAGE statements (z/VM 7.3): override the USER statement's sizes, as
  the 7.3 DEFINE STORAGE page describes INITIAL and MAXIMUM ("as defined on the
  STORAGE statement, if any, or defined in the USER directory entry").
* ``COMMAND DEFINE STORAGE ...`` statements, run by CP at logon (:mod:`.zvm_define`).
* ``INCLUDE profile`` pulls in a PROFILE entry of the same file (or of ``--profile FILE``).

Record rules (CMS fixed-80 source files): ``*`` in column 1 starts a comment record;
blank records are skipped; statement data is in columns 1-71 and columns 72-80 are not
part of it (73-80 hold sequence numbers, which XEDIT's SERIAL writes).  A record whose
only text is in columns 72-80 is therefore a blank record.  A directory statement is one
record: there is no continuation character, so a record that looks like the rest of a
DEFINE STORAGE command (``STANDBY 4G`` on a line of its own) is refused rather than
guessed at.  The 71-column rule is for directory records only, not for CP QUERY output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from memmapcalc.errors import InputError
from memmapcalc.importers.zvm_define import DefineStorage, apply_define, check_maximum, parse_define
from memmapcalc.importers.zvm_storage import SIZE_RE, GuestStorage, Sized, at, parse_zvm_size

ENTRY_STARTS = ("USER", "IDENTITY", "PROFILE", "SUBCONFIG", "DIRECTORY", "GLOBALDEFS",
                "GLOBALOPTS")
_SECTIONS = ("SUBCONFIG", "DIRECTORY", "GLOBALDEFS", "GLOBALOPTS")
#: Words that begin DEFINE STORAGE operands: a record starting with one of them is the
#: rest of a command someone tried to continue.
_OPERAND_WORDS = ("STANDBY", "RESERVED", "INCREMENT", "INC", "AS", "CONFIGURATION")
DATA_COLUMNS = 71


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


def directory_data(line: str, number: int, warnings: list[str]) -> str:
    """The statement text of a directory record (columns 1-71), stripped; "" for a record
    with nothing there (text only in columns 72-80 included)."""
    data, beyond = line[:DATA_COLUMNS], line[DATA_COLUMNS:].strip()
    if beyond and not beyond.isdigit():
        warnings.append(f"line {number}: text beyond column 71 ({beyond!r}) is ignored, as "
                        f"directory records end at column 71")
    return data.strip()


class DirectoryReader:
    """Directory statements, one record at a time, into guests and profiles."""

    def __init__(self, source: str, guests: list[Entry], profiles: dict[str, Entry]) -> None:
        self.source = source
        self.guests = guests
        self.profiles = profiles
        self.current: Entry | None = None
        self.in_section = False  # inside an entry or a SUBCONFIG/DIRECTORY/GLOBAL section

    def end(self) -> None:
        """Something that is not a directory statement (a QUERY response) ends the entry."""
        self.current, self.in_section = None, False

    def record(self, number: int, statement: str) -> None:
        words = statement.split()
        keyword = words[0].upper()
        if keyword in ENTRY_STARTS:
            self.current, self.in_section = self._start(keyword, words, number), True
            return
        if not self.in_section:
            raise InputError(self.source, f"{words[0]!r} is neither a CP QUERY VIRTUAL "
                                          f"STORAGE/ALL response nor a statement inside a USER, "
                                          f"IDENTITY or PROFILE entry", f"line {number}")
        if self.current is not None:  # None inside a SUBCONFIG or global section
            self._statement(self.current, keyword, words, statement, number)

    def _start(self, keyword: str, words: Sequence[str], number: int) -> Entry | None:
        where, source = f"line {number}", self.source
        if keyword in _SECTIONS:
            return None  # devices and system-wide settings: no guest storage in them
        if len(words) < 2:
            raise InputError(source, f"{keyword} statement without a name", where)
        name = words[1].upper()
        entry = Entry(keyword, name, number)
        if keyword == "PROFILE":
            if name in self.profiles:
                raise InputError(source, f"PROFILE {name} is defined twice (in the input and "
                                         f"in --profile?)", where)
            self.profiles[name] = entry
            return entry
        if any(g.name == name for g in self.guests):
            raise InputError(source, f"user ID {name} is defined twice", where)
        entry.password = words[2].upper() if len(words) > 2 else None
        # DIRECTXA reads userid, password, storage, maximum storage, classes ... in this order.
        if len(words) > 3:
            entry.logon = Sized(parse_zvm_size(words[3], source, f"{where}: logon storage",
                                               allow_zero=False), words[3], number)
        if len(words) > 4:
            entry.maximum = Sized(parse_zvm_size(words[4], source, f"{where}: maximum storage",
                                                 allow_zero=False), words[4], number)
        self.guests.append(entry)
        return entry

    def _statement(self, entry: Entry, keyword: str, words: Sequence[str], statement: str,
                   number: int) -> None:
        where, source = f"line {number}", self.source
        if keyword in ("STORAGE", "MAXSTORAGE"):
            if len(words) != 2:
                raise InputError(source, f"{keyword} statement needs one size", where)
            sized = Sized(parse_zvm_size(words[1], source, where, allow_zero=False), words[1],
                          number)
            if keyword == "STORAGE":
                entry.storage_statement = sized
            else:
                entry.maxstorage_statement = sized
        elif keyword == "INCLUDE":
            if len(words) < 2:
                raise InputError(source, "INCLUDE statement without a profile name", where)
            entry.includes.append((words[1].upper(), number))
        elif keyword == "COMMAND":
            define = parse_define(words[1:], number, source)
            if define is not None:
                entry.defines.append(define)
        elif keyword in _OPERAND_WORDS or SIZE_RE.match(words[0]):
            raise InputError(source, f"{statement!r} is not a directory statement; it looks like "
                                     f"the rest of a DEFINE STORAGE command, but directory "
                                     f"statements are not continued: write the whole command "
                                     f"on one COMMAND statement", where)
        # Every other statement (MDISK, NICDEF, IPL, CPU, OPTION, ...) says nothing about storage.


def resolve_entry(entry: Entry, profiles: dict[str, Entry], source: str) -> GuestStorage | None:
    """The storage a directory entry gives its guest; None for an entry that cannot log
    on (NOLOG without storage, e.g. $ALLOC$).  An INCLUDEd profile that is not in the
    input makes the result partial (its storage statements, if any, are unknown)."""
    where = f"line {entry.line}"
    included, missing = [], []
    for profile_name, line in entry.includes:
        profile = profiles.get(profile_name)
        if profile is None:
            missing.append((profile_name, line))
        else:
            included.append(profile)
    logon, logon_what = _pick(entry, included, "storage_statement", "STORAGE statement",
                              entry.logon, f"{entry.kind} statement logon storage")
    maximum, max_what = _pick(entry, included, "maxstorage_statement", "MAXSTORAGE statement",
                              entry.maximum, f"{entry.kind} statement maximum storage")
    if logon is None:
        if entry.password == "NOLOG":
            return None
        if missing:
            name, line = missing[0]
            raise InputError(source, f"{entry.kind} {entry.name} has no logon storage of its own "
                                     f"and INCLUDEs PROFILE {name}, which is not in the input: "
                                     f"give it with --profile FILE", f"line {line}")
        raise InputError(source, f"{entry.kind} {entry.name} has no logon storage (USER statement "
                                 f"operand or STORAGE statement)", where)
    defines = [d for p in included for d in p.defines] + entry.defines
    guest = GuestStorage(
        name=entry.name, online=logon.nbytes, online_from=at(logon, logon_what),
        standby=0, standby_from="no DEFINE STORAGE ... STANDBY in the entry: the guest logs on "
                                "without standby storage",
        reserved=0, reserved_from="no RESERVED storage defined",
        maximum=maximum.nbytes if maximum else None,
        maximum_from=at(maximum, max_what) if maximum else "no maximum storage in the entry",
        increment=None, increment_from="")
    for name, line in missing:
        guest.partial.append(f"INCLUDE {name} (line {line}): PROFILE {name} is not in the input, "
                             f"so any STORAGE, MAXSTORAGE or COMMAND DEFINE STORAGE statement in "
                             f"it is unknown (standby storage may be missing); give the profile "
                             f"with --profile FILE or import the whole directory")
    if len(defines) > 1:
        guest.warnings.append(f"{len(defines)} DEFINE STORAGE commands; the last one (line "
                              f"{defines[-1].line}) is what the guest ends up with")
    if defines:
        apply_define(guest, defines[-1], source)
    check_maximum(guest, source, defines[-1].line if defines else entry.line)
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
