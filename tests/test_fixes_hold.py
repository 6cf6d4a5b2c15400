"""Every limit and every fix that ``check`` and ``plan`` print holds when applied to the config
(issue 11, item 2): random machines of all four architectures, kernel versions and settings,
with and without ``kernel.footprint``.

Each limit or fix is turned into config edits — ``plan``'s own ``config_edits`` (JSON), and
for ``check``'s ``min_online`` / ``max_standby`` the edits its advice names — applied to the
config as a user would, and the edited config is checked again: it must be accepted and give
the promised verdict (and for plan the promised margin), and one step less (1 MiB or one
increment of online memory, one block of standby) must not, where the output says minimal.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from memmapcalc.api.batch import Checker
from memmapcalc.api.plan import plan_one
from memmapcalc.arch.paging_geometry import layout
from memmapcalc.config.edits import apply_edits
from memmapcalc.config.load import Loaded, machine_from_mapping
from memmapcalc.config.model import Machine
from memmapcalc.errors import InputError
from memmapcalc.model.after_ipl.bringup import Zone
from memmapcalc.records.params import config_size
from memmapcalc.units import MiB, format_size

#: MEMMAPCALC_PROPERTY_EXAMPLES=1000 for a thorough run; the suite's default stays quick.
PROFILE = settings(max_examples=int(os.environ.get("MEMMAPCALC_PROPERTY_EXAMPLES", "40")),
                   deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                         HealthCheck.filter_too_much])
VERSIONS = [None, "5.14", "6.1", "6.6", "6.8", "6.9", "6.12", "6.18", "6.19"]


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    arch = draw(st.sampled_from(["s390x", "x86_64", "arm64", "ppc64le"]))
    online = draw(st.integers(256, 48 * 1024))
    kernel: dict[str, Any] = {"memmap_on_memory": draw(st.sampled_from(["off", "on", "force"])),
                              "thp": draw(st.booleans())}
    memory: dict[str, Any] = {}
    if arch == "s390x":
        increment = draw(st.sampled_from([None, 8, 64, 256]))
        if increment:
            online = max(increment, online // increment * increment)
            memory["increment"] = f"{increment}M"
        memory["standby"] = f"{draw(st.integers(0, 1024)) * 256}M"
        block = draw(st.sampled_from([None, None, 256, 512, 2048]))
        if block:
            memory["block_size"] = f"{block}M"
        if draw(st.integers(0, 3)) == 0:  # a distribution kernel's backport overrides
            kernel["standby"] = draw(st.sampled_from(["boot-add", "deferred"]))
        if draw(st.integers(0, 3)) == 0:
            kernel["s390_memmap_on_memory"] = draw(st.booleans())
        edat1 = draw(st.booleans())
        data_cpu = {"edat1": edat1, "edat2": edat1 and draw(st.booleans())}
    elif arch == "ppc64le":
        memory["standby"] = f"{draw(st.integers(0, 1024)) * 256}M"
        kernel["mmu"] = draw(st.sampled_from(["radix", "hash"]))
        kernel["page_size"] = draw(st.sampled_from(["4K", "64K"]))
    else:
        memory["dimms"] = [f"{draw(st.integers(1, 64))}G"
                           for _ in range(draw(st.integers(0, 3)))]
        kernel["auto_online"] = draw(st.sampled_from(["offline", "online", "online_movable"]))
        if arch == "arm64":
            kernel["page_size"] = draw(st.sampled_from(["4K", "16K", "64K"]))
    memory["online"] = f"{online}M"
    if draw(st.booleans()):
        kernel["footprint"] = f"{draw(st.integers(48, min(online - 1, 640)))}M"
        if draw(st.booleans()):
            kernel["freed_before_init"] = f"{draw(st.integers(0, 32))}M"
    else:
        kernel["image"] = f"{draw(st.integers(16, 128))}M"
        kernel["initramfs"] = f"{draw(st.integers(0, 128))}M"
    version = draw(st.sampled_from(VERSIONS))
    if version:
        kernel["version"] = version
    kernel["struct_page_size"] = draw(st.sampled_from([56, 64, 72]))
    return {"name": "prop", "arch": arch, "memory": memory, "kernel": kernel,
            **({"cpu": data_cpu} if arch == "s390x" else {}),
            "boot": {"userspace": f"{draw(st.integers(0, 1024))}M",
                     "min_margin": f"{draw(st.integers(0, 64))}M"}}


def _valid(data: dict[str, Any]) -> Machine:
    try:
        return machine_from_mapping(data, "prop.yaml", "prop")
    except InputError:
        assume(False)
        raise  # unreachable


def _check(machine: Machine) -> dict[str, Any]:
    """check's JSON result for the machine (the CLI's code path, cache included)."""
    return Checker((), False).result(Loaded("prop.yaml", "prop", machine))


def _checked(machine: Machine, edits: list[tuple[str, Any]]) -> dict[str, Any] | None:
    """check's result for the edited config, ``None`` when check refuses it."""
    try:
        return _check(apply_edits(machine, edits))
    except InputError:
        return None


