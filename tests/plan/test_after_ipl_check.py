"""After IPL in every verdict (issue 14, items 1 and 2): ``check`` counts the standby blocks
that can be brought into use after IPL with the same model ``plan`` uses, warns when that is
not all of them (with the numbers and a verified fix), and ``plan`` shows what giving blocks
back returns.  Numbers are derived here from first principles; CLI runs go through the real
entry point (a subprocess) and check stdout, stderr and exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from plan_helpers import SHIPPED, mapping_of

from memmapcalc.api.batch import Checker
from memmapcalc.api.plan import plan_one
from memmapcalc.config.load import Loaded, machine_from_mapping
from memmapcalc.errors import InputError
from memmapcalc.model.after_ipl.bringup import Zone
from memmapcalc.units import GiB, KiB, MiB, TiB
from tests.conftest import CONFIGS, run_cli

BIG = ("--online", "1G", "--standby", "4T", "--kernel", "6.19")
#: the same machine as a config file (plan has no --online)
_BIG_YAML = 'name: big\nmemory: {online: 1G, standby: 4T}\nkernel: {version: "6.19"}\n'
BLOCK, MEMMAP = 128 * MiB, 2 * MiB  # 6.19: 128 MiB sections; 128 MiB / 4 KiB × 64 B = 2 MiB
USAGE, DEVICE, CRST, ROOT = 96, 4 * KiB, 16 * KiB, 4 * KiB


def _cost_1g(k: int, memmap: int) -> int:
    """Kernel memory configuring the lowest k 128 MiB blocks above 1 GiB online takes on
    6.19 with EDAT1 (drivers/s390/char/sclp_mem.c sclp_config_mem_store() -> __add_memory()):
    per block its memmap (unless on the block), 96 B mem_section_usage and a ~4 KiB memory
    block device; a 16 KiB segment table per new 2 GiB identity window (blocks 1-8 fill the
    window [0, 2G) online memory opened, then one per 16 blocks); a 16 KiB segment table per
    new 2 GiB vmemmap window (the vmemmap of block j is [16M + 2M·j, 16M + 2M·(j+1)): the
    first window is full after 1016 blocks); a 4 KiB section root per new 256 sections (8 are
    online)."""
    identity = -(-max(0, k - 8) // 16)
    vmemmap = -(-(16 * MiB + k * 2 * MiB) // (2 * GiB)) - 1
    roots = -(-(8 + k) // 256) - 1
    return k * (memmap + USAGE + DEVICE) + (identity + vmemmap) * CRST + roots * ROOT


def _json(*args: str) -> dict[str, Any]:
    done = run_cli("check", *args, "-f", "json")
    result: dict[str, Any] = json.loads(done.stdout)["results"][0]
    return result


def test_619_1g_4t_warns_with_the_numbers_in_json() -> None:
    result = _json(*BIG)
    assert result["verdict"] == "warn" and result["ipl"] is True
    free = result["margin"]  # boot.min_margin is 0: everything left after IPL
    assert free == 621663552
    usable = max(k for k in range(400) if _cost_1g(k, MEMMAP) <= free)
    # 295 × (2 MiB + 96 + 4096) + 18 × 16 KiB + 4 KiB = 620195488 ≤ 621663552 < cost(296)
    assert usable == 295 and _cost_1g(295, MEMMAP) == 620195488
    assert _cost_1g(296, MEMMAP) - _cost_1g(295, MEMMAP) == MEMMAP + USAGE + DEVICE == 2101344
    after = result["after_ipl"]
    assert after == {
        "standby_blocks": 32768, "block_size": BLOCK, "standby_memory": 4 * TiB,
        "usable_blocks": 295, "usable_memory": 295 * BLOCK,
        "unusable_blocks": 32768 - 295, "unusable_memory": (32768 - 295) * BLOCK,
        "usable_blocks_with_memmap_on_memory": 32768,
        "usable_memory_with_memmap_on_memory": 4 * TiB,
        "uses_memmap_on_memory": False,
        "memmap_on_memory_parameter": "memory_hotplug.memmap_on_memory=1",
        "configured_after_ipl": True, "zone": "movable",
        "limit": f"block 296 would need 2101344 B of kernel memory; "
                 f"{free - 620195488} B are left",
        "memmap_on_memory_note": after["memmap_on_memory_note"]}
    assert "chmem -c -m 1" in after["memmap_on_memory_note"]
    assert result["reasons"] == [
        "only 295 of 32768 standby blocks (36.87 GiB of 4 TiB) can be configured after IPL "
        "without memmap-on-memory: block 296 would need 2101344 B of kernel memory; "
        "1468064 B are left"]
    assert result["advice"] == [
        "boot with memory_hotplug.memmap_on_memory=1 (kernel.memmap_on_memory: on): then all "
        "32768 standby blocks can be configured after IPL, each holding its own memmap"]


def test_619_1g_4t_text_exit_codes_and_fail_on_warn() -> None:
    done = run_cli("check", *BIG)
    assert done.returncode == 0 and done.stderr == "1 machine: 0 pass, 1 warn, 0 fail, 0 error\n"
    lines = done.stdout.splitlines()
    assert lines[:3] == [
        "WARN   machine  <command line>",
        "       IPLs: 592.86 MiB of 1 GiB online left (57 %)",
        "       after IPL: only 295 of 32768 standby blocks usable (36.87 GiB of 4 TiB); "
        "with memmap-on-memory all 32768"]
    assert ("       fix: boot with memory_hotplug.memmap_on_memory=1 (kernel.memmap_on_memory: "
            "on): then all 32768 standby blocks can be configured after IPL, each holding its "
            "own memmap") in lines
    failed = run_cli("check", *BIG, "--fail-on", "warn")
    assert failed.returncode == 1 and failed.stdout == done.stdout


def test_the_same_machine_with_memmap_on_memory_passes() -> None:
    args = (*BIG, "--set", "kernel.memmap_on_memory=on")
    result = _json(*args)
    assert (result["verdict"], result["reasons"], result["advice"]) == ("pass", [], [])
    after = result["after_ipl"]
    assert after["usable_blocks"] == after["usable_blocks_with_memmap_on_memory"] == 32768
    assert (after["usable_memory"], after["unusable_blocks"]) == (4 * TiB, 0)
    assert after["uses_memmap_on_memory"] is True
    # 32768 × (96 + 4096) + 2048 identity + 32 vmemmap segment tables + 128 roots
    assert _cost_1g(32768, 0) == 171966464
    done = run_cli("check", *args, "--fail-on", "warn")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2] == \
        "       after IPL: all 32768 standby blocks usable (4 TiB)"


def test_a_618_machine_reports_all_standby_added_at_ipl_usable() -> None:
    # 6.8, 16 GiB online, 252 GiB standby: every 256 MiB block was added at IPL and only
    # needs onlining, so all 252 GiB / 256 MiB = 1008 are usable; 6.8's sclp never asks for
    # memmap-on-memory, so there is no with-memmap-on-memory count.
    args = ("--online", "16G", "--standby", "252G", "--kernel", "6.8")
    result = _json(*args)
    assert (result["verdict"], result["reasons"]) == ("pass", [])
    after = result["after_ipl"]
    assert (after["usable_blocks"], after["standby_blocks"], after["unusable_blocks"]) == \
        (1008, 1008, 0)
    assert after["usable_memory"] == after["standby_memory"] == 252 * GiB
    assert after["usable_blocks_with_memmap_on_memory"] is None
    assert after["configured_after_ipl"] is False
    assert after["limit"] == "all blocks were added at IPL"
    text = run_cli("check", *args).stdout.splitlines()
    assert text[2] == "       after IPL: all 1008 standby blocks usable (252 GiB)"


def test_a_69_machine_with_memmap_on_memory_reports_all_usable() -> None:
    result = _json(str(CONFIGS / "zvm-lnx01-6.9-mom.yaml"))
    after = result["after_ipl"]
    assert result["verdict"] == "pass"
    assert after["usable_blocks"] == after["usable_blocks_with_memmap_on_memory"] == 1008
    assert after["uses_memmap_on_memory"] is True


def test_a_machine_that_does_not_ipl_has_none_usable_and_stays_fail() -> None:
    result = _json("--online", "4G", "--standby", "252G", "--kernel", "6.8")
    assert result["verdict"] == "fail"
    assert result["after_ipl"]["usable_blocks"] == 0
    assert result["reasons"] == ["cannot IPL: needs 4.41 GiB of 4 GiB online, short by "
                                 "420.23 MiB"]


def test_other_architectures_say_what_the_model_knows() -> None:
    dimms = _json(str(CONFIGS / "x86_64-kvm-dimms.yaml"))["after_ipl"]
    assert dimms["usable_blocks"] == dimms["standby_blocks"] == 512  # added at boot, paid
    assert dimms["configured_after_ipl"] is False and dimms["zone"] is None
    dlpar = _json(str(CONFIGS / "ppc64le-radix.yaml"))
    assert dlpar["verdict"] == "pass"  # no count, so no warning either
    assert dlpar["after_ipl"]["usable_blocks"] is None
    assert dlpar["after_ipl"]["usable_blocks_with_memmap_on_memory"] is None
    assert "DLPAR" in dlpar["after_ipl"]["limit"]


def test_an_unreadable_config_has_no_after_ipl(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("memory: {online: nope}\n", encoding="utf-8")
    done = run_cli("check", str(bad), "-f", "json")
    result = json.loads(done.stdout)["results"][0]
    assert done.returncode == 2
    assert (result["verdict"], result["after_ipl"], result["reasons"]) == ("error", None, [])
    assert list(result)[-2:] == ["after_ipl", "reasons"]


def test_a_margin_warning_has_its_reason() -> None:
    result = _json(str(CONFIGS / "zvm-kdump-crashkernel.yaml"))
    assert result["verdict"] == "warn" and len(result["reasons"]) == 1
    assert result["reasons"][0].startswith("IPLs with only ")
    assert result["reasons"][0].endswith(" of 8 GiB online left, less than 10 %")


def _check(data: dict[str, Any]) -> dict[str, Any]:
    machine = machine_from_mapping(data, "t.yaml", "t")
    return Checker((), False).result(Loaded("t.yaml", "t", machine))


def test_check_and_plan_agree_on_every_shipped_s390_machine() -> None:
    for path in SHIPPED:
        data = mapping_of(path)
        machine = machine_from_mapping(data, str(path), "t")
        entry, _ = plan_one(Loaded(str(path), "t", machine), Zone.MOVABLE)
        result = _check(data)
        assert entry["verdict"] == result["verdict"], path.name
        assert entry["reasons"] == result["reasons"], path.name
        assert {key: entry["after_ipl"][key] for key in result["after_ipl"]} == \
            result["after_ipl"], path.name


def _big(tmp_path: Path) -> str:
    path = tmp_path / "big.yaml"
    path.write_text(_BIG_YAML, encoding="utf-8")
    return str(path)


def test_plan_shows_what_deconfiguring_gives_back_on_619(tmp_path: Path) -> None:
    done = run_cli("plan", "-f", "json", _big(tmp_path))
    assert done.returncode == 0, done.stderr
    back = json.loads(done.stdout)["plans"][0]["after_ipl"]["give_back"]
    without, with_ = back["without_memmap_on_memory"], back["with_memmap_on_memory"]
    # deconfiguring the highest of 295 configured blocks returns what configuring it took:
    # its 2 MiB memmap, 96 B section usage and the 4 KiB block device (no table empties)
    assert without == {"possible": True, "blocks": 295, "offline_returns": 0,
                       "deconfigure": True,
                       "last_block_returns": _cost_1g(295, MEMMAP) - _cost_1g(294, MEMMAP),
                       "last_block_memmap": MEMMAP, "all_blocks_return": _cost_1g(295, MEMMAP)}
    assert without["last_block_returns"] == 2101344
    # with memmap-on-memory the memmap went with the block: nothing of it returns
    assert with_["last_block_returns"] == USAGE + DEVICE and with_["last_block_memmap"] == 0
    assert with_["all_blocks_return"] == _cost_1g(32768, 0)


def test_plan_text_gives_back_per_era(tmp_path: Path) -> None:
    text = run_cli("plan", _big(tmp_path)).stdout
    assert ("giving standby back, as configured (≥ 6.19: an offline block can be "
            "deconfigured, which removes it):") in text
    assert ("without memmap-on-memory: offline alone returns 0 B; chmem -g (or echo 0 > "
            "/sys/firmware/memory/memoryN/config) on the highest configured block returns "
            "2101344 B (2 MiB, its 2 MiB memmap included); all 295 configured blocks return "
            "620195488 B (591.46 MiB)") in text
    assert "as check counts it: after IPL: only 295 of 32768 standby blocks usable" in text
    old = run_cli("plan", str(CONFIGS / "zvm-lnx01-6.9-mom.yaml")).stdout
    assert "(≤ 6.18: blocks added at IPL are never removed)" in old
    assert "returns 0 B to online memory: its memmap is on the block itself" in old


def test_plan_exit_status_and_summary_for_the_big_machine(tmp_path: Path) -> None:
    path = _big(tmp_path)
    done = run_cli("plan", path)
    assert done.returncode == 0 and done.stdout.startswith(f"WARN   big  {path}\n"), done.stderr
    assert done.stderr == ""


def test_ci_formats_name_the_after_ipl_warning() -> None:
    github = run_cli("check", *BIG, "-f", "github")
    assert github.stdout.startswith(
        "::warning title=memmapcalc%3A machine cannot use all its standby after IPL::")
    assert "after IPL: only 295 of 32768 standby blocks usable" in github.stdout
    sarif = json.loads(run_cli("check", *BIG, "-f", "sarif").stdout)["runs"][0]
    [found] = sarif["results"]
    rules = [rule["id"] for rule in sarif["tool"]["driver"]["rules"]]
    assert rules == ["cannot-ipl", "low-margin", "invalid-config", "standby-unusable-after-ipl"]
    assert (found["ruleId"], found["ruleIndex"], found["level"]) == \
        ("standby-unusable-after-ipl", 3, "warning")
    margin = json.loads(run_cli("check", str(CONFIGS / "zvm-kdump-crashkernel.yaml"), "-f",
                                "sarif").stdout)["runs"][0]["results"][0]
    assert margin["ruleId"] == "low-margin"  # the margin warning keeps its rule
    junit = run_cli("check", *BIG, "-f", "junit").stdout
    assert ("machine: warn: only 295 of 32768 standby blocks (36.87 GiB of 4 TiB) can be "
            "configured after IPL without memmap-on-memory") in junit
    html = run_cli("check", *BIG, "-f", "html").stdout
    assert "<li>only 295 of 32768 standby blocks (36.87 GiB of 4 TiB) can be configured" in html
    markdown = run_cli("check", *BIG, "-f", "markdown").stdout
    assert "⚠️ warn<br>only 295 of 32768 standby blocks" in markdown
    assert "| 295 of 32768 blocks, 36.87 GiB, 32768 with memmap-on-memory |" in markdown


@st.composite
def deferred_guests(draw: st.DrawFn) -> dict[str, Any]:
    """s390x guests where after IPL decides: small online, much standby, ≥ 6.19 (or the
    deferred override), every memmap-on-memory setting and increment."""
    increment = draw(st.sampled_from([None, 8, 64, 256]))
    online = draw(st.integers(384, 8192))
    memory: dict[str, Any] = {"standby": f"{draw(st.integers(0, 4096)) * 256}M"}
    if increment:
        online = max(increment, online // increment * increment)
        memory["increment"] = f"{increment}M"
    memory["online"] = f"{online}M"
    kernel: dict[str, Any] = {"memmap_on_memory": draw(st.sampled_from(["off", "on", "force"]))}
    if draw(st.booleans()):
        kernel["version"] = draw(st.sampled_from(["6.19", "6.20"]))
    else:
        kernel.update(version=draw(st.sampled_from(["6.8", "6.12", "6.18"])), standby="deferred")
    edat1 = draw(st.booleans())
    return {"name": "g", "memory": memory, "kernel": kernel,
            "cpu": {"edat1": edat1, "edat2": edat1 and draw(st.booleans())},
            "boot": {"userspace": f"{draw(st.integers(0, 512))}M",
                     "min_margin": f"{draw(st.integers(0, 32))}M"}}


@settings(max_examples=int(os.environ.get("MEMMAPCALC_PROPERTY_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(deferred_guests())
def test_deferred_guests_order_the_counts_agree_with_plan_and_the_fix_makes_all_usable(
        data: dict[str, Any]) -> None:
    try:
        machine = machine_from_mapping(data, "g.yaml", "g")
    except InputError:
        assume(False)
        raise
    result = _check(data)
    after = result["after_ipl"]
    usable, with_mom, total = (after["usable_blocks"], after["usable_blocks_with_memmap_on_memory"],
                               after["standby_blocks"])
    assert usable is not None and 0 <= usable <= total
    if with_mom is not None:
        assert usable <= with_mom <= total, data
    entry, _ = plan_one(Loaded("g.yaml", "g", machine), Zone.MOVABLE)
    assert (entry["verdict"], entry["reasons"]) == (result["verdict"], result["reasons"])
    assert {key: entry["after_ipl"][key] for key in after} == after
    if result["verdict"] == "fail" or usable == total:
        return
    assert result["verdict"] == "warn"
    [tip] = [tip for tip in result["advice"] if "standby blocks can be" in tip]
    event("fix: memmap-on-memory" if tip.startswith("boot with") else "fix: online memory")
    if tip.startswith("boot with memory_hotplug.memmap_on_memory="):
        value = tip.removeprefix("boot with memory_hotplug.memmap_on_memory=").split(" ")[0]
        fixed = {**data, "kernel": {**data["kernel"],
                                    "memmap_on_memory": {"1": "on", "force": "force"}[value]}}
    else:
        size = tip.removeprefix("raise online memory to ").split(" ")[0]
        fixed = {**data, "memory": {**data["memory"], "online": size}}
    again = _check(fixed)
    assert again["verdict"] != "fail"
    assert again["after_ipl"]["usable_blocks"] == again["standby_blocks"] == total, (data, tip)


def test_the_python_api_has_the_reasons_and_after_ipl() -> None:
    import memmapcalc

    result = memmapcalc.evaluate({"memory": {"online": "1G", "standby": "4T"},
                                  "kernel": {"version": "6.19"}})
    assert result.verdict == "warn" and result.reasons == _json(*BIG)["reasons"]
    assert result.after_ipl == result.to_dict()["after_ipl"] == _json(*BIG)["after_ipl"]
    assert result.after_ipl is not None and result.after_ipl["usable_blocks"] == 295
