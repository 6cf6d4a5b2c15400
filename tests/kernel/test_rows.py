"""The one table of kernel behaviour by version (memmapcalc.kernel.rows): every row names
its source, applies to a family and page size that exist, sets a field some profile's
behaviour has, and the profiles' folds read their rows from it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from memmapcalc.arch.hotplug_rows import HotplugBehaviour, changes, hotplug_behaviour
from memmapcalc.arch.registry import ARCHES, PAGE_SIZES
from memmapcalc.kernel.behaviour import CHANGES, Behaviour, behaviour_for
from memmapcalc.kernel.rows import ROWS, Change, rows_for
from memmapcalc.kernel.version import v
from memmapcalc.units import KiB, MiB

#: A kernel file (path with an extension, or a Kconfig) ...
_FILE = re.compile(r"^(arch|mm|drivers|include|kernel|init)/[\w/.-]+(\.[ch]|Kconfig)\b")
#: ... and where the change came in: a commit id, a pull request, a series or a message id.
_ORIGIN = re.compile(r"\b[0-9a-f]{12}\b|pull for \d|series|merge window|<[^>]+@[^>]+>|-rc\d")
_FIELDS = {"s390x": {f.name for f in dataclasses.fields(Behaviour)}}
_PAGING = {f.name for f in dataclasses.fields(HotplugBehaviour)}


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.since}-{row.field}-{row.arch}")
def test_every_row_names_its_source(row: Change) -> None:
    assert _FILE.match(row.source), row.source
    assert _ORIGIN.search(row.source), row.source


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.since}-{row.field}-{row.arch}")
def test_every_row_applies_somewhere(row: Change) -> None:
    assert row.arch is None or row.arch in ARCHES
    assert row.page is None or row.page in PAGE_SIZES[row.arch or "s390x"]
    families = ARCHES if row.arch is None else (row.arch,)
    assert any(row.field in _FIELDS.get(family, _PAGING) for family in families), row


def test_rows_are_sorted_and_one_fact_each() -> None:
    assert [r.since for r in ROWS] == sorted(r.since for r in ROWS)
    facts = [(r.since, r.field, r.arch, r.page) for r in ROWS]
    assert len(facts) == len(set(facts))


def test_s390x_folds_its_rows_of_the_table() -> None:
    assert rows_for("s390x", 4 * KiB, _FIELDS["s390x"]) == CHANGES
    assert {r.arch for r in CHANGES} == {None, "s390x"}
    assert behaviour_for(v("6.13")).section_size == 128 * MiB
    assert behaviour_for(v("6.12")).section_size == 256 * MiB


def test_a_row_for_one_page_size_reaches_that_profile_only() -> None:
    assert hotplug_behaviour("arm64", 64 * KiB, v("5.12")).section_size == 512 * MiB
    assert hotplug_behaviour("arm64", 16 * KiB, v("5.12")).section_size == 128 * MiB
    assert hotplug_behaviour("arm64", 4 * KiB, v("5.11")).section_size == 1024 * MiB
    assert all(r.page in (None, 64 * KiB) for r in changes("arm64", 64 * KiB))
    assert not any(r.arch == "s390x" for r in changes("x86_64", 4 * KiB))
