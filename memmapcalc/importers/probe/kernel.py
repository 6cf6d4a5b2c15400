"""The kernel: its release, the memmap_on_memory parameter, ``/proc/cmdline``
(``crashkernel=``, ``mem=``) and its footprint from ``/proc/meminfo``."""

from __future__ import annotations

import re

from memmapcalc.errors import InputError
from memmapcalc.importers import sysfs
from memmapcalc.importers.probe.context import Context, file_of, path_of
from memmapcalc.importers.probe.snapshot import FIRMWARE_DIR
from memmapcalc.units import MiB, format_size


def kernel(ctx: Context) -> None:
    from memmapcalc.kernel.version import KernelVersion

    draft = ctx.draft
    release = file_of(ctx, "osrelease")
    where = path_of(ctx, "osrelease")
    if release is None and ctx.snap.live:
        release, where = ctx.snap.uname_release, "os.uname()"
    if release is None:
        draft.leave_out("kernel.version", f"no {where} in the sysroot; give it with "
                                          f"--kernel-version")
    else:
        try:
            KernelVersion.parse(release.strip())
            draft.set("kernel.version", release.strip(), where)
        except ValueError as error:
            draft.leave_out("kernel.version", f"{where}: {error}")
    _memmap_mode(ctx)
    _cmdline(ctx)
    version = draft.get("kernel.version")
    if (ctx.arch == "s390x" and isinstance(version, str) and ctx.snap.firmware is None
            and KernelVersion.parse(version) >= KernelVersion(6, 19)):
        draft.partial.append(f"Linux {version} keeps standby memory deconfigured and lists it "
                             f"only in /{FIRMWARE_DIR}, which is missing: standby memory is not "
                             f"visible")


def _memmap_mode(ctx: Context) -> None:
    draft = ctx.draft
    param = file_of(ctx, "memmap_param")
    cmdline = file_of(ctx, "cmdline")
    from_cmdline = (sysfs.last_parameter(cmdline, "memory_hotplug.memmap_on_memory")
                    if cmdline is not None else None)
    if param is not None:
        where = path_of(ctx, "memmap_param")
        try:
            mode = sysfs.parse_memmap_mode(param)
        except sysfs.SysfsError as error:
            raise InputError(where, str(error)) from None
        draft.set("kernel.memmap_on_memory", mode, f"{where} ({param.strip()})")
        if from_cmdline is not None and _safe_mode(from_cmdline) not in (None, mode):
            draft.notes.append(f"/proc/cmdline asks for memory_hotplug.memmap_on_memory="
                               f"{from_cmdline} but the kernel reports {param.strip()}")
        return
    if from_cmdline is not None:
        parsed = _safe_mode(from_cmdline)
        if parsed is not None:
            draft.set("kernel.memmap_on_memory", parsed,
                      f"memory_hotplug.memmap_on_memory={from_cmdline} on "
                      f"{path_of(ctx, 'cmdline')}")
            return
    draft.leave_out("kernel.memmap_on_memory", "neither the memory_hotplug module parameter nor "
                                               "a memory_hotplug.memmap_on_memory= boot "
                                               "parameter was found")


def _safe_mode(text: str) -> str | None:
    try:
        return sysfs.parse_memmap_mode(text)
    except sysfs.SysfsError:
        return None


def _cmdline(ctx: Context) -> None:
    draft = ctx.draft
    cmdline = file_of(ctx, "cmdline")
    if cmdline is None:
        draft.leave_out("kernel.crashkernel", f"no {path_of(ctx, 'cmdline')}")
        return
    where = path_of(ctx, "cmdline")
    crash = file_of(ctx, "crash_size")
    value = sysfs.last_parameter(cmdline, "crashkernel")
    if (crash is not None and re.fullmatch(r"[0-9]{1,20}", crash.strip())
            and int(crash) > 0):
        draft.set("kernel.crashkernel", int(crash), f"{path_of(ctx, 'crash_size')}: the "
                                                    f"reservation the kernel made")
    elif value is not None:
        try:
            size, how = sysfs.crashkernel_size(value, ctx.online)
        except sysfs.SysfsError as error:
            draft.leave_out("kernel.crashkernel", f"{where}: {error}")
        else:
            if size:
                draft.set("kernel.crashkernel", size, f"{how} on {where}")
            else:
                draft.notes.append(how)
    else:
        draft.notes.append(f"no crashkernel= on {where}: no kdump reservation")
    mem = sysfs.last_parameter(cmdline, "mem")
    if mem is not None:
        draft.notes.append(f"mem={mem} on {where}: the kernel ignores memory, standby memory "
                           f"included, above that limit; the block states above already show "
                           f"its effect on online memory")


def footprint(ctx: Context) -> None:
    text = file_of(ctx, "meminfo")
    if text is None:
        return
    where = path_of(ctx, "meminfo")
    try:
        total = sysfs.parse_meminfo_total(text)
    except sysfs.SysfsError as error:
        ctx.draft.warnings.append(f"{where}: {error}")
        return
    used = ctx.online - total
    kib = used // 1024
    ctx.draft.notes.append(f"kernel footprint: online memory {format_size(ctx.online)} "
                           "− MemTotal "  # noqa: RUF001 - the output's minus sign
                           f"{format_size(total)} ({where}) = {kib} KiB "
                           f"({used / MiB:.1f} MiB) that the kernel and firmware keep for "
                           f"themselves (memory maps of online and standby memory, kernel image, "
                           f"reservations)")
