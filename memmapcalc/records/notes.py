"""Notes every profile adds about what was assumed of the kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memmapcalc.records.params import Params


def identity_notes(p: Params) -> list[str]:
    """What the release string says (which distribution, whether its backports are known,
    and the overrides to use if not); none for a plain mainline X.Y."""
    out = [] if p.kernel_identity is None else list(p.kernel_identity.notes)
    return out + list(p.cmdline_notes)


def release_notes(p: Params) -> list[str]:
    """For a profile that folds no distribution data: what the string was read as, and
    that the base's mainline behaviour is used."""
    identity = p.kernel_identity
    if identity is None:
        return list(p.cmdline_notes)
    out = list(identity.release.notes) + list(p.cmdline_notes)
    if identity.entry is not None:
        out.append(f"{identity.entry.name}: distribution backports are modelled on s390x "
                   f"only; mainline {identity.base}'s behaviour is used")
    return out


def kernel_name(p: Params) -> str:
    """The kernel as the admin wrote it: ``kernel 6.8.0-31-generic``."""
    identity = p.kernel_identity
    return "the assumed oldest kernel" if identity is None else f"kernel {identity.release.release}"


def version_notes(p: Params, oldest: str) -> list[str]:
    """What was assumed about the kernel: ``oldest`` describes the oldest behaviour."""
    if p.version is None:
        return [f"kernel.version not given: assumed the oldest behaviour ({oldest})"]
    if p.version.major >= 7:
        return [f"kernel {p.version}: memmapcalc's table ends at 6.19; assumed to behave "
                f"like 6.19"]
    return []
