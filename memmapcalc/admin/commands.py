"""A fix as the admin's commands: :func:`commands` (pure; no I/O).

By the fix's kind (:class:`memmapcalc.records.fixes.FixKind`):

* raise online / lower standby: the platform's storage settings with the fix's sizes
  (:mod:`.storage`), both sizes as they are after the fix;
* a kernel parameter: the boot loader of the release's distribution (:mod:`.bootloader`);
* another kernel: its parameters as above, and on a kernel that defers standby (6.19+)
  how to bring standby into use after IPL (:mod:`.chmem`);
* standby brought into use after IPL: chmem of the kernel's era (:mod:`.chmem`).

Machines of profiles without s390 standby memory (x86_64, arm64, ppc64le) get none:
their boot loaders and hypervisors are not modelled here.
"""

from __future__ import annotations

from typing import Any

from memmapcalc.admin.bootloader import parameter_commands
from memmapcalc.admin.chmem import chmem_commands
from memmapcalc.admin.command import Command
from memmapcalc.admin.storage import storage_commands
from memmapcalc.arch.registry import has_standby_behaviours
from memmapcalc.kernel.behaviour import behaviour_for
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.kernel.version import KernelVersion
from memmapcalc.records.fixes import Fix, FixKind
from memmapcalc.records.params import Params


def commands(fix: Fix, p: Params, name: str | None = None) -> tuple[Command, ...]:
    """What the admin types for ``fix`` on the machine ``p`` (named ``name`` on its
    hypervisor, where a command needs it; a placeholder otherwise)."""
    if not has_standby_behaviours(p.arch):
        return ()
    if fix.kind in (FixKind.RAISE_ONLINE, FixKind.LOWER_STANDBY):
        return storage_commands(p.platform, fix.online, fix.standby, name)
    if fix.kind is FixKind.PARAMETER:
        return parameter_commands(p.kernel_identity, fix.parameters)
    if fix.kind is FixKind.KERNEL:
        boot = parameter_commands(p.kernel_identity, fix.parameters) if fix.parameters else ()
        handling = _handling(p, fix.kernel)
        later = (chmem_commands(handling, fix.standby)
                 if handling is StandbyHandling.DEFERRED and fix.standby else ())
        return (*boot, *later)
    if fix.kind is FixKind.CONFIGURE_STANDBY:
        return chmem_commands(_handling(p, fix.kernel), fix.standby, fix.memmap_on_memory)
    return ()


def _handling(p: Params, kernel: str | None) -> StandbyHandling:
    """What the kernel the fix runs on does with standby: the machine's own, or the
    mainline behaviour of the kernel the fix names."""
    if kernel is None:
        return p.standby_handling
    return behaviour_for(KernelVersion.parse(kernel)).standby


def fix_dicts(fixes: list[Fix] | tuple[Fix, ...], advice: list[str], p: Params,
              name: str | None = None) -> list[dict[str, Any]]:
    """The JSON contract's ``fixes``: one entry per ``advice`` string, in its order, with
    its change and commands (an advice without a fix record — none today — gets none)."""
    by_text = {fix.text: fix for fix in fixes}
    out = []
    for text in advice:
        fix = by_text.get(text)
        out.append({"advice": text, "change": None if fix is None else fix.kind.value,
                    "commands": [] if fix is None else
                    [command.as_dict() for command in commands(fix, p, name)]})
    return out
