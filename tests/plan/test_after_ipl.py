"""After IPL: how many standby blocks each era can bring into use, what each adds, and the
usable memory then — exact numbers, recomputed here from first principles where the
kernel's rule is simple enough to write out, and through ``plan -f json``."""

from __future__ import annotations

from typing import Any

import pytest
from plan_helpers import SHIPPED, check_result, mapping_of, params_of, plan_json

from memmapcalc.arch.s390x import watermarks
from memmapcalc.config.model import MemmapMode, StandbyHandling
from memmapcalc.config.resolve import resolve
from memmapcalc.model.after_ipl.bringup import KEPT_ITEMS, Zone, after_ipl
from memmapcalc.model.after_ipl.costs import managed_at_ipl
from memmapcalc.records.verdict import budget
from memmapcalc.units import GiB, KiB, MiB, human_size_at_least, human_size_at_most
from tests.conftest import CONFIGS, machine

# mem_section_usage on 6.19: 16 + 8 + 128 × 8 bits = 152 B, kzalloc'ed -> kmalloc-192
BLOCK_DEVICE, SECTION_USAGE, CRST = 4 * KiB, 192, 16 * KiB
# one struct resource (kmalloc-64) per __add_memory() of a block, and with the memmap on the
# block a kmemdup'ed struct vmem_altmap (kmalloc-64, create_altmaps_and_memory_blocks())
RESOURCE, ALTMAP = 64, 64


def _kept(result: dict[str, Any]) -> int:
    return sum(result["charged_at_ipl"][key] for key in KEPT_ITEMS)


