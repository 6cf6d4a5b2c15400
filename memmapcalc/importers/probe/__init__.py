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
* ``/proc/sysinfo`` (s390): guest or LPAR name and hypervisor, and from it ``platform``
  (z/VM, LPAR or KVM, as the kernel's early.c decides; :mod:`.platform`).
"""

from __future__ import annotations

from memmapcalc.importers.draft import MachineDraft
from memmapcalc.importers.probe.context import Context
from memmapcalc.importers.probe.cpu import architecture, cpu, machine_name
from memmapcalc.importers.probe.kernel import footprint, kernel
from memmapcalc.importers.probe.memory_blocks import increment, memory
from memmapcalc.importers.probe.platform import platform
from memmapcalc.importers.probe.snapshot import Block, Snapshot, read_snapshot

__all__ = ["Block", "Snapshot", "read_snapshot", "snapshot_machine"]


def snapshot_machine(snap: Snapshot) -> MachineDraft:
    """Build the machine draft from what was read (raises :class:`InputError`)."""
    ctx = Context(snap, MachineDraft(origin=_origin(snap)))
    architecture(ctx)
    memory(ctx)
    increment(ctx)
    cpu(ctx)
    platform(ctx)
    kernel(ctx)
    footprint(ctx)
    machine_name(ctx)
    for problem in snap.unreadable:
        ctx.draft.warnings.append(f"could not read {problem}")
    return ctx.draft


def _origin(snap: Snapshot) -> str:
    return "the running system" if snap.live else f"a copy of a system under --sysroot {snap.label}"
