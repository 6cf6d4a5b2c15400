"""lsmem's sizes: its rounded human text (``4.8G``) and its exact numbers.

Human sizes are ``size_to_human_string()`` of util-linux ``lib/strutils.c``; bytes (``-b``)
and block or range numbers are plain 64-bit decimals.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from memmapcalc.errors import InputError

HUMAN_RE = re.compile(r"^([0-9]+)(?:[.,]([0-9]{1,2}))?([BKMGTPE])$", re.ASCII)
_DECIMAL_RE = re.compile(r"[0-9]+", re.ASCII)
#: lsmem prints 64-bit numbers: at most 20 decimal digits.
MAX_NUMBER_DIGITS = 20
_UINT64_MAX = (1 << 64) - 1


def human_size(nbytes: int) -> str:
    """``size_to_human_string(SIZE_SUFFIX_1LETTER, n)`` of util-linux ``lib/strutils.c``.

    One decimal at most, rounded half up ("round 4/5"), trailing zero dropped, C-locale
    decimal point: 4.75 GiB → ``4.8G``, 1.25 GiB → ``1.3G``, 0 → ``0B``.
    """
    exp = _get_exp(nbytes)
    letter = "BKMGTPE"[exp // 10] if exp else "B"
    whole = nbytes >> exp if exp else nbytes
    frac = nbytes % (1 << exp) if exp else 0
    if frac:
        # Three digits after the point, then keep one, rounding 4/5 (as in strutils.c).
        if frac >= _UINT64_MAX // 1000:
            frac = ((frac // 1024) * 1000) // (1 << (exp - 10))
        else:
            frac = (frac * 1000) // (1 << exp)
        frac = ((frac + 50) // 100) * 10
        if frac == 100:  # rounding overflowed into the next whole number
            whole, frac = whole + 1, 0
    if frac:
        text = f"{whole}.{frac:02d}"
        return (text[:-1] if text.endswith("0") else text) + letter
    return f"{whole}{letter}"


def _get_exp(nbytes: int) -> int:
    shift = 10
    while shift <= 60 and nbytes >= (1 << shift):
        shift += 10
    return shift - 10


def blocks_printed_as(text: str, block_size: int) -> range:
    """Every whole number of blocks whose size lsmem prints as ``text``, as a ``range``.

    Rounded text is exact when this range has one element: with 256 MiB blocks only
    19 blocks (4.75 GiB) print as ``4.8G``.  A decimal comma (other locales) is read as
    a point.  The work does not grow with the number of blocks (``3E`` of 128 MiB blocks
    is 2.5·10¹⁰ of them): :func:`_printed_key` grows with the block count, so the counts
    that print as ``text`` are one interval, found by two binary searches.
    """
    match = HUMAN_RE.match(text.strip())
    if match is None or block_size <= 0 or len(match[1]) > 20:
        return range(0)
    wanted = text.strip().replace(",", ".")
    target = _text_key(wanted)
    # The printed value is within one unit of the text's value: search that wide.
    exp = 10 * "BKMGTPE".index(wanted[-1])
    high = (target[0] // 100 + (2 << exp)) // block_size + 1
    first = _first_count(lambda k: _printed_key(k * block_size) >= target, high)
    end = _first_count(lambda k: _printed_key(k * block_size) > target, high)
    found = range(first, end)
    if found and human_size(found[0] * block_size) != wanted:
        return range(0)
    return found


def _text_key(text: str) -> tuple[int, int]:
    """``(value * 100 in bytes, exponent)`` of a size as lsmem prints it (``4.8G``).

    Ordered as the sizes behind them: the printed value never decreases as the size
    grows, and where two texts print one value (``1024M`` and ``1G``), the larger
    exponent belongs to the larger sizes.
    """
    letter = text[-1]
    whole, _, decimals = text[:-1].partition(".")
    exp = 10 * "BKMGTPE".index(letter)
    hundredths = int(whole) * 100 + int(decimals.ljust(2, "0")[:2] or "0")
    return hundredths << exp, exp


def _printed_key(nbytes: int) -> tuple[int, int]:
    return _text_key(human_size(nbytes))


def _first_count(predicate: Callable[[int], bool], high: int) -> int:
    """The least ``k`` in ``0..high`` with ``predicate(k)`` (monotone), or ``high + 1``."""
    low, top = 0, high + 1
    while low < top:
        middle = (low + top) // 2
        if predicate(middle):
            top = middle
        else:
            low = middle + 1
    return low



def is_decimal(text: str) -> bool:
    return _DECIMAL_RE.fullmatch(text) is not None


def decimal(text: str, source: str, where: str) -> int:
    """An ASCII decimal number lsmem printed; longer than any 64-bit number is an error."""
    if len(text) > MAX_NUMBER_DIGITS:
        raise InputError(source, f"number too long ({len(text)} digits); lsmem prints 64-bit "
                                 f"numbers (at most {MAX_NUMBER_DIGITS} digits): edited "
                                 f"output?", where)
    return int(text)


def exact_size(text: str, source: str, where: str, what: str) -> int:
    """A size that must be exact: bytes, or human text without decimals (powers of two)."""
    if is_decimal(text):
        return decimal(text, source, where)
    match = HUMAN_RE.match(text)
    if match is None:
        raise InputError(source, f"{what} {text!r} is not an lsmem size", where)
    if match[2]:
        raise InputError(source, f"{what} {text!r} is rounded; run lsmem with -b", where)
    return decimal(match[1], source, where) << (10 * "BKMGTPE".index(match[3]))
