"""Issue 13's command-line "done when" through the real CLI: ``kernel.cmdline`` drives the model
(memmap_on_memory, crashkernel ranges, mem=, transparent_hugepage=), a key that contradicts it is
an input error (exit 2) naming both, and what the model cannot represent is refused by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from memmapcalc.units import GiB, MiB
from tests.conftest import run_cli

UBUNTU = "6.8.0-31-generic"
RHEL9 = "5.14.0-503.40.1.el9_5.s390x"
RHEL_RANGES = "1G-4G:192M,4G-64G:256M,64G-:512M"
MOM = "root=/dev/dasda1 memory_hotplug.memmap_on_memory=1 quiet"


def _results(tmp_path: Path, machines: list[dict[str, Any]],
             code: int | None = None) -> dict[str, dict[str, Any]]:
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump({"machines": machines}), encoding="utf-8")
    run = run_cli("check", "-f", "json", str(path))
    if code is not None:
        assert run.returncode == code, (run.stdout, run.stderr)
    assert run.stderr == ""
    return {r["name"]: r for r in json.loads(run.stdout)["results"]}


def test_memmap_on_memory_from_the_command_line(tmp_path: Path) -> None:
    machines = [{"name": tag, "memory": {"online": "8G", "standby": "1T"},
                 "kernel": {"version": version, "cmdline": MOM}}
                for tag, version in (("ubuntu", UBUNTU), ("mainline", "6.8"), ("rhel9", RHEL9))]
    r = _results(tmp_path, machines, code=1)
    assert r["ubuntu"]["verdict"] == "pass" and r["ubuntu"]["memmap_on_memory"] is True
    assert r["ubuntu"]["charged_at_ipl"]["standby_memmap"] == 0
    for tag in ("mainline", "rhel9"):
        assert r[tag]["verdict"] == "fail" and r[tag]["memmap_on_memory"] is False
        assert r[tag]["charged_at_ipl"]["standby_memmap"] == 4096 * 4 * MiB
    note = "kernel.cmdline sets memory_hotplug.memmap_on_memory=1 (memmap_on_memory Y)"
    assert note in r["ubuntu"]["notes"]
    unbuilt = (f"{note}; this s390 kernel is built without CONFIG_MHP_MEMMAP_ON_MEMORY (s390 "
               f"enables it with the 6.9 series), so the parameter is unknown to it and changes "
               f"nothing")
    assert unbuilt in r["mainline"]["notes"] and unbuilt in r["rhel9"]["notes"]


def test_crashkernel_ranges_charge_256m_on_16g_in_cmdline_and_key(tmp_path: Path) -> None:
    machines = [
        {"name": "cmdline", "memory": {"online": "16G"},
         "kernel": {"cmdline": f"crashkernel={RHEL_RANGES}"}},
        {"name": "key", "memory": {"online": "16G"}, "kernel": {"crashkernel": RHEL_RANGES}},
        {"name": "both", "memory": {"online": "16G"},
         "kernel": {"crashkernel": "256M", "cmdline": f"crashkernel={RHEL_RANGES}"}},
        # s390 resolves against ident_map_size (online + standby): 8G + 1T picks 512 MiB
        {"name": "standby", "memory": {"online": "8G", "standby": "1T"},
         "kernel": {"version": UBUNTU, "cmdline": f"{MOM} crashkernel={RHEL_RANGES}"}},
        {"name": "capped", "memory": {"online": "8G", "standby": "1T"},
         "kernel": {"version": UBUNTU, "cmdline": f"{MOM} crashkernel={RHEL_RANGES} mem=16G"}},
    ]
    r = _results(tmp_path, machines, code=0)
    for name in ("cmdline", "key", "both", "capped"):
        assert r[name]["charged_at_ipl"]["crashkernel"] == 256 * MiB, name
    assert r["standby"]["charged_at_ipl"]["crashkernel"] == 512 * MiB
    assert ("kernel.cmdline: crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M: ident_map_size "
            "(online + standby) 16G (rounded up to 128 MiB: 16G) picks 256M"
            in r["cmdline"]["notes"])
    assert ("kernel.crashkernel: crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M: ident_map_size "
            "(online + standby) 16G (rounded up to 128 MiB: 16G) picks 256M"
            in r["key"]["notes"])


def test_mem_caps_standby(tmp_path: Path) -> None:
    machines = [{"name": name, "memory": {"online": "8G", "standby": "1T"},
                 "kernel": {"version": UBUNTU, "cmdline": line}}
                for name, line in (("capped", "mem=16G"), ("none", ""),
                                   ("online", "mem=4G"), ("above", "mem=2T"))]
    r = _results(tmp_path, machines, code=1)
    assert r["none"]["standby_blocks"] == 4096
    assert r["capped"]["standby_blocks"] == 32  # (16G - 8G) / 256 MiB blocks
    assert r["capped"]["charged_at_ipl"]["standby_memmap"] == 32 * 4 * MiB
    assert ("kernel.cmdline sets mem=16G: the kernel uses memory below 16G only: online 8G, "
            "standby 8G of 1T" in r["capped"]["notes"])
    assert r["online"]["standby_blocks"] == 0  # online memory above mem= is not used either
    assert r["online"]["charged_at_ipl"]["online_memmap"] == 4 * GiB // 4096 * 64
    assert r["above"]["standby_blocks"] == 4096


def test_transparent_hugepage_never_drops_the_khugepaged_raise(tmp_path: Path) -> None:
    machines = [{"name": name, "memory": {"online": "16G"}, "kernel": kernel}
                for name, kernel in (("never", {"cmdline": "transparent_hugepage=never"}),
                                     ("key", {"thp": False}), ("always", {}))]
    r = _results(tmp_path, machines, code=0)
    assert r["never"]["charged_at_ipl"] == r["key"]["charged_at_ipl"]
    assert r["never"]["charged_at_ipl"]["min_free"] < r["always"]["charged_at_ipl"]["min_free"]


@pytest.mark.parametrize(("kernel", "message"), [
    ({"memmap_on_memory": "off", "cmdline": MOM},
     "kernel.memmap_on_memory (line 1, column 96): off contradicts "
     "memory_hotplug.memmap_on_memory=1 in kernel.cmdline (Y); the kernel only reads the "
     "command line: make them agree or remove the key"),
    ({"crashkernel": "512M", "cmdline": f"crashkernel={RHEL_RANGES}"},
     "kernel.crashkernel (line 1, column 81): 512M contradicts "
     "crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M in kernel.cmdline (256M); the kernel "
     "only reads the command line: make them agree or remove the key"),
    ({"thp": True, "cmdline": "transparent_hugepage=never"},
     "kernel.thp (line 1, column 53): true contradicts transparent_hugepage=never in "
     "kernel.cmdline (THP never); the kernel only reads the command line: make them agree "
     "or remove the key"),
    ({"cmdline": "cma=64M"}, "kernel.cmdline (line 1, column 20): cma=64M in kernel.cmdline: "
     "a CMA area of 64M serves movable allocations only (kernel/dma/contiguous.c, "
     "CONFIG_DMA_CMA), and memmapcalc does not charge one; remove cma= to check the machine "
     "without it"),
])
def test_contradictions_are_input_errors_naming_both(write, kernel: dict[str, Any],  # type: ignore[no-untyped-def]
                                                      message: str) -> None:
    path = write("m.yaml", yaml.safe_dump({"memory": {"online": "16G"}, "kernel": kernel},
                                          default_flow_style=True, width=1000))
    run = run_cli("check", "-f", "json", "--config", str(path))
    assert run.returncode == 2, run.stdout
    assert json.loads(run.stdout)["results"][0]["error"] == f"{path}: {message}"
    assert run.stderr == f"memmapcalc: error: {path}: {message}\n"


def test_agreeing_duplicates_and_kernel_spellings_are_fine(tmp_path: Path) -> None:
    machines = [
        {"name": "agree", "memory": {"online": "8G", "standby": "1T"},
         "kernel": {"version": UBUNTU, "memmap_on_memory": "y", "cmdline": MOM,
                    "crashkernel": "512M"}},
        {"name": "spelled", "memory": {"online": "8G", "standby": "1T"},
         "kernel": {"version": UBUNTU, "memmap_on_memory": "1", "crashkernel": "0x20000000"}},
    ]
    r = _results(tmp_path, machines, code=0)
    assert r["agree"]["charged_at_ipl"] == r["spelled"]["charged_at_ipl"]
    assert r["agree"]["charged_at_ipl"]["crashkernel"] == 512 * MiB


def test_rhel_cma_and_s390_high_suffix_are_notes(tmp_path: Path) -> None:
    machines = [{"name": "rhel", "memory": {"online": "16G"},
                 "kernel": {"version": "6.12.0-55.24.1.el10_0.s390x",
                            "cmdline": "cma=64M crashkernel=512M,high"}}]
    r = _results(tmp_path, machines, code=0)["rhel"]
    assert r["charged_at_ipl"]["crashkernel"] == 0
    assert ("kernel.cmdline: cma=64M has no effect: RHEL s390x kernels are built without "
            "CONFIG_DMA_CMA, so cma= is an unknown parameter" in r["notes"])
    assert ("kernel.cmdline: crashkernel=512M,high is not read on s390 (reserve_crashkernel() "
            "passes parse_crashkernel() no high/low)" in r["notes"])


def test_other_architectures(tmp_path: Path) -> None:
    """x86_64: memhp_default_state= is kernel.auto_online, crashkernel ranges resolve against
    the boot memory (memblock_phys_mem_size()), not boot memory plus DIMMs."""
    dimms = {"online": "1G", "dimms": ["32G", "32G"]}
    machines = [
        {"name": "cmdline", "arch": "x86_64", "memory": dimms,
         "kernel": {"version": "6.1", "cmdline": "memhp_default_state=online "
                                                 "crashkernel=512M-2G:64M,2G-:128M"}},
        {"name": "keys", "arch": "x86_64", "memory": dimms,
         "kernel": {"version": "6.1", "auto_online": "online", "crashkernel": "64M"}},
    ]
    r = _results(tmp_path, machines)
    assert r["cmdline"]["charged_at_ipl"] == r["keys"]["charged_at_ipl"]
    assert r["cmdline"]["verdict"] == r["keys"]["verdict"] == "warn"
    assert r["cmdline"]["charged_at_ipl"]["crashkernel"] == 64 * MiB


@pytest.mark.parametrize(("arch", "memory", "line", "message"), [
    ("x86_64", {"online": "4G"}, "mem=2G",
     "mem=2G in kernel.cmdline: mem= is modelled for s390x only; on x86_64 write the memory the "
     "kernel uses as memory.online and remove mem="),
    ("ppc64le", {"online": "4G"}, "memhp_default_state=online",
     "memhp_default_state=online in kernel.cmdline: onlining at add time is not modelled for "
     "ppc64le; remove it to check the machine with hot-added memory offline"),
    ("s390x", {"online": "4G", "standby": "4G"}, "memhp_default_state=online_movable",
     "memhp_default_state=online_movable in kernel.cmdline: this kernel adds standby memory at "
     "IPL and would online every block as it is added (mm/memory_hotplug.c "
     "add_memory_resource()); memmapcalc models standby offline at IPL — remove it, or write "
     "memhp_default_state=offline"),
])
def test_unmodelled_parameters_are_refused_by_name(write, arch: str,  # type: ignore[no-untyped-def]
                                                   memory: dict[str, Any], line: str,
                                                   message: str) -> None:
    path = write("m.yaml", yaml.safe_dump({"arch": arch, "memory": memory,
                                           "kernel": {"version": "6.8", "cmdline": line}}))
    run = run_cli("check", "-f", "json", "--config", str(path))
    assert run.returncode == 2, run.stdout
    error = json.loads(run.stdout)["results"][0]["error"]
    assert error.startswith(f"{path}: kernel.cmdline (line ") and error.endswith(message)


def test_cma_is_a_note_only_where_the_release_was_read_without_dma_cma(tmp_path: Path) -> None:
    # kernel.distros: RHEL 9.6 and 10.0's s390x configs say "# CONFIG_DMA_CMA is not set";
    # RHEL 9.5's was not read, so cma= there is refused by name like on mainline, not guessed.
    from memmapcalc.kernel.distros import BY_DISTRIBUTION

    assert BY_DISTRIBUTION["rhel-9.6"].without_dma_cma is not None
    assert BY_DISTRIBUTION["rhel-9.5"].without_dma_cma is None
    machines = [{"name": name, "memory": {"online": "16G"},
                 "kernel": {"version": release, "cmdline": "cma=64M"}}
                for name, release in (("r96", "5.14.0-570.32.1.el9_6.s390x"),
                                      ("r95", "5.14.0-503.40.1.el9_5.s390x"))]
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump({"machines": machines}), encoding="utf-8")
    run = run_cli("check", "-f", "json", str(path))
    assert run.returncode == 2 and "machines.1.kernel.cmdline" in run.stderr
    r = {result["name"]: result for result in json.loads(run.stdout)["results"]}
    assert r["r96"]["verdict"] == "pass" and any(
        "cma=64M has no effect" in note for note in r["r96"]["notes"])
    assert r["r95"]["verdict"] == "error" and "cma=64M" in r["r95"]["error"]
