"""z/VM storage sizes, and what a guest gets at logon: shared by the directory and QUERY readers.

Sizes (z/VM CP Commands, DEFINE STORAGE, and the USER directory statement): ``nu``, n = 1-7
decimal digits, u = K, M, G, T, P or E (binary units); K is rounded up to whole MB (at most
2096128K); P at most 16384, E at most 16.  Pure: text in, values out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from memmapcalc.errors import InputError
from memmapcalc.units import MiB

SIZE_RE = re.compile(r"^(\d{1,7})([KMGTPE])$", re.IGNORECASE)
_SHIFT = {"K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60}
_MAX_N = {"K": 2096128, "M": 9999999, "G": 9999999, "T": 9999999, "P": 16384, "E": 16}


def parse_zvm_size(text: str, source: str, where: str, *, allow_zero: bool = True) -> int:
    """A z/VM size (``512M``, ``2T``, ``0``) in bytes; K is rounded up to whole MB."""
    token = text.strip()
    if token == "0" and allow_zero:
        return 0
    match = SIZE_RE.match(token)
    if match is None:
        shown = token if len(token) <= 24 else token[:20] + "..."
        raise InputError(source, f"{shown!r} is not a z/VM size: 1 to 7 digits and a unit K, M, "
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


def at(sized: Sized, what: str) -> str:
    """``what 4G (line 3)``: a value and where it was read, for provenance."""
    return f"{what} {sized.text} (line {sized.line})"
