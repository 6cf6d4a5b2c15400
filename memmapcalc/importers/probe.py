"""Read a running system, or a copy of one under ``--sysroot``, into a machine draft.

Two steps, kept apart so the second can be tested without a file system:
:func:`read_snapshot` copies the few files that matter into a :class:`Snapshot` (the
only I/O), and :func:`snapshot_machine` turns that into a :class:`MachineDraft`.

What is read, and why (``../shared/reference/inputs.md`` §1.2, §2.7):

* ``/sys/devices/system/memory``: block size and each block's state, as lsmem reads
  them; ``phys_device`` gives the s390 storage increment (block start ÷ phys_device).
* ``/sys/firmware/memory`` (s390, Linux 6.19+): every possible block with ``config``
  and ``memmap_on_memory``; deconfigured blocks are standby memory that the first tree
  does not show at all.
* ``/sys/module/memory_hotplug/parameters/memmap_on_memory`` and ``/proc/cmdline``
  (``memory_hotplug.memmap_on_memory=``, ``crashkernel=``, ``mem=``).
* ``/proc/cpuinfo``: s390 or not, and EDAT-1 (``edat`` in ``features``).
* the kernel release: ``/proc/sys/kernel/osrelease`` (``os.uname()`` for the live
  system only: under ``--sysroot`` it would describe the wrong machine).
* ``/proc/meminfo``: MemTotal, to report what the kernel really keeps for itself.
* ``/proc/sysinfo`` (s390): guest or LPAR name and hypervisor.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from memmapcalc.errors import InputError
from memmapcalc.importers import sysfs
from memmapcalc.importers.draft import MachineDraft
from memmapcalc.units import MiB, format_size

MEMORY_DIR = "sys/devices/system/memory"
FIRMWARE_DIR = "sys/firmware/memory"
FILES = {
    "block_size": f"{MEMORY_DIR}/block_size_bytes",
    "memmap_param": "sys/module/memory_hotplug/parameters/memmap_on_memory",
    "cpuinfo": "proc/cpuinfo",
    "cmdline": "proc/cmdline",
    "meminfo": "proc/meminfo",
    "osrelease": "proc/sys/kernel/osrelease",
    "sysinfo": "proc/sysinfo",
    "crash_size": "sys/kernel/kexec_crash_size",
}
#: The files read here are small (a big machine's /proc/cpuinfo is a few hundred KiB);
#: a larger one, or a FIFO or device planted in a --sysroot, is refused, never read.
_READ_LIMIT = 16 << 20


@dataclass(frozen=True)
class Block:
    """One ``memoryN`` directory (or ``/sys/firmware/memory/memoryN``)."""

    index: int
    state: str | None = None
    phys_device: str | None = None
    config: str | None = None
    memmap_on_memory: str | None = None


@dataclass
class Snapshot:
    """The files ``probe`` reads, as text (None where a file is missing)."""

    label: str  # the sysroot as given, or "/" for the live system
    live: bool
    files: dict[str, str | None] = field(default_factory=dict)
    blocks: list[Block] | None = None  # None: no memory directory
    firmware: list[Block] | None = None  # None: no /sys/firmware/memory
    uname_machine: str | None = None
    uname_release: str | None = None
    unreadable: list[str] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------

def read_snapshot(sysroot: str | None) -> Snapshot:
    """Read the files under ``sysroot`` (the live system when None)."""
    root = sysroot if sysroot is not None else "/"
    snap = Snapshot(label=sysroot if sysroot is not None else "/", live=sysroot is None)
    if sysroot is not None and not os.path.isdir(sysroot):
        raise InputError(sysroot, "--sysroot is not a directory")
    for key, relative in FILES.items():
        snap.files[key] = _read(root, relative, snap)
    snap.blocks = _read_blocks(root, MEMORY_DIR, snap, ("state", "phys_device"))
    snap.firmware = _read_blocks(root, FIRMWARE_DIR, snap, ("config", "memmap_on_memory"))
    if sysroot is None:
        uname = os.uname()
        snap.uname_machine, snap.uname_release = uname.machine, uname.release
    return snap


def _read(root: str, relative: str, snap: Snapshot) -> str | None:
    from memmapcalc.inputfile import read_file

    path = os.path.join(root, relative)
    try:
        data = read_file(path, _READ_LIMIT, what="a system file",
                         accepted="probe reads regular files (sysfs and procfs files are)")
    except InputError as error:
        if not os.path.lexists(path):
            return None
        snap.unreadable.append(f"{relative}: {error.message.removeprefix('cannot read: ')}")
        return None
    return data.decode("utf-8", errors="replace")


def _read_blocks(root: str, relative: str, snap: Snapshot,
                 attributes: Sequence[str]) -> list[Block] | None:
    directory = os.path.join(root, relative)
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return None
    except OSError as error:
        snap.unreadable.append(f"{relative}: {error.strerror or error}")
        return None
    blocks = []
    for name in names:
        match = re.fullmatch(r"memory([0-9]{1,20})", name)
        if match is None:
            continue
        values = {a: _read(root, f"{relative}/{name}/{a}", snap) for a in attributes}
        blocks.append(Block(int(match[1]), **{a: (v.strip() if v is not None else None)
                                               for a, v in values.items()}))
    return sorted(blocks, key=lambda b: b.index)


# --- interpreting -----------------------------------------------------------------------

def _ranges(indexes: Sequence[int]) -> str:
    """``[0, 1, 2, 5]`` → ``0-2, 5`` (block lists for comments)."""
    out: list[str] = []
    start = previous = None
    for index in sorted(indexes):
        if previous is not None and index == previous + 1:
            previous = index
            continue
        if start is not None:
            out.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = index
    if start is not None:
        out.append(str(start) if start == previous else f"{start}-{previous}")
    return ", ".join(out)


def _count(blocks: Sequence[int], block_size: int, word: str, where: str) -> str:
    plural = "s" if len(blocks) != 1 else ""
    listing = f" (memory{_ranges(blocks)})" if blocks else ""
    return f"{len(blocks)} {word} block{plural} × {format_size(block_size)}{listing}, from {where}"


@dataclass
class _Context:
    snap: Snapshot
    draft: MachineDraft
    arch: str | None = None  # "s390x", another name, or None (unknown)
    block_size: int = 0
    online: int = 0


def snapshot_machine(snap: Snapshot) -> MachineDraft:
    """Build the machine draft from what was read (raises :class:`InputError`)."""
    ctx = _Context(snap, MachineDraft(origin=_origin(snap)))
    _architecture(ctx)
    _memory(ctx)
    _increment(ctx)
    _cpu(ctx)
    _kernel(ctx)
    _footprint(ctx)
    _name(ctx)
    for problem in snap.unreadable:
        ctx.draft.warnings.append(f"could not read {problem}")
    return ctx.draft


def _origin(snap: Snapshot) -> str:
    return "the running system" if snap.live else f"a copy of a system under --sysroot {snap.label}"


def _file(ctx: _Context, key: str) -> str | None:
    return ctx.snap.files.get(key)


def _where(ctx: _Context, key_or_path: str) -> str:
    path = FILES.get(key_or_path, key_or_path)
    return f"/{path}" if ctx.snap.live else f"{ctx.snap.label.rstrip('/')}/{path}"


def _architecture(ctx: _Context) -> None:
    cpuinfo = _file(ctx, "cpuinfo")
    if cpuinfo is not None:
        ctx.arch = sysfs.machine_of_cpuinfo(cpuinfo) or "unknown"
    elif ctx.snap.live:
        ctx.arch = ctx.snap.uname_machine
    if ctx.arch == "s390x":
        return
    draft = ctx.draft
    if ctx.arch is None:
        draft.partial.append(f"cannot confirm this is s390x: no {_where(ctx, 'cpuinfo')}; "
                             f"EDAT-1 unknown")
        return
    draft.omit_arch = True
    draft.partial.append(f"this system is {ctx.arch}, not s390x: memmapcalc models s390x only. "
                         f"The memory blocks below are this system's; EDAT-1, standby memory and "
                         f"the storage increment do not exist here, so `check` results describe "
                         f"an s390x machine with this memory, not this machine")


def _memory(ctx: _Context) -> None:
    snap, draft = ctx.snap, ctx.draft
    where_size = _where(ctx, "block_size")
    text = _file(ctx, "block_size")
    if text is None or snap.blocks is None:
        raise InputError(where_size, "missing: this system (or copy) has no memory blocks, as "
                                     "lsmem would say; nothing to derive online memory from")
    try:
        ctx.block_size = sysfs.parse_block_size(text)
    except sysfs.SysfsError as error:
        raise InputError(where_size, str(error)) from None
    draft.set("memory.block_size", ctx.block_size, f"{where_size} ({text.strip()} hex)")
    if snap.firmware:
        online, standby = _blocks_with_firmware(ctx)
    else:
        online, standby = _blocks_classic(ctx)
    if not online:
        raise InputError(_where(ctx, MEMORY_DIR), "no online memory block; memory.online must "
                                                  "be > 0")
    ctx.online = len(online) * ctx.block_size
    where = _where(ctx, MEMORY_DIR if not snap.firmware else FIRMWARE_DIR)
    draft.set("memory.online", ctx.online, _count(online, ctx.block_size, "online", where))
    draft.set("memory.standby", len(standby) * ctx.block_size,
              _count(standby, ctx.block_size, "offline" if not snap.firmware else "standby",
                     where))


def _blocks_classic(ctx: _Context) -> tuple[list[int], list[int]]:
    """≤ 6.18 (or no s390 firmware interface): offline blocks are the standby memory."""
    assert ctx.snap.blocks is not None
    online = [b.index for b in ctx.snap.blocks if b.state == "online"]
    standby = [b.index for b in ctx.snap.blocks if b.state != "online"]
    odd = sorted({str(b.state) for b in ctx.snap.blocks if b.state not in ("online", "offline")})
    if odd:
        ctx.draft.warnings.append(f"blocks in state {', '.join(odd)} counted as standby, as "
                                  f"lsmem counts them as offline")
    if ctx.arch not in ("s390x", None) and standby:
        ctx.draft.notes.append("offline blocks of a non-s390 system are not s390 standby memory; "
                               "they are counted as standby only to show what was read")
    return online, standby


def _blocks_with_firmware(ctx: _Context) -> tuple[list[int], list[int]]:
    """6.19+ s390: /sys/firmware/memory lists every block; config 0 = deconfigured standby."""
    snap, draft = ctx.snap, ctx.draft
    assert snap.firmware is not None
    states = {b.index: b.state for b in snap.blocks or []}
    online: list[int] = []
    standby: list[int] = []
    deconfigured: list[int] = []
    configured_offline: list[int] = []
    memmap_yes: list[int] = []
    for block in snap.firmware:
        where = _where(ctx, f"{FIRMWARE_DIR}/memory{block.index}")
        try:
            configured = sysfs.parse_flag(block.config or "")
            memmap = (sysfs.parse_flag(block.memmap_on_memory)
                      if block.memmap_on_memory is not None else False)
        except sysfs.SysfsError as error:
            raise InputError(where, str(error)) from None
        if not configured:
            deconfigured.append(block.index)
            standby.append(block.index)
            if memmap:
                memmap_yes.append(block.index)
        elif states.get(block.index) == "online":
            online.append(block.index)
        else:
            configured_offline.append(block.index)
            standby.append(block.index)
    if deconfigured:
        draft.notes.append(f"{len(deconfigured)} deconfigured block(s) "
                           f"(memory{_ranges(deconfigured)}): standby memory a Linux 6.19+ "
                           f"kernel does not add at IPL")
    if configured_offline:
        draft.notes.append(f"{len(configured_offline)} configured but offline block(s) "
                           f"(memory{_ranges(configured_offline)}) counted as standby "
                           f"(conservative)")
    if memmap_yes:
        draft.notes.append(f"{len(memmap_yes)} standby block(s) would be configured with "
                           f"memmap-on-memory (memmap_on_memory = 1)")
    return online, standby


def _increment(ctx: _Context) -> None:
    """On s390, ``phys_device`` = block start ÷ storage increment (rzm)."""
    draft = ctx.draft
    increments = set()
    for block in ctx.snap.blocks or []:
        if block.index == 0 or block.phys_device is None:
            continue
        try:
            device = sysfs.parse_decimal(block.phys_device)
        except sysfs.SysfsError:
            increments.add(-1)
            continue
        start = block.index * ctx.block_size
        increments.add(start // device if device and start % device == 0 else -1)
    if len(increments) == 1 and (rzm := increments.pop()) > 0 and rzm % MiB == 0 \
            and rzm <= ctx.block_size and rzm & (rzm - 1) == 0:
        draft.set("memory.increment", rzm, f"block start ÷ phys_device in "
                                           f"{_where(ctx, MEMORY_DIR)}/memoryN (s390 storage "
                                           f"increment)")
        return
    draft.leave_out("memory.increment", "phys_device does not give a storage increment here "
                                        "(0 outside s390)" if ctx.arch != "s390x" else
                                        "phys_device values are missing or inconsistent")


def _cpu(ctx: _Context) -> None:
    draft = ctx.draft
    cpuinfo = _file(ctx, "cpuinfo")
    if ctx.arch != "s390x" or cpuinfo is None:
        draft.leave_out("cpu.edat1", "EDAT-1 is an s390 facility; it cannot be read here")
        return
    info = sysfs.parse_cpuinfo(cpuinfo)
    where = _where(ctx, "cpuinfo")
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


def _kernel(ctx: _Context) -> None:
    from memmapcalc.kernel.version import KernelVersion

    draft = ctx.draft
    release = _file(ctx, "osrelease")
    where = _where(ctx, "osrelease")
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


def _memmap_mode(ctx: _Context) -> None:
    draft = ctx.draft
    param = _file(ctx, "memmap_param")
    cmdline = _file(ctx, "cmdline")
    from_cmdline = (sysfs.last_parameter(cmdline, "memory_hotplug.memmap_on_memory")
                    if cmdline is not None else None)
    if param is not None:
        where = _where(ctx, "memmap_param")
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
                      f"memory_hotplug.memmap_on_memory={from_cmdline} on {_where(ctx, 'cmdline')}")
            return
    draft.leave_out("kernel.memmap_on_memory", "neither the memory_hotplug module parameter nor "
                                               "a memory_hotplug.memmap_on_memory= boot "
                                               "parameter was found")


def _safe_mode(text: str) -> str | None:
    try:
        return sysfs.parse_memmap_mode(text)
    except sysfs.SysfsError:
        return None


def _cmdline(ctx: _Context) -> None:
    draft = ctx.draft
    cmdline = _file(ctx, "cmdline")
    if cmdline is None:
        draft.leave_out("kernel.crashkernel", f"no {_where(ctx, 'cmdline')}")
        return
    where = _where(ctx, "cmdline")
    crash = _file(ctx, "crash_size")
    value = sysfs.last_parameter(cmdline, "crashkernel")
    if (crash is not None and re.fullmatch(r"[0-9]{1,20}", crash.strip())
            and int(crash) > 0):
        draft.set("kernel.crashkernel", int(crash), f"{_where(ctx, 'crash_size')}: the "
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


def _footprint(ctx: _Context) -> None:
    text = _file(ctx, "meminfo")
    if text is None:
        return
    where = _where(ctx, "meminfo")
    try:
        total = sysfs.parse_meminfo_total(text)
    except sysfs.SysfsError as error:
        ctx.draft.warnings.append(f"{where}: {error}")
        return
    used = ctx.online - total
    kib = used // 1024
    ctx.draft.notes.append(f"kernel footprint: online memory {format_size(ctx.online)} − MemTotal "
                           f"{format_size(total)} ({where}) = {kib} KiB "
                           f"({used / MiB:.1f} MiB) that the kernel and firmware keep for "
                           f"themselves (memory maps of online and standby memory, kernel image, "
                           f"reservations)")


def _name(ctx: _Context) -> None:
    text = _file(ctx, "sysinfo")
    if text is None:
        return
    info = sysfs.parse_sysinfo(text)
    where = _where(ctx, "sysinfo")
    if info.guest_name:
        ctx.draft.set("name", info.guest_name, f"VM00 Name in {where} (guest of "
                                               f"{info.hypervisor or 'a hypervisor'})")
    elif info.lpar_name:
        ctx.draft.set("name", info.lpar_name, f"LPAR Name in {where}")
