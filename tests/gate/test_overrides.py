"""``--set KEY=VALUE``: what-if overrides, validated like the file, applied to every machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memmapcalc.config.overrides import apply_overrides, parse_overrides
from memmapcalc.errors import UsageError
from tests.gate.gate_helpers import FAILING, PASSING, Gate, write_configs

FLEET = """\
defaults: {kernel: {version: "6.8"}}
machines:
  - {name: a, memory: {online: 4G, standby: 252G}}
  - {name: b, memory: {online: 4G, standby: 252G}, kernel: {version: "6.12"}}
"""


def _verdicts(out: str) -> dict[str, str]:
    return {r["name"]: r["verdict"] for r in map(json.loads, out.splitlines())}


def test_whole_fleet_on_the_planned_kernel(gate: Gate, tmp_path: Path) -> None:
    """"Will the whole fleet IPL on the kernel we plan to roll out?" """
    write_configs(tmp_path, {"fleet.yaml": FLEET, "single.yaml": FAILING})
    before = gate("check", str(tmp_path), "-f", "jsonl")
    assert before.code == 1 and set(_verdicts(before.out).values()) == {"fail"}
    after = gate("check", str(tmp_path), "-f", "jsonl", "--set", "kernel.version=6.19")
    # all IPL; on 6.19 without memmap-on-memory not all 252G can be configured after IPL: warn
    assert after.code == 0 and _verdicts(after.out) == {"a": "warn", "b": "warn", "lnx01": "warn"}
    done = gate("check", str(tmp_path), "-f", "jsonl", "--set", "kernel.version=6.19",
                "--set", "kernel.memmap_on_memory=on")
    assert done.code == 0 and set(_verdicts(done.out).values()) == {"pass"}
    # --set wins over the fleet's defaults and over the machine's own key
    assert {json.loads(line)["kernel"]["version"] for line in after.out.splitlines()} == {"6.19"}


def test_memmap_on_memory_what_if(gate: Gate, tmp_path: Path) -> None:
    write_configs(tmp_path, {"m.yaml": FAILING})
    run = gate("check", str(tmp_path), "-f", "jsonl", "--set", "kernel.version=6.9",
               "--set", "kernel.memmap_on_memory=on")
    [result] = map(json.loads, run.out.splitlines())
    assert run.code == 0 and result["memmap_on_memory"] is True


def test_bad_key_or_value_is_exit_2_naming_the_set(gate: Gate) -> None:
    run = gate("check", "configs", "--set", "kernel.versoin=6.19")
    assert run.code == 2 and run.out == ""
    assert run.err.startswith("memmapcalc: error: --set kernel.versoin=6.19: unknown key "
                              "'kernel.versoin'; did you mean 'kernel.version'?")
    run = gate("check", "configs", "--set", "memory.standby=16GB")
    assert run.code == 2
    assert run.err == ("memmapcalc: error: --set memory.standby=16GB: '16GB' uses the decimal "
                       "unit 'GB'; memmapcalc counts in powers of 1024 as z/VM and lsmem do: "
                       "write G or GiB\n")
    assert "expected KEY=VALUE" in gate("check", "configs", "--set", "kernel.version").err
    assert "is a section" in gate("check", "configs", "--set", "kernel=6.19").err
    assert "cannot be set for a whole run" in gate("check", "configs", "--set", "name=x").err


def test_value_valid_alone_but_not_for_a_machine_names_the_set(gate: Gate, tmp_path: Path) -> None:
    write_configs(tmp_path, {"m.yaml": PASSING})
    run = gate("check", str(tmp_path), "-f", "jsonl", "--set", "memory.standby=100M")
    [result] = map(json.loads, run.out.splitlines())
    assert run.code == 2 and result["verdict"] == "error"
    assert "memory.standby (from --set memory.standby=100M): 100M is less than one memory block" \
        in result["error"]


def test_values_are_yaml_scalars_except_text_fields() -> None:
    values = {o.key: o.value for o in parse_overrides([
        "kernel.version=6.10", "kernel.memmap_on_memory=on", "cpu.edat1=no", "memory.online=8G",
        "memory.standby=4294967296", "memory.increment=null"])}
    assert values == {"kernel.version": "6.10", "kernel.memmap_on_memory": True,
                      "cpu.edat1": False, "memory.online": "8G", "memory.standby": 4294967296,
                      "memory.increment": None}


def test_last_set_of_a_key_wins_and_null_removes() -> None:
    overrides = parse_overrides(["kernel.version=6.8", "memory.increment=~",
                                 "kernel.version=6.19"])
    data = {"memory": {"online": "4G", "increment": "8M"}, "kernel": {"version": "5.14"}}
    assert apply_overrides(data, overrides) == {"memory": {"online": "4G"},
                                                "kernel": {"version": "6.19"}}
    assert data["kernel"]["version"] == "5.14"  # the caller's mapping is not modified


@pytest.mark.parametrize("argument", ["memory.online=0755", "memory.online={a: 1}",
                                      "kernel.memmap_on_memory=maybe", "cpu.edat1=1.5"])
def test_rejected_values(argument: str) -> None:
    with pytest.raises(UsageError, match=f"^--set {argument}: "):
        parse_overrides([argument])