def _online_edits(machine: Machine, online: int) -> list[tuple[str, Any]]:
    edits: list[tuple[str, Any]] = [("memory.online", format_size(online))]
    if machine.kernel.footprint is not None:
        measured = machine.kernel.footprint_online or machine.memory.online
        edits.append(("kernel.footprint_online", format_size(measured)))
    return edits


def _standby_edits(machine: Machine, standby: int) -> list[tuple[str, Any]]:
    if machine.arch in ("s390x", "ppc64le"):
        return [("memory.standby", config_size(standby))]
    dimms = [format_size(size) for size, count in layout(tuple(machine.memory.dimms or ()),
                                                         standby) for _ in range(count)]
    return [("memory.dimms", dimms)]


def _fails(result: dict[str, Any] | None) -> bool:
    """One step beyond a limit: check refuses the config, or it fails."""
    return result is None or result["verdict"] == "fail"


@PROFILE
@given(configs())
def test_check_limits_and_size_fixes_hold_when_applied_and_are_minimal(
        data: dict[str, Any]) -> None:
    check_limits_hold(data)


def check_limits_hold(data: dict[str, Any]) -> None:
    """check's min_online and max_standby, applied, hold and are minimal."""
    machine = _valid(data)
    result = _check(machine)
    step = machine.memory.increment or MiB
    if result["min_online"] is not None:
        x = result["min_online"]
        at = _checked(machine, _online_edits(machine, x))
        assert at is not None and at["verdict"] != "fail", (data, x)
        assert at["min_online"] == x  # the edited config agrees on its own limit
        if x - step > 0:
            assert _fails(_checked(machine, _online_edits(machine, x - step))), (data, x)
        if result["verdict"] == "fail" and x > machine.memory.online:
            assert any(tip.startswith(f"raise {'online' if machine.arch == 's390x' else 'boot'} "
                                      f"memory to {format_size(x)} ") for tip in result["advice"])
    if result["max_standby"] is not None:
        y = result["max_standby"]
        at = _checked(machine, _standby_edits(machine, y))
        assert at is not None and at["verdict"] != "fail", (data, y)
        if not result["max_standby_capped"]:
            more = _checked(machine, _standby_edits(machine, y + result["block_size"]))
            assert _fails(more), (data, y)


#: check's kernel and parameter fixes, by how their text starts, as the config edits they name.
TIP_EDITS: dict[str, list[tuple[str, Any]]] = {
    "boot with memory_hotplug.memmap_on_memory=1": [("kernel.memmap_on_memory", "on")],
    "boot with memhp_default_state=online": [("kernel.auto_online", "online")],
    "boot a kernel ≥ 6.8 with memory_hotplug.memmap_on_memory=1": [
        ("kernel.version", "6.8"), ("kernel.memmap_on_memory", "on")],
    "boot a kernel ≥ 6.9 with memory_hotplug.memmap_on_memory=1": [
        ("kernel.version", "6.9"), ("kernel.memmap_on_memory", "on")],
    "boot a kernel ≥ 6.19": [("kernel.version", "6.19")],
}


@PROFILE
@given(configs())
def test_check_kernel_and_parameter_fixes_hold_when_applied(data: dict[str, Any]) -> None:
    check_tips_hold(data)


