"""The x86_64, arm64 and ppc64le profiles: block sizes, sections, watermarks, DIMM layout,
auto-online, the config contract per architecture, and the calibrated footprint."""

from __future__ import annotations

import json
from typing import Any

import pytest

from memmapcalc.arch import profile_for, x86_64
from memmapcalc.arch.hotplug_rows import hotplug_behaviour
from memmapcalc.arch.paging_geometry import layout
from memmapcalc.config.load import machine_from_mapping
from memmapcalc.config.resolve import resolve
from memmapcalc.errors import InputError
from memmapcalc.kernel.version import v
from memmapcalc.kernel.watermarks import khugepaged_min_free_kbytes, min_free_kbytes, thp_active
from memmapcalc.model.evaluate import evaluate
from memmapcalc.records.budget import CHARGED_ITEMS
from memmapcalc.records.verdict import budget, passes
from memmapcalc.units import GiB, KiB, MiB, TiB
from tests.conftest import machine as s390_machine


def machine(arch: str, online: str, **sections: dict[str, Any]) -> Any:
    data: dict[str, Any] = {"arch": arch, "memory": {"online": online}}
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    return machine_from_mapping(data, "test.yaml", "test")


# --- memory block size -----------------------------------------------------------------
@pytest.mark.parametrize(("online", "version", "hypervisor", "block"), [
    ("256M", "6.1", True, 128 * MiB),   # ends below 64 GiB
    ("61G", "6.1", True, 128 * MiB),    # q35: 2 GiB low + 59 GiB from 4 GiB: ends at 63 GiB
    ("62G", "6.1", True, 2 * GiB),      # ends at 64 GiB exactly: aligned to 2 GiB
    ("96G", "6.1", True, 2 * GiB),      # ends at 98 GiB
    ("65G", "6.1", True, 1 * GiB),      # ends at 67 GiB
    ("129G", "6.1", True, 1 * GiB),     # ends at 131 GiB
    ("65G", "5.8", False, 1 * GiB),     # bare metal before 5.9: alignment rule
    ("65G", "5.9", False, 2 * GiB),     # bare metal from 5.9: MAX_BLOCK_SIZE
])
def test_x86_probe_memory_block_size(online: str, version: str, hypervisor: bool,
                                     block: int) -> None:
    m = machine("x86_64", online, kernel={"version": version}, cpu={"hypervisor": hypervisor})
    assert budget(resolve(m)).block_size.value == block


def test_x86_boot_memory_end_on_q35() -> None:
    assert x86_64.boot_end(2815 * MiB) == 2815 * MiB
    assert x86_64.boot_end(62 * GiB) == 64 * GiB  # 2 GiB below 4 GiB, 60 GiB above
    assert x86_64.hotplug_base(1 * GiB) == 4 * GiB
    assert x86_64.hotplug_base(3 * GiB) == 5 * GiB


def test_explicit_block_size_wins() -> None:
    m = machine("x86_64", "96G", memory={"block_size": "1G"}, kernel={"version": "6.8"})
    assert budget(resolve(m)).block_size.value == 1 * GiB


@pytest.mark.parametrize(("arch", "page", "version", "section"), [
    ("arm64", "4K", "5.11", 1 * GiB), ("arm64", "4K", "5.12", 128 * MiB),
    ("arm64", "16K", "6.8", 128 * MiB), ("arm64", "64K", "6.8", 512 * MiB),
    ("ppc64le", "64K", "6.8", 16 * MiB), ("x86_64", None, "6.8", 128 * MiB),
])
def test_section_sizes(arch: str, page: str | None, version: str, section: int) -> None:
    kernel: dict[str, Any] = {"version": version}
    if page:
        kernel["page_size"] = page
    result = budget(resolve(machine(arch, "4G", kernel=kernel)))
    assert result.section_size.value == section
    expected_block = 256 * MiB if arch == "ppc64le" else section
    assert result.block_size.value == expected_block


