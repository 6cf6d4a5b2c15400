"""What ``uname -r`` prints, read as a distribution release and its mainline base.

``6.8.0-31-generic`` is Ubuntu 24.04 on mainline 6.8, ``5.14.0-503.40.1.el9_5.s390x`` is
RHEL 9.5 on 5.14.  Which backports a release carries is data in
:mod:`memmapcalc.kernel.distros`; this module only reads the string.  The shapes and the
build-number tables come from the distributions' own strings (AlmaLinux SRPM names, the
Ubuntu noble changelog, SUSE banners; see the README section "Distribution kernels").

The grammar is the one of :mod:`memmapcalc.kernel.version`: ASCII digits only, blanks and
tabs around the text allowed, the base must be a Linux release memmapcalc knows.  Anything
that is not a release string is a ``ValueError`` with a one-line message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memmapcalc.kernel.version import KernelVersion

#: ``struct new_utsname`` holds ``char release[__NEW_UTS_LEN + 1]`` with __NEW_UTS_LEN 64
#: (include/uapi/linux/utsname.h): ``uname -r`` never prints more.
MAX_LENGTH = 64

_N = "[0-9]{1,9}"
_BASE = rf"(?P<maj>{_N})\.(?P<min>{_N})"
_ARCH = r"s390x|x86_64|aarch64|ppc64le"

#: RHEL and its rebuilds (AlmaLinux, Rocky, CentOS Linux) and CentOS Stream:
#: ``5.14.0-503.40.1.el9_5.s390x``, ``4.18.0-553.el8_10.s390x``, ``5.14.0-570.el9.s390x+debug``.
_RHEL = re.compile(rf"{_BASE}\.(?P<sub>{_N})-(?P<build>{_N}(?:\.{_N})*)"
                   rf"\.el(?P<el>{_N})(?:_(?P<elmin>{_N}))?(?:\.(?P<arch>{_ARCH}))?"
                   r"(?:\+(?P<variant>[A-Za-z0-9_]+))?", re.ASCII)
#: SLES / openSUSE Leap: ``6.4.0-150600.23.25-default``; the stream is 15SSPP00 or 160000.
_SUSE = re.compile(rf"{_BASE}\.(?P<sub>{_N})-(?P<stream>1[56][0-9]{{4}})"
                   r"\.(?P<build>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)"
                   r"-(?P<flavour>default|zfcpdump|rt|azure|64kb|kvmsmall)", re.ASCII)
#: Fedora: ``6.11.4-301.fc41.s390x``.
_FEDORA = re.compile(rf"{_BASE}\.(?P<sub>{_N})-(?P<build>{_N})\.fc(?P<fc>{_N})"
                     rf"\.(?P<arch>{_ARCH})(?:\+[A-Za-z0-9_]+)?", re.ASCII)
#: Debian up to 12: ``6.1.0-18-s390x`` (the ``.0`` is not the stable sublevel).
_DEBIAN_OLD = re.compile(rf"{_BASE}\.0-(?P<abi>{_N})-(?P<flavour>s390x|amd64|arm64|cloud-amd64|"
                         r"cloud-arm64|rt-amd64|rt-arm64|powerpc64le)", re.ASCII)
#: Debian 13 on: ``6.12.74+deb13+1-amd64``.
_DEBIAN = re.compile(rf"{_BASE}\.(?P<sub>{_N})\+deb(?P<deb>{_N})(?:\+{_N})?"
                     r"-(?P<flavour>[a-z0-9]+(?:-[a-z0-9]+)*)", re.ASCII)
#: Ubuntu: ``6.8.0-31-generic``; mainline PPA builds: ``6.9.0-060900rc3-generic``.
_UBUNTU = re.compile(rf"{_BASE}\.0-(?P<abi>{_N})(?P<rc>rc{_N})?-(?P<flavour>generic|"
                     r"generic-64k|generic-lpae|lowlatency|lowlatency-64k|kvm|virtual)", re.ASCII)
#: kernel.org releases: ``6.9``, ``6.9.0-rc3``, ``6.19.2``; a local version may follow.
_MAINLINE = re.compile(rf"v?{_BASE}(?:\.(?P<sub>{_N}))?(?:-rc(?P<rc>{_N}))?(?P<local>.*)",
                       re.ASCII | re.DOTALL)
#: What scripts/setlocalversion appends to a build from git: ``-00001-gabcdef12``, ``+``.
_GIT_LOCAL = re.compile(r"(?:-[0-9]+-g[0-9a-f]{7,40})?(?:-dirty)?\+?", re.ASCII)

#: RHEL 8 minor releases by build number: 8.3-8.7 GA kernels print a plain ``.el8``
#: (AlmaLinux vault: 4.18.0-240.el8 ... 4.18.0-425.3.1.el8); the rest carry ``_N``.
#: Verified against the branches of the AlmaLinux kernel source mirror mkuron/almalinux-kernel.
RHEL_BUILDS: dict[tuple[int, int], dict[int, str]] = {
    (4, 18): {240: "8.3", 305: "8.4", 348: "8.5", 372: "8.6", 425: "8.7", 477: "8.8",
              513: "8.9", 553: "8.10"},
    (5, 14): {70: "9.0", 162: "9.1", 284: "9.2", 362: "9.3", 427: "9.4", 503: "9.5",
              570: "9.6"},
    (6, 12): {55: "10.0"},
}

#: Ubuntu release by mainline base (the kernel a release ships; HWE kernels of the previous
#: LTS print the same string).  Sources: the noble changelog (6.8 = 24.04), the jammy
#: config annotations (5.15 = 22.04), release notes for 24.10/25.04/25.10.
UBUNTU_RELEASES: dict[tuple[int, int], tuple[str, str | None]] = {
    (5, 4): ("20.04", None),
    (5, 15): ("22.04", "20.04 HWE"),
    (6, 8): ("24.04", "22.04 HWE"),
    (6, 11): ("24.10", "24.04 HWE"),
    (6, 14): ("25.04", "24.04 HWE"),
    (6, 17): ("25.10", "24.04 HWE"),
}

#: Debian up to 12 by base (Debian 13 on names itself in ``+debNN``).
DEBIAN_RELEASES: dict[tuple[int, int], str] = {(4, 19): "10", (5, 10): "11", (6, 1): "12"}

#: SUSE code streams verified from SUSE's own strings (banners, build paths, LTP logs).
SUSE_STREAMS: dict[str, str] = {
    "150400": "sles-15-sp4", "150500": "sles-15-sp5", "150600": "sles-15-sp6",
    "150700": "sles-15-sp7", "160000": "sles-16.0",
}


@dataclass(frozen=True, slots=True)
class KernelRelease:
    """One ``uname -r`` string, read."""

    #: the string as given (for reports).
    release: str
    #: ``"rhel"``, ``"centos-stream"``, ``"ubuntu"``, ``"sles"``, ``"fedora"``, ``"debian"``,
    #: ``"mainline"``; ``None`` when the string is none of them.
    family: str | None
    #: ``"ubuntu-24.04"``, ``"rhel-9.5"``, ``"sles-15-sp6"`` ...; ``None`` for mainline or
    #: when the release within the family is not known.
    distribution: str | None
    #: the mainline version whose behaviour the release starts from.
    base: KernelVersion
    #: the stable sublevel, where the string carries it (mainline, Fedora, Debian 13, SUSE).
    sublevel: int | None = None
    #: ``-rcN`` of a mainline release candidate.
    rc: int | None = None
    #: Ubuntu / Debian ABI number (``31`` in ``6.8.0-31-generic``).
    abi: int | None = None
    #: the distribution's build (``503.40.1`` RHEL, ``150600.23.25`` SUSE, ``301`` Fedora).
    build: str | None = None
    flavour: str | None = None
    arch: str | None = None
    #: what the string leaves open (ambiguities, assumptions), one sentence each.
    notes: tuple[str, ...] = ()


def parse_release(text: str) -> KernelRelease:
    """Read ``text`` (what ``uname -r`` prints); ``ValueError`` if it is not a release."""
    stripped = _checked(text)
    base = KernelVersion.parse(stripped)  # ASCII, shape and known range, with its messages
    for reader in (_rhel, _suse, _fedora, _debian, _ubuntu):
        found = reader(text, stripped, base)
        if found is not None:
            return found
    return _mainline(text, stripped, base)


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a kernel release; write it as a quoted string")
    stripped = text.strip(" \t")
    for char in stripped:
        if char.isascii() and not char.isprintable():
            raise ValueError(f"{_shown(text)} contains the control character "
                             f"U+{ord(char):04X}; write the release as `uname -r` prints it")
    if len(stripped) > MAX_LENGTH and stripped.isascii():
        raise ValueError(f"{_shown(text)} is {len(stripped)} characters long; `uname -r` prints "
                         f"at most {MAX_LENGTH}")
    return stripped


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _rhel(text: str, s: str, base: KernelVersion) -> KernelRelease | None:
    m = _RHEL.fullmatch(s)
    if m is None:
        return None
    el, build = int(m["el"]), m["build"]
    number = int(build.split(".")[0])
    known_minor = RHEL_BUILDS.get((base.major, base.minor), {}).get(number)
    rebuild = ("RHEL and its rebuilds (AlmaLinux, Rocky Linux, CentOS Linux) print the same "
               "release; read as RHEL")
    notes: list[str] = [rebuild]
    if m["elmin"] is not None:
        minor = f"{el}.{int(m['elmin'])}"
        if known_minor is not None and known_minor != minor:
            notes.append(f"build {number} is RHEL {known_minor}'s, but the string says .el{el}_"
                         f"{m['elmin']}; read as RHEL {minor}")
        family, distribution = "rhel", f"rhel-{minor}"
    elif el >= 9:
        # Every RHEL 9/10 GA and z-stream kernel carries _N: a bare .el9/.el10 is Stream.
        family, distribution, notes = "centos-stream", f"centos-stream-{el}", []
        if known_minor is not None:
            notes.append(f"build {number} is also RHEL {known_minor}'s, whose kernels print "
                         f".el{el}_{known_minor.split('.')[1]}; read as CentOS Stream {el}")
    elif el == 8 and known_minor is not None:
        family, distribution = "rhel", f"rhel-{known_minor}"
        notes.append(f"a plain .el8 is RHEL {known_minor}'s GA build {number} or CentOS Stream 8; "
                     f"read as RHEL {known_minor} by its build number")
    else:
        family, distribution = "rhel", f"rhel-{el}"
        notes.append(f"the RHEL {el} minor release of build {number} is not known to memmapcalc")
    return KernelRelease(text, family, distribution, base, build=build, arch=m["arch"],
                         flavour=m["variant"], notes=tuple(notes))


def _suse(text: str, s: str, base: KernelVersion) -> KernelRelease | None:
    m = _SUSE.fullmatch(s)
    if m is None:
        return None
    stream = m["stream"]
    distribution = SUSE_STREAMS.get(stream)
    notes = ["SLES and openSUSE Leap of the same service pack run the same kernel"]
    if distribution is None:
        product = _suse_by_convention(stream)
        if product is not None:
            distribution = product
            notes.append(f"code stream {stream} read as {product} by SUSE's 15SSPP00 numbering "
                         f"(verified for 150400-150700 and 160000 only)")
        else:
            notes.append(f"code stream {stream} is not a SUSE product memmapcalc knows")
    return KernelRelease(text, "sles", distribution, base, sublevel=int(m["sub"]),
                         build=f"{stream}.{m['build']}", flavour=m["flavour"], notes=tuple(notes))


def _suse_by_convention(stream: str) -> str | None:
    """``15SSPP00``-style streams: 15 = SLE 15, next two digits the service pack; 16MM00."""
    major, minor = stream[:2], int(stream[2:4])
    if not stream.endswith("00") or minor > 9:
        return None
    if major == "15":
        return f"sles-15-sp{minor}" if minor else "sles-15"
    return f"sles-16.{minor}"


def _fedora(text: str, s: str, base: KernelVersion) -> KernelRelease | None:
    m = _FEDORA.fullmatch(s)
    if m is None:
        return None
    return KernelRelease(text, "fedora", f"fedora-{int(m['fc'])}", base, sublevel=int(m["sub"]),
                         build=m["build"], arch=m["arch"])


def _debian(text: str, s: str, base: KernelVersion) -> KernelRelease | None:
    m = _DEBIAN.fullmatch(s)
    if m is not None:
        return KernelRelease(text, "debian", f"debian-{int(m['deb'])}", base,
                             sublevel=int(m["sub"]), flavour=m["flavour"])
    m = _DEBIAN_OLD.fullmatch(s)
    if m is None:
        return None
    number = DEBIAN_RELEASES.get((base.major, base.minor))
    notes: tuple[str, ...] = ()
    if number is None:
        notes = (f"Debian's release with a {base} kernel is not known to memmapcalc "
                 "(a backports kernel?)",)
    return KernelRelease(text, "debian", f"debian-{number}" if number else None, base,
                         abi=int(m["abi"]), flavour=m["flavour"], notes=notes)


def _ubuntu(text: str, s: str, base: KernelVersion) -> KernelRelease | None:
    m = _UBUNTU.fullmatch(s)
    if m is None:
        return None
    abi = m["abi"]
    if len(abi) == 6 and abi.startswith("0"):
        # Ubuntu's mainline PPA: ABI 0MMmmss, an unpatched kernel.org build.
        return KernelRelease(text, "mainline", None, base, sublevel=int(abi[4:6]),
                             rc=int(m["rc"][2:]) if m["rc"] else None, flavour=m["flavour"],
                             notes=("an Ubuntu mainline PPA build (ABI 0MMmmss): read as "
                                    f"mainline {base}",))
    if m["rc"] is not None:
        return None
    known = UBUNTU_RELEASES.get((base.major, base.minor))
    if known is None:
        return KernelRelease(text, "ubuntu", None, base, abi=int(abi), flavour=m["flavour"],
                             notes=(f"the Ubuntu release with a {base} kernel is not known to "
                                    "memmapcalc",))
    release, also = known
    notes: tuple[str, ...] = ()
    if also is not None:
        notes = (f"{s} is Ubuntu {release} (or {also}, which prints the same release); "
                 f"read as Ubuntu {release}",)
    return KernelRelease(text, "ubuntu", f"ubuntu-{release}", base, abi=int(abi),
                         flavour=m["flavour"], notes=notes)


def _mainline(text: str, s: str, base: KernelVersion) -> KernelRelease:
    m = _MAINLINE.fullmatch(s)
    assert m is not None  # KernelVersion.parse accepted a leading X.Y
    sub = int(m["sub"]) if m["sub"] is not None else None
    rc = int(m["rc"]) if m["rc"] is not None else None
    local = m["local"]
    if local == "":
        return KernelRelease(text, "mainline", None, base, sublevel=sub, rc=rc)
    if _GIT_LOCAL.fullmatch(local):
        return KernelRelease(text, "mainline", None, base, sublevel=sub, rc=rc,
                             notes=(f"a build from a git tree (local version {local!r}): read "
                                    f"as mainline {base} without patches",))
    return KernelRelease(text, None, None, base, sublevel=sub, rc=rc,
                         notes=(f"{s!r} is not a distribution release memmapcalc recognises; "
                                f"read as mainline {base}",))
