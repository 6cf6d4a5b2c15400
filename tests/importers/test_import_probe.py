"""`memmapcalc probe`: the util-linux s390 dumps unpacked into a sysroot give the same machine
as lsmem's output of them; a 6.19 firmware tree, the command line and meminfo are read; a
non-s390 system is reported honestly as partial."""



from __future__ import annotations

import json
import platform
from pathlib import Path

import pytest
from importer_helpers import ALL_RUNS, ZVM6G, Invoke, add_cpuinfo, load_config

from memmapcalc.config.resolve import resolve
from memmapcalc.importers import sysfs
from memmapcalc.importers.lsmem import lsmem_machine
from memmapcalc.importers.probe import read_snapshot, snapshot_machine
from memmapcalc.kernel.modes import MemmapMode

MiB, GiB = 1 << 20, 1 << 30


def test_zvm_dump_gives_the_same_machine_as_lsmem(zvm6g_root: Path, tmp_path: Path,
                                                  invoke: Invoke) -> None:
    add_cpuinfo(zvm6g_root, "s390-zvm", tmp_path)
    result = invoke("probe", "--sysroot", str(zvm6g_root))
    assert result.code == 0, result.err
    machine = load_config(result.out)[0]
    assert machine.memory.block_size == ZVM6G["block_size"] == 256 * MiB
    assert machine.memory.online == ZVM6G["online"]  # 4.75 GiB
    assert machine.memory.standby == ZVM6G["standby"]  # 1.25 GiB
    assert machine.memory.increment == 8 * MiB  # from phys_device
    assert machine.cpu.edat1 is False  # the z/VM 6.1 guest's cpuinfo has no `edat`
    assert "PARTIAL" not in result.out
    # Every lsmem form of the same dump agrees with probe.
    for run, output in ALL_RUNS:
        draft = lsmem_machine(output, run)
        assert (draft.get("memory.online"), draft.get("memory.standby")) == (
            machine.memory.online, machine.memory.standby), run
    # kernel release is not in this dump: left out and said, not taken from this host
    assert machine.kernel.version is None
    assert "kernel.version not in the input" in result.err


def test_provenance_names_blocks_and_files(zvm6g_root: Path, tmp_path: Path) -> None:
    add_cpuinfo(zvm6g_root, "s390-zvm", tmp_path)
    draft = snapshot_machine(read_snapshot(str(zvm6g_root)))
    assert "19 online blocks × 256M (memory0-13, 15-19)" in draft.values["memory.online"].source
    assert "5 offline blocks × 256M (memory14, 20-23)" in draft.values["memory.standby"].source
    assert "`edat` not in the features line" in draft.values["cpu.edat1"].source


@pytest.mark.parametrize(("dump", "edat1", "edat2"), [
    ("s390-zvm", False, None), ("s390-lpar-drawer", True, None), ("s390-nested-virt", True, False),
])
def test_edat_from_cpuinfo(zvm6g_root: Path, tmp_path: Path, dump: str, edat1: bool,
                           edat2: bool | None) -> None:
    add_cpuinfo(zvm6g_root, dump, tmp_path)
    draft = snapshot_machine(read_snapshot(str(zvm6g_root)))
    assert draft.get("cpu.edat1") is edat1
    assert draft.get("cpu.edat2") is edat2


