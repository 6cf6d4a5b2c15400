"""Sizes: parsing ``"16G"``, ``"256MiB"``, ``268435456`` to bytes, and formatting bytes for people.

Binary units only (powers of 1024), as z/VM, lsmem and chmem use them.  One grammar for
configs, ``--set`` and importers: ASCII digits ``0-9`` (no ``_`` separators, no other
scripts' digits), at most one ASCII space before the unit, and the unit ``K M G T P E``
(either case), ``KiB … EiB`` or ``B``; a lowercase ``b`` (bits?) is refused.  Decimal units
(``GB``, ``MB`` ...) are refused rather than guessed: ``16GB`` could mean 16·10⁹ or 16·2³⁰.
A bare number in a string (``"4096"``) is refused too: chmem reads it as MiB, a JSON
writer may mean bytes.  Integers are bytes.  Everything is exact integer arithmetic.
"""

from __future__ import annotations

import re
import unicodedata

KiB = 1 << 10
MiB = 1 << 20
GiB = 1 << 30
TiB = 1 << 40
PiB = 1 << 50
EiB = 1 << 60

#: Sizes must fit the kernel's 64-bit ``phys_addr_t``/``u64`` arithmetic.
MAX_SIZE = (1 << 64) - 1

_UNIT_SHIFT = {"": 0, "B": 0, "K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60}
#: The one size grammar: ASCII digits, at most one ASCII space, a unit.  ``re.ASCII`` and
#: the explicit ``[0-9]``: Python's ``\d``, ``\s``, ``int()`` and ``str.isdigit()`` also take
#: Arabic-Indic or full-width digits and Unicode spaces, which a config must not hide.
_SIZE_RE = re.compile(r"^[ \t]*(?P<num>[0-9]+) ?(?P<unit>[A-Za-z]*)[ \t]*$", re.ASCII)
_DECIMAL_UNITS = {"KB", "MB", "GB", "TB", "PB", "EB"}

ACCEPTED = ("an integer number of bytes or a whole number with a binary unit: 4096M, 4G, 1T "
            "(K, M, G, T, P, E or KiB … EiB; B for bytes)")

#: Python refuses to convert longer digit strings (``sys.get_int_max_str_digits()``); any
#: number this long in an input is a mistake, said as "number too long" by every reader.
MAX_DIGITS = 4300


class SizeError(ValueError):
    """A size that cannot be read; the message says what is accepted."""


def parse_size(value: object) -> int:
    """Return ``value`` as a number of bytes.

    >>> parse_size("256M"), parse_size("4GiB"), parse_size(4096)
    (268435456, 4294967296, 4096)
    """
    if isinstance(value, bool):
        # YAML 1.1 turns `no`/`on`/`yes` into booleans: name the trap instead of reading 0/1.
        raise SizeError(f"expected a size, got the boolean {value!r} (YAML reads yes/no/on/off "
                        f"as booleans; quote it if you meant text); write {ACCEPTED}")
    if isinstance(value, int):
        return _check_range(value, repr(str(value)) if value.bit_length() < 256 else "the number")
    if isinstance(value, float):
        raise SizeError(f"expected a size, got the floating-point number {value!r}; "
                        f"write {ACCEPTED}")
    if not isinstance(value, str):
        raise SizeError(f"expected a size, got {type(value).__name__}; write {ACCEPTED}")
    return _parse_text(value)


def ascii_trouble(text: str) -> str | None:
    """What in ``text`` only looks like a plain ASCII number (a non-ASCII digit or space, an
    invisible character), or None.  Shared by sizes and kernel versions."""
    for char in text:
        if char.isascii():
            continue
        code = f"U+{ord(char):04X}"
        if char.isdigit() or char.isdecimal() or char.isnumeric():
            return f"the non-ASCII digit {char!r} ({code}), not one of 0-9"
        if char.isspace() or unicodedata.category(char) in ("Zs", "Cf"):
            return f"the non-ASCII space or invisible character {code}"
        return f"the non-ASCII character {char!r} ({code})"
    return None


def _parse_text(text: str) -> int:
    shown = repr(text if len(text) <= 40 else text[:37] + "...")
    trouble = ascii_trouble(text)
    if trouble is not None:
        raise SizeError(f"{shown} contains {trouble}; write in plain ASCII {ACCEPTED}")
    match = _SIZE_RE.match(text)
    if match is None and text.strip().startswith("-"):
        raise SizeError(f"{shown} is negative; sizes are zero or more bytes")
    if match is None:
        if "_" in text:
            raise SizeError(f"{shown} contains '_'; sizes are written without separators "
                            f"({text.replace('_', '').strip()!r}); write {ACCEPTED}")
        if re.match(r"^\s*[0-9]*[.,][0-9]", text):
            raise SizeError(f"{shown} is not a whole number; sizes are exact, write it in a "
                            f"smaller unit (1.5G is 1536M)")
        raise SizeError(f"{shown} is not a size; write {ACCEPTED}")
    digits = match["num"]
    if len(digits) > MAX_DIGITS:
        raise SizeError(f"number too long ({len(digits)} digits); sizes are at most 16 EiB")
    number = int(digits)
    unit = match["unit"]
    canonical = _canonical_unit(unit, shown, number)
    if canonical == "":
        raise SizeError(f"{shown} has no unit; write {number} as an integer for bytes or add a "
                        f"unit (K, M, G, T, P, E)")
    return _check_range(number << _UNIT_SHIFT[canonical], shown)


def _canonical_unit(unit: str, shown: str, number: int) -> str:
    """``K`` … ``E`` (either case), ``KiB`` … ``EiB`` (the ``iB`` as written), ``B``.

    A lowercase ``b`` is refused: ``4096b`` and ``4Gib`` read as bits (or as 512-byte
    blocks, ``dd``'s ``b``), so they cannot be taken for bytes.
    """
    upper = unit.upper()
    if upper in _DECIMAL_UNITS and not unit.endswith("iB"):
        letter = upper[0]
        raise SizeError(f"{shown} uses the decimal unit {unit!r}; memmapcalc counts in powers of "
                        f"1024 as z/VM and lsmem do: write {letter} or {letter}iB")
    if unit.endswith("b"):
        meant = f"{number}{unit[0].upper()}iB" if len(unit) == 3 else f"{number}B"
        raise SizeError(f"{shown} ends in a lowercase 'b', which reads as bits (or 512-byte "
                        f"blocks); for bytes write {meant}; accepted: {ACCEPTED}")
    if upper in {"K", "M", "G", "T", "P", "E"} or unit == "B":
        return upper
    if len(unit) == 3 and unit[1:] == "iB" and upper[0] in "KMGTPE":
        return upper[0]
    if unit == "":
        return ""
    raise SizeError(f"{shown} has the unknown unit {unit!r}; write {ACCEPTED}")


def _check_range(number: int, text: str) -> int:
    if number < 0:
        raise SizeError(f"{text} is negative; sizes are zero or more bytes")
    if number > MAX_SIZE:
        raise SizeError(f"{text} is larger than 16 EiB, beyond any 64-bit address space")
    return number


_FORMAT_UNITS = ((EiB, "E"), (PiB, "P"), (TiB, "T"), (GiB, "G"), (MiB, "M"), (KiB, "K"))


def format_size(nbytes: int) -> str:
    """Exact short form for configs and advice: the largest unit that divides evenly.

    >>> format_size(268435456), format_size(1536 * 1024 * 1024), format_size(100)
    ('256M', '1536M', '100')
    """
    if nbytes == 0:
        return "0"
    for factor, suffix in _FORMAT_UNITS:
        if nbytes % factor == 0:
            return f"{nbytes // factor}{suffix}"
    return str(nbytes)


def _shown(nbytes: int, rounding: str) -> str:
    """``nbytes`` in the largest binary unit it reaches, with at most two decimals:
    ``rounding`` is ``half-up`` (to the nearest hundredth), ``floor`` (towards minus
    infinity: never more than it is) or ``ceil`` (never less).  Exact integer arithmetic,
    so the text does not depend on float formatting or locale.  A value that rounds up to
    1024 of a unit is shown in the next one (1 GiB - 1 byte is ``1 GiB``, not ``1024 MiB``)."""
    for index, (factor, suffix) in enumerate(_FORMAT_UNITS):
        if abs(nbytes) < factor:
            continue
        hundredths = _divide(nbytes * 100, factor, rounding)
        if abs(hundredths) >= 1024 * 100 and index > 0:
            factor, suffix = _FORMAT_UNITS[index - 1]
            hundredths = _divide(nbytes * 100, factor, rounding)
        sign = "-" if hundredths < 0 else ""
        whole, frac = divmod(abs(hundredths), 100)
        text = f"{whole}" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")
        return f"{sign}{text} {suffix}iB"
    return f"{nbytes} B"


def _divide(numerator: int, denominator: int, rounding: str) -> int:
    if rounding == "floor":
        return numerator // denominator
    if rounding == "ceil":
        return -(-numerator // denominator)
    # half-up, symmetric: -2.5 hundredths is -3, as 2.5 is 3
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return -magnitude if numerator < 0 else magnitude


def human_size(nbytes: int) -> str:
    """Readable size for reports: binary units, at most two decimals, rounded half-up to
    what is shown, sign kept (``-1.25 GiB``).  4032 MiB is ``3.94 GiB``.

    Display only.  Limits use :func:`human_size_at_least` (a lower limit, rounded up) and
    :func:`human_size_at_most` (an upper limit or what is left, rounded down), so that the
    size shown is always on the right side of the limit.
    """
    return _shown(nbytes, "half-up")


def human_size_at_most(nbytes: int) -> str:
    """:func:`human_size` rounded towards minus infinity, for upper limits (max standby)
    and what is left (a margin): the size shown is never more than it is, so it never
    names a size that fails.  4 GiB - 1 MiB is ``3.99 GiB``; a margin of -412.001 MiB is
    ``-412.01 MiB`` (short by at least that)."""
    return _shown(nbytes, "floor")


def human_size_at_least(nbytes: int) -> str:
    """:func:`human_size` rounded up, for lower limits (min online) and shortfalls: the
    size shown is never below the limit, so it never names a size that fails.
    8199 MiB is ``8.01 GiB`` (rounded down it would be ``8 GiB``, which fails)."""
    return _shown(nbytes, "ceil")


def percent(value: int, whole: int, rounding: str = "half-up") -> str:
    """``value`` as a share of ``whole`` with one decimal: ``0.4 %`` for 0.39 %.
    ``rounding`` as for sizes (``floor`` for a margin: never more than is left)."""
    tenths = _divide(value * 1000, whole, rounding) if whole else 0
    sign = "-" if tenths < 0 else ""
    whole_part, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole_part}.{frac} %"
