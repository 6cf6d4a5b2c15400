"""``platform`` from ``/proc/sysinfo``, decided the way the kernel decides it.

arch/s390/kernel/early.c ``detect_machine_type()``: STSI level ≤ 2 is an LPAR; otherwise
the control program name of the first guest level (STSI 3.2.2 ``vm[0].cpi``) is ``KVM``
or ``z/VM``.  arch/s390/kernel/sysinfo.c prints that level as ``VM00 Control Program:``
(``VM01`` is the hypervisor's own host when nested), and the LPAR lines whenever an LPAR
level exists.  util-linux lscpu (sys-utils/lscpu-virt.c) and systemd ``detect_vm_zvm()``
read the same lines: a ``Control Program:`` containing ``KVM`` is KVM, ``z/VM`` is z/VM,
none is an LPAR.  Fixtures: tests/data/lscpu-s390 (util-linux's s390 dumps).
"""

from __future__ import annotations

from memmapcalc.importers.probe.context import Context, file_of, path_of


def sysinfo_platform(text: str) -> tuple[str | None, str]:
    """``(platform, why)`` of a /proc/sysinfo text; platform None when it does not say."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            fields.setdefault(key.strip(), " ".join(value.split()))
    program = fields.get("VM00 Control Program")
    if program is not None:
        if program.startswith("z/VM"):
            return "zvm", f"VM00 Control Program: {program}"
        if "KVM" in program:
            return "kvm", f"VM00 Control Program: {program}"
        return None, f"VM00 Control Program {program!r} is neither z/VM nor KVM"
    if any(key.startswith("LPAR ") for key in fields):
        return "lpar", "LPAR lines and no VM00 level"
    return None, "neither LPAR nor VM00 lines"


def platform(ctx: Context) -> None:
    """Set ``platform`` on an s390x system from its /proc/sysinfo."""
    if ctx.arch != "s390x":
        return
    text = file_of(ctx, "sysinfo")
    where = path_of(ctx, "sysinfo")
    if text is None:
        ctx.draft.leave_out("platform", f"no {where}: z/VM, LPAR or KVM not known (set "
                                        f"platform: zvm for a z/VM guest: it reserves a 4 MiB "
                                        f"vmcp CMA area)")
        return
    found, why = sysinfo_platform(text)
    if found is None:
        ctx.draft.leave_out("platform", f"{where}: {why}")
        return
    ctx.draft.set("platform", found, f"{why} in {where}")
