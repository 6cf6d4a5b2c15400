"""``kernel.cmdline``: the kernel parameters (``/proc/cmdline``, zipl.conf ``parameters=``, a BLS
entry's ``options``) read the way the kernel reads them, keeping only what changes the budget.

Each parameter, its reader and the rule it follows (the last valid occurrence wins for all of
them, because each handler overwrites one variable):

* ``memory_hotplug.memmap_on_memory=`` — a built-in module parameter, matched by
  ``parse_args()`` with ``parameq()`` (``-`` = ``_``) up to ``--``.  5.13–6.5:
  ``module_param(memmap_on_memory, bool, 0444)`` (kstrtobool; a bare name means Y,
  ``param_set_bool()``: ``if (!val) val = "1"``).  6.6 on (and RHEL 9.5 on): ``set_memmap_mode()``
  takes exactly ``force``/``FORCE`` (``sysfs_streq``), else kstrtobool; a bare name is -EINVAL
  (the ops have no ``KERNEL_PARAM_OPS_FL_NOARG``).  An invalid value is logged ("… invalid for
  parameter …") and the previous value stays.  Before 5.13 (RHEL 8) the parameter does not
  exist.
* ``crashkernel=`` — found by ``strstr()`` anywhere in the line (:mod:`.crashkernel`).
* ``mem=`` (s390) — the decompressor's ``parse_boot_command_line()`` (arch/s390/boot/ipl_parm.c):
  ``next_arg()`` over the whole line (no ``--`` stop), ``strcmp(param, "mem") && val``,
  ``memory_limit = round_down(memparse(val), PAGE_SIZE)``; 0 (or no number) means no limit.
* ``transparent_hugepage=`` — ``__setup`` in mm/huge_memory.c: exactly ``always``,
  ``madvise`` or ``never`` (strcmp), else "transparent_hugepage= cannot parse, ignored".
* ``memhp_default_state=`` — ``__setup`` in mm/memory_hotplug.c: ``offline``, ``online``,
  ``online_kernel``, ``online_movable`` (``sysfs_streq``), anything else silently ignored.
* ``cma=`` — ``early_param`` in kernel/dma/contiguous.c ``early_cma()``:
  ``size[@base[-limit]]`` by memparse; only built with ``CONFIG_DMA_CMA``.
* ``vmcp_cma=`` — ``early_param`` in drivers/s390/char/vmcp.c:
  ``ALIGN(memparse(p, NULL), PAGE_SIZE)``; the area is reserved under z/VM only.

``__setup`` names match by ``parameqn()`` of ``name=`` against ``param=value`` (init/main.c
``obsolete_checksetup()``), early parameters by ``parameq()`` (``do_early_param()``): dashes and
underscores alike for every one of them.  Everything else on the line is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from memmapcalc.kernel import crashkernel
from memmapcalc.kernel.cmdline_text import (
    Arg,
    all_args,
    kernel_args,
    kstrtobool,
    memparse,
    parameq,
    sysfs_streq,
)
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.kernel.version import KernelVersion

T = TypeVar("T")
PAGE = 4096
MEMMAP_PARAM = "memory_hotplug.memmap_on_memory"
THP_VALUES = ("always", "madvise", "never")
ONLINE_TYPES = ("offline", "online", "online_kernel", "online_movable")
#: kernel/params.c parse_args(): how the kernel logs a value a parameter refuses
_INVALID = ("the kernel logs \"`{value}' invalid for parameter `{param}'\" and keeps the "
            "previous value")


@dataclass(frozen=True, slots=True)
class Rules:
    """How one kernel reads the parameters whose parsing changed between releases."""

    #: absent (before 5.13), bool (module_param bool, 5.13-6.5), mode (set_memmap_mode, 6.6+)
    memmap_param: Literal["absent", "bool", "mode"] = "mode"
    #: kstrtobool takes t/T/f/F (mainline 6.0 on, RHEL 9.3 on)
    true_false: bool = True
    #: RHEL 8's crashkernel=auto
    crash_auto: bool = False


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """A parameter's effective value and the argument that set it, as written."""

    value: T
    token: str


