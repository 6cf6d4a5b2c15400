"""Sizes: binary units only, exact, and clear refusals."""

from __future__ import annotations

import pytest

from memmapcalc.units import (
    GiB,
    MiB,
    SizeError,
    format_size,
    human_size,
    human_size_at_most,
    parse_size,
    percent,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("256M", 256 * MiB), ("256MiB", 256 * MiB), ("4G", 4 * GiB), ("4 GiB", 4 * GiB),
    ("1T", 1 << 40), ("2P", 2 << 50), ("1E", 1 << 60), ("8K", 8192), ("8k", 8192),
    ("4096B", 4096), (4096, 4096), (0, 0), (" 4G ", 4 * GiB), ("4kiB", 4096),
])
def test_parses_binary_sizes(text: object, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(("value", "fragment"), [
    ("16GB", "decimal unit 'GB'"), ("16gb", "decimal unit"), ("1.5G", "not a whole number"),
    ("4096", "has no unit"), ("-1G", "negative"), (-1, "negative"),
    ("99999999E", "larger than 16 EiB"), (1 << 64, "larger than 16 EiB"),
    (True, "boolean"), (1.0, "floating-point"), (float("nan"), "floating-point"),
    ("4X", "unknown unit"), ("", "not a size"), ([1], "expected a size"),
    # One grammar, ASCII only: no separators (the README never documented '_'), no bits,
    # no Unicode spaces or digits that int() and str.isdigit() would quietly accept.
    ("1_024M", "contains '_'"), ("4__G", "contains '_'"), ("1_0G", "'10G'"),
    ("4096b", "lowercase 'b'"), ("4Gib", "write 4GiB"), ("4\u00a0G", "U\\+00A0"),
    ("4\u2009G", "U\\+2009"), ("4G\u200b", "U\\+200B"), ("\u0664G", "non-ASCII digit"),
    ("\uff14G", "U\\+FF14"), ("4  G", "not a size"), ("9" * 5000 + "G", "number too long"),
])
def test_refuses_with_reason(value: object, fragment: str) -> None:
    with pytest.raises(SizeError, match=fragment):
        parse_size(value)


def test_format_size_is_exact() -> None:
    assert format_size(256 * MiB) == "256M"
    assert format_size(1536 * MiB) == "1536M"
    assert format_size(3 * GiB) == "3G"
    assert format_size(100) == "100"
    assert parse_size(format_size(231680 * MiB)) == 231680 * MiB


def test_human_size_rounds_half_up_and_at_most_never_rounds_up() -> None:
    # issue 14: sizes are rounded to what is shown (4032 MiB is 3.9375 GiB: 3.94, not
    # 3.93); the truncation that used to be human_size's is human_size_at_most's, for the
    # upper limits and margins that must never read as more than they are.
    assert human_size(4032 * MiB) == "3.94 GiB"
    assert human_size_at_most(4032 * MiB) == "3.93 GiB"
    assert human_size(4 * GiB - MiB) == "4 GiB"
    assert human_size_at_most(4 * GiB - MiB) == "3.99 GiB"
    assert human_size(GiB - 1) == "1 GiB"  # not "1024 MiB": the next unit up
    assert human_size(-412 * MiB) == "-412 MiB"
    assert human_size(-4032 * MiB) == "-3.94 GiB"
    assert human_size_at_most(-4032 * MiB) == "-3.94 GiB"  # floor: short by at least that
    assert human_size(0) == "0 B"


def test_percent_is_rounded() -> None:
    assert percent(39, 10000) == "0.4 %"  # issue 14: 0.39 % read as 0.3 %
    assert percent(-6, 100) == "-6.0 %"
    assert percent(999, 10000, "floor") == "9.9 %"
    assert percent(1, 0) == "0.0 %"


def test_every_refusal_says_what_is_accepted() -> None:
    for text in ("1_0G", "4096b", "4\u00a0G", "\u0664G", "4X", ""):
        with pytest.raises(SizeError, match="4096M, 4G, 1T"):
            parse_size(text)
