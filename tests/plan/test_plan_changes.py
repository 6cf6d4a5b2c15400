"""``memmapcalc plan``: every change it names is confirmed by ``check`` on the edited config,
and size changes are minimal — one MiB (or storage increment) of online memory less, or one
memory block of standby more, fails.  Through the real entry point, for every shipped config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from plan_helpers import SHIPPED, apply_edits, check_result, mapping_of, plan_json

from memmapcalc.units import MiB, format_size, parse_size

FAILING = {"zvm-lnx01-6.8.yaml", "zvm-no-edat1.yaml", "lpar-2g-increments.yaml"}


def _one_step_beyond(mapping: dict[str, Any], change: dict[str, Any],
                     block: int) -> dict[str, Any] | None:
    """The same change one step smaller: online one MiB (or increment) lower, standby one
    block higher.  ``None`` for parameter and kernel changes."""
    edits = change["config_edits"]
    if change["kind"] == "online":
        step = max(MiB, parse_size(mapping["memory"].get("increment", 0)))
        return apply_edits(mapping, {"memory.online": parse_size(edits["memory.online"]) - step})
    if change["kind"] == "standby":
        return apply_edits(mapping, {"memory.standby": parse_size(edits["memory.standby"]) + block})
    return None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_change_confirmed_by_check_and_minimal(path: Path, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    mapping = mapping_of(path)
    planned = plan_json(cli, str(path))["plans"][0]
    own = next(b for b in planned["behaviours"] if b["yours"])
    block = own["block_size"]
    assert planned["verdict"] == check_result(cli, tmp_path, mapping, "own")["verdict"]
    if path.name in FAILING:
        assert planned["verdict"] == "fail"
        assert planned["cheapest"] == planned["changes"][0]
        ranks = [c["rank"] for c in planned["changes"]]
        assert ranks == sorted(ranks)
    else:
        assert planned["verdict"] in ("pass", "warn") and planned["changes"] == []
        assert planned["cheapest"] is None
    assert {c["kind"] for c in planned["limits"]} == {"online", "standby"}
    for index, change in enumerate(planned["changes"] + planned["limits"]):
        changed = apply_edits(mapping, change["config_edits"])
        result = check_result(cli, tmp_path, changed, f"change{index}")
        assert result["verdict"] == change["verdict"] != "fail", change["text"]
        assert result["margin"] == change["margin"]
        assert change["minimal"], change
        beyond = _one_step_beyond(mapping, change, block)
        capped = "capped by the 64 TiB" in change["evidence"]
        if beyond is not None and not capped:
            assert check_result(cli, tmp_path, beyond, f"beyond{index}")["verdict"] == "fail", \
                change["text"]


def test_lnx01_cheapest_is_more_online_memory(cli) -> None:  # type: ignore[no-untyped-def]
    planned = plan_json(cli, "configs/zvm-lnx01-6.8.yaml")["plans"][0]
    assert [c["text"] for c in planned["changes"]] == [
        "raise online memory to 4528M (+432M)",
        "lower standby memory to 230656M (-27392M)",
        "boot a kernel ≥ 6.9 with memory_hotplug.memmap_on_memory=1 (standby blocks then carry "
        "their own memmap)",
        "boot a kernel ≥ 6.19 (standby memory is no longer added at IPL; configure it later with "
        "chmem)",
    ]
    assert planned["changes"][0]["evidence"].startswith("4520M fails (margin -")
    assert planned["changes"][2]["config_edits"] == {
        "kernel.version": "6.9", "kernel.standby": None, "kernel.s390_memmap_on_memory": None,
        "kernel.memmap_on_memory": "on"}
    # -445940224 B: 6.8's -441745920 B without a platform, less the 4194304 B vmcp CMA area
    assert planned["changes"][2]["evidence"] == ("kernel 6.9 without the parameter fails "
                                                 "(margin -425.29 MiB)")
    assert "only 1801 of 2016 standby blocks can be configured without memmap-on-memory" in \
        planned["changes"][3]["evidence"]


def test_lpar_cheapest_is_the_boot_parameter(cli) -> None:  # type: ignore[no-untyped-def]
    # 6.12 has s390 memmap-on-memory: only the parameter is missing
    planned = plan_json(cli, "configs/lpar-2g-increments.yaml")["plans"][0]
    cheapest = planned["cheapest"]
    assert (cheapest["kind"], cheapest["rank"]) == ("memmap_on_memory", 1)
    assert cheapest["text"] == ("boot with memory_hotplug.memmap_on_memory=1 "
                                "(kernel.memmap_on_memory: on)")
    assert cheapest["config_edits"] == {"kernel.memmap_on_memory": "on"}
    assert cheapest["evidence"].startswith("as configured it fails (margin -977.07 MiB)")


def test_force_is_suggested_when_y_is_refused(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kvm.yaml"
    path.write_text("memory: {online: 1G, standby: 63G}\nkernel: {version: '6.15', "
                    "pageblock_size: 4M, thp: false}\n", encoding="utf-8")
    planned = plan_json(cli, str(path))["plans"][0]
    cheapest = planned["cheapest"]
    assert cheapest["text"] == ("boot with memory_hotplug.memmap_on_memory=force, wasting 2M per "
                                "block (kernel.memmap_on_memory: force)")
    assert "memmap_on_memory=1 fails" in cheapest["evidence"]


def test_passing_machine_limits_are_headroom(cli) -> None:  # type: ignore[no-untyped-def]
    planned = plan_json(cli, "configs/zvm-just-passes.yaml")["plans"][0]
    online, standby = planned["limits"]
    assert online["text"] == "online memory is at its minimum, 5310M"
    assert online["evidence"].startswith("5309M fails")
    assert standby["text"] == f"standby memory is at its maximum, {format_size(252 << 30)}"


def test_text_names_the_cheapest_change(cli) -> None:  # type: ignore[no-untyped-def]
    ran = cli("plan", "configs/zvm-lnx01-6.8.yaml")
    assert ran.returncode == 1 and ran.stderr == ""
    assert "1. cheapest: raise online memory to 4528M (+432M) — WARN with 1013.75 KiB left; " \
           "4520M fails" in ran.stdout
    assert cli("plan", "--exit-zero", "configs/zvm-lnx01-6.8.yaml").returncode == 0
    assert cli("plan", "configs/zvm-lnx01-6.19.yaml").returncode == 0


def test_what_if_set_and_bad_input(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the same --set as check: lnx01 on the kernel that defers standby IPLs (warn: without
    # memmap-on-memory not all its standby can be configured after IPL)
    planned = plan_json(cli, "--set", "kernel.version=6.19", "configs/zvm-lnx01-6.8.yaml")
    assert planned["plans"][0]["verdict"] == "warn"
    yours = next(b for b in planned["plans"][0]["behaviours"] if b["yours"])
    assert yours["key"] == "deferred"
    bad = cli("plan", "--set", "kernel.nope=1", "configs/zvm-lnx01-6.8.yaml")
    assert bad.returncode == 2 and bad.stdout == ""
    assert "--set kernel.nope=1: unknown key" in bad.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("memory: {online: 1G\n", encoding="utf-8")
    ran = cli("plan", str(broken), "configs/zvm-lnx01-6.19.yaml")
    assert ran.returncode == 2
    assert "ERROR  broken" in ran.stdout
    assert "WARN   lnx01-6.19" in ran.stdout  # the rest is still planned
    document = cli("plan", "-f", "json", str(broken)).stdout
    assert '"verdict": "error"' in document and cli("plan").returncode == 2


def test_other_architectures_get_checks_fixes(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    x86 = tmp_path / "x86.yaml"
    x86.write_text("arch: x86_64\nmemory: {online: 512M, dimms: [24G]}\n"
                   "kernel: {version: '6.1'}\n", encoding="utf-8")
    checked = json.loads(cli("check", "-f", "json", "--exit-zero", str(x86)).stdout)["results"][0]
    planned = plan_json(cli, str(x86))["plans"][0]
    assert (planned["arch"], planned["verdict"], planned["behaviours"]) == \
        ("x86_64", checked["verdict"], [])
    assert planned["advice"] == checked["advice"]
    assert "modelled for s390x standby memory" in planned["note"]
    ran = cli("plan", str(x86))
    assert ran.returncode == (1 if checked["verdict"] == "fail" else 0)
    assert all(f"fix: {tip}" in ran.stdout for tip in checked["advice"])