@pytest.mark.parametrize(("arch", "page", "block", "memmap"), [
    ("x86_64", None, 128 * MiB, 2 * MiB), ("arm64", "16K", 128 * MiB, 512 * KiB),
    ("arm64", "64K", 512 * MiB, 512 * KiB), ("ppc64le", "64K", 256 * MiB, 256 * KiB),
])
def test_memmap_per_block(arch: str, page: str | None, block: int, memmap: int) -> None:
    kernel: dict[str, Any] = {"version": "6.8"}
    if page:
        kernel["page_size"] = page
    result = budget(resolve(machine(arch, "4G", kernel=kernel)))
    assert (result.block_size.value, result.memmap_per_block.value) == (block, memmap)


# --- watermarks ---------------------------------------------------------------------------
def test_x86_khugepaged_raise_is_the_recorded_44_mib() -> None:
    # ground truth: 1 GiB boot memory, THP always -> min_free_kbytes 45056 (two zones)
    assert x86_64.zones(1 * GiB, False) == 2
    assert khugepaged_min_free_kbytes(2 * GiB, 2, 2 * MiB, 4 * KiB).value == 45056
    assert x86_64.zones(3 * GiB, False) == 3  # q35 puts memory above 4 GiB: ZONE_NORMAL
    assert x86_64.zones(1 * GiB, True) == 3   # onlined DIMMs populate ZONE_NORMAL


def test_thp_threshold_and_min_free_kbytes() -> None:
    assert not thp_active(True, 511 * MiB).value and thp_active(True, 512 * MiB).value
    assert not thp_active(False, 4 * GiB).value
    assert min_free_kbytes(1 * GiB, 262144, 4 * KiB).value == 4096
    assert min_free_kbytes(1 * GiB, 262144, 64 * KiB).value == 4096


def test_arm64_64k_khugepaged_takes_5_percent() -> None:
    # 8192-page pageblocks × 11 = 90112 pages, capped at 5 % of 4 GiB = 3276 pages
    assert khugepaged_min_free_kbytes(4 * GiB, 1, 512 * MiB, 64 * KiB).value == 3276 * 64
    assert khugepaged_min_free_kbytes(4 * GiB, 1, 2 * MiB, 64 * KiB).value == 352 * 64


def test_recorded_min_free_kbytes_without_thp() -> None:
    # 256M baseline recorded 1472 kB (THP off below 512 MiB); calibrated model: 1371 kB
    m = machine("x86_64", "256M", kernel={"version": "6.1", "footprint": 144592 * KiB},
                boot={"userspace": 0})
    result = budget(resolve(m))
    base, raised, thp = result.min_free_parts
    assert raised is None and not thp.value and 1300 <= base.value <= 1472


# --- DIMM layout and auto-online ------------------------------------------------------------
def test_layout_for_varied_totals() -> None:
    assert layout((8 * GiB,), 20 * GiB) == ((20 * GiB, 1),)
    assert layout((8 * GiB, 8 * GiB), 16 * GiB) == ((8 * GiB, 2),)
    assert layout((8 * GiB, 8 * GiB), 20 * GiB) == ((8 * GiB, 2), (4 * GiB, 1))
    assert layout((8 * GiB, 4 * GiB), 30 * GiB) == ((8 * GiB, 1), (4 * GiB, 5), (2 * GiB, 1))
    assert layout((8 * GiB, 8 * GiB), 4 * GiB) == ((4 * GiB, 1),)
    assert layout((), 0) == ()


def _dimms(auto_online: str) -> Any:
    return machine("x86_64", "512M", memory={"dimms": ["16G", "16G"]},
                   kernel={"version": "6.1", "footprint": "148M", "auto_online": auto_online},
                   boot={"userspace": 0})


def test_auto_online_lets_the_next_dimm_use_the_last() -> None:
    offline, online, movable = (budget(resolve(_dimms(s)))
                                for s in ("offline", "online", "online_movable"))
    assert offline.charged["standby_memmap"].value == 512 * MiB  # both DIMMs from boot memory
    assert online.charged["standby_memmap"].value == 256 * MiB   # only the first
    assert movable.margin == offline.margin  # a memmap cannot use ZONE_MOVABLE
    assert offline.margin < 0 <= online.margin
    assert "memhp_default_state=online" in online.charged["standby_memmap"].versions


