"""Kernel versions and the behaviour table: every era boundary."""

from __future__ import annotations

import pytest

from memmapcalc.config.model import StandbyHandling
from memmapcalc.kernel.behaviour import BASELINE, CHANGES, behaviour_for
from memmapcalc.kernel.version import KernelVersion, v
from memmapcalc.units import KiB, MiB


@pytest.mark.parametrize(("text", "expected"), [
    ("6.8", (6, 8)), ("6.19", (6, 19)), ("6.8.12", (6, 8)), ("6.8.0-45-generic", (6, 8)),
    ("5.14.0-427.el9.s390x", (5, 14)), ("v6.10", (6, 10)), ("7.0", (7, 0)),
])
def test_parses_releases(text: str, expected: tuple[int, int]) -> None:
    version = KernelVersion.parse(text)
    assert (version.major, version.minor) == expected


@pytest.mark.parametrize("text", ["6", "latest", "6.x", "6.25", "2.6", "8.0", ""])
def test_refuses_unknown_versions(text: str) -> None:
    with pytest.raises(ValueError, match="kernel"):
        KernelVersion.parse(text)


def test_unknown_version_is_the_oldest_behaviour() -> None:
    assert behaviour_for(None) == BASELINE
    assert BASELINE.standby is StandbyHandling.BOOT_ADD
    assert not BASELINE.sclp_memmap_on_memory


@pytest.mark.parametrize(("before", "after", "field", "old", "new"), [
    ("6.8", "6.9", "sclp_memmap_on_memory", False, True),
    ("6.18", "6.19", "standby", StandbyHandling.BOOT_ADD, StandbyHandling.DEFERRED),
    ("6.12", "6.13", "section_size", 256 * MiB, 128 * MiB),
    ("6.5", "6.6", "force_mode", False, True),
    ("6.6", "6.7", "pte_table_runtime", 2 * KiB, 4 * KiB),
    ("6.16", "6.17", "pte_table_early", 2 * KiB, 4 * KiB),
    ("5.6", "5.7", "min_free_kbytes_max", 65536, 262144),
])
def test_era_boundaries(before: str, after: str, field: str, old: object, new: object) -> None:
    assert getattr(behaviour_for(v(before)), field) == old
    assert getattr(behaviour_for(v(after)), field) == new


def test_table_is_sorted_and_sourced() -> None:
    assert [c.since for c in CHANGES] == sorted(c.since for c in CHANGES)
    assert all(c.source for c in CHANGES)
