"""Config edits on a machine whose ``kernel.cmdline`` sets what they change: the edit goes to
the command line, because the kernel only reads the command line (a ``kernel.memmap_on_memory:
on`` next to ``memory_hotplug.memmap_on_memory=0`` is refused as a contradiction, and would not
change what the kernel does anyway).

* ``kernel.memmap_on_memory``, ``kernel.thp``, ``kernel.crashkernel``, ``kernel.auto_online``
  (x86_64/arm64): the effective occurrence of the parameter (the last one this kernel reads
  validly) is rewritten; without one the last occurrence is (an admin fixes the spelling), and
  without any the parameter is added where the kernel reads it (before a bare ``--``).  The
  key is written too where the config has it, so the two agree.
* ``kernel.version``: the new kernel may read the same line differently (a bare
  ``memory_hotplug.memmap_on_memory`` is Y for 5.13-6.5 and invalid from 6.6; ``=t`` needs 6.0);
  the line is rewritten so the machine keeps the mode it had, as the edit promises.
* ``memory.online``/``memory.standby`` on s390x with ``mem=``: the kernel uses memory below
  ``mem=`` only (arch/s390/boot/startup.c, drivers/s390/char/sclp_cmd.c), so a fix that raises
  online or standby memory beyond it must raise ``mem=`` too: ``mem=`` becomes the memory the
  fixed machine uses (online + standby), the cap the admin set kept at its new size.  Where
  ``mem=`` hid online memory (``mem=`` below ``memory.online``), ``memory.online`` is written
  as the memory the kernel used, so that standby above it stays where the fix puts it.

Every other byte of the line is kept (:func:`memmapcalc.kernel.cmdline_text.replace_arg`).
Pure: mappings in, mappings out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from memmapcalc.config.cmdline import rules_of_release
from memmapcalc.kernel import crashkernel
from memmapcalc.kernel.cmdline import MEMMAP_PARAM, Rules, read
from memmapcalc.kernel.cmdline_fix import crash_at, mem_after, memmap_arg, param_size
from memmapcalc.kernel.cmdline_text import Span, parameq, quoted, replace_arg, spans
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.records.params import config_size
from memmapcalc.units import parse_size

Edit = tuple[str, Any]

#: config key -> (kernel parameter, the CmdlineSettings field that reads it)
OWNED: dict[str, tuple[str, str]] = {
    "kernel.memmap_on_memory": (MEMMAP_PARAM, "memmap_on_memory"),
    "kernel.thp": ("transparent_hugepage", "transparent_hugepage"),
    "kernel.auto_online": ("memhp_default_state", "memhp_default_state"),
}


def owned_key(arch: str, key: str) -> bool:
    """Whether the command line, when it is given, is where ``key`` is set."""
    if key == "kernel.auto_online":
        return arch in ("x86_64", "arm64")  # elsewhere memhp_default_state is not auto_online
    return key in OWNED or key == "kernel.crashkernel"


def param_text(key: str, value: Any) -> str:
    """The argument that sets ``key`` to ``value`` (config spelling) on the command line."""
    if key == "kernel.memmap_on_memory":
        return memmap_arg(_mode(value))
    if key == "kernel.thp":
        return f"transparent_hugepage={'always' if value else 'never'}"
    if key == "kernel.crashkernel":
        return f"crashkernel={param_size(value) if isinstance(value, int) else value}"
    return quoted(OWNED[key][0], str(value))


def apply_to_line(data: dict[str, Any], old_rules: Rules, edits: Sequence[Edit],
                  effective: dict[str, Any]) -> None:
    """Rewrite ``data``'s ``kernel.cmdline`` (``data`` holds every edit already) for
    ``edits``; ``effective`` is what the unedited machine used (mode, online, standby)."""
    kernel = data["kernel"]
    line: str = kernel["cmdline"]
    arch = str(data.get("arch", "s390x"))
    rules = rules_of_release(kernel.get("version"))
    keys = {key for key, _ in edits}
    for key, value in edits:
        if value is not None and routed(arch, key, rules):
            line = _set(line, rules, key, value)
    if "kernel.memmap_on_memory" not in keys and rules != old_rules:
        line = _keep_mode(line, rules, kernel, effective["memmap_on_memory"])
    if arch == "s390x" and keys & {"memory.online", "memory.standby"}:
        line = _keep_memory(data, line, rules, keys, effective)
    if keys & {"memory.online", "memory.standby"} and "footprint" not in kernel:
        line = _keep_crashkernel(data, line, old_rules, effective)
    kernel["cmdline"] = line


def routed(arch: str, key: str, rules: Rules) -> bool:
    """The edit of ``key`` goes to the line: the line is where the setting is made, unless
    the kernel has no such parameter (memmap_on_memory before 5.13), where the key is."""
    if not owned_key(arch, key):
        return False
    return key != "kernel.memmap_on_memory" or rules.memmap_param != "absent"


def _set(line: str, rules: Rules, key: str, value: Any) -> str:
    if key == "kernel.crashkernel":
        return _set_crashkernel(line, str(param_size(value) if isinstance(value, int) else value))
    every = _occurrences(line, key)
    valid = [span for span in every if _reads(line[span.start:span.end], rules, key)]
    target = valid[-1] if valid else every[-1] if every else None
    return replace_arg(line, target, param_text(key, value))


def _occurrences(line: str, key: str) -> list[Span]:
    """The arguments ``parse_args()`` matches to ``key``'s parameter, up to a bare ``--``."""
    name = OWNED[key][0]
    out: list[Span] = []
    for span in spans(line):
        if span.arg.value is None and span.arg.param == "--":
            break
        if parameq(span.arg.param, name):
            out.append(span)
    return out