def test_sysroot_without_cpuinfo_is_partial(zvm6g_root: Path, invoke: Invoke) -> None:
    result = invoke("probe", "--sysroot", str(zvm6g_root))
    assert result.code == 0
    assert "PARTIAL: cannot confirm this is s390x" in result.out
    assert "partial config" in result.err
    assert load_config(result.out)[0].memory.online == ZVM6G["online"]
    strict = invoke("probe", "--sysroot", str(zvm6g_root), "--strict")
    assert strict.code == 2 and strict.out == ""


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _linux619(root: Path, with_firmware: bool = True) -> None:
    """A Linux 6.19 s390 guest: 16 x 128 MiB online, 8 more deconfigured standby blocks."""
    _write(root, "sys/devices/system/memory/block_size_bytes", "8000000\n")
    for index in range(16):
        _write(root, f"sys/devices/system/memory/memory{index}/state", "online\n")
        _write(root, f"sys/devices/system/memory/memory{index}/phys_device", f"{index * 64}\n")
    if with_firmware:
        for index in range(24):
            configured = "1\n" if index < 16 else "0\n"
            _write(root, f"sys/firmware/memory/memory{index}/config", configured)
            _write(root, f"sys/firmware/memory/memory{index}/memmap_on_memory",
                   "0\n" if index < 16 else "1\n")
    _write(root, "sys/module/memory_hotplug/parameters/memmap_on_memory", "Y\n")
    _write(root, "proc/sys/kernel/osrelease", "6.19.0-1-s390x\n")
    _write(root, "proc/cpuinfo", "vendor_id       : IBM/S390\n# processors    : 2\n"
                                 "features\t: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh "
                                 "highgprs te vx sie \n"
                                 "facilities      : 0 1 2 3 4 6 7 8 9 10 76 77 78 80\n")
    _write(root, "proc/cmdline", "root=/dev/dasda1 crashkernel=1G-4G:192M,4G-64G:256M "
                                 "memory_hotplug.memmap_on_memory=1 mem=64G -- single\n")
    _write(root, "proc/meminfo", "MemTotal:        1835008 kB\nMemFree:  100 kB\n")
    _write(root, "proc/sysinfo", "LPAR Name:            LP01    \n"
                                 "VM00 Name:            LNX619  \n"
                                 "VM00 Control Program: z/VM    7.4.0   \n")


def test_linux_619_firmware_tree(tmp_path: Path, invoke: Invoke) -> None:
    _linux619(tmp_path)
    result = invoke("probe", "--sysroot", str(tmp_path), "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "name": "LNX619", "arch": "s390x", "platform": "zvm",  # VM00 Control Program: z/VM
        "memory": {"online": "2G", "standby": "1G", "increment": "2M", "block_size": "128M"},
        "cpu": {"edat1": True, "edat2": True},
        # /proc/cmdline is kernel.cmdline, read by check's parser: memmap_on_memory=1 agrees
        # with the sysfs Y, so no separate key; crashkernel= is resolved when checked
        "kernel": {"version": "6.19.0-1-s390x",
                   "cmdline": "root=/dev/dasda1 crashkernel=1G-4G:192M,4G-64G:256M "
                              "memory_hotplug.memmap_on_memory=1 mem=64G -- single"},
    }
    err = result.err
    assert "8 deconfigured block(s) (memory16-23)" in err
    assert "8 standby block(s) would be configured with memmap-on-memory" in err
    # footprint: 2 GiB online - 1792 MiB MemTotal = 256 MiB
    assert "= 262144 KiB (256.0 MiB)" in err
    (machine,) = load_config(result.out, "json")
    params = resolve(machine)
    assert params.crashkernel == 192 * MiB  # ident_map_size 3G is in 1G-4G
    assert params.memmap_on_memory is MemmapMode.ON
    assert ("kernel.cmdline: crashkernel=1G-4G:192M,4G-64G:256M: ident_map_size (online + "
            "standby) 3G (rounded up to 128 MiB: 3G) picks 192M" in params.cmdline_notes)


def test_linux_619_without_firmware_tree_is_partial(tmp_path: Path) -> None:
    _linux619(tmp_path, with_firmware=False)
    draft = snapshot_machine(read_snapshot(str(tmp_path)))
    assert draft.is_partial
    assert "not visible" in draft.partial[0]


