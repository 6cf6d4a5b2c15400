"""Advice for s390x: the smallest changes that make a failing machine IPL, each verified by
re-running the model with the change applied (never estimated)."""

from __future__ import annotations

from dataclasses import replace

from memmapcalc.arch.s390x.budget import passes
from memmapcalc.kernel.cmdline_fix import boot_with, in_line
from memmapcalc.kernel.distros import advice
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.kernel.version import v
from memmapcalc.records.fixes import Fix, FixKind, memmap_parameter, other
from memmapcalc.records.params import Params, on_version
from memmapcalc.records.size_tips import size_tips


def advise(p: Params, min_online: int | None, max_standby: int | None) -> list[Fix]:
    """Concrete, verified fixes for a failing machine, cheapest kind first."""
    tips = size_tips(p, min_online, max_standby, passes, "online memory", "standby memory")
    tips.extend(_kernel_tips(p))
    if not tips:
        tips.append(other("no single change of online memory, standby memory or kernel makes "
                          "this machine IPL: check kernel.image, kernel.initramfs, "
                          "kernel.crashkernel and boot.userspace", p.online, p.standby))
    return tips


def _kernel_tips(p: Params) -> list[Fix]:
    tips: list[Fix] = []
    on_parameter = memmap_parameter(MemmapMode.ON)
    if p.standby_handling is StandbyHandling.BOOT_ADD and p.memmap_on_memory is MemmapMode.OFF:
        on = replace(p, memmap_on_memory=MemmapMode.ON)
        if p.sclp_memmap_on_memory and passes(on):
            tips.append(Fix(FixKind.PARAMETER, boot_with(p.cmdline_tokens, on_parameter,
                                                         "kernel.memmap_on_memory: on"),
                            p.online, p.standby, (on_parameter,)))
    dropped = _overrides(p)
    if p.standby_handling is StandbyHandling.BOOT_ADD and not p.sclp_memmap_on_memory:
        newer = _with_version(p, "6.9")
        if p.edat1 and passes(replace(newer, memmap_on_memory=MemmapMode.ON)):
            tips.append(Fix(FixKind.KERNEL, f"{_newer_kernel(p)} with {on_parameter}"
                            f"{in_line(p.cmdline_tokens)} "
                            f"(standby blocks then carry their own memmap){dropped}",
                            p.online, p.standby, (on_parameter,), "6.9"))
    if p.standby_handling is StandbyHandling.BOOT_ADD and passes(_with_version(p, "6.19")):
        tips.append(Fix(FixKind.KERNEL, "boot a kernel ≥ 6.19 (standby memory is no longer "
                        f"added at IPL; configure it later with chmem){dropped}",
                        p.online, p.standby, (), "6.19"))
    return tips


def _newer_kernel(p: Params) -> str:
    """"boot a kernel ≥ 6.9", or for a recognised distribution release its own words (a
    RHEL 9 admin will never boot 6.9: RHEL 10 is the kernel that has it)."""
    identity = p.kernel_identity
    if identity is None or identity.entry is None:
        return "boot a kernel ≥ 6.9"
    return f"{advice('s390-memmap-on-memory', identity.entry.family)}: boot one that has it"


def _overrides(p: Params) -> str:
    """The kernel tips are verified on the mainline kernel they name, without the config's
    backport overrides (see _with_version); a config whose overrides change this kernel's
    behaviour must drop them, or the newer kernel is still modelled as overridden."""
    names = p.behaviour_overrides
    return f"; remove {' and '.join(names)} (overrides for your kernel)" if names else ""


def _with_version(p: Params, text: str) -> Params:
    """``p`` on another kernel, keeping the config's explicit overrides out of the way."""
    return replace(p, **on_version(p, v(text)))


