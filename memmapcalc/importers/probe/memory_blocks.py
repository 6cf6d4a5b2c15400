"""Online and standby memory from ``/sys/devices/system/memory`` and, on Linux 6.19+ s390,
``/sys/firmware/memory``; the storage increment from the blocks' ``phys_device``."""

from __future__ import annotations

from collections.abc import Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers import sysfs
from memmapcalc.importers.probe.context import Context, file_of, path_of
from memmapcalc.importers.probe.snapshot import FIRMWARE_DIR, MEMORY_DIR
from memmapcalc.units import MiB, format_size


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
    return (f"{len(blocks)} {word} block{plural} "
            "× "  # noqa: RUF001 - the output's multiplication sign
            f"{format_size(block_size)}{listing}, from {where}")


def memory(ctx: Context) -> None:
    snap, draft = ctx.snap, ctx.draft
    where_size = path_of(ctx, "block_size")
    text = file_of(ctx, "block_size")
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
        raise InputError(path_of(ctx, MEMORY_DIR), "no online memory block; memory.online must "
                                                  "be > 0")
    ctx.online = len(online) * ctx.block_size
    where = path_of(ctx, MEMORY_DIR if not snap.firmware else FIRMWARE_DIR)
    draft.set("memory.online", ctx.online, _count(online, ctx.block_size, "online", where))
    draft.set("memory.standby", len(standby) * ctx.block_size,
              _count(standby, ctx.block_size, "offline" if not snap.firmware else "standby",
                     where))


def _blocks_classic(ctx: Context) -> tuple[list[int], list[int]]:
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


def _blocks_with_firmware(ctx: Context) -> tuple[list[int], list[int]]:
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
        where = path_of(ctx, f"{FIRMWARE_DIR}/memory{block.index}")
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


def increment(ctx: Context) -> None:
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
                                           f"{path_of(ctx, MEMORY_DIR)}/memoryN (s390 storage "
                                           f"increment)")
        return
    draft.leave_out("memory.increment", "phys_device does not give a storage increment here "
                                        "(0 outside s390)" if ctx.arch != "s390x" else
                                        "phys_device values are missing or inconsistent")
