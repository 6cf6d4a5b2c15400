"""Reading a system (or a ``--sysroot`` copy): the few files probe needs, as text.

The only I/O of probe; everything else works on the :class:`Snapshot`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from memmapcalc.errors import InputError

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
