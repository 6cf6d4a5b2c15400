"""The worked numbers of kernel-model.md §9 and first-principles figures, exactly."""

from __future__ import annotations

import pytest

from memmapcalc.arch.s390x import pagetables, watermarks
from memmapcalc.arch.s390x.blocks import standby_blocks
from memmapcalc.arch.s390x.memmap import (
    generic_support,
    memmap_size,
    standby_memmap_on_memory,
)
from memmapcalc.config.model import MemmapMode, StandbyHandling
from memmapcalc.config.resolve import resolve
from memmapcalc.kernel.memmap_on_memory import memmap_pages
from memmapcalc.model.evaluate import evaluate
from memmapcalc.records.budget import CHARGED_ITEMS
from memmapcalc.records.verdict import budget
from memmapcalc.units import GiB, KiB, MiB, TiB
from tests.conftest import machine


@pytest.mark.parametrize(("block", "memmap"), [
    (128 * MiB, 2 * MiB), (256 * MiB, 4 * MiB), (1 * GiB, 16 * MiB), (2 * GiB, 32 * MiB)])
def test_memmap_per_block_is_one_64th(block: int, memmap: int) -> None:
    assert memmap_size(block, 64).value == memmap


def test_sixteen_mib_per_gib() -> None:
    result = evaluate(machine("8G", "64G", "6.8"))
    assert result.budget.charged["standby_memmap"].value == 64 * 16 * MiB


@pytest.mark.parametrize(("block", "edat1", "mode", "pb", "allowed"), [
    (128 * MiB, True, MemmapMode.ON, 1 * MiB, True),
    (256 * MiB, True, MemmapMode.ON, 1 * MiB, True),
    (1 * GiB, True, MemmapMode.FORCE, 1 * MiB, True),
    (2 * GiB, True, MemmapMode.ON, 1 * MiB, True),
    (128 * MiB, True, MemmapMode.ON, 4 * MiB, False),    # 512 pages, not a 1024-page pageblock
    (128 * MiB, True, MemmapMode.FORCE, 4 * MiB, True),  # force rounds up to 1024 pages
    (256 * MiB, True, MemmapMode.ON, 4 * MiB, True),
    (256 * MiB, True, MemmapMode.OFF, 1 * MiB, False),
])
def test_generic_support_table(block: int, edat1: bool, mode: MemmapMode, pb: int,
                               allowed: bool) -> None:
    assert generic_support(block, 64, pb, mode, True)[0] is allowed


def test_force_mode_waste() -> None:
    # 128 MiB block, struct page 64 B: 2 MiB of memmap
    assert memmap_pages(128 * MiB, 64, 4 * KiB, 4 * MiB, force=True) == 1024
    mom = standby_memmap_on_memory(block=128 * MiB, struct_page=64, pageblock=4 * MiB,
                                   mode=MemmapMode.FORCE, force_accepted=True,
                                   standby=StandbyHandling.BOOT_ADD, sclp_support=True, edat1=True)
    assert mom.used.value and mom.pages == 1024 and mom.wasted_pages == 512  # 2 MiB per block
    # with 1 MiB pageblocks force adds nothing: 1024 pages is already whole pageblocks
    assert memmap_pages(256 * MiB, 64, 4 * KiB, 1 * MiB, force=True) == 1024  # 4 MiB memmap


def test_struct_page_80_still_allowed_on_256m() -> None:
    assert memmap_size(256 * MiB, 80).value == 5 * MiB
    assert generic_support(256 * MiB, 80, 1 * MiB, MemmapMode.ON, True)[0]


