"""Every limit and fix holds when applied (tests/test_fixes_hold.py) on machines whose kernel
parameters are given as ``kernel.cmdline``: the edit of a setting the line makes goes to the
line (memmapcalc.config.cmdline_edits), so the edited config is accepted and gives what the
fix promised.  The lines mix the parameters that change the budget, in the spellings the
kernel takes (and some it refuses), with arguments it ignores, quotes and ``--``.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from memmapcalc.config.load import machine_from_mapping
from tests.test_fixes_hold import (
    PROFILE,
    check_after_ipl_fix_holds,
    check_limits_hold,
    check_plan_holds,
    check_tips_hold,
    configs,
)

MEMMAP_VALUES = [None, "0", "1", "y", "n", "Y", "N", "on", "off", "t", "f", "true", "force",
                 "FORCE", "bogus", '"1"']
CRASHKERNEL = ["crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M", "crashkernel=256M",
               "crashkernel=128M@16M", "crashkernel=0", "crashkernel=64M,high",
               "crashkernel=512M-2G:64M,2G-:128M"]
FILLER = ["root=/dev/disk/by-path/ccw-0.0.0100-part1", "quiet", "cio_ignore=all,!condev",
          '"rd.zfcp=0.0.fc00,0x5005,0x4010"', 'dyndbg="file sclp_cmd.c +p"', "rd.lvm.lv=a/b"]


@st.composite
def cmdline_configs(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(configs())
    kernel, memory = data["kernel"], data["memory"]
    words: list[str] = draw(st.lists(st.sampled_from(FILLER), max_size=3))
    for _ in range(draw(st.integers(0, 2))):
        value = draw(st.sampled_from(MEMMAP_VALUES))
        name = draw(st.sampled_from(["memory_hotplug.memmap_on_memory",
                                     "memory-hotplug.memmap-on-memory"]))
        words.append(name if value is None else f"{name}={value}")
        kernel.pop("memmap_on_memory", None)  # the line says it (a key would contradict)
    if os.environ.get("NOCRASH") is None and draw(st.booleans()):
        words.append(draw(st.sampled_from(CRASHKERNEL)))
    if draw(st.integers(0, 2)) == 0:
        words.append(f"transparent_hugepage={draw(st.sampled_from(['never', 'always']))}")
        kernel.pop("thp", None)
    if data["arch"] == "s390x" and draw(st.booleans()):
        online = int(memory["online"].removesuffix("M"))
        standby = int(memory["standby"].removesuffix("M"))
        # a standby fix on a machine whose mem= hides online memory writes memory.online as
        # mem=, which a config takes only as whole increments and at least one section
        half = online // 2 // 256 * 256 if online >= 1024 else online
        limit = draw(st.sampled_from([half, online, online + standby // 2,
                                      online + standby, 2 * (online + standby) + 256, 0]))
        words.append(f"mem={limit}M" if limit % 1024 else f"mem={limit // 1024}G")
    if data["arch"] in ("x86_64", "arm64") and draw(st.booleans()):
        words.append(f"memhp_default_state={draw(st.sampled_from(['offline', 'online']))}")
        kernel.pop("auto_online", None)
    words = draw(st.permutations(words))
    if draw(st.integers(0, 3)) == 0:
        words = [*words, "--", "init=/bin/sh", "memory_hotplug.memmap_on_memory=0"]
    kernel["cmdline"] = draw(st.sampled_from([" ", "  ", "\t"])).join(words)
    return data


@PROFILE
@given(cmdline_configs())
def test_check_limits_hold_with_a_kernel_cmdline(data: dict[str, Any]) -> None:
    check_limits_hold(data)


@PROFILE
@given(cmdline_configs())
def test_check_kernel_and_parameter_fixes_hold_with_a_kernel_cmdline(
        data: dict[str, Any]) -> None:
    check_tips_hold(data)


@PROFILE
@given(cmdline_configs())
def test_plan_limits_changes_and_columns_hold_with_a_kernel_cmdline(
        data: dict[str, Any]) -> None:
    check_plan_holds(data)


@PROFILE
@given(cmdline_configs())
def test_the_after_ipl_fix_makes_all_usable_with_a_kernel_cmdline(data: dict[str, Any]) -> None:
    check_after_ipl_fix_holds(data)


# --------------------------------------------------------------------------- exact CLI cases

LINE = ('root=/dev/dasda1 "dyndbg=file sclp_cmd.c +p"  memory_hotplug.memmap_on_memory=0 quiet'
        ' -- memory_hotplug.memmap_on_memory=0')
#: the effective occurrence (before --) rewritten, every other byte kept (the one after -- goes
#: to init, the kernel never reads it)
FIXED = ('root=/dev/dasda1 "dyndbg=file sclp_cmd.c +p"  memory_hotplug.memmap_on_memory=1 quiet'
         ' -- memory_hotplug.memmap_on_memory=0')
MOM_OFF = {"name": "lnx", "memory": {"online": "8G", "standby": "1T"},
           "kernel": {"version": "6.9", "cmdline": LINE}}


def _yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_check_names_the_command_line_change_and_the_changed_line_passes(cli, write) -> None:  # type: ignore[no-untyped-def]
    # 6.9 with =0: sclp asks for memmap-on-memory but the parameter says N, so 4096 standby
    # memmaps of 4 MiB (16 GiB) come from 8 GiB online.  Before the fix the edit wrote
    # kernel.memmap_on_memory: on next to =0, which check refuses as a contradiction.
    from memmapcalc.config.edits import edited_mapping
    from tests.conftest import run_cli

    path = write("lnx.yaml", _yaml(MOM_OFF))
    ran = run_cli("check", str(path))
    assert ran.returncode == 1, ran.stderr
    assert ("       fix: boot with memory_hotplug.memmap_on_memory=1: replace "
            "memory_hotplug.memmap_on_memory=0 in the kernel command line (kernel.cmdline)\n"
            ) in ran.stdout
    edited = edited_mapping(machine_from_mapping(MOM_OFF, "lnx.yaml", "lnx"),
                            [("kernel.memmap_on_memory", "on")])
    assert edited["kernel"] == {"version": "6.9", "cmdline": FIXED}  # no key added
    fixed = write("fixed.yaml", _yaml(edited))
    again = cli("check", str(fixed))
    assert (again.returncode, again.stderr) == (0, "1 machine: 1 pass, 0 warn, 0 fail, 0 error\n")
    assert again.stdout.startswith("PASS   lnx  ")
    assert "note: kernel.cmdline sets memory_hotplug.memmap_on_memory=1 (memmap_on_memory Y)" \
        in again.stdout


def test_plan_s_cheapest_change_edits_the_line_and_rechecks_as_promised(cli, write) -> None:  # type: ignore[no-untyped-def]
    import json

    from memmapcalc.config.edits import edited_mapping

    path = write("lnx.yaml", _yaml(MOM_OFF))
    ran = cli("plan", "-f", "json", str(path))
    assert ran.returncode == 1, ran.stderr
    planned = json.loads(ran.stdout)["plans"][0]
    cheapest = planned["cheapest"]
    assert cheapest["text"] == ("boot with memory_hotplug.memmap_on_memory=1: replace "
                                "memory_hotplug.memmap_on_memory=0 in the kernel command line "
                                "(kernel.cmdline)")
    assert cheapest["config_edits"] == {"kernel.memmap_on_memory": "on"}
    columns = {column["key"]: column for column in planned["behaviours"]}
    assert columns["boot-add-mom-on"]["applicable"] is True  # was n/a: check refused its edits
    edited = edited_mapping(machine_from_mapping(MOM_OFF, "lnx.yaml", "lnx"),
                            list(cheapest["config_edits"].items()))
    assert edited["kernel"]["cmdline"] == FIXED
    again = json.loads(cli("check", "-f", "json", str(write("fixed.yaml", _yaml(edited)))).stdout)
    result = again["results"][0] if "results" in again else again
    assert (result["verdict"], result["margin"]) == (cheapest["verdict"], cheapest["margin"])
    assert cheapest["verdict"] == "pass"
    text = cli("plan", str(path)).stdout
    assert "1. cheapest: boot with memory_hotplug.memmap_on_memory=1: replace " in text


MEM_CAP = {"name": "cap", "memory": {"online": "8G", "standby": "1T"},
           "kernel": {"version": "6.8", "cmdline": "root=/dev/dasda1 mem=520G"}}


def test_an_online_fix_under_a_mem_cap_raises_mem_with_it(cli, write) -> None:  # type: ignore[no-untyped-def]
    # mem=520G: 8G online and 512G of the 1T standby are used.  Raising online to 8774M with
    # mem= kept would push 582M of standby out from under the cap, and the standby fix is
    # verified with 512G; so mem= goes to 8774M + 512G = 533062M.
    from memmapcalc.config.edits import edited_mapping

    path = write("cap.yaml", _yaml(MEM_CAP))
    ran = cli("check", str(path))
    assert ("fix: raise online memory to 8774M (+582M); set mem=533062M in place of mem=520G in "
            "the kernel command line (kernel.cmdline): the kernel uses no memory above mem=\n"
            ) in ran.stdout
    edited = edited_mapping(machine_from_mapping(MEM_CAP, "cap.yaml", "cap"),
                            [("memory.online", "8774M")])
    assert edited["kernel"]["cmdline"] == "root=/dev/dasda1 mem=533062M"
    assert edited["memory"]["online"] == "8774M"
    again = cli("check", str(write("fixed.yaml", _yaml(edited))))
    assert again.returncode == 0, again.stdout
    assert "online 8774M, standby 512G of 1T" in again.stdout.replace("\n       ", " ")
