"""``memmapcalc probe``: the machine config of this system, or of a copy under --sysroot.

The reading and interpreting live in :mod:`memmapcalc.importers.probe`; this module
wires the options and writes the result like ``memmapcalc import`` does.
"""

from __future__ import annotations

import click

from memmapcalc.commands.importing import (
    apply_overrides,
    machine_options,
    output_options,
    write_result,
)


@click.command("probe", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--sysroot", metavar="DIR", default=None,
              help="Read a copy of a system under DIR (as lsmem --sysroot) instead of this one.")
@machine_options
@output_options
def probe(sysroot: str | None, name: str | None, kernel_version: str | None, edat1: bool | None,
          memmap: str | None, fmt: str, output: str | None, strict: bool) -> None:
    """Read this system (or a --sysroot copy) and write its machine config.

    Reads /sys/devices/system/memory (block size, block states), /sys/firmware/memory
    (Linux 6.19+ s390), the memory_hotplug memmap_on_memory parameter, /proc/cpuinfo
    (EDAT-1), /proc/cmdline (crashkernel=, mem=, memory_hotplug.memmap_on_memory=), the
    kernel release and /proc/meminfo (the kernel's footprint, reported on stderr).  On
    a system that is not s390x it says so and flags the config as partial.
    """
    from memmapcalc.importers.probe import read_snapshot, snapshot_machine

    snapshot = read_snapshot(sysroot)
    draft = snapshot_machine(snapshot)
    apply_overrides([draft], name=name, kernel_version=kernel_version, edat1=edat1, memmap=memmap)
    write_result([draft], fmt=fmt, output=output, strict=strict, command="probe",
                 source=sysroot if sysroot is not None else "this system")