def _reads(text: str, rules: Rules, key: str) -> bool:
    """The kernel reads this one argument as a value of the parameter (not refused)."""
    return getattr(read(text, rules), OWNED[key][1]) is not None


def _set_crashkernel(line: str, value: str) -> str:
    """``get_last_crashkernel()`` takes the last ``crashkernel=`` (by strstr, up to the next
    space) without a ,high/,low/,cma suffix: that one's value is replaced, else one is added."""
    found, at = None, line.find(crashkernel.NAME)
    while at >= 0:
        blank = line.find(" ", at)
        end = len(line) if blank < 0 else blank
        if not any(line[at:end].endswith(suffix) for suffix in crashkernel.SUFFIXES):
            found = (at + len(crashkernel.NAME), end)
        at = line.find(crashkernel.NAME, at + 1)
    if found is None:
        return replace_arg(line, None, f"{crashkernel.NAME}{value}")
    # the kernel's value runs to the next space; the argument ends at the first blank: replace
    # up to that, and make the blank a space (a tab after a size is "unrecognized char")
    start, end = found
    blank = next((i for i in range(start, end) if line[i].isspace()), end)
    rest = line[blank:]
    if rest[:1].isspace() and rest[:1] != " ":
        rest = " " + rest[1:]
    return line[:start] + value + rest


def _keep_mode(line: str, rules: Rules, kernel: dict[str, Any], mode: MemmapMode) -> str:
    """On another kernel, the line still gives the mode the machine had (see module doc):
    where the new kernel reads another mode from it (or, reading none, the key or default
    differs), the occurrence it reads (or the last one, or a new one) gets the mode."""
    now = read(line, rules).memmap_on_memory
    current = (now.value if now is not None else
               _mode(kernel.get("memmap_on_memory", MemmapMode.OFF.value)))
    if current is mode or rules.memmap_param == "absent":
        return line
    return _set(line, rules, "kernel.memmap_on_memory", mode.value)


def _keep_memory(data: dict[str, Any], line: str, rules: Rules, keys: set[str],
                 effective: dict[str, Any]) -> str:
    """``mem=`` raised to the memory the fixed machine uses (see module doc)."""
    mem = read(line, rules).mem
    if mem is None or not mem.value:
        return line
    memory = data.setdefault("memory", {})
    online = _bytes(memory.get("online"))
    standby = _bytes(memory.get("standby", 0))
    want_online = online if "memory.online" in keys else effective["online"]
    want_standby = standby if "memory.standby" in keys else effective["standby"]
    new = mem_after(mem.value, effective["online"], effective["standby"], want_online,
                    want_standby)
    if new is None:
        return line
    if online != want_online:
        memory["online"] = config_size(want_online)
        kernel = data["kernel"]
        if "footprint" in kernel and "footprint_online" not in kernel:
            kernel["footprint_online"] = effective["config_online"]  # where it was measured
    last = [span for span in spans(line) if span.arg.param == "mem" and
            span.arg.value is not None]
    return replace_arg(line, last[-1], f"mem={param_size(new)}")


def _keep_crashkernel(data: dict[str, Any], line: str, old_rules: Rules,
                      effective: dict[str, Any]) -> str:
    """A fix verified with the crashkernel the machine reserved keeps it where the line's
    ranges would reserve another size at the fixed memory (the searches hold it fixed)."""
    setting = read(effective["line"], old_rules).crashkernel
    if setting is None:
        return line
    memory, arch = data["memory"], str(data.get("arch", "s390x"))
    online, standby = _bytes(memory.get("online")), _bytes(memory.get("standby", 0))
    mem = read(line, rules_of_release(data["kernel"].get("version"))).mem
    limit = mem.value if mem is not None and arch == "s390x" else 0
    if arch == "s390x" and limit:
        online, standby = min(online, limit), min(standby, max(0, limit - online))
    reserved = effective["crashkernel"]
    if crash_at(setting.value, arch == "s390x", online, standby, limit) == reserved:
        return line
    if "crashkernel" in data["kernel"]:
        data["kernel"]["crashkernel"] = reserved
    return _set_crashkernel(line, param_size(reserved) if reserved else "0")


def _mode(value: Any) -> MemmapMode:
    if isinstance(value, MemmapMode):
        return value
    if isinstance(value, bool):
        return MemmapMode.ON if value else MemmapMode.OFF
    return MemmapMode(str(value))


def _bytes(value: Any) -> int:
    return value if isinstance(value, int) else parse_size(str(value))
