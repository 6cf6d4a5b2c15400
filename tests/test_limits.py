"""max_standby and min_online at their exact boundaries, and verified advice."""

from __future__ import annotations

from dataclasses import replace

import pytest

from memmapcalc.config.resolve import resolve
from memmapcalc.kernel.search import first_true
from memmapcalc.model.evaluate import evaluate
from memmapcalc.records.verdict import budget, passes
from memmapcalc.units import GiB, MiB
from tests.conftest import machine

CASES = [
    machine("4G", "252G", "6.8"),
    machine("2G", "254G", "6.8"),
    machine("16G", "1T", "6.12", memory={"increment": "2G"}),
    machine("2G", "94G", "6.10", cpu={"edat1": False}, kernel={"thp": False}),
    machine("8G", "384G", "6.8", kernel={"crashkernel": "512M"}),
    machine("1G", "63G", "6.15", kernel={"memmap_on_memory": "force", "pageblock_size": "4M"}),
    machine("3G", "100G", None),
    machine("4100M", "200G", "6.8"),
]


@pytest.mark.parametrize("m", CASES, ids=lambda m: f"{m.memory.online}-{m.kernel.version}")
def test_max_standby_passes_and_one_more_block_fails(m) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(m)
    p = result.params
    block = result.budget.block_size.value
    assert result.max_standby is not None
    limit = result.max_standby.value
    assert limit % block == 0
    assert passes(replace(p, standby=limit))
    if not result.max_standby_capped:
        assert not passes(replace(p, standby=limit + block))


@pytest.mark.parametrize("m", CASES, ids=lambda m: f"{m.memory.online}-{m.kernel.version}")
def test_min_online_passes_one_step_less_fails(m) -> None:  # type: ignore[no-untyped-def]
    result = evaluate(m)
    p = result.params
    step = max(MiB, p.increment or 0)
    assert result.min_online is not None
    limit = result.min_online.value
    assert limit % step == 0
    assert passes(replace(p, online=limit))
    assert not passes(replace(p, online=limit - step))
    # every larger size passes: sample the next 2 GiB densely, then coarsely beyond
    for extra in [*range(step, 2 * GiB, max(step, 4 * MiB)), *range(2 * GiB, 64 * GiB, GiB)]:
        assert passes(replace(p, online=limit + extra)), extra


def test_min_online_is_a_real_threshold_at_the_zone_boundary() -> None:
    # around 2 GiB ZONE_NORMAL appears and khugepaged reserves 11 MiB more: a machine that
    # passes just below 2 GiB can fail just above it; min_online must sit above such dips
    p = resolve(machine("2G", "90G", "6.8"))
    margins = {o: budget(replace(p, online=o * MiB)).margin for o in (2047, 2048, 2049)}
    assert margins[2049] < margins[2048]
    limit = evaluate(machine("2G", "90G", "6.8")).min_online
    assert limit is not None
    for online in range(limit.value, limit.value + 256 * MiB, MiB):
        assert passes(replace(p, online=online))


def test_max_standby_none_when_nothing_fits() -> None:
    result = evaluate(machine("256M", "1G", "6.8", kernel={"image": "200M"}))
    assert result.verdict == "fail"
    assert result.max_standby is None


def test_max_standby_capped_by_architecture() -> None:
    result = evaluate(machine("4G", "252G", "6.19"))
    assert result.max_standby_capped
    assert result.max_standby is not None
    assert result.max_standby.value + 4 * GiB <= 64 << 40
    assert any("64 TiB" in note for note in result.notes)


def test_advice_is_verified() -> None:
    result = evaluate(machine("4G", "252G", "6.8"))
    assert result.verdict == "fail"
    assert result.min_online is not None and result.max_standby is not None
    # (the 1008 add_memory() resources, 64 B each, made it 4523M; swapper_pg_dir, no longer
    # charged twice, gives 16 KiB back)
    assert result.advice[0] == "raise online memory to 4522M (+426M)"
    assert result.advice[1] == f"lower standby memory to {result.max_standby.value // MiB}M " \
        f"(-{(252 * GiB - result.max_standby.value) // MiB}M)"
    assert any("6.9" in tip for tip in result.advice)
    assert any("6.19" in tip for tip in result.advice)
    assert evaluate(machine("4G", "252G", "6.9", kernel={"memmap_on_memory": "on"})).advice == []


def test_advice_names_parameter_on_a_6_9_kernel() -> None:
    result = evaluate(machine("4G", "252G", "6.10"))
    assert ("boot with memory_hotplug.memmap_on_memory=1 (kernel.memmap_on_memory: on)"
            in result.advice)


def test_advice_does_not_offer_memmap_on_memory_without_edat1() -> None:
    result = evaluate(machine("2G", "94G", "6.10", cpu={"edat1": False}, kernel={"thp": False}))
    assert result.verdict == "fail"
    assert not any("memmap_on_memory=1" in tip for tip in result.advice)


def test_first_true_finds_the_boundary_from_any_guess() -> None:
    for guess in (-5, 0, 3, 37, 38, 1000):
        assert first_true(lambda k: k >= 37, 0, 100, guess) == 37
    assert first_true(lambda k: True, 0, 100, 50) == 0


def test_min_online_sits_above_the_khugepaged_start() -> None:
    # Found by comparing search strategies: with a 1346M crashkernel, managed memory reaches
    # 512 MiB (khugepaged starts and reserves 11 MiB) at 2019M online, so 2011M-2018M pass
    # and 2019M fails; min_online must be 2020M, the size from which every larger one passes.
    m = machine("41984M", "463872M", "6.12", kernel={"memmap_on_memory": "on",
                                                    "crashkernel": "1346M"},
                boot={"min_margin": "235M"})
    p = resolve(m)
    assert passes(replace(p, online=2018 * MiB)) and not passes(replace(p, online=2019 * MiB))
    limit = evaluate(m).min_online
    assert limit is not None and limit.value == 2020 * MiB
