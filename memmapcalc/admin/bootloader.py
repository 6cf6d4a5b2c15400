"""Kernel parameters as the machine's boot loader takes them, picked by the distribution the
kernel release names (:mod:`memmapcalc.kernel.release`), as a table of flavours.

* ``zipl.conf``: ``parameters=`` of the boot section in ``/etc/zipl.conf``, then ``zipl``
  to rewrite the boot record (zipl.conf(5); RHEL 7 Kernel Administration Guide §3.1.1;
  Ubuntu and Debian on s390x).
* ``bls``: RHEL 8, 9, 10, CentOS Stream and Fedora keep one BLS snippet per kernel in
  ``/boot/loader/entries``, whose ``options`` line zipl reads; ``grubby
  --update-kernel=ALL --args=...`` rewrites them (rhboot/grubby grubby-bls) but does not
  run zipl, so ``zipl`` follows.
* ``grub2``: SLES 12 and later boot GRUB 2 from zipl; parameters go in
  ``GRUB_CMDLINE_LINUX_DEFAULT`` of ``/etc/default/grub`` and ``grub2-mkconfig -o
  /boot/grub2/grub.cfg`` regenerates the menu (SUSE "The Boot Loader GRUB 2").
* not known (mainline or an unrecognised release): the zipl.conf and BLS ways, labelled.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from memmapcalc.admin.command import Command
from memmapcalc.kernel.identity import KernelIdentity
from memmapcalc.kernel.version import KernelVersion, v


def zipl_conf(parameters: str) -> tuple[Command, ...]:
    return (Command("/etc/zipl.conf", f'parameters="... {parameters}"',
                    "append to the parameters= line of the boot section"),
            Command("shell", "zipl", "rewrites the boot record; re-IPL afterwards"))


def bls(parameters: str) -> tuple[Command, ...]:
    return (Command("shell", f'grubby --update-kernel=ALL --args="{parameters}"',
                    "adds it to the options line of every BLS entry in /boot/loader/entries"),
            Command("shell", "zipl", "rewrites the boot record; re-IPL afterwards"))


def grub2(parameters: str) -> tuple[Command, ...]:
    return (Command("/etc/default/grub", f'GRUB_CMDLINE_LINUX_DEFAULT="... {parameters}"',
                    "append to the existing value"),
            Command("shell", "grub2-mkconfig -o /boot/grub2/grub.cfg", "re-IPL afterwards"))


Writer = Callable[[str], tuple[Command, ...]]
FLAVOURS: MappingProxyType[str, Writer] = MappingProxyType(
    {"zipl.conf": zipl_conf, "bls": bls, "grub2": grub2})
#: By ``uname -r`` family: (first base with the flavour, flavour, flavour before it).
#: RHEL 8 (4.18) introduced BLS entries, SLES 12 (3.12) GRUB 2 on s390x.
BY_FAMILY: MappingProxyType[str, tuple[KernelVersion, str, str]] = MappingProxyType({
    "rhel": (v("4.18"), "bls", "zipl.conf"),
    "centos-stream": (v("4.18"), "bls", "zipl.conf"),
    "fedora": (v("4.18"), "bls", "zipl.conf"),
    "sles": (v("3.12"), "grub2", "zipl.conf"),
    "ubuntu": (v("3.0"), "zipl.conf", "zipl.conf"),
    "debian": (v("3.0"), "zipl.conf", "zipl.conf"),
})


def flavour(identity: KernelIdentity | None) -> str | None:
    """The boot loader flavour of the distribution the release names; None if not known."""
    if identity is None or identity.release.family not in BY_FAMILY:
        return None
    since, new, old = BY_FAMILY[identity.release.family]
    return new if identity.base >= since else old


def parameter_commands(identity: KernelIdentity | None,
                       parameters: tuple[str, ...]) -> tuple[Command, ...]:
    """How to boot with ``parameters`` on the command line."""
    text = " ".join(parameters)
    known = flavour(identity)
    if known is not None:
        return FLAVOURS[known](text)
    return tuple(Command(f"{command.where} ({label})", command.command, command.note)
                 for label, writer in (("zipl.conf", zipl_conf), ("BLS, RHEL 8+", bls))
                 for command in writer(text))
