"""Invariants of the model over the whole valid input space (hypothesis).

One invariant is stated at section granularity on purpose: the kernel itself is not
monotone in online memory at MiB scale (crossing a section boundary adds a whole
section's memmap, crossing 2 GiB adds ZONE_NORMAL and khugepaged's reserve for it), so
"more online memory never hurts" holds for steps of one section or more, and
``min_online`` is defined as the size from which every larger size passes.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from memmapcalc.api.contract import result_dict
from memmapcalc.arch.s390x import metadata
from memmapcalc.config.load import Loaded, machine_from_mapping
from memmapcalc.config.model import Machine, MemmapMode, StandbyHandling
from memmapcalc.config.resolve import resolve
from memmapcalc.errors import InputError
from memmapcalc.kernel.behaviour import behaviour_for
from memmapcalc.kernel.search import smallest_online
from memmapcalc.model.evaluate import evaluate, evaluate_params
from memmapcalc.records.verdict import budget, passes
from memmapcalc.units import MiB

VERSIONS = [None, "4.18", "5.14", "6.1", "6.6", "6.8", "6.9", "6.12", "6.13", "6.17", "6.18",
            "6.19", "7.1"]
#: MEMMAPCALC_PROPERTY_EXAMPLES=2000 for a thorough run; the suite's default stays quick.
PROFILE = settings(max_examples=int(os.environ.get("MEMMAPCALC_PROPERTY_EXAMPLES", "60")),
                   deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    online_mib = draw(st.integers(256, 512 * 1024))
    standby_mib = draw(st.sampled_from([0, draw(st.integers(256, 4 * 1024 * 1024))]))
    increment = draw(st.sampled_from([None, 1, 8, 16, 256, 2048]))
    if increment:
        online_mib = max(increment, online_mib // increment * increment)
        standby_mib = standby_mib // increment * increment
    edat1 = draw(st.booleans())
    data: dict[str, Any] = {
        "memory": {"online": f"{online_mib}M", "standby": f"{standby_mib}M"},
        "cpu": {"edat1": edat1, "edat2": edat1 and draw(st.booleans())},
        "kernel": {
            "memmap_on_memory": draw(st.sampled_from(["off", "on", "force"])),
            "struct_page_size": draw(st.sampled_from([56, 64, 72, 80])),
            "pageblock_size": draw(st.sampled_from(["1M", "4M"])),
            "crashkernel": f"{draw(st.integers(0, 1024))}M",
            "image": f"{draw(st.integers(16, 256))}M",
            "initramfs": f"{draw(st.integers(0, 256))}M",
            "thp": draw(st.booleans()),
        },
        "boot": {"userspace": f"{draw(st.integers(0, 2048))}M",
                 "min_margin": f"{draw(st.integers(0, 512))}M"},
    }
    if increment:
        data["memory"]["increment"] = f"{increment}M"
    version = draw(st.sampled_from(VERSIONS))
    if version:
        data["kernel"]["version"] = version
    return data


def valid(data: dict[str, Any]) -> Machine:
    try:
        return machine_from_mapping(data, "prop.yaml", "prop")
    except InputError:
        assume(False)
        raise  # unreachable


@PROFILE
@given(configs())
def test_every_valid_config_evaluates_and_items_add_up(data: dict[str, Any]) -> None:
    result = evaluate(valid(data))
    b = result.budget
    assert sum(item.value for item in b.charged.values()) == b.required
    assert b.margin == result.params.online - b.required
    assert result.verdict in {"pass", "warn", "fail"}
    assert all(item.value >= 0 for item in b.charged.values())


@PROFILE
@given(configs(), st.integers(1, 64))
def test_more_standby_never_turns_fail_into_pass(data: dict[str, Any], blocks: int) -> None:
    p = resolve(valid(data))
    block = budget(p).block_size.value
    if not passes(p):
        assert not passes(replace(p, standby=p.standby + blocks * block))
    assert budget(replace(p, standby=p.standby + blocks * block)).required >= budget(p).required


@PROFILE
@given(configs(), st.integers(1, 16))
def test_more_online_never_turns_pass_into_fail(data: dict[str, Any], sections: int) -> None:
    p = resolve(valid(data))
    step = p.behaviour.section_size * sections
    step = -(-step // (p.increment or 1)) * (p.increment or 1)
    if passes(p):
        assert passes(replace(p, online=p.online + step))


@PROFILE
@given(configs())
def test_memmap_on_memory_never_raises_ipl_cost(data: dict[str, Any]) -> None:
    p = resolve(valid(data))
    off = budget(replace(p, memmap_on_memory=MemmapMode.OFF)).required
    assert budget(replace(p, memmap_on_memory=MemmapMode.ON)).required <= off
    assert budget(replace(p, memmap_on_memory=MemmapMode.FORCE)).required <= off


@PROFILE
@given(configs())
def test_later_standby_era_never_costs_more(data: dict[str, Any]) -> None:
    """The eras with every other version-dependent constant held fixed: the standby memmap
    and page tables charged at IPL never grow from one era to the next."""
    p = resolve(valid(data))
    eras = [replace(p, standby_handling=StandbyHandling.BOOT_ADD, sclp_memmap_on_memory=False),
            replace(p, standby_handling=StandbyHandling.BOOT_ADD, sclp_memmap_on_memory=True),
            replace(p, standby_handling=StandbyHandling.DEFERRED, sclp_memmap_on_memory=True)]
    budgets = [budget(era) for era in eras]
    standby_costs = [b.charged["standby_memmap"].value + b.charged["page_tables"].value
                     for b in budgets]
    assert standby_costs[0] >= standby_costs[1] >= standby_costs[2]
    # 6.19 adds a struct sclp_mem and a /sys/firmware/memory directory for every block,
    # online ones included, so with little standby the deferred era can cost those bytes more
    allowance = metadata.standby_deferred_metadata(
        p.online, p.standby, budgets[2].block_size.value, budgets[2].standby_blocks.value).value
    required = [b.required for b in budgets]
    assert required[0] >= required[1]
    assert required[2] <= required[1] + allowance


@PROFILE
@given(configs())
def test_limits_are_exact(data: dict[str, Any]) -> None:
    result = evaluate(valid(data))
    p = result.params
    block = result.budget.block_size.value
    if result.max_standby is not None:
        assert passes(replace(p, standby=result.max_standby.value))
        if not result.max_standby_capped:
            assert not passes(replace(p, standby=result.max_standby.value + block))
    if result.min_online is not None:
        step = max(MiB, p.increment or 0)
        assert passes(replace(p, online=result.min_online.value))
        # One step less fails, or is less than one section, which check refuses.
        floor = smallest_online(result.budget.section_size.value, step)
        assert result.min_online.value >= floor
        assert (result.min_online.value == floor
                or not passes(replace(p, online=result.min_online.value - step)))
        # "from here on every larger size passes": every step of the next 96 MiB, where the
        # budget's jumps (sections, blocks, zones, khugepaged's start) could still bite
        for extra in range(step, 96 * MiB + 1, step):
            assert passes(replace(p, online=result.min_online.value + extra)), extra


@PROFILE
@given(configs())
def test_json_output_and_config_round_trip(data: dict[str, Any]) -> None:
    machine = valid(data)
    assert Machine.model_validate(machine.model_dump(by_alias=True)) == machine
    record = result_dict(Loaded("prop.yaml", "prop", machine), evaluate(machine), explain=True)
    assert json.loads(json.dumps(record)) == record


def test_later_kernel_versions_keep_era_order() -> None:
    # the version table walks the eras forward only
    eras = [(behaviour_for(None).standby, behaviour_for(None).sclp_memmap_on_memory)]
    for text in VERSIONS[1:]:
        from memmapcalc.kernel.version import v
        b = behaviour_for(v(text))
        eras.append((b.standby, b.sclp_memmap_on_memory))
    rank = {(StandbyHandling.BOOT_ADD, False): 0, (StandbyHandling.BOOT_ADD, True): 1,
            (StandbyHandling.DEFERRED, True): 2}
    ranks = [rank[e] for e in eras]
    assert ranks == sorted(ranks)


def test_evaluate_params_equals_evaluate() -> None:
    m = machine_from_mapping({"memory": {"online": "4G", "standby": "100G"}}, "x.yaml", "x")
    assert evaluate_params(resolve(m)).budget.required == evaluate(m).budget.required


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["4G", "256M", "16GB", "on", "force", "6.8", "deferred",
                                     "s390x", "1.5G", "-1G", "99999999E"]))
KEYS = st.sampled_from(["memory", "online", "standby", "increment", "block_size", "cpu", "edat1",
                        "edat2", "kernel", "version", "memmap_on_memory", "standby", "image",
                        "boot", "userspace", "min_margin", "name", "arch", "$schema", "machines",
                        "defaults", "x"])
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=6)), max_leaves=25)


@settings(max_examples=int(os.environ.get("MEMMAPCALC_PROPERTY_EXAMPLES", "150")),
          deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_any_document_is_a_machine_or_a_clean_error(document: Any) -> None:
    from memmapcalc.config.load import machines_from_document

    for loaded in machines_from_document(document, "doc.json"):
        if loaded.machine is None:
            assert isinstance(loaded.error, InputError)
            assert "\n" not in str(loaded.error)
        else:
            evaluate(loaded.machine)
