"""The kernel's own readers of command-line text, reproduced exactly: ``next_arg()``
(lib/cmdline.c),
the ``--`` stop of ``parse_args()`` (kernel/params.c), ``parameq()`` (dashes = underscores),
``memparse()`` (lib/cmdline.c on ``simple_strtoull(…, 0)``), ``kstrtobool()`` (lib/kstrtox.c) and
``sysfs_streq()`` (lib/string.c).  Pure functions on text; :mod:`memmapcalc.kernel.cmdline`
uses them to read the parameters that change the budget.
"""

from __future__ import annotations

from dataclasses import dataclass

#: lib/ctype.c ``_S``: the ASCII blanks isspace() is true for (0xa0 too, which a UTF-8 text
#: never holds as a character of its own: it is not a kernel argument separator here).
_SPACE = frozenset(" \t\n\v\f\r")
_U64 = (1 << 64) - 1


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument as ``next_arg()`` returns it: ``value`` None when there is no ``=``."""

    param: str
    value: str | None

    @property
    def text(self) -> str:
        """The argument as an admin would write it (for messages)."""
        return self.param if self.value is None else f"{self.param}={self.value}"


def next_arg(args: str) -> tuple[Arg, str]:
    """lib/cmdline.c ``next_arg()``: the first argument of ``args`` (no leading blanks) and the
    rest with leading blanks skipped.  Double quotes group blanks; a leading quote of the
    argument and a leading quote of its value are dropped with the argument's last character
    when that is a quote; quotes cannot be escaped."""
    quoted = in_quote = args.startswith('"')
    if quoted:
        args = args[1:]
    i, equals = 0, 0
    while i < len(args):
        char = args[i]
        if char in _SPACE and not in_quote:
            break
        if equals == 0 and char == "=":
            equals = i  # an '=' at index 0 leaves equals 0, as in C
        if char == '"':
            in_quote = not in_quote
        i += 1
    word = list(args[:i])
    cut = len(word)  # where the C code writes its '\0' (the first one wins)
    value_start = None
    if equals:
        value_start = equals + 1
        if value_start < len(word) and word[value_start] == '"':
            value_start += 1
            if i > 0 and word[i - 1] == '"':
                cut = min(cut, i - 1)
    if quoted and i > 0 and word[i - 1] == '"':
        cut = min(cut, i - 1)
    text = "".join(word)
    if value_start is None:
        arg = Arg(text[:cut], None)
    else:
        arg = Arg(text[:min(equals, cut)], text[value_start:cut] if value_start <= cut else "")
    rest = args[i + 1:] if i < len(args) else ""
    return arg, rest.lstrip("".join(_SPACE))


def all_args(cmdline: str) -> list[Arg]:
    """Every argument of ``cmdline`` in order, ``--`` and what follows it included (the s390
    decompressor's ``parse_boot_command_line()`` loop does not stop at ``--``)."""
    rest = cmdline.lstrip("".join(_SPACE))
    out: list[Arg] = []
    while rest:
        arg, rest = next_arg(rest)
        out.append(arg)
    return out


def kernel_args(cmdline: str) -> list[Arg]:
    """The arguments ``parse_args()`` hands the kernel: up to a bare ``--`` (kernel/params.c
    "Stop at --"; what follows goes to init)."""
    out: list[Arg] = []
    for arg in all_args(cmdline):
        if arg.value is None and arg.param == "--":
            break
        out.append(arg)
    return out


def parameq(a: str, b: str) -> bool:
    """kernel/params.c ``parameq()``: equal names, ``-`` and ``_`` alike (``dash2underscore``)."""
    return a.replace("-", "_") == b.replace("-", "_")


def simple_strtoull(text: str) -> tuple[int, str]:
    """lib/vsprintf.c ``simple_strtoull(cp, &end, 0)``: 0x… hex (with a hex digit after it),
    a leading 0 octal, else decimal; no sign, no blanks; wraps modulo 2**64 like the C
    unsigned long long.  Returns (value, the rest of the text)."""
    base = 10
    start = 0
    if text.startswith("0"):
        if text[1:2].lower() == "x" and text[2:3] and text[2].lower() in "0123456789abcdef":
            base, start = 16, 2
        else:
            base = 8
    digits = "0123456789abcdef"[:base]
    end = start
    value = 0
    while end < len(text) and text[end].lower() in digits:
        value = (value * base + digits.index(text[end].lower())) & _U64
        end += 1
    return value, text[end:]


_SHIFT = {"k": 10, "m": 20, "g": 30, "t": 40, "p": 50, "e": 60}


def memparse(text: str) -> tuple[int, str]:
    """lib/cmdline.c ``memparse()``: a number and one optional K/M/G/T/P/E (any case) suffix.
    Returns (bytes, the rest); nothing parsed gives (0, text), as the C pointer stays put."""
    value, rest = simple_strtoull(text)
    shift = _SHIFT.get(rest[:1].lower()) if rest else None
    if shift is not None:
        value, rest = (value << shift) & _U64, rest[1:]
    return value, rest


def kstrtobool(text: str | None, true_false: bool) -> bool | None:
    """lib/kstrtox.c ``kstrtobool()``: only the first character counts (two for ``on``/
    ``off``); None where the kernel returns -EINVAL.  ``true_false``: the kernel also takes
    t/T/f/F ("lib/kstrtox.c: Add "false"/"true" support to kstrtobool()", v3 posted July 2022,
    so the 6.0 merge window — inferred, not pinned to a tag; RHEL 9.3 on, read in its source);
    older kernels have only y/Y/1, n/N/0 and o[nNfF] (RHEL 8.10, 9.0-9.2 source)."""
    if not text:
        return None
    first = text[0]
    if first in "yY1" or (true_false and first in "tT"):
        return True
    if first in "nN0" or (true_false and first in "fF"):
        return False
    if first in "oO" and len(text) > 1:
        return True if text[1] in "nN" else False if text[1] in "fF" else None
    return None


def sysfs_streq(a: str, b: str) -> bool:
    """lib/string.c ``sysfs_streq()``: equal, one trailing newline on either side ignored."""
    return a.removesuffix("\n") == b.removesuffix("\n")


@dataclass(frozen=True, slots=True)
class Span:
    """One argument of a command line and where its text is: ``cmdline[start:end]``."""

    start: int
    end: int
    arg: Arg


def spans(cmdline: str) -> list[Span]:
    """Every argument of ``cmdline`` with its place in the text, as :func:`all_args` splits it
    (the end is where ``next_arg()`` stops: the first blank outside quotes, or the end)."""
    out: list[Span] = []
    pos = 0
    while True:
        while pos < len(cmdline) and cmdline[pos] in _SPACE:
            pos += 1
        if pos >= len(cmdline):
            return out
        arg, rest = next_arg(cmdline[pos:])
        end, in_quote = pos, False
        while end < len(cmdline) and (in_quote or cmdline[end] not in _SPACE):
            in_quote ^= cmdline[end] == '"'
            end += 1
        out.append(Span(pos, end, arg))
        pos = len(cmdline) - len(rest)


def quoted(param: str, value: str) -> str:
    """``param=value`` as written on a command line: a value with a blank is double-quoted
    (``next_arg()`` drops the quotes again); a value cannot hold a double quote."""
    if '"' in value:
        raise ValueError(f"a kernel parameter value cannot hold a double quote: {value!r}")
    return f'{param}="{value}"' if any(char in _SPACE for char in value) else f"{param}={value}"


def replace_arg(cmdline: str, span: Span | None, text: str | None) -> str:
    """``cmdline`` with the argument at ``span`` replaced by ``text`` (``None``: removed with
    the blank before it), or with ``text`` added after the last argument the kernel reads
    (before a bare ``--``, after which arguments go to init) when ``span`` is ``None``.
    Every other byte of the line stays as it was."""
    if span is not None:
        if text is not None:
            return cmdline[:span.start] + text + cmdline[span.end:]
        start = span.start
        while start > 0 and cmdline[start - 1] in _SPACE:
            start -= 1
        end = span.end if start else len(cmdline) - len(cmdline[span.end:].lstrip(
            "".join(_SPACE)))
        return cmdline[:start] + cmdline[end:]
    if text is None:
        return cmdline
    stop = next((s for s in spans(cmdline) if s.arg.value is None and s.arg.param == "--"), None)
    if stop is not None:
        return cmdline[:stop.start] + text + " " + cmdline[stop.start:]
    every = spans(cmdline)
    if every and every[-1].end == len(cmdline) and cmdline[every[-1].start:].count('"') % 2:
        # a quote left open swallows the rest of the line: add before that argument
        return cmdline[:every[-1].start] + text + " " + cmdline[every[-1].start:]
    body = cmdline.rstrip("".join(_SPACE))
    return body + (" " if body else "") + text + cmdline[len(body):]
