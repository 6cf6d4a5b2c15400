"""Issue 13's first "done when" through the real CLI: ``kernel.version`` as ``uname -r``
prints it picks the distribution release's backports (memmapcalc.kernel.distros), the
config's overrides still win, and the JSON ``kernel`` object and notes say so.

Machine of the issue: 8 GiB online + 1 TiB standby with ``memmap_on_memory: on``.  Its
verdict does not depend on the storage increment here (8 MiB increments and no increment
both give 256 MiB blocks, the section size of these kernels), so both are checked."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from memmapcalc.units import MiB
from tests.conftest import run_cli

UBUNTU = "6.8.0-31-generic"  # Ubuntu 24.04: s390 memmap-on-memory from 6.8.0-29 (LP: #2051835)
UBUNTU_OLD = "6.8.0-28-generic"  # before the backport (noble changelog 6.8.0-28.28)
RHEL9 = "5.14.0-503.40.1.el9_5.s390x"  # sclp_cmd.c add_memory_merged(): MHP_NONE
RHEL10 = "6.12.0-55.24.1.el10_0.s390x"  # mainline 6.12: sclp asks with EDAT-1
SLES = "6.4.0-150600.23.25-default"  # SLES 15 SP6: backports not checked


def _machine(name: str, version: str, increment: str | None = None,
             **kernel: Any) -> dict[str, Any]:
    memory: dict[str, Any] = {"online": "8G", "standby": "1T"}
    if increment is not None:
        memory["increment"] = increment
    return {"name": name, "memory": memory,
            "kernel": {"version": version, "memmap_on_memory": "on", **kernel}}


FLEET = [
    *(_machine(f"{tag}-{inc or 'none'}", version, inc)
      for tag, version in (("ubuntu", UBUNTU), ("mainline", "6.8"), ("rhel9", RHEL9))
      for inc in ("8M", None)),
    _machine("ubuntu-old", UBUNTU_OLD),
    _machine("rhel10", RHEL10),
    _machine("sles", SLES),
    _machine("mainline-6.4", "6.4"),
    _machine("ubuntu-override", UBUNTU, s390_memmap_on_memory=False),
    _machine("mainline-override", "6.8", s390_memmap_on_memory=True, standby="boot-add"),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    path = tmp_path_factory.mktemp("wired") / "fleet.yaml"
    path.write_text(yaml.safe_dump({"machines": FLEET}), encoding="utf-8")
    run = run_cli("check", "-f", "json", str(path))
    assert run.returncode == 1, run.stderr  # some fail, none is an input error
    assert run.stderr == ""
    return {r["name"]: r for r in json.loads(run.stdout)["results"]}


@pytest.mark.parametrize("increment", ["8M", "none"])
def test_ubuntu_24_04_passes_with_memmap_on_the_blocks(results: dict[str, Any],
                                                       increment: str) -> None:
    r = results[f"ubuntu-{increment}"]
    assert r["verdict"] == "pass" and r["ipl"] is True
    assert r["kernel"] == {"version": "6.8", "standby": "boot-add", "assumed": False,
                           "release": UBUNTU, "distribution": "ubuntu-24.04", "base": "6.8",
                           "backports": ["s390-memmap-on-memory"]}
    assert r["memmap_on_memory"] is True and r["charged_at_ipl"]["standby_memmap"] == 0
    assert r["block_size"] == 256 * MiB
    assert not any("boot a kernel" in tip for tip in r["advice"])


@pytest.mark.parametrize("increment", ["8M", "none"])
@pytest.mark.parametrize(("tag", "release", "distribution", "base", "backports"), [
    ("mainline", "6.8", None, "6.8", []),
    # RHEL 9.5 backports the generic force mode and per-block split; the s390 table has
    # force_mode only, and sclp still adds standby without memmap-on-memory.
    ("rhel9", RHEL9, "rhel-9.5", "5.14", ["memmap-on-memory-force"]),
])
def test_mainline_6_8_and_rhel_9_5_fail(results: dict[str, Any], increment: str, tag: str,
                                        release: str, distribution: str | None, base: str,
                                        backports: list[str]) -> None:
    r = results[f"{tag}-{increment}"]
    assert r["verdict"] == "fail" and r["ipl"] is False
    assert r["memmap_on_memory"] is False
    assert r["charged_at_ipl"]["standby_memmap"] == 4096 * 4 * MiB  # 1 TiB / 256 MiB blocks
    assert r["kernel"] == {"version": base, "standby": "boot-add", "assumed": False,
                           "release": release, "distribution": distribution, "base": base,
                           "backports": backports}


def test_ubuntu_before_the_backport_is_mainline_6_8(results: dict[str, Any]) -> None:
    r = results["ubuntu-old"]
    assert r["verdict"] == "fail" and r["kernel"]["backports"] == []
    assert r["kernel"]["distribution"] == "ubuntu-24.04"
    assert any("predates the s390 memmap-on-memory backport" in n for n in r["notes"])


def test_rhel_10_0_has_256m_blocks_and_memmap_on_them(results: dict[str, Any]) -> None:
    r = results["rhel10"]
    assert r["verdict"] == "pass"
    assert r["block_size"] == 256 * MiB  # SECTION_SIZE_BITS 28 in 6.12 (27 from 6.13)
    assert r["memmap_on_memory"] is True and r["charged_at_ipl"]["standby_memmap"] == 0
    assert r["kernel"]["distribution"] == "rhel-10.0" and r["kernel"]["base"] == "6.12"
    assert r["kernel"]["backports"] == []


def test_unchecked_sles_gets_its_base_and_a_note(results: dict[str, Any]) -> None:
    r, base = results["sles"], results["mainline-6.4"]
    assert r["kernel"]["distribution"] == "sles-15-sp6" and r["kernel"]["base"] == "6.4"
    assert r["kernel"]["backports"] == []
    same = ("verdict", "block_size", "memmap_on_memory", "charged_at_ipl", "margin",
            "max_standby", "min_online")
    assert {k: r[k] for k in same} == {k: base[k] for k in same}
    note = ("SLES 15 SP6: the later kernel changes it backports were not checked in its "
            "source; mainline 6.4's behaviour is used (if it has more, say so with "
            "kernel.standby and kernel.s390_memmap_on_memory)")
    # mainline 6.4 says nothing about the kernel; its one note is the absent platform's
    assert note in r["notes"] and [n for n in base["notes"] if "platform" not in n] == []
    assert r["advice"][:2] == base["advice"][:2]  # the same online and standby fixes


def test_config_override_wins_over_the_backport_and_is_noted(results: dict[str, Any]) -> None:
    r = results["ubuntu-override"]
    assert r["verdict"] == "fail" and r["memmap_on_memory"] is False
    assert r["kernel"]["backports"] == ["s390-memmap-on-memory"]  # folded, then overridden
    assert ("kernel.s390_memmap_on_memory: false overrides kernel 6.8.0-31-generic's true: "
            "sclp adds standby blocks with their memmap in online memory") in r["notes"]


def test_every_override_is_noted_with_its_effect(results: dict[str, Any]) -> None:
    r = results["mainline-override"]
    assert r["verdict"] == "pass" and r["memmap_on_memory"] is True
    assert r["notes"][:2] == [
        "kernel.standby: boot-add, as kernel 6.8 already does (no effect)",
        "kernel.s390_memmap_on_memory: true overrides kernel 6.8's false: sclp asks for "
        "memmap-on-memory when it adds standby blocks (with EDAT-1 and "
        "memory_hotplug.memmap_on_memory)"]


def test_text_shows_release_and_distribution(tmp_path: Any) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump({"machines": [_machine("u", UBUNTU), _machine("m", "6.8")]}),
                    encoding="utf-8")
    run = run_cli("check", str(path))
    assert run.returncode == 1 and run.stderr == "2 machines: 1 pass, 0 warn, 1 fail, 0 error\n"
    assert "       kernel 6.8.0-31-generic (ubuntu-24.04), standby added at IPL;" in run.stdout
    assert "       kernel 6.8, standby added at IPL;" in run.stdout


def test_advice_speaks_the_distribution(results: dict[str, Any]) -> None:
    rhel = [tip for tip in results["rhel9-none"]["advice"] if "memmap_on_memory=1" in tip]
    assert rhel == ["RHEL 8 and RHEL 9 kernels (checked 8.3 to 9.6) do not have s390 "
                    "memmap-on-memory; RHEL 10 does: boot one that has it with "
                    "memory_hotplug.memmap_on_memory=1 (standby blocks then carry their own "
                    "memmap)"]
    mainline = [tip for tip in results["mainline-none"]["advice"] if "memmap_on_memory=1" in tip]
    assert mainline == ["boot a kernel ≥ 6.9 with memory_hotplug.memmap_on_memory=1 (standby "
                        "blocks then carry their own memmap)"]
