"""How a fix reads when the machine's kernel parameters are given as ``kernel.cmdline``: the
change is made in the command line (the kernel reads nothing else), and a ``mem=`` that caps
the memory a fix raises must be raised with it.  Pure text and sizes; the config edits that do
the same are :mod:`memmapcalc.config.cmdline_edits`.
"""

from __future__ import annotations

from memmapcalc.kernel.cmdline import CmdlineSettings
from memmapcalc.kernel.modes import MemmapMode

#: (parameter name, the argument that sets it as written) for what the line sets; ``None``
#: when the config has no ``kernel.cmdline``
Tokens = tuple[tuple[str, str], ...] | None

_MiB = 1 << 20
MEMMAP_PARAM = "memory_hotplug.memmap_on_memory"


def memmap_arg(mode: MemmapMode) -> str:
    """The argument a fix writes into the command line for ``mode``."""
    return f"{MEMMAP_PARAM}={mode.cmdline_value}"


def tokens_of(settings: CmdlineSettings) -> tuple[tuple[str, str], ...]:
    """(parameter, the argument that sets it) for each budget parameter the line sets."""
    named = ((MEMMAP_PARAM, settings.memmap_on_memory), ("crashkernel", settings.crashkernel),
             ("mem", settings.mem), ("transparent_hugepage", settings.transparent_hugepage),
             ("memhp_default_state", settings.memhp_default_state))
    return tuple((name, setting.token) for name, setting in named if setting is not None)


def boot_with(tokens: Tokens, arg: str, key_text: str) -> str:
    """``boot with ARG (KEY)``; with a command line, where ARG goes in it."""
    if tokens is None:
        return f"boot with {arg} ({key_text})"
    old = dict(tokens).get(arg.split("=", 1)[0])
    if old is None:
        return f"boot with {arg}: add it to the kernel command line (kernel.cmdline)"
    return f"boot with {arg}: replace {old} in the kernel command line (kernel.cmdline)"


def in_line(tokens: Tokens) -> str:
    """`` in the kernel command line`` where a fix names a parameter and the line is given."""
    return "" if tokens is None else " in the kernel command line"


def mem_after(limit: int, online: int, standby: int, new_online: int,
              new_standby: int) -> int | None:
    """The ``mem=`` a fix from (online, standby) to (new_online, new_standby) needs, ``None``
    for no change.  s390 uses no memory above ``mem=`` (arch/s390/boot/startup.c
    ``setup_ident_map_size()``; standby above it is not added, drivers/s390/char/sclp_cmd.c);
    ``online``/``standby`` are what the kernel used.  ``mem=`` moves where it would cap the
    fixed machine (more memory than ``mem=``), and where it capped the machine and the fix
    lowers online memory (standby would move down under the cap and grow); it moves to exactly
    the memory the fixed machine uses, so the admin's cap stays a cap.  Elsewhere it stays."""
    total = new_online + new_standby
    if limit and (total > limit or (online + standby >= limit and new_online < online)):
        return total
    return None


def param_size(size: int) -> str:
    """A size both memparse() and the config read exactly (memparse takes no fractions)."""
    for unit, suffix in ((1 << 40, "T"), (1 << 30, "G"), (_MiB, "M"), (1024, "K")):
        if size and size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


def mem_text(tokens: Tokens, limit: int, online: int, standby: int, new_online: int,
             new_standby: int) -> str:
    """``; and mem=… in the kernel command line`` where the fix must move ``mem=``."""
    new = mem_after(limit, online, standby, new_online, new_standby)
    if new is None or tokens is None:
        return ""
    old = dict(tokens).get("mem", "mem=")
    return (f"; set mem={param_size(new)} in place of {old} in the kernel command line "
            f"(kernel.cmdline): the kernel uses no memory above mem=")


def crash_at(value: str, ident_map: bool, online: int, standby: int, limit: int) -> int:
    """What ``crashkernel=value`` reserves on a machine of this size.  ``ident_map`` (s390):
    the kernel passes ``ident_map_size`` (online + standby, capped by ``mem=``) and reserves
    nothing when the size is above online memory (arch/s390/kernel/setup.c
    reserve_crashkernel()); else it passes the boot memory (memory.online)."""
    from memmapcalc.kernel.crashkernel import reserve

    if not ident_map:
        return reserve(value, online, "memory.online").size
    ram = online + standby if not limit else min(online + standby, limit)
    size = reserve(value, ram, "ident_map_size").size
    return 0 if size > online else size


def crash_pin(tokens: Tokens, ident_map: bool, reserved: int, limit: int, online: int, standby: int,
              new_online: int, new_standby: int) -> int | None:
    """The size ``crashkernel=`` must be pinned at so that a fix to (new_online, new_standby)
    keeps the reservation it was verified with (``reserved``); ``None`` where its ranges give
    the same size there.  The model's searches hold the crashkernel size fixed."""
    token = None if tokens is None else dict(tokens).get("crashkernel")
    if token is None or token.startswith("crashkernel=auto"):
        return None
    new_limit = mem_after(limit, online, standby, new_online, new_standby) or limit
    at = crash_at(token.removeprefix("crashkernel="), ident_map, new_online, new_standby, new_limit)
    return None if at == reserved else reserved


def crash_text(tokens: Tokens, ident_map: bool, reserved: int, limit: int, online: int,
               standby: int, new_online: int, new_standby: int) -> str:
    """``; keep crashkernel=… `` where the fix moves the memory across one of its ranges."""
    pin = crash_pin(tokens, ident_map, reserved, limit, online, standby, new_online, new_standby)
    if pin is None or tokens is None:
        return ""
    return (f"; write crashkernel={param_size(pin) if pin else 0} in place of "
            f"{dict(tokens)['crashkernel']} in the kernel command line: the fix is verified "
            f"with {param_size(pin) if pin else 'no'} crashkernel, which its ranges would "
            f"change at that size")