@pytest.mark.parametrize(("version", "edat1", "mode", "charged"), [
    ("6.8", True, "off", 4 * MiB), ("6.8", True, "on", 4 * MiB), ("6.8", True, "force", 4 * MiB),
    ("6.9", True, "off", 4 * MiB), ("6.9", True, "on", 0), ("6.9", True, "force", 0),
    ("6.18", True, "on", 0), ("6.9", False, "on", 4 * MiB),
    ("6.19", True, "off", 0), ("6.19", True, "on", 0), ("6.19", False, "on", 0),
])
def test_memmap_charged_per_block_by_era(version: str, edat1: bool, mode: str,
                                         charged: int) -> None:
    m = machine("16G", "16G", version, cpu={"edat1": edat1}, kernel={"memmap_on_memory": mode},
                memory={"block_size": "256M"})
    b = budget(resolve(m))
    assert b.standby_blocks.value == 64
    assert b.charged["standby_memmap"].value == 64 * charged


def test_deferred_default_memmap_on_memory_follows_parameter() -> None:
    assert budget(resolve(machine("4G", "4G", "6.19", kernel={"memmap_on_memory": "on"}))
                  ).memmap_on_memory.used.value
    assert not budget(resolve(machine("4G", "4G", "6.19"))).memmap_on_memory.used.value


def test_standby_alignment_start_up_end_down() -> None:
    # online 4100M: start rounded up to 4352M; end 4100M + 1G = 5124M rounded down to 5120M
    assert standby_blocks(4100 * MiB, 1 * GiB, 256 * MiB).value == 3
    assert standby_blocks(4 * GiB, 252 * GiB, 256 * MiB).value == 1008


def test_section_size_boundary_sets_block_size() -> None:
    assert budget(resolve(machine("4G", "4G", "6.12"))).block_size.value == 256 * MiB
    assert budget(resolve(machine("4G", "4G", "6.13"))).block_size.value == 128 * MiB
    assert budget(resolve(machine("4G", "4G", "6.13", memory={"increment": "2G"}))
                  ).block_size.value == 2 * GiB


# --- page tables (§5.3, §9) -------------------------------------------------------------
@pytest.mark.parametrize(("block", "pte", "expected"), [
    (256 * MiB, 2 * KiB, 8 * KiB), (256 * MiB, 4 * KiB, 16 * KiB),
    (1 * GiB, 2 * KiB, 32 * KiB), (1 * GiB, 4 * KiB, 64 * KiB), (2 * GiB, 4 * KiB, 128 * KiB)])
def test_vmemmap_pte_tables_without_edat1(block: int, pte: int, expected: int) -> None:
    # one block whose vmemmap lies in a window the online memory already opened
    part = pagetables.standby_vmemmap(4 * GiB, 4 * GiB + block, 64, 64 * MiB, False, pte)
    assert part.value == expected


@pytest.mark.parametrize(("block", "pte", "expected"), [
    (256 * MiB, 2 * KiB, 512 * KiB), (256 * MiB, 4 * KiB, 1 * MiB),
    (1 * GiB, 2 * KiB, 2 * MiB), (1 * GiB, 4 * KiB, 4 * MiB)])
def test_identity_pte_tables_without_edat(block: int, pte: int, expected: int) -> None:
    part = pagetables.standby_identity(1 * GiB, 1 * GiB + block, block, 1 * GiB + block,
                                       False, False, pte)
    assert part.value == expected


def test_identity_with_edat2_and_2g_blocks_is_free() -> None:
    assert pagetables.standby_identity(4 * GiB, 64 * GiB, 2 * GiB, 4 * GiB, True, True,
                                       4 * KiB).value == 0


def test_identity_edat1_one_segment_table_per_new_2g_window() -> None:
    # standby [2 GiB, 256 GiB): windows 1..127 are new -> 127 × 16 KiB
    assert pagetables.standby_identity(2 * GiB, 256 * GiB, 256 * MiB, 2 * GiB, True, False,
                                       4 * KiB).value == 127 * 16 * KiB


def test_vmemmap_edat1_one_segment_table_per_128g() -> None:
    # vmemmap of [2 GiB, 256 GiB) is [32 MiB, 4 GiB): only window 1 is new
    assert pagetables.standby_vmemmap(2 * GiB, 256 * GiB, 64, 32 * MiB, True, 4 * KiB).value \
        == 16 * KiB
    assert pagetables.standby_vmemmap(2 * GiB, 1 * TiB, 64, 32 * MiB, True, 4 * KiB).value \
        == 7 * 16 * KiB