def check_tips_hold(data: dict[str, Any]) -> None:
    """check's kernel and parameter fixes, applied as the edits they name, pass."""
    machine = _valid(data)
    result = _check(machine)
    for tip in result["advice"]:
        prefix = next((key for key in TIP_EDITS if tip.startswith(key)), None)
        if prefix is None:
            continue
        _, _, removed = tip.partition("; remove ")
        names = removed.split(" (")[0].split(" and ") if removed else []
        at = _checked(machine, [*TIP_EDITS[prefix], *((name, None) for name in names)])
        assert at is not None and at["verdict"] != "fail", (data, tip)


@PROFILE
@given(configs())
def test_plan_limits_changes_and_columns_hold_when_their_config_edits_are_applied(
        data: dict[str, Any]) -> None:
    check_plan_holds(data)


def check_plan_holds(data: dict[str, Any]) -> None:
    """plan's limits, changes and columns, applied as their config_edits, hold."""
    machine = _valid(data)
    entry, _ = plan_one(Loaded("prop.yaml", "prop", machine), Zone.MOVABLE)
    assert entry["verdict"] == _check(machine)["verdict"]
    for change in entry["limits"] + entry["changes"]:
        edits = list(change["config_edits"].items())
        at = _checked(machine, edits)
        assert at is not None, (data, change)
        assert (at["verdict"], at["margin"]) == (change["verdict"], change["margin"]), change
        if not change["minimal"]:
            continue
        if change["kind"] == "online":
            below = at["online"] - (machine.memory.increment or MiB)
            assert below <= 0 or _fails(_checked(machine, _online_edits(machine, below))), change
        elif change["kind"] == "standby":
            assert "capped" in change["evidence"] or _fails(_checked(machine, _standby_edits(
                machine, at["standby"] + at["block_size"]))), change
        elif change["kind"] == "kernel" and "kernel.memmap_on_memory" in change["config_edits"]:
            without = [(k, v) for k, v in edits if k != "kernel.memmap_on_memory"]
            assert _fails(_checked(machine, without)), change
        else:
            assert entry["verdict"] == "fail", change
    for column in entry["behaviours"]:
        at = _checked(machine, list(column["config_edits"].items()))
        if not column["applicable"]:
            if column["why"].startswith("check refuses"):
                assert at is None, column
            continue
        assert at is not None, (data, column["key"], column["config_edits"])
        assert ((at["verdict"], at["margin"], at["max_standby"], at["min_online"])
                == (column["verdict"], column["margin"], column["max_standby"],
                    column["min_online"])), column["key"]


def _machine(data: dict[str, Any]) -> Machine:
    return machine_from_mapping(data, "t.yaml", "t")


FOOTPRINT = {"name": "fp", "memory": {"online": "2G", "standby": "120G"},
             "kernel": {"version": "6.8", "footprint": "300M"}}


def test_a_footprint_machine_s_online_fix_is_exact_and_minimal() -> None:
    # 2G online measured, 120G standby on 6.8: raise to 2515M.  Before kernel.footprint_online
    # the edited config read the footprint as measured at 2515M: 2514M and 2513M passed too
    # and the edited config's own min_online was 2507M.
    machine = _machine(FOOTPRINT)
    result = _check(machine)
    assert result["min_online"] == 2515 * MiB
    assert result["advice"][0] == ("raise online memory to 2515M (+467M); with "
                                   "kernel.footprint_online: 2G (where the footprint was measured)")
    at = _checked(machine, _online_edits(machine, 2515 * MiB))
    below = _checked(machine, _online_edits(machine, 2514 * MiB))
    assert at is not None and below is not None
    # (479 standby blocks, each with a 64-B add_memory() resource: 30656 B less than before)
    assert (at["verdict"], at["margin"], at["min_online"]) == ("warn", 288960 - 30656,
                                                               2515 * MiB)
    assert (below["verdict"], below["margin"]) == ("fail", -755520 - 30656)
    entry, _ = plan_one(Loaded("t.yaml", "fp", machine), Zone.MOVABLE)
    online = next(c for c in entry["limits"] if c["kind"] == "online")
    assert online["config_edits"] == {"memory.online": "2515M", "kernel.footprint_online": "2G"}


