"""The planner's columns: the standby behaviours a kernel can have (boot-add, boot-add with
memmap on memory, deferred), and each one's variation of a machine: the machine's own
kernel where it has the behaviour, else the first mainline kernel that does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.kernel.version import KernelVersion, v
from memmapcalc.records.params import Params, on_version
from memmapcalc.records.verdict import budget
from memmapcalc.units import format_size

_V6_8, _V6_9, _V6_18, _V6_19 = v("6.8"), v("6.9"), v("6.18"), v("6.19")
#: A config edit: dotted key and new value (``None`` removes the key).
Edit = tuple[str, Any]


#: Why ``check`` refuses the machine's config with these edits applied (``None``: it accepts
#: it); the edge that read the config supplies it (memmapcalc.config.edits.refusal).
Refuses = Callable[[tuple[Edit, ...]], "str | None"]


@dataclass(frozen=True, slots=True)
class Spec:
    """One standby behaviour: what IPL does, and the mainline kernels that do it."""

    key: str
    title: str
    mainline: str
    standby: StandbyHandling
    #: sclp requests MHP_MEMMAP_ON_MEMORY (6.9–6.18); ``None`` for deferred kernels
    sclp: bool | None
    #: ``memory_hotplug.memmap_on_memory`` this behaviour sets; ``None`` keeps the machine's
    mode: MemmapMode | None


SPECS: tuple[Spec, ...] = (
    Spec("boot-add", "added at IPL, no memmap-on-memory", "≤ 6.8", StandbyHandling.BOOT_ADD,
         False, None),
    Spec("boot-add-mom-off", "added at IPL, memmap_on_memory=0", "6.9–6.18",
         StandbyHandling.BOOT_ADD, True, MemmapMode.OFF),
    Spec("boot-add-mom-on", "added at IPL, memmap_on_memory=1", "6.9–6.18",
         StandbyHandling.BOOT_ADD, True, MemmapMode.ON),
    Spec("boot-add-mom-force", "added at IPL, memmap_on_memory=force", "6.9–6.18",
         StandbyHandling.BOOT_ADD, True, MemmapMode.FORCE),
    Spec("deferred", "not added at IPL (configured after IPL)", "≥ 6.19",
         StandbyHandling.DEFERRED, None, None),
)


KEYS = tuple(spec.key for spec in SPECS)


@dataclass(frozen=True, slots=True)
class Variant:
    """The machine with one standby behaviour."""

    spec: Spec
    #: ``None`` when the behaviour cannot apply to this machine at all (see ``why``)
    params: Params | None
    #: the behaviour takes effect (memmap-on-memory columns: the memmap is on the blocks)
    effective: bool
    why: str
    edits: tuple[Edit, ...]
    yours: bool

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def kernel(self) -> str:
        """The kernel this variant was evaluated on, as people write it."""
        if self.params is None:
            return "—"
        return "oldest" if self.params.version is None else str(self.params.version)


def variants(p: Params) -> tuple[Variant, ...]:
    """``p`` under every standby behaviour of :data:`SPECS`."""
    return tuple(_variant(p, spec) for spec in SPECS)


def _variant(p: Params, spec: Spec) -> Variant:
    own = p.standby_handling is spec.standby and (
        spec.sclp is None or p.sclp_memmap_on_memory is spec.sclp)
    q, edits = (p, []) if own else _on_mainline(p, spec)
    if spec.mode is not None and spec.mode is not q.memmap_on_memory:
        q = replace(q, memmap_on_memory=spec.mode)
        edits.append(("kernel.memmap_on_memory", spec.mode.value))
    yours = own and (spec.mode is None or spec.mode is p.memmap_on_memory)
    section = q.behaviour.section_size
    if q.block_size is not None and q.block_size < section:
        return Variant(spec, None, False, f"memory.block_size {format_size(q.block_size)} is "
                       f"smaller than kernel {q.version}'s {format_size(section)} section",
                       tuple(edits), yours)
    effective, why = True, ""
    if spec.mode in (MemmapMode.ON, MemmapMode.FORCE):
        used = budget(q).memmap_on_memory.used
        effective = used.value
        why = (used.formula if effective else
               f"falls back to a memmap from online memory: {used.formula}")
    return Variant(spec, q, effective, why, tuple(edits), yours)


def _on_mainline(p: Params, spec: Spec) -> tuple[Params, list[Edit]]:
    """``p`` on the mainline kernel nearest to its own that has ``spec``'s behaviour,
    without the config's behaviour overrides (kernel.standby, kernel.s390_memmap_on_memory).

    The version ranges are the rows of kernel/behaviour.py: sclp asks for memmap-on-memory
    from 6.9 (drivers/s390/char/sclp_cmd.c ``add_memory_merged()``), standby is deferred
    from 6.19 (drivers/s390/char/sclp_mem.c ``sclp_setup_memory()``).  Example: a 6.15
    machine's "boot-add" column runs on 6.8 (256 MiB sections again), a 6.8 machine's
    memmap-on-memory columns on 6.9 and its deferred column on 6.19 (128 MiB sections).
    """
    version = p.version
    if spec.standby is StandbyHandling.DEFERRED:
        version = max(version or _V6_19, _V6_19)
    elif spec.sclp:
        version = min(max(version or _V6_9, _V6_9), _V6_18)
    elif version is not None and version > _V6_8:
        version = _V6_8
    edits: list[Edit] = [("kernel.standby", None), ("kernel.s390_memmap_on_memory", None)]
    if version != p.version:
        edits.insert(0, ("kernel.version", str(version)))
    return on_kernel(p, version), edits


def on_kernel(p: Params, version: KernelVersion | None) -> Params:
    """``p`` on another kernel: that version's behaviour, no behaviour overrides."""
    return replace(p, **on_version(p, version))
