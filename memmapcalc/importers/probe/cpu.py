"""The machine: s390x or not and EDAT-1/2 from ``/proc/cpuinfo``, its name from
``/proc/sysinfo``."""

from __future__ import annotations

from memmapcalc.importers import sysfs
from memmapcalc.importers.probe.context import Context, file_of, path_of


def architecture(ctx: Context) -> None:
    cpuinfo = file_of(ctx, "cpuinfo")
    if cpuinfo is not None:
        ctx.arch = sysfs.machine_of_cpuinfo(cpuinfo) or "unknown"
    elif ctx.snap.live:
        ctx.arch = ctx.snap.uname_machine
    if ctx.arch == "s390x":
        return
    draft = ctx.draft
    if ctx.arch is None:
        draft.partial.append(f"cannot confirm this is s390x: no {path_of(ctx, 'cpuinfo')}; "
                             f"EDAT-1 unknown")
        return
    draft.omit_arch = True
    draft.partial.append(f"this system is {ctx.arch}, not s390x: probe reads IBM Z systems "
                         f"(sclp standby memory, storage increments, EDAT-1). The memory blocks "
                         f"below are this system's, so `check` results describe an s390x machine "
                         f"with this memory, not this machine; for {ctx.arch} write the config "
                         f"with `arch: {ctx.arch}` (README, Other architectures)")


def cpu(ctx: Context) -> None:
    draft = ctx.draft
    cpuinfo = file_of(ctx, "cpuinfo")
    if ctx.arch != "s390x" or cpuinfo is None:
        draft.leave_out("cpu.edat1", "EDAT-1 is an s390 facility; it cannot be read here")
        return
    info = sysfs.parse_cpuinfo(cpuinfo)
    where = path_of(ctx, "cpuinfo")
    if info.edat1 is None:
        draft.leave_out("cpu.edat1", f"no features line in {where}")
        draft.partial.append(f"EDAT-1 unknown: {where} has no features line")
        return
    found = "in" if info.edat1 else "not in"
    how = (f"facility 8 {found} the facilities line" if info.facilities is not None
           else f"`edat` {found} the features line")
    draft.set("cpu.edat1", info.edat1, f"{how} of {where}")
    if info.edat2 is not None:
        draft.set("cpu.edat2", info.edat2, f"facility 78 {'in' if info.edat2 else 'not in'} the "
                                           f"facilities line of {where}")
    else:
        draft.leave_out("cpu.edat2", "no facilities line (older kernel); memmapcalc assumes "
                                     "EDAT-2 follows EDAT-1")


def machine_name(ctx: Context) -> None:
    text = file_of(ctx, "sysinfo")
    if text is None:
        return
    info = sysfs.parse_sysinfo(text)
    where = path_of(ctx, "sysinfo")
    if info.guest_name:
        ctx.draft.set("name", info.guest_name, f"VM00 Name in {where} (guest of "
                                               f"{info.hypervisor or 'a hypervisor'})")
    elif info.lpar_name:
        ctx.draft.set("name", info.lpar_name, f"LPAR Name in {where}")
