"""``crashkernel=`` as the kernel reads it: kernel/crash_reserve.c (6.9 on; kernel/crash_core.c
before, the same parser) ``get_last_crashkernel()``, ``parse_crashkernel_simple()`` and
``parse_crashkernel_mem()``, then what arch/s390/kernel/setup.c ``reserve_crashkernel()``
does with the result.  Pure: text and sizes in, a size and the reason out.

The rules, each from that source:

* the kernel searches the whole command line with ``strstr("crashkernel=")`` (not the
  argument parser: quotes and ``--`` do not hide it) and takes the **last** one whose
  argument does not end in a known suffix (``,high``, ``,low``, ``,cma`` are skipped);
* its text up to the next blank is the range syntax ``start-[end]:size[,…][@offset]`` when a
  ``:`` comes before the first blank, else ``size[@offset]``;
* ranges: the system RAM is first rounded up to 128 MiB; ``start`` is inclusive, ``end``
  exclusive, no ``end`` = no limit; the first matching range wins; none = nothing reserved;
  a size not below the (rounded) RAM, ``end <= start`` or a missing ``-``/``:``/number is
  -EINVAL: nothing reserved;
* ``parse_crashkernel()`` also fails when the size is 0 or not below the RAM;
* s390 passes ``ident_map_size`` (the storage address range, standby included, capped by
  ``mem=``) as the RAM and no ``high``/``low_size``: ``crashkernel=X,high`` is never read.
"""

from __future__ import annotations

from dataclasses import dataclass

from memmapcalc.kernel.cmdline_text import memparse

NAME = "crashkernel="
SUFFIXES = (",high", ",low", ",cma")
#: kernel/crash_reserve.c parse_crashkernel_mem(): total_mem = roundup(total_mem, SZ_128M)
RAM_ROUNDING = 128 << 20
#: RHEL 8 kernel/crash_core.c: ``crashkernel=auto`` on x86_64 and s390 (removed in RHEL 9)
RHEL8_AUTO = "1G-4G:192M,4G-64G:256M,64G-:512M"


class CrashkernelSyntax(ValueError):
    """A ``crashkernel=`` value the kernel rejects (its pr_warn text)."""


@dataclass(frozen=True, slots=True)
class Range:
    start: int
    end: int | None  # None: no upper bound (ULLONG_MAX)
    size: int
    text: str


@dataclass(frozen=True, slots=True)
class CrashSpec:
    """A parsed ``crashkernel=`` value: a plain size, or ranges to resolve against RAM."""

    text: str
    size: int | None = None  # the simple form
    ranges: tuple[Range, ...] = ()
    offset: int | None = None


@dataclass(frozen=True, slots=True)
class Reservation:
    """What the kernel reserves (bytes, before KEXEC_CRASH_MEM_ALIGN) and why."""

    size: int
    reason: str


def last_crashkernel(cmdline: str) -> str | None:
    """``get_last_crashkernel(cmdline, "crashkernel=", NULL)``: the value text (up to the next
    blank) of the last ``crashkernel=`` that does not end in ``,high``/``,low``/``,cma``."""
    found = None
    at = cmdline.find(NAME)
    while at >= 0:
        blank = cmdline.find(" ", at)
        end = len(cmdline) if blank < 0 else blank
        word = cmdline[at:end]
        if not any(word.endswith(suffix) for suffix in SUFFIXES):
            found = cmdline[at + len(NAME):end]
        at = cmdline.find(NAME, at + 1)
    return found


def suffixed_crashkernel(cmdline: str) -> str | None:
    """The last ``crashkernel=…,high|low|cma`` argument, which s390 never reads (for a note)."""
    found = None
    for word in cmdline.split(" "):
        at = word.find(NAME)
        if at >= 0 and any(word.endswith(suffix) for suffix in SUFFIXES):
            found = word[at:]
    return found


def parse(value: str) -> CrashSpec:
    """The value after ``crashkernel=`` (up to the first blank), or :class:`CrashkernelSyntax`
    with the kernel's warning."""
    text = value.split(" ", 1)[0]
    if ":" in text:
        return _parse_ranges(text)
    size, rest = memparse(text)
    if rest == text:
        raise CrashkernelSyntax("crashkernel: memory value expected")
    offset = None
    if rest.startswith("@"):
        offset, rest = memparse(rest[1:])
    elif rest:
        raise CrashkernelSyntax(f"crashkernel: unrecognized char: {rest[0]}")
    return CrashSpec(text, size=size, offset=offset)