def test_the_command_line_wins_over_the_crash_size_file(tmp_path: Path) -> None:
    """kexec_crash_size is what the kernel holds now (it can be shrunk after boot); the IPL
    reserves what the command line says, so that is kernel.cmdline's, and the file a note."""
    _linux619(tmp_path)
    _write(tmp_path, "sys/kernel/kexec_crash_size", "268435456\n")
    draft = snapshot_machine(read_snapshot(str(tmp_path)))
    assert draft.get("kernel.crashkernel") is None
    assert (f"{tmp_path}/sys/kernel/kexec_crash_size: the kernel holds 256M for kdump now; "
            f"check charges what the command line reserves at IPL" in draft.notes)


def test_crash_size_file_without_a_command_line(tmp_path: Path) -> None:
    _linux619(tmp_path)
    (tmp_path / "proc/cmdline").unlink()
    _write(tmp_path, "sys/kernel/kexec_crash_size", "268435456\n")
    draft = snapshot_machine(read_snapshot(str(tmp_path)))
    assert draft.get("kernel.crashkernel") == 256 * MiB
    assert draft.get("kernel.cmdline") is None


def test_kernel_report_wins_over_a_disagreeing_command_line(tmp_path: Path) -> None:
    _linux619(tmp_path)
    _write(tmp_path, "sys/module/memory_hotplug/parameters/memmap_on_memory", "N\n")
    draft = snapshot_machine(read_snapshot(str(tmp_path)))
    assert draft.get("kernel.memmap_on_memory") == "off"
    assert draft.get("kernel.cmdline") == ("root=/dev/dasda1 crashkernel=1G-4G:192M,4G-64G:256M "
                                           "mem=64G -- single")
    assert (f"{tmp_path}/proc/cmdline reads as memory_hotplug.memmap_on_memory=1 (Y) but the "
            f"kernel reports N: the kernel's report is kept" in draft.notes)


