"""Resolved inputs of the model: a validated :class:`Machine` with every default and the
kernel version's behaviour filled in.  Plain frozen data, cheap to vary (``dataclasses.replace``)
for the searches and the planner."""

from __future__ import annotations

from dataclasses import dataclass

from memmapcalc.config.model import Machine, MemmapMode, StandbyHandling
from memmapcalc.kernel.behaviour import Behaviour, behaviour_for
from memmapcalc.kernel.version import KernelVersion


@dataclass(frozen=True, slots=True)
class Params:
    """Everything :func:`memmapcalc.core.budget.budget` needs, in bytes and plain values."""

    online: int
    standby: int
    increment: int | None
    block_size: int | None
    edat1: bool
    edat2: bool
    version: KernelVersion | None
    behaviour: Behaviour
    standby_handling: StandbyHandling
    sclp_memmap_on_memory: bool
    memmap_on_memory: MemmapMode
    struct_page: int
    pageblock: int
    image: int
    initramfs: int
    crashkernel: int
    thp: bool
    userspace: int
    min_margin: int

    @property
    def version_assumed(self) -> bool:
        return self.version is None


def resolve(machine: Machine) -> Params:
    """Fill defaults: the version's behaviour, then the config's explicit overrides."""
    version = machine.kernel_version
    behaviour = behaviour_for(version)
    kernel = machine.kernel
    return Params(
        online=machine.memory.online,
        standby=machine.memory.standby,
        increment=machine.memory.increment,
        block_size=machine.memory.block_size,
        edat1=machine.cpu.edat1,
        edat2=machine.cpu.has_edat2,
        version=version,
        behaviour=behaviour,
        standby_handling=kernel.standby or behaviour.standby,
        sclp_memmap_on_memory=(behaviour.sclp_memmap_on_memory if kernel.s390_memmap_on_memory is None
                               else kernel.s390_memmap_on_memory),
        memmap_on_memory=kernel.memmap_on_memory,
        struct_page=kernel.struct_page_size,
        pageblock=kernel.pageblock_size,
        image=kernel.image,
        initramfs=kernel.initramfs,
        crashkernel=kernel.crashkernel,
        thp=kernel.thp,
        userspace=machine.boot.userspace,
        min_margin=machine.boot.min_margin,
    )
