"""probe reads ``platform`` from /proc/sysinfo as arch/s390/kernel/early.c decides it: the
util-linux s390 dumps (tests/data/lscpu-s390, README there) under ``--sysroot``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from importer_helpers import LSCPU, unpack

from memmapcalc.importers.probe.platform import sysinfo_platform


def _sysinfo(dump: str, tmp_path: Path) -> Path:
    unpack(LSCPU / f"{dump}.tar.gz", tmp_path)
    return tmp_path / dump


@pytest.mark.parametrize(("dump", "platform", "why"), [
    ("s390-zvm", "zvm", "VM00 Control Program: z/VM 6.1.0"),
    ("s390-lpar-drawer", "lpar", "LPAR lines and no VM00 level"),
    ("s390-kvm", "kvm", "VM00 Control Program: KVM/Linux"),
    # a KVM guest inside a z/VM guest: VM00 is the level this Linux runs under
    ("s390-nested-virt", "kvm", "VM00 Control Program: KVM/Linux"),
])
def test_real_sysinfo(dump: str, platform: str, why: str, tmp_path: Path) -> None:
    root = _sysinfo(dump, tmp_path)
    assert sysinfo_platform((root / "proc" / "sysinfo").read_text()) == (platform, why)


def _machine(root: Path, dump: str, tmp_path: Path, all_online: bool = False) -> None:
    """The util-linux z/VM memory dump with the cpuinfo and sysinfo of ``dump``."""
    source = _sysinfo(dump, tmp_path / "lscpu")
    (root / "proc").mkdir(parents=True, exist_ok=True)
    for name in ("cpuinfo", "sysinfo"):
        shutil.copy(source / "proc" / name, root / "proc" / name)
    if all_online:  # a KVM guest: no standby memory, QEMU's 1 MiB increment (rnsize = 1)
        for block in (root / "sys/devices/system/memory").glob("memory[0-9]*"):
            (block / "state").write_text("online\n")
            # phys_device is the block's first increment: start / increment
            (block / "phys_device").write_text(f"{int(block.name[6:]) * 256}\n")


@pytest.mark.parametrize(("dump", "expected"), [
    ("s390-zvm", "zvm"), ("s390-lpar-drawer", "lpar"), ("s390-kvm", "kvm"),
    ("s390-nested-virt", "kvm")])
def test_probe_sets_platform_under_sysroot(dump: str, expected: str, zvm6g_root: Path,
                                           tmp_path: Path, invoke) -> None:  # type: ignore[no-untyped-def]
    _machine(zvm6g_root, dump, tmp_path, all_online=expected == "kvm")
    result = invoke("probe", "--sysroot", str(zvm6g_root), "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["platform"] == expected
    assert "VM00 Control Program" in result.err or expected == "lpar"


def test_probed_zvm_guest_is_charged_the_vmcp_cma(zvm6g_root: Path, tmp_path: Path,
                                                  invoke) -> None:  # type: ignore[no-untyped-def]
    _machine(zvm6g_root, "s390-zvm", tmp_path)
    config = tmp_path / "probed.yaml"
    assert invoke("probe", "--sysroot", str(zvm6g_root), "-o", str(config)).code == 0
    checked = invoke("check", "-f", "json", str(config))
    assert json.loads(checked.out)["results"][0]["charged_at_ipl"]["cma"] == 4 << 20


@pytest.mark.parametrize(("text", "expected"), [
    ("VM00 Name: X\nVM00 Control Program: PR/SM-like\n", None),
    ("Manufacturer: IBM\n", None),
    ("", None),
])
def test_sysinfo_that_does_not_say(text: str, expected: str | None) -> None:
    assert sysinfo_platform(text)[0] is expected


def test_no_sysinfo_leaves_platform_out_and_says_why(zvm6g_root: Path, tmp_path: Path,
                                                     invoke) -> None:  # type: ignore[no-untyped-def]
    _machine(zvm6g_root, "s390-zvm", tmp_path)
    (zvm6g_root / "proc" / "sysinfo").unlink()
    result = invoke("probe", "--sysroot", str(zvm6g_root), "-f", "json")
    assert result.code == 0, result.err
    assert "platform" not in json.loads(result.out)
    assert "platform" in result.err and "proc/sysinfo" in result.err