def test_a_plan_column_whose_edits_check_refuses_is_n_a(cli, write) -> None:  # type: ignore[no-untyped-def]
    # 64M increments, 128M standby on 6.19 (128 MiB sections, so 128M blocks): on 6.8 the
    # block is a 256 MiB section and check refuses 128M of standby.
    path = write("inc.yaml", "name: inc\nmemory: {online: 4G, standby: 128M, increment: 64M}\n"
                             "kernel: {version: \"6.19\"}\n")
    import json

    ran = cli("plan", "-f", "json", str(path))
    assert ran.returncode == 0, ran.stderr
    columns = {c["key"]: c for c in json.loads(ran.stdout)["plans"][0]["behaviours"]}
    assert columns["boot-add"]["applicable"] is False and "verdict" not in columns["boot-add"]
    assert columns["boot-add"]["why"] == (
        "check refuses the edited config: memory.standby: 128M is less than one memory block "
        "(256M), so the kernel could never use it; write 0 or at least 256M")
    assert columns["deferred"]["verdict"] == "pass"
    text = cli("plan", str(path)).stdout
    assert "kernel evaluated          n/a" in text
    assert "≤ 6.8 no mom: check refuses the edited config: memory.standby" in text


#: check's after-IPL fixes (issue 14): the parameter, as config edits.
AFTER_IPL_TIPS: dict[str, list[tuple[str, Any]]] = {
    "boot with memory_hotplug.memmap_on_memory=1 ": [("kernel.memmap_on_memory", "on")],
    "boot with memory_hotplug.memmap_on_memory=force ": [("kernel.memmap_on_memory", "force")],
}


def _all_usable(result: dict[str, Any] | None) -> bool:
    if result is None or result["verdict"] == "fail":
        return False
    after = result["after_ipl"]
    return bool(after["usable_blocks"] == after["standby_blocks"])


@PROFILE
@given(configs())
def test_after_ipl_counts_are_ordered_and_the_after_ipl_fix_makes_all_usable(
        data: dict[str, Any]) -> None:
    check_after_ipl_fix_holds(data)


def check_after_ipl_fix_holds(data: dict[str, Any]) -> None:
    """The after-IPL counts are ordered and the after-IPL fix, applied, makes all usable."""
    machine = _valid(data)
    result = _check(machine)
    after = result["after_ipl"]
    usable, with_mom = after["usable_blocks"], after["usable_blocks_with_memmap_on_memory"]
    total = after["standby_blocks"]
    assert total == result["standby_blocks"]
    if usable is None:  # the model has no count (ppc64le DLPAR): no warning from it
        assert with_mom is None and after["limit"]
        return
    assert 0 <= usable <= total and after["usable_memory"] == usable * after["block_size"]
    if with_mom is not None:
        assert usable <= with_mom <= total, data
    if result["verdict"] == "fail" or usable == total:
        assert not any("after IPL" in reason for reason in result["reasons"]), data
        return
    assert result["verdict"] == "warn", data
    assert any(reason.startswith(f"only {usable} of {total} standby blocks ")
               for reason in result["reasons"]), result["reasons"]
    tips = [tip for tip in result["advice"] if "standby blocks can be" in tip]
    assert len(tips) == 1, (data, result["advice"])
    tip = tips[0]
    # with kernel.cmdline the parameter is followed by where it goes in the line
    prefix = next((key for key in AFTER_IPL_TIPS
                   if tip.startswith(key) or tip.startswith(key.rstrip() + ":")), None)
    event(f"after-IPL fix: {prefix or 'online'}")
    if prefix is not None:
        assert _all_usable(_checked(machine, AFTER_IPL_TIPS[prefix])), (data, tip)
        return
    assert tip.startswith("raise online memory to "), tip
    size = tip.removeprefix("raise online memory to ").split(" ")[0]
    online = machine_from_mapping({**data, "memory": {**data["memory"], "online": size}},
                                  "prop.yaml", "prop").memory.online
    at = _checked(machine, _online_edits(machine, online))
    assert _all_usable(at) and at is not None and at["standby_blocks"] == total, (data, tip)
    # minimal in whole blocks (a size between would start standby off the block grid)
    below = _checked(machine, _online_edits(machine, online - after["block_size"]))
    assert not (_all_usable(below) and below is not None and below["standby_blocks"] == total)