def test_max_standby_grows_one_dimm_or_adds_dimms() -> None:
    one = evaluate(machine("x86_64", "512M", memory={"dimms": ["8G"]},
                           kernel={"version": "6.1", "footprint": "148M"}, boot={"userspace": 0}))
    assert one.max_standby is not None and 21 * GiB < one.max_standby.value < 23 * GiB
    many = evaluate(_dimms("online"))
    assert many.max_standby is not None and many.max_standby.value >= 64 * GiB


# --- budgets hold together ----------------------------------------------------------------
@pytest.mark.parametrize("data", [
    {"arch": "x86_64", "memory": {"online": "2G", "dimms": ["16G", "16G"]},
     "kernel": {"version": "6.1"}},
    {"arch": "x86_64", "memory": {"online": "4G", "dimms": ["64G"]},
     "kernel": {"version": "6.8", "memmap_on_memory": "on", "crashkernel": "256M"}},
    {"arch": "arm64", "memory": {"online": "4G", "dimms": ["32G"]},
     "kernel": {"version": "6.8", "page_size": "16K", "rodata_full": False}},
    {"arch": "ppc64le", "memory": {"online": "8G", "standby": "256G"},
     "kernel": {"version": "6.8", "memmap_on_memory": "force"}},
], ids=["x86-two", "x86-mom", "arm64-16k", "ppc64le"])
def test_charged_items_add_up(data: dict[str, Any]) -> None:
    result = evaluate(machine_from_mapping(data))
    b = result.budget
    assert tuple(b.charged) == CHARGED_ITEMS
    assert sum(item.value for item in b.charged.values()) == b.required
    assert b.margin == resolve(machine_from_mapping(data)).online - b.required
    for item in b.charged.values():
        assert item.formula and item.source
    if result.max_standby is not None and not result.max_standby_capped:
        p = resolve(machine_from_mapping(data))
        from dataclasses import replace
        assert passes(replace(p, standby=result.max_standby.value))
        assert not passes(replace(p, standby=result.max_standby.value + b.block_size.value))


def test_min_online_is_exact_for_a_dimm_config() -> None:
    from dataclasses import replace
    m = machine("x86_64", "1G", memory={"dimms": ["32G"]}, kernel={"version": "6.1"})
    result = evaluate(m)
    assert result.min_online is not None
    p = resolve(m)
    low = result.min_online.value
    assert passes(replace(p, online=low)) and not passes(replace(p, online=low - MiB))
    assert all(passes(replace(p, online=low + k * 7 * MiB)) for k in range(1, 60))


def test_failing_x86_machine_gets_verified_advice() -> None:
    result = evaluate(machine("x86_64", "512M", memory={"dimms": ["8G"] * 4},
                              kernel={"version": "6.1", "footprint": "148M"},
                              boot={"userspace": 0}))
    assert result.verdict == "fail"
    text = " | ".join(result.advice)
    assert "raise boot memory" in text and "memhp_default_state=online" in text
    assert "kernel ≥ 6.8" in text