def _cost_619(k: int, memmap: int) -> int:
    """Configuring the first k 128 MiB blocks above 4 GiB online on 6.19 with EDAT1:
    memmap (unless on the block) + a 16 KiB segment table per new 2 GiB identity window
    (ceil(k/16)) + one per new 2 GiB vmemmap window (the vmemmap [64M, 64M + 2M·k) leaves
    the first window past block 992) + 192 B mem_section_usage, a ~4 KiB block device and a
    64 B resource per block (+ a 64 B altmap copy with memmap-on-memory, memmap 0) + a 4 KiB
    section root page per new 256 sections (32 online)."""
    identity = -(-k // 16)
    vmemmap = 1 if 64 * MiB + k * 2 * MiB > 2 * GiB else 0
    roots = -(-(32 + k) // 256) - 1
    altmap = 0 if memmap else ALTMAP
    return (k * (memmap + SECTION_USAGE + BLOCK_DEVICE + RESOURCE + altmap)
            + (identity + vmemmap) * CRST
            + roots * 4 * KiB)


def test_619_ipls_but_cannot_configure_all_standby_without_memmap_on_memory(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = CONFIGS / "zvm-lnx01-6.19.yaml"
    result = check_result(cli, tmp_path, mapping_of(path))
    # IPLs, but not all standby can be configured after IPL (issue 14): warn
    assert result["verdict"] == "warn" and result["standby_blocks"] == 2016
    free = result["margin"]
    expected = max(k for k in range(2017) if _cost_619(k, 2 * MiB) <= free)
    assert expected == 1801

    after = plan_json(cli, str(path))["plans"][0]["after_ipl"]
    assert (after["era"], after["zone"], after["block_size"]) == ("deferred", "movable", 128 * MiB)
    without, with_ = after["without_memmap_on_memory"], after["with_memmap_on_memory"]
    assert without["free_after_ipl"] == free
    assert without["blocks"] == 1801
    assert without["first_block_cost"] == _cost_619(1, 2 * MiB) == 2117888
    assert without["kernel_cost"] == _cost_619(1801, 2 * MiB)
    assert (without["usable_per_block"], without["memmap_per_block"]) == (128 * MiB, 2 * MiB)
    assert without["total_usable"] == (4 * GiB - _kept(result) - _cost_619(1801, 2 * MiB)
                                       + 1801 * 128 * MiB)
    next_block = _cost_619(1802, 2 * MiB) - _cost_619(1801, 2 * MiB)
    # issue 14: one unit style; what a block needs rounded up, what is left rounded down
    assert without["limit"] == (f"block 1802 would need {human_size_at_least(next_block)} "
                                f"of kernel memory; "
                                f"{human_size_at_most(free - _cost_619(1801, 2 * MiB))} are left")
    # with memmap-on-memory (needs the parameter: the machine boots with N) all 2016 fit
    assert with_["available"] and with_["memmap_on_memory_parameter"] == "Y"
    assert "sclp_memmap_on_memory_store() refuses 1 (EOPNOTSUPP)" in with_["why"]
    assert (with_["blocks"], with_["memmap_in_block"], with_["usable_per_block"]) == \
        (2016, 2 * MiB, 126 * MiB)
    assert with_["first_block_cost"] == _cost_619(1, 0) == 20800
    assert with_["total_usable"] == 4 * GiB - _kept(result) - _cost_619(2016, 0) + 2016 * 126 * MiB
    # check counts the same: 1801 usable with the machine's settings, 2016 with the parameter
    assert (result["after_ipl"]["usable_blocks"],
            result["after_ipl"]["usable_blocks_with_memmap_on_memory"]) == (1801, 2016)
    assert (after["usable_blocks"], after["usable_blocks_with_memmap_on_memory"]) == (1801, 2016)


def test_619_kernel_memory_zone_holds_the_next_memmap(cli) -> None:  # type: ignore[no-untyped-def]
    planned = plan_json(cli, "--zone", "normal", "configs/zvm-lnx01-6.19.yaml")["plans"][0]
    after = planned["after_ipl"]
    assert after["zone"] == "normal"
    assert after["without_memmap_on_memory"]["blocks"] == 2016
    assert after["without_memmap_on_memory"]["kernel_cost"] == _cost_619(2016, 2 * MiB)


def _tight_619(free: int) -> Any:
    """A 6.19 guest whose user space leaves exactly ``free`` bytes after IPL."""
    base = resolve(machine("4G", "252G", "6.19", memory={"increment": "8M"}))
    margin = budget(base).margin
    return resolve(machine("4G", "252G", "6.19", memory={"increment": "8M"},
                           boot={"userspace": 256 * MiB + margin - free}))


def test_619_first_block_decides_with_kernel_memory() -> None:
    short = _tight_619(2117888 - 1)  # one byte less than the first block needs
    assert budget(short).margin == 2117887
    for zone in Zone:
        assert after_ipl(short, zone).without.blocks == 0
    enough = _tight_619(2117888)
    assert after_ipl(enough, Zone.MOVABLE).without.blocks == 1
    assert after_ipl(enough, Zone.NORMAL).without.blocks == 2016
    # memmaps on the blocks: ~4 KiB each from 2117888 B while they go to ZONE_MOVABLE
    mom = after_ipl(enough, Zone.MOVABLE).with_memmap_on_memory
    assert mom.blocks == max(k for k in range(2017) if _cost_619(k, 0) <= 2117888) == 385


def test_619_machine_that_does_not_ipl_configures_nothing() -> None:
    p = resolve(machine("1G", "64G", "6.19", boot={"userspace": "2G"}))
    after = after_ipl(p)
    assert not after.without.ipl and after.without.blocks == 0
    assert after.without.total_usable is None


def test_68_blocks_exist_and_only_need_onlining(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mapping = {"memory": {"online": "8G", "standby": "64G"}, "kernel": {"version": "6.8"}}
    result = check_result(cli, tmp_path, mapping)
    after = after_ipl(params_of(mapping))
    assert after.era is StandbyHandling.BOOT_ADD and after.standby_blocks == 256
    way = after.without
    assert (way.blocks, way.usable_per_block, way.memmap_per_block) == (256, 256 * MiB, 4 * MiB)
    assert (way.kernel_cost, way.first_block_cost) == (0, 0)
    assert result["charged_at_ipl"]["standby_memmap"] == 256 * 4 * MiB  # paid at IPL
    assert way.total_usable == 8 * GiB - _kept(result) + 64 * GiB
    assert not after.with_memmap_on_memory.available  # 6.8 has no s390 memmap-on-memory
    # the zone does not matter: nothing is allocated when a boot-add block goes online
    assert after_ipl(params_of(mapping), Zone.NORMAL).without == way


def test_69_to_618_memmap_on_memory_keeps_the_memmap_in_the_block(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mapping = mapping_of(CONFIGS / "zvm-lnx01-6.9-mom.yaml")
    result = check_result(cli, tmp_path, mapping)
    after = after_ipl(params_of(mapping))
    way = after.with_memmap_on_memory
    assert way.mode is MemmapMode.ON and way.memmap_on_memory
    assert (way.blocks, way.memmap_in_block, way.wasted_per_block, way.usable_per_block) == \
        (1008, 4 * MiB, 0, 252 * MiB)
    assert way.total_usable == 4 * GiB - _kept(result) + 1008 * 252 * MiB
    # the same guest booted with N does not IPL at all
    assert not after.without.ipl and after.without.blocks == 0


def test_force_mode_waste_is_not_usable() -> None:
    after = after_ipl(params_of(mapping_of(CONFIGS / "zvm-force-mode.yaml")))
    way = after.with_memmap_on_memory
    assert way.mode is MemmapMode.FORCE
    assert (way.memmap_in_block, way.wasted_per_block, way.usable_per_block) == \
        (4 * MiB, 2 * MiB, 124 * MiB)
    assert way.blocks == 504


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_managed_pages_reproduce_the_ipl_reserve(path) -> None:  # type: ignore[no-untyped-def]
    """The kernel-zone growth model starts from the same managed pages as the budget."""
    p = params_of(mapping_of(path))
    b = budget(p)
    base, raised, _ = watermarks.reserve(managed_at_ipl(p, b), p.online, p.pageblock, p.thp,
                                         p.edat1, p.behaviour.min_free_kbytes_max)
    lowmem = b.lowmem_reserve.value if b.lowmem_reserve is not None else 0
    assert max(base.value, raised.value if raised else 0) * KiB + lowmem \
        == b.charged["min_free"].value
