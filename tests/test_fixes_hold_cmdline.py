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

from tests.test_fixes_hold import (
    PROFILE,
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