def _number(text: str, what: str = "Memory value expected") -> tuple[int, str]:
    value, rest = memparse(text)
    if rest == text:
        raise CrashkernelSyntax(f"crashkernel: {what}")
    return value, rest


def _parse_ranges(text: str) -> CrashSpec:
    """Every range checked as ``parse_crashkernel_mem()`` checks the ones it reads, strictly
    (a config key is refused for a malformed range anywhere; the kernel, and :func:`reserve`,
    stop reading at the matching one)."""
    ranges: list[Range] = []
    cur = text
    while True:
        begin = cur
        start, end, size, cur = _range_entry(cur)
        ranges.append(Range(start, end, size, begin[:len(begin) - len(cur)]))
        if not cur.startswith(","):
            break
        cur = cur[1:]
    offset = None
    if cur.startswith("@"):
        offset, cur = _number(cur[1:], "Memory value expected after '@'")
    if cur:
        raise CrashkernelSyntax(f"crashkernel: unrecognized char: {cur[0]}")
    return CrashSpec(text, ranges=tuple(ranges), offset=offset)


def _range_entry(cur: str) -> tuple[int, int | None, int, str]:
    """One ``start-[end]:size`` of ``parse_crashkernel_mem()`` (kernel/crash_reserve.c, 6.12;
    kernel/crash_core.c before), with its checks and messages: (start, end, size, the rest)."""
    start, cur = _number(cur)
    if not cur.startswith("-"):
        raise CrashkernelSyntax("crashkernel: '-' expected")
    cur = cur[1:]
    end = None
    if not cur.startswith(":"):
        end, cur = _number(cur)
        if end <= start:
            raise CrashkernelSyntax("crashkernel: end <= start")
    if not cur.startswith(":"):
        raise CrashkernelSyntax("crashkernel: ':' expected")
    size, cur = _number(cur[1:])
    return start, end, size, cur


def _mib(value: int) -> str:
    from memmapcalc.units import format_size

    return format_size(value)


def reserve(text: str, system_ram: int, ram_name: str) -> Reservation:
    """What ``parse_crashkernel(cmdline, system_ram, …)`` makes of the value ``text`` (after
    ``crashkernel=``): the size to reserve (0 = none) and why, in the kernel's terms.  Walks
    the ranges as ``parse_crashkernel_mem()`` does, so an entry after the matching one is
    never looked at.  ``ram_name``: what the architecture passes (s390 ``ident_map_size``)."""
    text = text.split(" ", 1)[0]
    where = f"crashkernel={text}"
    try:
        size = _simple(text) if ":" not in text else _matching(text, system_ram, ram_name)
    except CrashkernelSyntax as error:
        return Reservation(0, f"{where}: \"{error}\" (-EINVAL), nothing is reserved")
    if isinstance(size, Reservation):
        return size
    if size == 0:
        return Reservation(0, f"{where}: size 0, nothing is reserved")
    if size >= system_ram:
        return Reservation(0, f"{where}: {_mib(size)} is not less than {ram_name} "
                              f"{_mib(system_ram)}, parse_crashkernel() fails and nothing is "
                              f"reserved")
    if ":" in text:
        total = -(-system_ram // RAM_ROUNDING) * RAM_ROUNDING
        return Reservation(size, f"{where}: {ram_name} {_mib(system_ram)} (rounded up to "
                                 f"128 MiB: {_mib(total)}) picks {_mib(size)}")
    return Reservation(size, where)


def _simple(text: str) -> int:
    """``parse_crashkernel_simple()``: ``size[@offset]``."""
    return parse(text).size or 0


def _matching(text: str, system_ram: int, ram_name: str) -> int | Reservation:
    """``parse_crashkernel_mem()``: the size of the first range holding the rounded RAM."""
    total = -(-system_ram // RAM_ROUNDING) * RAM_ROUNDING
    cur = text
    while True:
        start, end, size, cur = _range_entry(cur)
        if size >= total:
            raise CrashkernelSyntax("crashkernel: invalid size")
        if total >= start and (end is None or total < end):
            rest = cur.split("@", 1)
            if len(rest) == 2 and " " not in rest[0]:
                _number(rest[1], "Memory value expected after '@'")
            return size
        if not cur.startswith(","):
            return Reservation(0, f"crashkernel={text}: no range holds {ram_name} "
                                  f"{_mib(system_ram)} (rounded up to 128 MiB: "
                                  f"{_mib(total)}): \"crashkernel size resulted in zero "
                                  f"bytes\", nothing is reserved")
        cur = cur[1:]
