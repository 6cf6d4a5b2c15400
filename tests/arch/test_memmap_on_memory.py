"""memmap-on-memory on x86_64, arm64 (4K/16K/64K) and ppc64le: the allowed / not-allowed
table of kernel-model.md §10 and who asks for it by kernel version (§4, §10)."""

from __future__ import annotations

from typing import Any

import pytest

from memmapcalc.arch import profile_for
from memmapcalc.arch.hotplug_rows import hotplug_behaviour
from memmapcalc.arch.memmap import requested, supported
from memmapcalc.config.load import machine_from_mapping
from memmapcalc.config.model import MemmapMode
from memmapcalc.config.resolve import resolve
from memmapcalc.kernel.memmap_on_memory import memmap_pages
from memmapcalc.kernel.version import v
from memmapcalc.records.verdict import budget
from memmapcalc.units import GiB, KiB, MiB

ON, FORCE = MemmapMode.ON, MemmapMode.FORCE

# kernel-model.md §10: | arch | PAGE | block | memmap per block | Y | force |, SP 64, 6.8.
TABLE = [
    ("x86_64", 4 * KiB, True, 128 * MiB, 2 * MiB, True, True),
    ("arm64", 4 * KiB, True, 128 * MiB, 2 * MiB, True, True),
    ("arm64", 16 * KiB, True, 128 * MiB, 512 * KiB, False, False),
    ("arm64", 64 * KiB, True, 512 * MiB, 512 * KiB, False, False),
    ("ppc64le", 64 * KiB, True, 256 * MiB, 256 * KiB, False, True),
]


@pytest.mark.parametrize(("arch", "page", "radix", "block", "memmap", "yes", "force"), TABLE,
                         ids=[f"{t[0]}-{t[1] >> 10}K" for t in TABLE])
def test_reference_table(arch: str, page: int, radix: bool, block: int, memmap: int, yes: bool,
                         force: bool) -> None:
    profile = profile_for(arch, page, radix)
    behaviour = hotplug_behaviour(profile.family, page, v("6.8"))
    assert block // page * 64 == memmap
    assert supported(profile, behaviour, block, 64, profile.pageblock, ON, radix)[0] is yes
    assert supported(profile, behaviour, block, 64, profile.pageblock, FORCE, radix)[0] is force


def test_reasons_name_the_failed_condition() -> None:
    arm16 = profile_for("arm64", 16 * KiB)
    beh = hotplug_behaviour("arm64", 16 * KiB, v("6.8"))
    assert "2048" in supported(arm16, beh, 128 * MiB, 64, 32 * MiB, ON, True)[1]
    assert "PMD" in supported(arm16, beh, 128 * MiB, 64, 32 * MiB, FORCE, True)[1]
    arm64k = profile_for("arm64", 64 * KiB)
    assert "whole block" in supported(arm64k, hotplug_behaviour("arm64", 64 * KiB, v("6.8")),
                                      512 * MiB, 64, 512 * MiB, FORCE, True)[1]


def test_ppc64le_force_wastes_28_pages_per_lmb() -> None:
    assert memmap_pages(256 * MiB, 64, 64 * KiB, 2 * MiB, force=False) == 4
    assert memmap_pages(256 * MiB, 64, 64 * KiB, 2 * MiB, force=True) == 32
    result = budget(resolve(_machine("ppc64le", "8G", kernel={"version": "6.8",
                                                                "memmap_on_memory": "force"},
                                     memory={"standby": "1T"})))
    mom = result.memmap_on_memory
    assert mom.used.value and mom.pages == 32 and mom.wasted_pages == 28
    assert result.standby_blocks.value == 4096 and result.charged["standby_memmap"].value == 0


def test_ppc64le_needs_radix_force_and_6_6() -> None:
    for kernel, used in (({"version": "6.8", "memmap_on_memory": "on"}, False),
                         ({"version": "6.8", "memmap_on_memory": "force", "mmu": "hash"}, False),
                         ({"version": "6.5", "memmap_on_memory": "force"}, False),
                         ({"version": "6.6", "memmap_on_memory": "force"}, True),
                         ({"version": "6.6", "memmap_on_memory": "on", "page_size": "4K"}, True)):
        machine = _machine("ppc64le", "8G", kernel=kernel, memory={"standby": "64G"})
        assert budget(resolve(machine)).memmap_on_memory.used.value is used, kernel


@pytest.mark.parametrize(("version", "dimm", "used"), [
    ("5.12", "128M", False),  # no memmap_on_memory before 5.13
    ("6.1", "128M", True),    # 5.13–6.5: a DIMM of exactly one block
    ("6.1", "8G", False),     # ... never a larger DIMM (the recorded Debian 6.1 boots)
    ("6.6", "8G", False),     # 6.6–6.7: ACPI asks, the core falls back
    ("6.7", "128M", True),
    ("6.8", "8G", True),      # 6.8: one altmap per block
])
def test_x86_acpi_dimms_by_version(version: str, dimm: str, used: bool) -> None:
    machine = _machine("x86_64", "4G", kernel={"version": version, "memmap_on_memory": "on"},
                       memory={"dimms": [dimm]})
    result = budget(resolve(machine))
    assert result.memmap_on_memory.used.value is used
    memmap = result.charged["standby_memmap"].value
    assert memmap == (0 if used else int(dimm[:-1]) * (MiB if dimm[-1] == "M" else GiB) // 64)


def test_requested_texts_by_era() -> None:
    x86 = profile_for("x86_64")
    assert requested(x86, hotplug_behaviour("x86_64", 4 * KiB, v("6.1")), 256 * MiB,
                     128 * MiB) == (False, "5.13–6.5: ACPI asks only for a DIMM of exactly one "
                                           "128 MiB block, not 256 MiB")
    assert "falls back" in requested(x86, hotplug_behaviour("x86_64", 4 * KiB, v("6.6")),
                                     256 * MiB, 128 * MiB)[1]
    assert requested(x86, hotplug_behaviour("x86_64", 4 * KiB, v("6.8")), 256 * MiB,
                     128 * MiB)[0]


def test_force_is_not_accepted_before_6_6() -> None:
    x86 = profile_for("x86_64")
    ok, why = supported(x86, hotplug_behaviour("x86_64", 4 * KiB, v("6.5")), 128 * MiB, 64,
                        2 * MiB, FORCE, True)
    assert not ok and "force" in why


def test_struct_page_80_breaks_the_x86_pmd_rule() -> None:
    # 128 MiB / 4 KiB × 80 B = 2.5 MiB: not whole 2 MiB PMDs (kernel-model.md §6.1)
    x86 = profile_for("x86_64")
    assert not supported(x86, hotplug_behaviour("x86_64", 4 * KiB, v("6.8")), 128 * MiB, 80,
                         2 * MiB, ON, True)[0]


def _machine(arch: str, online: str, **sections: dict[str, Any]) -> Any:
    data: dict[str, Any] = {"arch": arch, "memory": {"online": online}}
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    return machine_from_mapping(data, "test.yaml", "test")
