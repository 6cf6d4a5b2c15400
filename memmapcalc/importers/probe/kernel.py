"""The kernel: its release (``uname -r`` as ``/proc/sys/kernel/osrelease`` holds it), its
command line (``/proc/cmdline`` becomes ``kernel.cmdline``, read by the same parser ``check``
uses: :mod:`memmapcalc.kernel.cmdline`), the memmap_on_memory parameter the kernel reports, and
its footprint from ``/proc/meminfo``."""

from __future__ import annotations

from memmapcalc.errors import InputError
from memmapcalc.importers import sysfs
from memmapcalc.importers.probe.context import Context, file_of, path_of
from memmapcalc.importers.probe.snapshot import FIRMWARE_DIR
from memmapcalc.kernel.cmdline import MEMMAP_PARAM, CmdlineSettings
from memmapcalc.kernel.cmdline_text import all_args, parameq
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
            draft.set("kernel.version", release.strip(), f"uname -r ({where})")
        except ValueError as error:
            draft.leave_out("kernel.version", f"{where}: {error}")
    settings = _cmdline(ctx)
    _memmap_mode(ctx, settings)
    _crash_size(ctx, settings)
    version = draft.get("kernel.version")
    if (ctx.arch == "s390x" and isinstance(version, str) and ctx.snap.firmware is None
            and KernelVersion.parse(version) >= KernelVersion(6, 19)):
        draft.partial.append(f"Linux {version} keeps standby memory deconfigured and lists it "
                             f"only in /{FIRMWARE_DIR}, which is missing: standby memory is not "
                             f"visible")


def _cmdline(ctx: Context) -> CmdlineSettings | None:
    """``/proc/cmdline`` as ``kernel.cmdline`` (one line, as the kernel wrote it), and its
    settings read with the rules of the probed release."""
    from memmapcalc.config.cmdline import rules_of_release
    from memmapcalc.kernel.cmdline import read

    draft = ctx.draft
    text = file_of(ctx, "cmdline")
    if text is None:
        draft.leave_out("kernel.cmdline", f"no {path_of(ctx, 'cmdline')}")
        return None
    line = text.rstrip("\n")
    version = draft.get("kernel.version")
    settings = read(line, rules_of_release(version if isinstance(version, str) else None))
    draft.set("kernel.cmdline", line, path_of(ctx, "cmdline"))
    if settings.crashkernel is None and settings.crashkernel_suffixed is None:
        draft.notes.append(f"no crashkernel= on {path_of(ctx, 'cmdline')}: no kdump reservation")
    return settings


def _memmap_mode(ctx: Context, settings: CmdlineSettings | None) -> None:
    """The parameter as the kernel reports it in sysfs.  When the command line already says
    the same, the key is left to it; when they differ, the kernel's report wins and the
    memmap_on_memory arguments are dropped from ``kernel.cmdline`` (a note says so)."""
    draft = ctx.draft
    param = file_of(ctx, "memmap_param")
    from_line = None if settings is None or settings.memmap_on_memory is None else \
        settings.memmap_on_memory
    if param is None:
        if from_line is None:
            draft.leave_out("kernel.memmap_on_memory", "neither the memory_hotplug module "
                                                       "parameter nor a memory_hotplug."
                                                       "memmap_on_memory= boot parameter was "
                                                       "found")
        return
    where = path_of(ctx, "memmap_param")
    try:
        mode = sysfs.parse_memmap_mode(param)
    except sysfs.SysfsError as error:
        raise InputError(where, str(error)) from None
    if from_line is not None and from_line.value.value == mode:
        return  # kernel.cmdline says it
    draft.set("kernel.memmap_on_memory", mode, f"{where} ({param.strip()})")
    if from_line is not None:
        line = draft.get("kernel.cmdline")
        assert isinstance(line, str)
        kept = " ".join(arg.text for arg in all_args(line)
                        if not parameq(arg.param, MEMMAP_PARAM))
        draft.set("kernel.cmdline", kept, f"{path_of(ctx, 'cmdline')} without its "
                                          f"{MEMMAP_PARAM} arguments")
        draft.notes.append(f"{path_of(ctx, 'cmdline')} reads as {from_line.token} "
                           f"({from_line.value.kernel_value}) but the kernel reports "
                           f"{param.strip()}: the kernel's report is kept")


def _crash_size(ctx: Context, settings: CmdlineSettings | None) -> None:
    """``/sys/kernel/kexec_crash_size``: what the kernel holds now (it can be shrunk after
    boot).  ``check`` charges what the command line reserves at IPL; a different size is a
    note, and without a command line the file is the only source."""
    crash = file_of(ctx, "crash_size")
    where = path_of(ctx, "crash_size")
    if crash is None or not crash.strip().isdigit() or len(crash.strip()) > 20:
        return
    size = int(crash.strip())
    if settings is None:
        if size:
            ctx.draft.set("kernel.crashkernel", size, f"{where}: the reservation the kernel made")
        return
    if settings.crashkernel is not None or size:
        ctx.draft.notes.append(f"{where}: the kernel holds {format_size(size)} for kdump now; "
                               f"check charges what the command line reserves at IPL")


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