def test_non_s390_sysroot_says_so(tmp_path: Path, invoke: Invoke) -> None:
    _write(tmp_path, "sys/devices/system/memory/block_size_bytes", "8000000\n")
    for index in range(8):
        _write(tmp_path, f"sys/devices/system/memory/memory{index}/state", "online\n")
        _write(tmp_path, f"sys/devices/system/memory/memory{index}/phys_device", "0\n")
    _write(tmp_path, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n")
    result = invoke("probe", "--sysroot", str(tmp_path))
    assert result.code == 0
    assert "PARTIAL: memory blocks of 128M need kernel.version" in result.out
    result = invoke("probe", "--sysroot", str(tmp_path), "--kernel-version", "6.13")
    assert result.code == 0
    assert "PARTIAL: this system is x86_64, not s390x" in result.out
    assert "\narch:" not in result.out  # not claimed to be s390x
    assert "memory.increment not in the input" in result.err
    assert load_config(result.out)[0].memory.online == 1 * GiB


@pytest.mark.skipif(platform.machine() == "s390x", reason="checks the non-s390 report")
def test_probe_of_this_machine_is_an_honest_partial_result(invoke: Invoke) -> None:
    result = invoke("probe")
    assert result.code == 0, result.err
    assert f"this system is {platform.machine()}" in result.out
    assert "partial config" in result.err
    machine = load_config(result.out)[0]
    assert machine.memory.online > 0
    assert "cpu.edat1 not in the input" in result.err


def test_missing_memory_blocks_is_an_error(tmp_path: Path, invoke: Invoke) -> None:
    _write(tmp_path, "proc/cpuinfo", "vendor_id       : IBM/S390\n")
    result = invoke("probe", "--sysroot", str(tmp_path))
    assert result.code == 2 and result.out == ""
    assert "block_size_bytes: missing" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert invoke("probe", "--sysroot", str(tmp_path / "nowhere")).code == 2


def test_garbage_block_size_is_an_error(tmp_path: Path, invoke: Invoke) -> None:
    _write(tmp_path, "sys/devices/system/memory/block_size_bytes", "zz\n")
    _write(tmp_path, "sys/devices/system/memory/memory0/state", "online\n")
    result = invoke("probe", "--sysroot", str(tmp_path))
    assert result.code == 2 and "hexadecimal" in result.err


# --- the small parsers -----------------------------------------------------------------

@pytest.mark.parametrize(("value", "ram", "size"), [
    ("256M", 4 * GiB, 256 * MiB), ("256M@16M", 4 * GiB, 256 * MiB), ("512M,high", GiB, 512 * MiB),
    ("1G-4G:192M,4G-64G:256M,64G-:512M", 8 * GiB, 256 * MiB),
    ("1G-4G:192M,4G-64G:256M,64G-:512M", 128 * GiB, 512 * MiB),
    ("1G-4G:192M", 512 * MiB, 0),
])
def test_crashkernel_forms(value: str, ram: int, size: int) -> None:
    assert sysfs.crashkernel_size(value, ram)[0] == size


def test_kernel_parameters_stop_at_double_dash() -> None:
    cmdline = 'a=1 mem=2G quoted="x y" -- mem=4G'
    assert sysfs.last_parameter(cmdline, "mem") == "2G"
    assert sysfs.last_parameter("memory-hotplug.memmap_on_memory=force",
                                "memory_hotplug.memmap_on_memory") == "force"


@pytest.mark.parametrize(("text", "mode"), [("Y\n", "on"), ("N", "off"), ("force", "force"),
                                            ("1", "on"), ("off", "off")])
def test_memmap_modes(text: str, mode: str) -> None:
    assert sysfs.parse_memmap_mode(text) == mode


def test_sysinfo_names() -> None:
    info = sysfs.parse_sysinfo("LPAR Name:            R17LP45 \nVM00 Name:            R1745003\n"
                               "VM00 Control Program: z/VM    6.1.0   \n")
    assert (info.guest_name, info.hypervisor, info.lpar_name) == ("R1745003", "z/VM 6.1.0",
                                                                 "R17LP45")


def test_facility_78_without_8_is_refused_not_written(tmp_path: Path, invoke: Invoke) -> None:
    """EDAT-2 without EDAT-1 is a config check refuses: probe exits 2 naming the field
    instead of writing it (issue 11 item 7)."""
    _linux619(tmp_path)
    _write(tmp_path, "proc/cpuinfo", "vendor_id       : IBM/S390\n# processors    : 2\n"
                                     "features\t: esan3 zarch stfle msa ldisp eimm dfp etf3eh\n"
                                     "facilities      : 0 1 2 3 4 6 7 9 10 76 77 78 80\n")
    result = invoke("probe", "--sysroot", str(tmp_path))
    assert result.code == 2 and result.out == ""
    errors = [line for line in result.err.splitlines() if line.startswith("memmapcalc: error:")]
    assert len(errors) == 1 and "cpu.edat2: EDAT-2 requires EDAT-1" in errors[0], result.err
    assert "memmapcalc check would refuse" in errors[0]


@pytest.mark.parametrize(("crashkernel", "why"), [
    # memparse() wraps modulo 2**64 (99999E -> 15E), then "crashkernel: invalid size"
    ("crashkernel=1G-4G:99999E", "\"crashkernel: invalid size\" (-EINVAL), nothing is reserved"),
    ("crashkernel=16E", "size 0, nothing is reserved"),  # 16 << 60 wraps to 0
])
def test_absurd_crashkernel_reserves_nothing_as_in_the_kernel(tmp_path: Path, invoke: Invoke,
                                                               crashkernel: str,
                                                               why: str) -> None:
    """Was refused by probe's own crashkernel reader; the kernel's parser (the one source
    now) boots such a line without a kdump reservation, and check says so."""
    _linux619(tmp_path)
    _write(tmp_path, "proc/cmdline", f"root=/dev/dasda1 {crashkernel} mem=64G\n")
    result = invoke("probe", "--sysroot", str(tmp_path), "-f", "json")
    assert result.code == 0, result.err
    (machine,) = load_config(result.out, "json")
    params = resolve(machine)
    assert params.crashkernel == 0
    assert any(note.endswith(why) for note in params.cmdline_notes), params.cmdline_notes