def test_reference_example_2g_online_254g_standby() -> None:
    failing = evaluate(machine("2G", "254G", "6.8"))
    assert failing.budget.standby_blocks.value == 1016
    assert failing.budget.charged["standby_memmap"].value == 1016 * 4 * MiB
    assert failing.verdict == "fail"
    fixed = evaluate(machine("2G", "254G", "6.9", kernel={"memmap_on_memory": "on"}))
    parts = fixed.budget.page_table_parts
    assert parts["standby_vmemmap"].value == 16 * KiB
    assert parts["standby_identity"].value == 127 * 16 * KiB
    assert fixed.budget.charged["standby_memmap"].value == 0
    assert fixed.verdict != "fail"
    assert evaluate(machine("2G", "254G", "6.19")).verdict != "fail"


# --- watermarks (§7) -------------------------------------------------------------------
@pytest.mark.parametrize(("lowmem", "kbytes"), [(1 * GiB, 4096), (4 * GiB, 8192),
                                                 (16 * GiB, 16384), (1 * MiB, 128),
                                                 (2 * TiB, 185363), (8 * TiB, 262144)])
def test_min_free_kbytes_documented_table(lowmem: int, kbytes: int) -> None:
    assert watermarks.min_free_kbytes(lowmem, 262144).value == kbytes


def test_min_free_kbytes_old_clamp() -> None:
    assert watermarks.min_free_kbytes(2 * TiB, 65536).value == 65536


@pytest.mark.parametrize(("online", "pageblock", "kbytes"), [
    (2 * GiB, 1 * MiB, 11 * 1024), (4 * GiB, 1 * MiB, 22 * 1024), (4 * GiB, 4 * MiB, 88 * 1024)])
def test_khugepaged_raise(online: int, pageblock: int, kbytes: int) -> None:
    assert watermarks.khugepaged_min_free_kbytes(online, online, pageblock).value == kbytes


def test_khugepaged_needs_edat1_thp_and_512m() -> None:
    assert watermarks.thp_active(True, True, 512 * MiB).value
    assert not watermarks.thp_active(True, True, 511 * MiB).value
    assert not watermarks.thp_active(True, False, 4 * GiB).value
    assert not watermarks.thp_active(False, True, 4 * GiB).value


def test_charged_items_add_up_and_nothing_is_missing() -> None:
    for version in ("6.8", "6.9", "6.19", None):
        b = budget(resolve(machine("4G", "252G", version)))
        assert tuple(b.charged) == CHARGED_ITEMS
        assert sum(item.value for item in b.charged.values()) == b.required
        assert b.margin == 4 * GiB - b.required


def test_crashkernel_aligned_to_1m() -> None:
    b = budget(resolve(machine("4G", 0, "6.8", kernel={"crashkernel": "1500K"})))
    assert b.charged["crashkernel"].value == 2 * MiB


@pytest.mark.parametrize(("online", "reserve"), [
    (2 * GiB, 0), (1 * GiB, 0), (4 * GiB, 8 * MiB), (16 * GiB, 56 * MiB), (2 * GiB + MiB, 4 * KiB)])
def test_dma_lowmem_reserve(online: int, reserve: int) -> None:
    # setup_per_zone_lowmem_reserve(): ZONE_NORMAL pages / sysctl_lowmem_reserve_ratio[ZONE_DMA]
    # (below the cap at these sizes, whatever min_free_kbytes is)
    assert watermarks.dma_lowmem_reserve(online, 8192).value == reserve


def test_min_free_item_is_watermark_plus_lowmem_reserve() -> None:
    b = budget(resolve(machine("4G", "252G", "6.8")))
    _base, raised, active = b.min_free_parts
    assert active.value and raised is not None and raised.value == 22528
    assert b.charged["min_free"].value == 22528 * KiB + 8 * MiB