@dataclass(frozen=True, slots=True)
class CmaArea:
    size: int
    base: int | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class CmdlineSettings:
    """What the command line sets that changes the budget (None: not on the line)."""

    memmap_on_memory: Setting[MemmapMode] | None = None
    #: the value text after ``crashkernel=`` (``auto`` already replaced on RHEL 8)
    crashkernel: Setting[str] | None = None
    #: a ``crashkernel=…,high|low|cma`` the s390 kernel never reads
    crashkernel_suffixed: str | None = None
    #: s390 ``memory_limit`` in bytes (0 = no limit)
    mem: Setting[int] | None = None
    transparent_hugepage: Setting[str] | None = None
    cma: Setting[CmaArea] | None = None
    memhp_default_state: Setting[str] | None = None
    #: the z/VM vmcp CMA area size (drivers/s390/char/vmcp.c), bytes
    vmcp_cma: Setting[int] | None = None
    notes: tuple[str, ...] = field(default=())


def rules_for(base: KernelVersion | None, force_mode: bool, distribution: str | None) -> Rules:
    """The parsing rules of a kernel: its mainline ``base``, whether its behaviour has the 6.6
    ``memmap_on_memory=force`` mode (backports included), its distribution (``rhel-9.3``).
    No version: the newest rules (a note says so where it matters)."""
    if base is None:
        return Rules()
    rhel = re.fullmatch(r"rhel-([0-9]+)(?:\.([0-9]+))?", distribution or "")
    major, minor = (int(rhel[1]), int(rhel[2] or 0)) if rhel else (0, 0)
    param: Literal["absent", "bool", "mode"] = (
        "mode" if force_mode else "bool" if base >= KernelVersion(5, 13) else "absent")
    true_false = base >= KernelVersion(6, 0) or (rhel is not None and (major, minor) >= (9, 3))
    return Rules(param, true_false, crash_auto=rhel is not None and major == 8)


def read(cmdline: str, rules: Rules) -> CmdlineSettings:
    """The settings of ``cmdline`` under ``rules``; notes say what was ignored and why."""
    notes: list[str] = []
    if cmdline.count('"') % 2:  # next_arg() (lib/cmdline.c): a quote is never closed
        notes.append("an unterminated double quote: the kernel reads everything after it as "
                     "one argument (lib/cmdline.c next_arg()), so no parameter in it is set")
    args = kernel_args(cmdline)
    values: dict[str, object] = {
        "memmap_on_memory": _memmap(args, rules, notes),
        "mem": _mem(all_args(cmdline)),
        "transparent_hugepage": _choice(args, "transparent_hugepage", THP_VALUES, notes,
                                        "\"transparent_hugepage= cannot parse, ignored\""),
        "memhp_default_state": _choice(args, "memhp_default_state", ONLINE_TYPES, notes,
                                       "mhp_online_type_from_str() refuses it, ignored "
                                       "without a message"),
        "cma": _cma(args, notes),
        "vmcp_cma": _vmcp_cma(args, notes),
    }
    mem = values["mem"]
    if isinstance(mem, Setting) and len(args) < len(all_args(cmdline)) and \
            _after_double_dash(cmdline, mem.token):
        notes.append(f"{mem.token} comes after --: the s390 decompressor still reads it "
                     f"(arch/s390/boot/ipl_parm.c loops over the whole line)")
    crash = crashkernel.last_crashkernel(cmdline)
    crash_setting = None
    if crash is not None:
        value = crash
        if rules.crash_auto and crash.startswith("auto"):
            value = crashkernel.RHEL8_AUTO
            notes.append(f"crashkernel=auto: RHEL 8 reads it as crashkernel={value} "
                         f"(kernel/crash_core.c)")
        crash_setting = Setting(value, f"crashkernel={crash}")
    return CmdlineSettings(crashkernel=crash_setting,
                           crashkernel_suffixed=crashkernel.suffixed_crashkernel(cmdline),
                           notes=tuple(notes), **values)  # type: ignore[arg-type]


