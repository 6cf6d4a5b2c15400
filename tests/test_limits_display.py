"""Sizes shown for lower limits never name a size that fails (issue 11, item 10): the true
minimum 8199M must not read as "8 GiB" for a machine that has 8 GiB and fails."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from memmapcalc.units import GiB, MiB, human_size, human_size_at_least, human_size_at_most

_FACTORS = {"EiB": 1 << 60, "PiB": 1 << 50, "TiB": 1 << 40, "GiB": GiB, "MiB": MiB, "KiB": 1024,
            "B": 1}


def _value_hundredths(text: str) -> int:
    """The size a display text names, in hundredths of a byte (exact, no floats)."""
    number, unit = text.split(" ")
    whole, _, frac = number.partition(".")
    return (int(whole) * 100 + int((frac + "00")[:2])) * _FACTORS[unit]


@given(st.integers(min_value=1, max_value=1 << 62))
def test_a_lower_limit_is_shown_rounded_up_and_an_upper_one_down(nbytes: int) -> None:
    up, down = human_size_at_least(nbytes), human_size_at_most(nbytes)
    assert _value_hundredths(up) >= nbytes * 100 >= _value_hundredths(down)
    assert up == down or nbytes * 100 % _FACTORS[up.split(" ")[1]]


@given(st.integers(min_value=-(1 << 62), max_value=1 << 62))
def test_a_size_is_shown_rounded_to_the_nearest_hundredth(nbytes: int) -> None:
    # issue 14: rounded half-up, not truncated; at most half a hundredth of its unit off
    shown = human_size(nbytes)
    factor = _FACTORS[shown.split(" ")[1]]
    sign = -1 if shown.startswith("-") else 1
    error = sign * _value_hundredths(shown.lstrip("-")) - nbytes * 100
    assert abs(error) * 2 <= factor or factor == 1


def test_8199m_is_not_8_gib() -> None:
    assert human_size_at_most(8199 * MiB) == "8 GiB"
    assert human_size(8199 * MiB) == "8.01 GiB"  # rounded: 8.0068
    assert human_size_at_least(8199 * MiB) == "8.01 GiB"
    assert human_size_at_least(8 * GiB) == "8 GiB"


def test_check_text_shows_min_online_rounded_up(cli, write) -> None:  # type: ignore[no-untyped-def]
    # README's 4 GiB / 252 GiB guest on 6.8: min online is 4528M = 4.4219 GiB; 4.42 GiB
    # (4526.08M) fails, so the text must say 4.43 GiB.
    ran = cli("check", "configs/zvm-lnx01-6.8.yaml")
    assert ran.returncode == 1
    assert "min online 4.43 GiB" in ran.stdout
    data = cli("check", "configs/zvm-lnx01-6.8.yaml", "-f", "json").stdout
    assert '"min_online": 4747952128' in data or '"min_online":4747952128' in data
