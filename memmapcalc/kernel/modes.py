"""The two kernel modes a config chooses and the model reads: memmap_on_memory and what the
kernel does with standby memory at IPL.  Plain enums, below the config and the model
(``memmapcalc.config.model`` re-exports both for its users)."""

from __future__ import annotations

from enum import Enum


class MemmapMode(str, Enum):  # noqa: UP042 (str() and format() of the values stay as they were)
    """``memory_hotplug.memmap_on_memory=``: kstrtobool values or ``force`` (mm/memory_hotplug.c,
    ``set_memmap_mode``).  Reads back as N, Y or force."""

    OFF = "off"
    ON = "on"
    FORCE = "force"

    @property
    def kernel_value(self) -> str:
        return {"off": "N", "on": "Y", "force": "force"}[self.value]

    @property
    def cmdline_value(self) -> str:
        """How memmapcalc writes it on a kernel command line (one spelling in every fix:
        ``memory_hotplug.memmap_on_memory=1``); ``kernel_value`` is the sysfs read-back."""
        return {"off": "0", "on": "1", "force": "force"}[self.value]


class StandbyHandling(str, Enum):  # noqa: UP042
    """What the kernel does with standby memory at IPL."""

    BOOT_ADD = "boot-add"   # sclp adds every standby block during IPL (<= 6.18)
    DEFERRED = "deferred"   # listed in /sys/firmware/memory, configured later (>= 6.19)