def _after_double_dash(cmdline: str, token: str) -> bool:
    """The last ``mem=`` argument (the one that wins) is after the bare ``--``."""
    args = all_args(cmdline)
    last = max(i for i, arg in enumerate(args) if arg.param == "mem" and arg.value is not None)
    stop = next(i for i, arg in enumerate(args) if arg.value is None and arg.param == "--")
    return last > stop and args[last].text == token


def _memmap(args: list[Arg], rules: Rules, notes: list[str]) -> Setting[MemmapMode] | None:
    found: Setting[MemmapMode] | None = None
    for arg in args:
        if not parameq(arg.param, MEMMAP_PARAM):
            continue
        if rules.memmap_param == "absent":
            notes.append(f"{arg.text}: this kernel has no such parameter (memmap_on_memory came "
                         f"with 5.13); the kernel passes it on to init, it changes nothing")
            continue
        mode = _memmap_value(arg.value, rules)
        if mode is None:
            notes.append(f"{arg.text}: " + _INVALID.format(value=arg.value or "",
                                                             param=arg.param))
            continue
        if rules.memmap_param == "bool" and arg.value is not None and arg.value.lower() == "force":
            notes.append(f"{arg.text}: force needs 6.6; this kernel's bool parameter reads it "
                         f"with kstrtobool as {'N' if mode is MemmapMode.OFF else 'Y'}")
        found = Setting(mode, arg.text)
    return found


def _memmap_value(value: str | None, rules: Rules) -> MemmapMode | None:
    if rules.memmap_param == "bool":
        value = "1" if value is None else value  # param_set_bool(): no '=' means set
    elif value is None:
        return None  # set_memmap_mode() ops have no KERNEL_PARAM_OPS_FL_NOARG: -EINVAL
    elif sysfs_streq(value, "force") or sysfs_streq(value, "FORCE"):
        return MemmapMode.FORCE
    enabled = kstrtobool(value, rules.true_false)
    return None if enabled is None else MemmapMode.ON if enabled else MemmapMode.OFF


def _mem(args: list[Arg]) -> Setting[int] | None:
    found = None
    for arg in args:
        if arg.param == "mem" and arg.value is not None:  # strcmp: no dash folding here
            found = Setting(memparse(arg.value)[0] // PAGE * PAGE, arg.text)
    return found


def _choice(args: list[Arg], name: str, accepted: tuple[str, ...], notes: list[str],
            refusal: str) -> Setting[str] | None:
    found = None
    exact = name == "transparent_hugepage"  # strcmp there, sysfs_streq for memhp
    for arg in args:
        if not parameq(arg.param, name) or arg.value is None:
            continue
        value = next((word for word in accepted
                      if (arg.value == word if exact else sysfs_streq(arg.value, word))), None)
        if value is None:
            notes.append(f"{arg.text}: {refusal}; accepted: {', '.join(accepted)}")
            continue
        found = Setting(value, arg.text)
    return found


def _cma(args: list[Arg], notes: list[str]) -> Setting[CmaArea] | None:
    found = None
    for arg in args:
        if not parameq(arg.param, "cma"):
            continue
        if arg.value is None:
            notes.append("cma without a value: \"Config string not provided\", ignored")
            continue
        size, rest = memparse(arg.value)
        base = limit = None
        if rest.startswith("@"):
            base, rest = memparse(rest[1:])
            limit = memparse(rest[1:])[0] if rest.startswith("-") else base + size
        found = Setting(CmaArea(size, base, limit), arg.text)
    return found


def _vmcp_cma(args: list[Arg], notes: list[str]) -> Setting[int] | None:
    found = None
    for arg in args:
        if not parameq(arg.param, "vmcp_cma"):
            continue
        if arg.value is None:
            notes.append("vmcp_cma without a value: \"Malformed early option\", ignored")
            continue
        found = Setting(-(-memparse(arg.value)[0] // PAGE) * PAGE, arg.text)
    return found
