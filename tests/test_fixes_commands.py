"""Fixes in the admin's words (issue 14, 5): every fix of ``check`` and ``plan`` carries the
commands for the machine's platform, boot loader and kernel era, and a command's numbers
are the fix's numbers (memmapcalc.records.fixes, memmapcalc.admin)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import memmapcalc
from memmapcalc.admin.bootloader import flavour
from memmapcalc.admin.chmem import chmem_commands
from memmapcalc.admin.sizes import mib_or_gib, zvm_size
from memmapcalc.config.resolve import resolve
from memmapcalc.kernel.identity import identify
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.records.fixes import MEMMAP_PARAMETER

ROOT = Path(__file__).resolve().parent.parent
MiB, GiB = 1 << 20, 1 << 30
_UNITS = {"M": MiB, "G": GiB, "T": 1 << 40, "P": 1 << 50, "E": 1 << 60}
PARAMETER = f"{MEMMAP_PARAMETER}=1"

#: Failing s390x machines whose fixes cover every kind check makes: more online, less
#: standby, the boot parameter, a newer kernel with it, a kernel that defers standby.
MACHINES: dict[str, dict[str, Any]] = {
    "lnx01-6.8": {"memory": {"online": "4G", "standby": "252G"}, "kernel": {"version": "6.8"}},
    "lpar-6.12": {"memory": {"online": "4G", "standby": "1T", "increment": "2G"},
                  "kernel": {"version": "6.12"}},
    "rhel-9.5": {"memory": {"online": "8G", "standby": "1T"},
                 "kernel": {"version": "5.14.0-503.40.1.el9_5.s390x"}},
    "sles-15-sp6": {"memory": {"online": "8G", "standby": "1T"},
                    "kernel": {"version": "6.4.0-150600.23.25-default"}},
    "ubuntu-24.04": {"memory": {"online": "2G", "standby": "1T"},
                     "kernel": {"version": "6.8.0-31-generic"}},
    "kvm-6.8": {"memory": {"online": "1G"},
                "kernel": {"version": "6.8", "image": "900M"}},
}
PLATFORMS = ["zvm", "lpar", "kvm", None]


def _result(machine: str, platform: str | None) -> dict[str, Any] | None:
    data = {"name": "lnx01", **MACHINES[machine]}
    if platform == "kvm" and data["memory"].get("standby"):
        return None  # a KVM guest has no standby memory: refused, tested in test_platform
    if platform is not None:
        data["platform"] = platform
    return memmapcalc.evaluate(data).to_dict()


def _zvm(text: str) -> int:
    return int(text[:-1]) * _UNITS[text[-1]]


def _cases() -> list[tuple[str, str | None]]:
    return [(m, p) for m in MACHINES for p in PLATFORMS if _result(m, p) is not None]


@pytest.mark.parametrize(("machine", "platform"), _cases())
def test_every_fix_has_the_admins_commands(machine: str, platform: str | None) -> None:
    r = _result(machine, platform)
    assert r is not None and r["verdict"] == "fail" and r["advice"]
    assert [f["advice"] for f in r["fixes"]] == r["advice"]  # one entry per advice string
    for fix in r["fixes"]:
        assert fix["change"] != "other" and fix["commands"], fix
        for command in fix["commands"]:
            assert set(command) == {"where", "command", "note"} and command["command"]
        text = " ".join(c["command"] for c in fix["commands"])
        if fix["change"] in ("kernel-parameter",) or PARAMETER in fix["advice"]:
            assert PARAMETER in text  # one spelling, in the fix and its commands
        assert "memmap_on_memory=Y" not in fix["advice"] + text


@pytest.mark.parametrize(("machine", "platform"), _cases())
def test_storage_commands_carry_the_fixes_numbers(machine: str, platform: str | None) -> None:
    r = _result(machine, platform)
    assert r is not None
    sizes = {"raise-online": (r["min_online"], r["standby"]),
             "lower-standby": (r["online"], r["max_standby"])}
    for fix in r["fixes"]:
        if fix["change"] not in sizes:
            continue
        online, standby = sizes[fix["change"]]
        commands: dict[str, str] = {}
        for c in fix["commands"]:  # the first command of each place
            commands.setdefault(c["where"].split(" (")[0], c["command"])
        if platform in ("zvm", None):
            define = re.fullmatch(r"DEFINE STORAGE AS (\S+)(?: STANDBY (\S+))?",
                                  commands["CP"])
            assert define is not None, commands
            assert _zvm(define[1]) == online
            assert (0 if define[2] is None else _zvm(define[2])) == standby
            assert commands["z/VM directory"] == f"STORAGE {define[1]}"
        if platform in ("lpar", None):
            m = re.search(r"Initial (\d+) (MB|GB), Reserved (\d+) (MB|GB)",
                          commands["LPAR activation profile"])
            assert m is not None
            unit = {"MB": MiB, "GB": GiB}
            assert int(m[1]) * unit[m[2]] == online and int(m[3]) * unit[m[4]] == standby
        if platform == "kvm":
            assert commands["QEMU"] == f"-m size={mib_or_gib(online)}"
            assert f"<memory unit='MiB'>{online // MiB}</memory>" in commands[
                "libvirt domain XML"]


@pytest.mark.parametrize(("release", "expected", "command"), [
    ("5.14.0-503.40.1.el9_5.s390x", "bls",
     'grubby --update-kernel=ALL --args="memory_hotplug.memmap_on_memory=1"'),
    ("6.12.0-55.24.1.el10_0.s390x", "bls", "zipl"),
    ("6.4.0-150600.23.25-default", "grub2", "grub2-mkconfig -o /boot/grub2/grub.cfg"),
    ("6.8.0-31-generic", "zipl.conf", 'parameters="... memory_hotplug.memmap_on_memory=1"'),
])
def test_boot_loader_follows_the_distribution(release: str, expected: str,
                                              command: str) -> None:
    from memmapcalc.admin.bootloader import parameter_commands

    assert flavour(identify(release)) == expected
    commands = parameter_commands(identify(release), (PARAMETER,))
    assert command in [c.command for c in commands]
    assert all("(" not in c.where for c in commands)  # one flavour, not alternatives


def test_mainline_kernel_gets_both_boot_loader_ways() -> None:
    from memmapcalc.admin.bootloader import parameter_commands

    assert flavour(identify("6.8")) is None
    wheres = [c.where for c in parameter_commands(identify("6.8"), (PARAMETER,))]
    assert "/etc/zipl.conf (zipl.conf)" in wheres and "shell (BLS, RHEL 8+)" in wheres


def test_chmem_as_util_linux_of_the_era_has_it() -> None:
    before = chmem_commands(StandbyHandling.BOOT_ADD, 252 * GiB)
    assert [c.command for c in before] == ["chmem -e 252G"]
    deferred = [c.command for c in chmem_commands(StandbyHandling.DEFERRED, 4528 * MiB)]
    assert deferred[0] == "chmem -e 4528M"  # 2.42 configures, then onlines
    assert "echo 1 > /sys/firmware/memory/memoryN/config" in deferred[1]
    on_block = [c.command for c in chmem_commands(StandbyHandling.DEFERRED, 2 * GiB, True)]
    assert on_block[:2] == ["chmem -c 2G -m 1", "chmem -e 2G"]  # -m only with -c


def test_a_kernel_that_defers_standby_comes_with_chmem() -> None:
    r = _result("lnx01-6.8", "zvm")
    assert r is not None
    (later,) = [f for f in r["fixes"] if f["advice"].startswith("boot a kernel ≥ 6.19")]
    assert later["commands"][0]["command"] == "chmem -e 252G"


@given(st.integers(min_value=1, max_value=(64 << 40) // MiB))
def test_zvm_sizes_are_exact_or_rounded_the_safe_way(mib: int) -> None:
    nbytes = mib * MiB
    down, up = _zvm(zvm_size(nbytes)), _zvm(zvm_size(nbytes, up=True))
    assert down <= nbytes <= up
    if mib <= 9999999 or mib % 1024 == 0:  # 7 digits of M, or whole G
        assert down == up == nbytes
    digits = zvm_size(nbytes)[:-1]
    assert 1 <= len(digits) <= 7


def test_non_s390x_fixes_have_no_commands() -> None:
    r = memmapcalc.evaluate({"arch": "x86_64", "memory": {"online": "1G",
                                                         "dimms": ["64G"] * 4},
                             "kernel": {"version": "6.1"}}).to_dict()
    assert r["fixes"] and all(f["commands"] == [] for f in r["fixes"])
    assert r["platform"] is None


def test_plan_json_and_text_carry_the_commands(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "lnx01.yaml"
    config.write_text("platform: zvm\nmemory: {online: 4G, standby: 252G}\n"
                      "kernel: {version: '6.8'}\n")
    plan = json.loads(cli("plan", "-f", "json", str(config)).stdout)["plans"][0]
    first = plan["changes"][0]
    assert first["kind"] == "online"
    assert {"where": "CP", "command": "DEFINE STORAGE AS 4526M STANDBY 252G",
            "note": "resets the guest: IPL it afterwards"} in first["commands"]
    assert all(change["commands"] for change in plan["changes"])
    text = cli("plan", str(config)).stdout
    assert "            CP: DEFINE STORAGE AS 4526M STANDBY 252G" in text
    assert "memmap_on_memory=Y" not in text


def test_commands_of_a_fix_record_for_the_lead() -> None:
    """The after-IPL fix (configure standby with memmap-on-memory) through the same call."""
    from memmapcalc.admin.commands import commands
    from memmapcalc.config.model import Machine
    from memmapcalc.records.fixes import Fix, FixKind

    p = resolve(Machine.model_validate({"platform": "zvm", "memory": {
        "online": "1G", "standby": "4T"}, "kernel": {"version": "6.19"}}))
    fix = Fix(FixKind.CONFIGURE_STANDBY, "configure it with memmap-on-memory", p.online,
              p.standby, memmap_on_memory=True)
    # chmem's sizes have no T: <size>[m|M|g|G]
    assert [c.command for c in commands(fix, p)][:2] == ["chmem -c 4096G -m 1",
                                                         "chmem -e 4096G"]
