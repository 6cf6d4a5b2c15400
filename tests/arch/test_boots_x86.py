"""Validation against real boots: every recorded Debian 6.1 x86_64 boot in
tests/data/boots-x86 (QEMU q35, coldplugged ACPI DIMMs) is predicted correctly, and the
three bisected failure boundaries are matched within one 256 MiB step.

Each record becomes a machine config the way a user would write one for that VM: boot
memory, DIMMs, kernel 6.1, the command line's ``memory_hotplug.memmap_on_memory=1`` and
``memhp_default_state=online``, and the kernel's footprint calibrated from the baseline boot
with the same boot memory (boot memory minus MemFree at /init).  ``boot.userspace`` is 0:
the recorded outcome is reaching the busybox ``/init``, which needs nothing more.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from memmapcalc.config.load import machine_from_mapping
from memmapcalc.config.resolve import resolve
from memmapcalc.model.evaluate import evaluate
from memmapcalc.records.verdict import budget
from memmapcalc.units import KiB, MiB, parse_size
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "boots-x86"
STEP = 256 * MiB  # the bisection step of the recorded boundaries


def _records(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]


BOOTS = [record for name in ("baselines-6.1.jsonl", "x86-6.1.jsonl", "x86-6.1-small-dimms.jsonl",
                             "x86-6.1-multi.jsonl", "bisect-6.1.jsonl")
         for record in _records(name)]
BOUNDARIES = _records("bisect-summary-6.1.jsonl")


def footprint(boot_mem: str) -> int:
    """The calibration: boot memory minus MemFree at /init of the boot without DIMMs."""
    (baseline,) = [r for r in _records("baselines-6.1.jsonl") if r["boot_mem"] == boot_mem]
    assert baseline["reached_init"] and not baseline["dimms"]
    return int(parse_size(boot_mem) - baseline["MemFree_kB"] * KiB)


def config(boot_mem: str, dimms: list[str], append: str) -> dict[str, Any]:
    """The machine config of one recorded boot."""
    kernel: dict[str, Any] = {"version": "6.1", "footprint": footprint(boot_mem)}
    options = dict(re.findall(r"(\S+?)=(\S+)", append))
    if options.get("memory_hotplug.memmap_on_memory") in ("1", "y", "Y", "on"):
        kernel["memmap_on_memory"] = "on"
    if "memhp_default_state" in options:
        kernel["auto_online"] = options["memhp_default_state"]
    unknown = set(options) - {"memory_hotplug.memmap_on_memory", "memhp_default_state"}
    assert not unknown, f"the tests do not map {unknown}"
    memory: dict[str, Any] = {"online": boot_mem}
    if dimms:
        memory["dimms"] = dimms
    return {"arch": "x86_64", "memory": memory, "kernel": kernel, "boot": {"userspace": 0}}


def _id(record: dict[str, Any]) -> str:
    dimms = record["dimms"]
    shown = f"{len(dimms)}x{dimms[0]}" if len(dimms) > 3 else "+".join(dimms) or "none"
    return f"{record['boot_mem']}-{shown}-{record['append'] or 'plain'}"


def test_data_is_the_recorded_data() -> None:
    readme = (DATA / "README.md").read_text()
    files = sorted(path.name for path in DATA.glob("*.jsonl"))
    assert len(files) == 6
    for name in files:
        digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert f"| `{name}` | `{digest}` |" in readme, name
    assert len(BOOTS) == 72 and all(r["kernel"] == "vmlinuz-6.1.0-56-amd64" for r in BOOTS)


@pytest.mark.parametrize("record", BOOTS, ids=[_id(r) for r in BOOTS])
def test_predicts_the_recorded_outcome(record: dict[str, Any]) -> None:
    machine = machine_from_mapping(config(record["boot_mem"], record["dimms"], record["append"]))
    result = budget(resolve(machine))
    assert (result.margin >= 0) is record["reached_init"], (
        f"margin {result.margin / MiB:.1f} MiB, recorded "
        f"{'boot' if record['reached_init'] else 'failure'}")


@pytest.mark.parametrize("boundary", BOUNDARIES, ids=[b["boot_mem"] for b in BOUNDARIES])
def test_largest_single_dimm_matches_the_bisected_boundary(boundary: dict[str, Any]) -> None:
    machine = machine_from_mapping(config(boundary["boot_mem"], ["1G"], boundary["append"]))
    limit = evaluate(machine).max_standby
    assert limit is not None
    largest_ok, smallest_failing = boundary["max_ok_mib"] * MiB, boundary["min_fail_mib"] * MiB
    assert largest_ok - STEP <= limit.value < smallest_failing + STEP, limit.value // MiB


def test_the_boundary_dimm_boots_and_one_step_more_fails() -> None:
    """The exact DIMM sizes of the bisection: the model's margin changes sign between them
    for 256M and 512M boot memory (1G: within the step, see the boundary test)."""
    for boot_mem, ok, bad in (("256M", "6656M", "6912M"), ("512M", "22528M", "22784M")):
        margin_ok = budget(resolve(machine_from_mapping(config(boot_mem, [ok], "")))).margin
        margin_bad = budget(resolve(machine_from_mapping(config(boot_mem, [bad], "")))).margin
        assert margin_ok >= 0 > margin_bad, (boot_mem, margin_ok, margin_bad)


def test_memfree_drop_per_gib_is_the_recorded_one() -> None:
    """The 1/64 rule with the per-block costs: the model charges 16 MiB + 30–50 KiB per GiB
    of DIMM, the boots show MemFree falling by 16.05 MiB per GiB (ground-truth-x86.md §1)."""
    for boot_mem, dimm in (("512M", "8G"), ("1G", "32G")):
        base = budget(resolve(machine_from_mapping(config(boot_mem, [], ""))))
        with_dimm = budget(resolve(machine_from_mapping(config(boot_mem, [dimm], ""))))
        per_gib = (base.margin - with_dimm.margin) // (parse_size(dimm) // (1 << 30))
        assert 16 * MiB + 30 * KiB <= per_gib <= 16 * MiB + 50 * KiB, per_gib


def test_from_6_8_a_128g_dimm_boots_from_256m() -> None:
    """ground-truth-x86.md §6: from 6.8 requests are split per block, so a 128 GiB DIMM
    boots from 256 MiB with only about 44 KiB per GiB still taken from boot memory."""
    data = config("256M", ["128G"], "memory_hotplug.memmap_on_memory=1")
    data["kernel"]["version"] = "6.8"
    with_dimm = budget(resolve(machine_from_mapping(data)))
    base = budget(resolve(machine_from_mapping(config("256M", [], ""))))
    per_gib = (base.margin - with_dimm.margin) // 128
    assert with_dimm.memmap_on_memory.used.value and with_dimm.margin >= 0
    assert 30 * KiB <= per_gib <= 50 * KiB, per_gib
    on_6_1 = budget(resolve(machine_from_mapping(config("256M", ["128G"], "memory_hotplug."
                                                                          "memmap_on_memory=1"))))
    assert on_6_1.margin < 0  # recorded: fails on 6.1 with the same command line


def test_check_command_on_a_recorded_boot(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The recorded 512M + 4 × 8G boot through the real CLI: fails with DIMMs left offline,
    boots with memhp_default_state=online."""
    offline = tmp_path / "offline.json"
    offline.write_text(json.dumps(config("512M", ["8G"] * 4, "")))
    online = tmp_path / "online.json"
    online.write_text(json.dumps(config("512M", ["8G"] * 4, "memhp_default_state=online")))
    ran = cli("check", "-f", "json", str(offline), str(online))
    assert ran.returncode == 1, ran.stderr
    verdicts = [r["verdict"] for r in json.loads(ran.stdout)["results"]]
    assert verdicts[0] == "fail" and verdicts[1] in ("pass", "warn")
