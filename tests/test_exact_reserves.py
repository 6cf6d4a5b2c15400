"""Issue 14 item 3, exact reserves: each audited kernel item pinned in bytes from first
principles, with the source that fixes it (docs/research/budget-audit-after-ipl.md)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from memmapcalc.arch.s390x import metadata, watermarks
from memmapcalc.config.resolve import resolve
from memmapcalc.kernel.sections import kmalloc_size
from memmapcalc.records.verdict import budget
from memmapcalc.units import GiB, KiB, MiB
from tests.conftest import machine

# --- 1. ZONE_DMA lowmem_reserve, bounded by ZONE_DMA -----------------------------------
# mm/page_alloc.c (5.x–6.19): setup_per_zone_lowmem_reserve() sets
# DMA.lowmem_reserve[NORMAL] = managed(NORMAL) / 256 with no clamp; __zone_watermark_ok()
# refuses ZONE_DMA while free <= min(DMA) + lowmem_reserve, so a reserve larger than
# ZONE_DMA closes the zone and loses at most ZONE_DMA's pages beyond its own min share.


def test_lowmem_reserve_capped_at_zone_dma_for_1_tib_online() -> None:
    # 1 TiB online: ZONE_NORMAL = 1 TiB - 2 GiB = 267911168 pages, reserve 267911168 // 256
    # = 1046528 pages (4088 MiB, the uncapped value the issue quotes).  ZONE_DMA = 524288
    # pages; min_free_kbytes = clamp(isqrt(kB × 16)) = 130035 kB -> pages_min 32508,
    # min(DMA) = 32508 × 524288 // 268435456 = 63 pages -> cap 524225 pages.
    assert watermarks.dma_reserve_pages(524288, 267911168, 130035) == 524225
    b = budget(resolve(machine("1T", "1T", "6.8", memory={"increment": "1G"})))
    base, raised, _ = b.min_free_parts
    assert base.value == 130035 and raised is not None and raised.value == 22528
    assert b.lowmem_reserve is not None
    assert b.lowmem_reserve.value == 524225 * 4 * KiB <= 2 * GiB
    assert b.charged["min_free"].value == 130035 * KiB + 524225 * 4 * KiB
    assert "more than ZONE_DMA's 524288 pages" in b.lowmem_reserve.formula


def test_lowmem_reserve_uncapped_below_the_cap() -> None:
    # 514 GiB online: 512 GiB of ZONE_NORMAL = 134217728 pages // 256 = 524288 pages, just
    # over ZONE_DMA's 524288 - min share; 300 GiB online: 298 GiB // 1 MiB = 305152 pages.
    assert watermarks.dma_reserve_pages(524288, 78118912, 91000) == 305152
    assert watermarks.dma_reserve_pages(524288, 134217728, 91000) == 524288 - (
        (91000 >> 2) * 524288 // (524288 + 134217728))
    assert watermarks.dma_lowmem_reserve(2 * GiB, 8192).value == 0


@given(st.integers(0, 2 ** 30), st.integers(128, 262144))
def test_lowmem_reserve_never_above_zone_dma_and_grows_with_zone_normal(normal: int,
                                                                        kb: int) -> None:
    # the after-IPL model re-runs this as blocks go online into ZONE_NORMAL
    dma = 524288
    pages = watermarks.dma_reserve_pages(dma, normal, kb)
    assert 0 <= pages <= dma and pages <= normal // 256
    assert watermarks.dma_reserve_pages(dma, normal + 256, kb) >= pages - 1


def test_1_tib_online_margin_grows_by_what_the_cap_takes_off() -> None:
    # before the cap this machine's margin was 1060310821888 B with 4286578688 B (4088 MiB) of
    # lowmem reserve; now 524225 pages = 2147225600 B: the margin grows by the difference and
    # nothing else changes but what later audit items charge: sclp's increment list
    # (2 TiB / 1 GiB = 2048 × 32 B), a 64-B resource per add_memory() (1024 blocks), and
    # the region-2 table swapper_pg_dir no longer charged twice (+16 KiB)
    b = budget(resolve(machine("1T", "1T", "6.8", memory={"increment": "1G"})))
    assert b.margin == (1060310821888 + 4286578688 - 2147225600 - 2048 * 32 - 1024 * 64
                        + 16 * KiB)


# --- 6. mem_section_usage per era ---------------------------------------------------------
# mm/sparse.c mem_section_usage_size() = sizeof(struct mem_section_usage) + usemap_size():
# [rcu_head 16 B from 6.8 (5ec8e8ea8b77)] + subsection_map (section / 2 MiB bits, in longs)
# + section / pageblock × NR_PAGEBLOCK_BITS bits in longs (4 bits; 8 from 6.17 with
# MEMORY_ISOLATION, which MEMORY_HOTPLUG selects).  s390 pageblocks are 1 MiB (order 8).
@pytest.mark.parametrize(("version", "usage", "kmalloc"), [
    ("6.1", 0 + 16 + 128, 192),     # 256 MiB: 128 bits = 16 B, 256 × 4 bits = 128 B
    ("6.8", 16 + 16 + 128, 192),
    ("6.12", 16 + 16 + 128, 192),
    ("6.13", 16 + 8 + 64, 96),      # 128 MiB: 64 bits = 8 B, 128 × 4 bits = 64 B
    ("6.16", 16 + 8 + 64, 96),
    ("6.17", 16 + 8 + 128, 192),    # 128 × 8 bits = 128 B
    ("6.19", 16 + 8 + 128, 192),
])
def test_section_usage_per_era(version: str, usage: int, kmalloc: int) -> None:
    b = budget(resolve(machine("4G", "4G", version)))
    assert b.section_usage is not None and b.section_usage.value == usage
    assert kmalloc_size(usage) == kmalloc
    assert f"= {usage} B" in b.section_usage.formula


def test_section_usage_in_the_online_metadata_of_6_17() -> None:
    # 4 GiB online on 6.17: 32 sections × 152 B (memblock array, no size class) + 1 root
    # page + 32 blocks of 128 MiB × ~4 KiB = 4864 + 4096 + 131072 B
    b = budget(resolve(machine("4G", 0, "6.17")))
    assert metadata.boot_metadata(4 * GiB, 128 * MiB, 128 * MiB, 152).value == 140032
    assert b.charged["metadata"].formula.startswith("online 140032 B")


# --- 2. sclp's struct memory_increment list ------------------------------------------------
# drivers/s390/char/sclp_cmd.c (sclp_mem.c from 6.18) insert_increment(): kzalloc of
# struct memory_increment {struct list_head list (16 B); u16 rn; int standby} = 24 B ->
# kmalloc-32, one for every increment number 1..rnmax (assigned, standby and the appended
# rnmax - assigned), never freed; at IPL in every era (sclp_detect_standby_memory() ≤ 6.18,
# sclp_setup_memory() initcall 6.19 on).
@pytest.mark.parametrize("version", ["5.15", "6.8", "6.13", "6.19"])
def test_sclp_increments_of_a_256_gib_zvm_guest(version: str) -> None:
    # 4 GiB + 252 GiB in 8 MiB increments: rnmax = 256 GiB / 8 MiB = 32768 -> 32768 × 32 B
    b = budget(resolve(machine("4G", "252G", version, memory={"increment": "8M"})))
    part = b.metadata_parts["sclp_increments"]
    assert part.value == 32768 * 32 == 1 * MiB
    assert b.charged["metadata"].value == sum(p.value for p in b.metadata_parts.values())
    assert "32768 × kmalloc-32" in part.formula and "insert_increment" in part.source


def test_sclp_increments_of_a_2g_increment_lpar_and_without_an_increment() -> None:
    # 16 GiB + 1008 GiB in 2 GiB increments: rnmax 512 -> 16384 B; without memory.increment
    # (rzm 0, as QEMU/KVM reports) sclp has no storage-reconfiguration facility: no list
    lpar = budget(resolve(machine("16G", "1008G", "6.12", memory={"increment": "2G"})))
    assert lpar.metadata_parts["sclp_increments"].value == 512 * 32
    kvm = budget(resolve(machine("4G", "4G", "6.8")))
    assert kvm.metadata_parts["sclp_increments"].value == 0


def test_sclp_increments_are_not_a_configure_cost_after_ipl() -> None:
    # 6.19: the list exists from IPL on, for every increment; configuring a block after IPL
    # allocates none (first block: 2 MiB memmap + 16 KiB + 192 B + ~4 KiB + 64 B resource)
    from memmapcalc.model.after_ipl.costs import ConfigureCost

    p = resolve(machine("4G", "252G", "6.19", memory={"increment": "8M"}))
    b = budget(p)
    assert b.metadata_parts["sclp_increments"].value == 1 * MiB
    assert ConfigureCost(p, b, 2 * MiB)(1) == 2 * MiB + 16 * KiB + 192 + 4 * KiB + 64


def test_explain_shows_the_metadata_parts(cli) -> None:  # type: ignore[no-untyped-def]
    text = cli("check", "--explain", "--online", "4G", "--standby", "252G", "--kernel", "6.8",
               "--increment", "8M").stdout
    assert "sclp_increments = 1048576" in text
    assert "rnmax (4 GiB + 252 GiB) / 8 MiB = 32768: 32768 × kmalloc-32 = 1 MiB" in text


# --- 3. struct resource per add_memory() ---------------------------------------------------
# mm/memory_hotplug.c register_memory_resource() -> kernel/resource.c __request_region() ->
# alloc_resource(): kzalloc(sizeof(struct resource)) = 8 × 8 B (include/linux/ioport.h:
# start, end, name, flags, desc, parent, sibling, child) = 64 B -> kmalloc-64, one per
# add_memory(); sclp calls it once per block (add_memory_merged()'s per-block loop).
def test_one_resource_per_block_added_at_ipl() -> None:
    # 6.8, 4 GiB + 252 GiB in 256 MiB blocks: 1008 add_memory() calls × 64 B = 64512 B
    b = budget(resolve(machine("4G", "252G", "6.8", memory={"increment": "8M"})))
    assert b.metadata_parts["memory_resources"].value == 1008 * 64 == 64512
    # 6.19 adds nothing at IPL; each configured block pays its resource then (see the
    # ConfigureCost test above: + 64 B in the first block's cost)
    later = budget(resolve(machine("4G", "252G", "6.19", memory={"increment": "8M"})))
    assert later.metadata_parts["memory_resources"].value == 0


# --- 4. vmem_altmap copy per block with memmap on memory ----------------------------------
# mm/memory_hotplug.c create_altmaps_and_memory_blocks() (6.8 on): params.altmap =
# kmemdup(&mhp_altmap, sizeof(struct vmem_altmap)) per block; struct vmem_altmap
# (include/linux/memremap.h) is 6 longs = 48 B (+ bool inaccessible, 56 B, in 6.9-6.18) ->
# kmalloc-64; s390's sclp asks for MHP_MEMMAP_ON_MEMORY from 6.9.
def test_one_altmap_copy_per_block_with_memmap_on_memory() -> None:
    on = budget(resolve(machine("4G", "252G", "6.9", kernel={"memmap_on_memory": "on"})))
    assert on.memmap_on_memory.used.value
    assert on.metadata_parts["altmap_copies"].value == 1008 * 64 == 64512
    off = budget(resolve(machine("4G", "252G", "6.9")))
    assert off.metadata_parts["altmap_copies"].value == 0
    # 6.19: none at IPL; a block configured with memmap_on_memory pays 64 B then
    # (tests/plan/test_after_ipl.py: first_block_cost with memmap-on-memory = 16 KiB +
    # 192 B + ~4 KiB + 64 B resource + 64 B altmap = 20800 B)
    later = budget(resolve(machine("4G", "252G", "6.19", kernel={"memmap_on_memory": "on"})))
    assert later.metadata_parts["altmap_copies"].value == 0


# --- 5. top_level page table: swapper_pg_dir is in the kernel image ---------------------
# arch/s390/mm/init.c: pgd_t swapper_pg_dir[PTRS_PER_PGD] __section(".bss..swapper_pg_dir")
# (2048 × 8 B = 16 KiB, first in .bss by arch/s390/kernel/vmlinux.lds.S); arch/s390/boot/
# vmem.c setup_vmem() makes it the region-3 (3-level) or region-2 (4-level) table of the
# kernel ASCE.  kernel.image is vmlinux image_size + bss, so it already holds it.
def test_top_level_is_not_charged_twice() -> None:
    # 4 GiB + 252 GiB: 3-level -> nothing beyond swapper_pg_dir
    small = budget(resolve(machine("4G", "252G", "6.8")))
    assert small.page_table_parts["top_level"].value == 0
    assert "swapper_pg_dir" in small.page_table_parts["top_level"].formula
    # 1 TiB + 1 TiB: identity map 2 TiB and vmemmap 32 GiB exceed 2 TiB -> 4-level:
    # ceil(2 TiB / 4 TiB) + ceil(32 GiB / 4 TiB) = 2 region-3 tables × 16 KiB (the region-2
    # table is swapper_pg_dir)
    big = budget(resolve(machine("1T", "1T", "6.8", memory={"increment": "1G"})))
    assert big.page_table_parts["top_level"].value == 2 * 16 * KiB
    image = big.charged["kernel_image"].value
    assert image == 64 * MiB and "bss" in big.charged["kernel_image"].source


def test_metadata_group_only_where_there_are_parts() -> None:
    # s390x explains the parts of charged_at_ipl.metadata; the paging profiles have none
    from memmapcalc.config.load import machine_from_mapping
    from memmapcalc.explain import explanation
    from memmapcalc.model.evaluate import evaluate

    s390 = explanation(evaluate(machine("4G", "252G", "6.8", memory={"increment": "8M"})))
    assert sum(p["value"] for p in s390["metadata"].values()) == \
        s390["charged_at_ipl"]["metadata"]["value"]
    x86 = explanation(evaluate(machine_from_mapping(
        {"arch": "x86_64", "memory": {"online": "4G", "dimms": ["8G"]}}, "x.yaml", "x")))
    assert "metadata" not in x86
