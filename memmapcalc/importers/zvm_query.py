"""CP ``QUERY VIRTUAL STORAGE`` and ``QUERY VIRTUAL ALL`` output (``vmcp q v stor``, ``q v all``).

* QUERY VIRTUAL STORAGE responds with one line:
  ``STORAGE = 8320M MAX = 2T INC = 16M STANDBY = 3968M RESERVED = 0`` (z/VM 7.x; older
  releases print only ``STORAGE = 4G``), optionally preceded by the user ID when collected
  from many guests (``LNX01: STORAGE = ...``).
* QUERY VIRTUAL ALL prints that same storage line, then one or more lines per virtual
  resource: ``XSTORE = none``, ``CPU 00  ID  FF0C452E20978000 (BASE) CP   CPUAFF ON``,
  ``DASD 0100 3390 LX0100 R/W  10016 CYL ON DASD  C2C6 SUBCHANNEL = 0000``, continuation
  lines that start with the device number, ...  Only the storage line describes memory;
  the others are recognised (first word a CP resource or a device number) and skipped,
  and a line that is neither ends the response.
* CP responses are console lines, not directory records: the 71-column rule does not
  apply to them (a response with STANDBY and RESERVED is longer than 71 characters).

Pure: lines in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from memmapcalc.errors import InputError
from memmapcalc.importers.zvm_storage import GuestStorage, Sized, parse_zvm_size

_QUERY_KEYS = ("STORAGE", "MAX", "INC", "STANDBY", "RESERVED")
_QUERY_PAIR = re.compile(r"([A-Z]+)\s*=\s*(\S+)", re.IGNORECASE)
_QUERY_START = re.compile(r"^\s*(?:(?P<name>[^\s=:]+):?\s+)?STORAGE\s*=", re.IGNORECASE)
#: First words of the other lines of QUERY VIRTUAL ALL: CPU and XSTORE, the device types
#: xCAT's z/VM plugin reads from `vmcp q v all` ("All device type names in VM":
#: CONS|CTCA|DASD|FCP|GRAF|LINE|MSGD|OSA|PRT|PUN|RDR|SWCH|TAPE, xCAT zvmUtils.pm), and
#: the CRYPTO and PCIF resources that QUERY VIRTUAL also reports.
_OTHER_WORDS = frozenset({"XSTORE", "CPU", "CONS", "CTCA", "DASD", "FCP", "GRAF", "LINE",
                          "MSGD", "OSA", "PRT", "PUN", "RDR", "SWCH", "TAPE", "CRYPTO", "PCIF"})
_DEVICE_NUMBER = re.compile(r"^[0-9A-F]{4}$", re.IGNORECASE)
_XSTORE = re.compile(r"^XSTORE\s*=\s*(\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class QueryResponse:
    """One ``QUERY VIRTUAL STORAGE`` response (or the storage line of QUERY VIRTUAL ALL)."""

    line: int
    name: str | None
    values: dict[str, Sized]
    #: Lines of QUERY VIRTUAL ALL output after it that were skipped, and notes about them.
    skipped: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def is_query_start(text: str) -> bool:
    return _QUERY_START.match(text) is not None


def read_query(lines: Sequence[tuple[int, str]], index: int, source: str
               ) -> tuple[QueryResponse, int]:
    """The response starting at ``lines[index]`` (a storage line), with any wrapped
    continuation and the rest of QUERY VIRTUAL ALL output; return it and the next index."""
    number, first = lines[index]
    joined, index = _join(lines, index + 1, first)
    skipped, notes = 0, []
    while index < len(lines):
        text = lines[index][1]
        words = text.split()
        if is_query_start(text) or not (words[0].upper() in _OTHER_WORDS
                                        or _DEVICE_NUMBER.match(words[0])):
            break
        xstore = _XSTORE.match(text)
        if xstore and xstore[1].lower() not in ("none", "0"):
            notes.append(f"XSTORE = {xstore[1]} (line {lines[index][0]}): expanded storage is "
                         f"not main memory and is not counted")
        skipped += 1
        index += 1
    response = _parse(joined, number, source)
    return QueryResponse(response.line, response.name, response.values, skipped,
                         tuple(notes)), index


def _join(lines: Sequence[tuple[int, str]], index: int, first: str) -> tuple[str, int]:
    """Join a response wrapped onto following lines that hold only ``KEY = value`` pairs
    of the storage response (``XSTORE = none`` is the next line of QUERY VIRTUAL ALL)."""
    joined = first
    while index < len(lines):
        text = lines[index][1]
        if is_query_start(text) or _QUERY_PAIR.sub("", text).strip():
            break
        keys = [key.upper() for key, _ in _QUERY_PAIR.findall(text)]
        if not keys or not all(key in _QUERY_KEYS for key in keys):
            break
        joined += " " + text
        index += 1
    return joined, index


def _parse(text: str, number: int, source: str) -> QueryResponse:
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
    if query.skipped:
        guest.notes.append(f"{query.skipped} further line(s) of QUERY VIRTUAL ALL output after "
                           f"line {query.line} (processors, devices) say nothing about storage "
                           f"and were skipped")
    guest.notes.extend(query.notes)
    return guest
