"""``COMMAND [CP] DEFINE STORAGE ...`` in a z/VM directory entry: parse it and apply it.

DEFINE STORAGE syntax of z/VM 7.1 and 7.3 (CP Commands and Utilities Reference):
``DEFine STorage {AS size | size | INItial | MAXimum} [STANDBY size | STANDBY REMainder]
[RESERVED size] [INCrement size] [CONFIGuration ...]``.  Pure: words in, values out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from memmapcalc.errors import InputError
from memmapcalc.importers.zvm_storage import SIZE_RE, GuestStorage, Sized, parse_zvm_size
from memmapcalc.units import format_size


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


def abbrev(word: str, full: str, minimum: int) -> bool:
    """CP abbreviations: ``DEFine`` accepts DEF, DEFI, DEFIN, DEFINE."""
    word = word.upper()
    return minimum <= len(word) <= len(full) and full.startswith(word)


def parse_define(words: Sequence[str], number: int, source: str) -> DefineStorage | None:
    """A COMMAND statement's command, if it is DEFINE STORAGE (else None)."""
    tokens = list(words)
    if tokens and tokens[0].upper() == "CP":
        tokens = tokens[1:]
    if len(tokens) < 2 or not (abbrev(tokens[0], "DEFINE", 3)
                               and abbrev(tokens[1], "STORAGE", 2)):
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
    elif abbrev(first, "INITIAL", 3):
        fields["mode"] = "initial"
    elif abbrev(first, "MAXIMUM", 3):
        fields["mode"] = "maximum"
    elif SIZE_RE.match(first):
        position = 0
        fields["mode"], fields["size"] = "as", take_size("AS", allow_zero=False)
    else:
        raise InputError(source, f"DEFINE STORAGE {first!r}: expected AS size, a size, INITIAL "
                                 f"or MAXIMUM", where)
    while position < len(rest):
        operand = rest[position].upper()
        position += 1
        if operand == "STANDBY":
            if position < len(rest) and abbrev(rest[position], "REMAINDER", 3):
                position += 1
                fields["standby_remainder"] = True
            else:
                fields["standby"] = take_size("STANDBY", allow_zero=True)
        elif operand == "RESERVED":
            fields["reserved"] = take_size("RESERVED", allow_zero=True)
        elif abbrev(operand, "INCREMENT", 3):
            fields["increment"] = take_size("INCREMENT", allow_zero=False)
        elif abbrev(operand, "CONFIGURATION", 6):
            raise InputError(source, "DEFINE STORAGE CONFIGURATION (storage extents with gaps) "
                                     "is not modelled by memmapcalc; describe the guest with AS, "
                                     "STANDBY and RESERVED, or import its QUERY VIRTUAL STORAGE "
                                     "response", where)
        else:
            raise InputError(source, f"DEFINE STORAGE operand {rest[position - 1]!r} is not AS, "
                                     f"STANDBY, RESERVED, INCREMENT or CONFIGURATION", where)
    return DefineStorage(number, " ".join(words), **fields)  # type: ignore[arg-type]


def apply_define(guest: GuestStorage, define: DefineStorage, source: str) -> None:
    """What the guest has after CP ran ``define`` at logon."""
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
                              f" - online - reserved")
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


def check_maximum(guest: GuestStorage, source: str, line: int) -> None:
    """CP refuses a DEFINE STORAGE whose online + standby + reserved exceed the maximum."""
    if guest.maximum is None:
        return
    total = guest.online + guest.standby + guest.reserved
    if total > guest.maximum:
        raise InputError(source, f"{guest.name}: online {format_size(guest.online)} + standby "
                                 f"{format_size(guest.standby)} + reserved "
                                 f"{format_size(guest.reserved)} exceed the maximum storage "
                                 f"{format_size(guest.maximum)}; CP would refuse this DEFINE "
                                 f"STORAGE", f"line {line}")
