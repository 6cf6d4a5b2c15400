"""A fix as data: what changes (online memory, standby memory, a kernel parameter, the
kernel, standby brought into use after IPL), the machine's sizes after it, and its text.

``check`` and ``plan`` make these (each verified by re-running the model, where they are
made); :mod:`memmapcalc.admin.commands` turns one into what the admin types on the
machine's platform, distribution and kernel.  The text is the ``advice`` string of the
JSON contract, unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from memmapcalc.kernel.modes import MemmapMode

#: The kernel parameter, spelled one way in every fix and command (the command line
#: value; /sys/module/memory_hotplug/parameters/memmap_on_memory reads it back as Y).
MEMMAP_PARAMETER = "memory_hotplug.memmap_on_memory"


def memmap_parameter(mode: MemmapMode) -> str:
    """``memory_hotplug.memmap_on_memory=1`` (or ``=force``, ``=0``) as a command line has it."""
    return f"{MEMMAP_PARAMETER}={mode.cmdline_value}"


class FixKind(str, Enum):  # noqa: UP042 -- str-valued like the other enums of the contract
    """What a fix changes."""

    RAISE_ONLINE = "raise-online"
    LOWER_STANDBY = "lower-standby"
    #: boot this kernel with kernel parameters (``parameters``)
    PARAMETER = "kernel-parameter"
    #: boot another kernel (``kernel``), with ``parameters`` if any
    KERNEL = "kernel"
    #: after IPL: bring ``standby`` into use with chmem (``memmap_on_memory``: chmem -m 1)
    CONFIGURE_STANDBY = "configure-standby"
    #: anything the admin's commands cannot say (DIMM layouts, "no single change")
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Fix:
    """One verified fix of one machine."""

    kind: FixKind
    #: the advice as the reports print it
    text: str
    #: online and standby memory of the machine with the fix applied, in bytes
    online: int
    standby: int
    #: kernel parameters the fix needs on the command line (``memmap_parameter()``)
    parameters: tuple[str, ...] = ()
    #: the mainline kernel the fix names (``"6.9"``), None for the machine's own kernel
    kernel: str | None = None
    #: configure-standby: bring the blocks up with their memmap on the block (chmem -m 1)
    memmap_on_memory: bool = False


def other(text: str, online: int, standby: int) -> Fix:
    return Fix(FixKind.OTHER, text, online, standby)