# --- the config contract per architecture -------------------------------------------------
@pytest.mark.parametrize(("data", "fragment"), [
    ({"arch": "x86_64", "memory": {"online": "1G", "standby": "8G"}},
     "memory.standby: does not apply to arch x86_64"),
    ({"arch": "x86_64", "memory": {"online": "1G"}, "cpu": {"edat1": True}},
     "cpu.edat1: does not apply to arch x86_64"),
    ({"arch": "x86_64", "memory": {"online": "1G", "increment": "256M"}}, "memory.increment"),
    ({"memory": {"online": "1G", "dimms": ["8G"]}}, "memory.dimms: does not apply to arch s390x"),
    ({"memory": {"online": "1G"}, "kernel": {"auto_online": "online"}}, "kernel.auto_online"),
    ({"arch": "ppc64le", "memory": {"online": "1G", "dimms": ["8G"]}},
     "count them in memory.online"),
    ({"arch": "x86_64", "memory": {"online": "1G"}, "kernel": {"page_size": "64K"}},
     "kernel.page_size: does not apply to arch x86_64"),
    ({"arch": "arm64", "memory": {"online": "1G"}, "kernel": {"page_size": "8K"}},
     "not a base page size of arm64"),
    ({"arch": "arm64", "memory": {"online": "1G"}, "kernel": {"mmu": "radix"}}, "kernel.mmu"),
    ({"arch": "x86_64", "memory": {"online": "1G"}, "kernel": {"rodata_full": False}},
     "kernel.rodata_full"),
    ({"arch": "arm64", "memory": {"online": "1G"}, "cpu": {"hypervisor": True}},
     "cpu.hypervisor"),
    ({"arch": "x86_64", "memory": {"online": "1G", "dimms": ["8G", "100M"]}},
     "DIMM 2 (100M) is not a whole number of 128M memory blocks"),
    ({"arch": "arm64", "memory": {"online": "1G", "block_size": "64M"},
      "kernel": {"version": "6.8"}}, "smaller than the 128M section size"),
    ({"arch": "x86_64", "memory": {"online": "1G"}, "kernel": {"footprint": "160M",
                                                                "image": "32M"}},
     "kernel.image: is included in kernel.footprint"),
    ({"arch": "x86_64", "memory": {"online": "1G"}, "kernel": {"freed_before_init": "8M"}},
     "only applies with kernel.footprint"),
    ({"arch": "x86_64", "memory": {"online": "1G"}, "kernel": {"footprint": "1G"}},
     "smaller than boot memory"),
    ({"arch": "x86_64", "memory": {"online": "1G", "dimms": ["64T"]}}, "beyond the 64T"),
    ({"arch": "sparc", "memory": {"online": "1G"}}, "x86_64"),
    ({"arch": "ppc64le", "memory": {"online": "1G", "standby": "128M"}}, "less than one LMB"),
])
def test_fields_that_do_not_apply_are_errors(data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        machine_from_mapping(data, "t.yaml", "t")
    assert fragment in str(caught.value), str(caught.value)


# --- calibrated footprint --------------------------------------------------------------------
def test_footprint_replaces_the_boot_items_and_scales_with_boot_memory() -> None:
    calibrated = budget(resolve(machine("x86_64", "1G", memory={"dimms": ["8G"]},
                                        kernel={"version": "6.1", "footprint": "160M"})))
    assert calibrated.charged["kernel_image"].value == 160 * MiB
    assert calibrated.charged["initramfs"].value == 8 * MiB  # freed_before_init default
    for name in ("crashkernel", "online_memmap"):
        assert calibrated.charged[name].value == 0
    from dataclasses import replace
    p = resolve(machine("x86_64", "1G", kernel={"version": "6.1", "footprint": "160M"}))
    twice = budget(replace(p, online=2 * GiB))
    assert twice.charged["kernel_image"].value == 160 * MiB + 16 * MiB  # + 8 sections × 2 MiB


def test_footprint_on_s390x_leaves_other_s390x_machines_alone() -> None:
    plain = budget(resolve(s390_machine("4G", "64G", "6.8")))
    calibrated = budget(resolve(s390_machine("4G", "64G", "6.8",
                                             kernel={"footprint": "300M",
                                                     "freed_before_init": "20M"})))
    assert calibrated.charged["kernel_image"].value == 300 * MiB
    assert calibrated.charged["initramfs"].value == 20 * MiB
    assert calibrated.charged["online_memmap"].value == 0
    assert "boot_identity" not in calibrated.page_table_parts
    for name in ("standby_memmap", "userspace"):
        assert calibrated.charged[name].value == plain.charged[name].value


def test_check_cli_renders_every_arch(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    configs = {
        "x86.yaml": "arch: x86_64\nmemory: {online: 2G, dimms: [16G, 16G]}\n"
                    "kernel: {version: \"6.1\", auto_online: online}\n",
        "arm.yaml": "arch: arm64\nmemory: {online: 4G, dimms: [64G]}\n"
                    "kernel: {version: \"6.8\", page_size: 64K}\n",
        "ppc.yaml": "arch: ppc64le\nmemory: {online: 8G, standby: 1T}\n"
                    "kernel: {version: \"6.8\", memmap_on_memory: force}\n",
    }
    paths = []
    for name, text in configs.items():
        path = tmp_path / name
        path.write_text(text)
        paths.append(str(path))
    ran = cli("check", "-f", "json", "--explain", *paths)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    results = json.loads(ran.stdout)["results"]
    assert [r["verdict"] for r in results] == ["pass", "pass", "pass"]
    assert results[2]["memmap_on_memory"] is True and results[2]["standby_blocks"] == 4096
    text = cli("check", *paths)
    assert text.returncode == 0 and "Traceback" not in text.stdout + text.stderr


def test_max_physical_of_profiles() -> None:
    assert profile_for("x86_64").max_physical == 64 * TiB
    assert hotplug_behaviour("x86_64", 4 * KiB, v("6.8")).split_per_block


# --- the version table per architecture -------------------------------------------------------
@pytest.mark.parametrize(("family", "page", "before", "after", "field", "old", "new"), [
    ("x86_64", 4 * KiB, "5.8", "5.9", "bare_metal_max_block", False, True),
    ("x86_64", 4 * KiB, "5.12", "5.13", "memmap_on_memory_arch", False, True),
    ("arm64", 4 * KiB, "5.11", "5.12", "section_size", 1 * GiB, 128 * MiB),
    ("arm64", 64 * KiB, "5.11", "5.12", "section_size", 1 * GiB, 512 * MiB),
    ("arm64", 16 * KiB, "5.12", "5.13", "memmap_on_memory_arch", False, True),
    ("ppc64le", 64 * KiB, "6.5", "6.6", "memmap_on_memory_arch", False, True),
    ("ppc64le", 64 * KiB, "6.5", "6.6", "dlpar_requests", False, True),
    ("x86_64", 4 * KiB, "6.5", "6.6", "force_mode", False, True),
    ("arm64", 4 * KiB, "6.5", "6.6", "acpi_requests_always", False, True),
    ("x86_64", 4 * KiB, "6.7", "6.8", "split_per_block", False, True),
    ("ppc64le", 4 * KiB, "5.6", "5.7", "min_free_kbytes_max", 65536, 262144),
])
def test_hotplug_era_boundaries(family: str, page: int, before: str, after: str, field: str,
                                old: object, new: object) -> None:
    assert getattr(hotplug_behaviour(family, page, v(before)), field) == old
    assert getattr(hotplug_behaviour(family, page, v(after)), field) == new


def test_hotplug_tables_are_sorted_and_sourced() -> None:
    from memmapcalc.arch.hotplug_rows import changes

    for family, page in (("x86_64", 4 * KiB), ("arm64", 4 * KiB), ("arm64", 16 * KiB),
                         ("arm64", 64 * KiB), ("ppc64le", 4 * KiB), ("ppc64le", 64 * KiB)):
        rows = changes(family, page)
        assert [r.since for r in rows] == sorted(r.since for r in rows)
        assert all(r.source for r in rows)
    assert hotplug_behaviour("x86_64", 4 * KiB, None) == hotplug_behaviour("x86_64", 4 * KiB,
                                                                           v("5.4"))


def test_more_dimms_stop_at_256_slots() -> None:
    result = evaluate(machine("x86_64", "512M", memory={"dimms": ["128M"] * 8},
                              kernel={"version": "6.1", "memmap_on_memory": "on",
                                      "footprint": "148M"}, boot={"userspace": "64M"}))
    assert result.max_standby is not None and result.max_standby_capped
    assert result.max_standby.value == 256 * 128 * MiB
    assert any("256 DIMM slots" in note for note in result.notes)
