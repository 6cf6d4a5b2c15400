"""What the CI formats (github, junit, sarif) say about one result: a headline, details
and, for an unreadable config, the line and column the error names.

Plain text built from the JSON contract's result dict (:mod:`memmapcalc.api.contract`), so
every format words a verdict the same way.  Sizes are for people (``4.4 GiB``); the
exact bytes stay in json/jsonl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from memmapcalc.arch.registry import vocabulary
from memmapcalc.units import human_size, human_size_at_least

#: ``line 7, column 15`` (YAML, JSON, TOML syntax and field errors) or ``line 3``.
_POSITION = re.compile(r"\bline (\d+)(?:, column (\d+))?")


def words(r: dict[str, Any]) -> Mapping[str, str]:
    """s390 words (IPL, online, standby) for s390x results; boot words for the x86_64,
    arm64 and ppc64le profiles, whose contract fields keep the s390 names."""
    return vocabulary(r.get("arch")).words


def headline(r: dict[str, Any]) -> str:
    """One line: the verdict in words (for an error, the error without the file name)."""
    verdict = r["verdict"]
    if verdict == "error":
        return error_message(r)
    w = words(r)
    margin, online = r["margin"], r["online"]
    if verdict == "fail":
        if margin < 0:
            return (f"cannot {w['ipl']}: needs {human_size(r['required'])} of "
                    f"{human_size(online)} {w['online']}, short by {human_size(-margin)}")
        return f"{w['ipls']} with {human_size(margin)} left, below boot.min_margin"
    share = margin * 100 // online if online else 0
    if verdict == "warn" and margin_warns(r):
        return (f"{w['ipls']} with only {human_size(margin)} of {human_size(online)} "
                f"{w['online']} left ({share} %, less than 10 %)")
    return (f"{w['ipls']}: {human_size(margin)} of {human_size(online)} {w['online']} left "
            f"({share} %)")


def margin_warns(r: dict[str, Any]) -> bool:
    """The margin is below 10 % of online memory (the other ``warn``: not all standby is
    usable after IPL, see :func:`after_ipl_line`)."""
    return bool(r["margin"] * 10 < r["online"])


def after_ipl_line(r: dict[str, Any]) -> str | None:
    """``after IPL: only 295 of 32768 standby blocks usable (36.87 GiB of 4 TiB); with
    memmap-on-memory all 32768`` from the result's ``after_ipl`` (None without standby)."""
    after = r.get("after_ipl")
    if not after or not after["standby_blocks"]:
        return None
    w = words(r)
    lead, total = f"after {w['ipl']}:", after["standby_blocks"]
    usable, with_mom = after["usable_blocks"], after["usable_blocks_with_memmap_on_memory"]
    if usable is None:
        return f"{lead} {after['limit']}"
    noun = f"{w['standby']} blocks"
    if usable == total:
        text = f"{lead} all {total} {noun} usable ({human_size(after['usable_memory'])})"
    else:
        text = (f"{lead} {'none' if usable == 0 else f'only {usable}'} of {total} {noun} usable"
                f" ({human_size(after['usable_memory'])} of {human_size(after['standby_memory'])})")
    if with_mom is not None and with_mom != usable:
        text += (f"; with memmap-on-memory {'all ' if with_mom == total else ''}{with_mom}"
                 + ("" if with_mom == total else f" of {total}"))
    return text


def title(r: dict[str, Any]) -> str:
    """A short title naming the machine: ``lnx01 cannot IPL``."""
    w = words(r)
    warn = (f"{r['name']} {w['ipls']} with little room"
            if r["verdict"] != "warn" or margin_warns(r) else
            f"{r['name']} cannot use all its {w['standby']} after {w['ipl']}")
    return {"fail": f"{r['name']} cannot {w['ipl']}",
            "warn": warn,
            "error": f"{r['name']}: invalid config",
            "pass": f"{r['name']} {w['ipls']}"}[r["verdict"]]


def kernel_shown(kernel: dict[str, Any]) -> str:
    """``6.8``, or the release as written with its distribution when it is more than the
    mainline X.Y: ``6.8.0-31-generic (ubuntu-24.04)``."""
    version = kernel["version"]
    if version is None:
        return "not given (oldest behaviour assumed)"
    release = kernel.get("release")
    if release is None or release == version:
        return version
    distribution = kernel.get("distribution")
    return f"{release} ({distribution})" if distribution else release


def platform_shown(name: str | None) -> str:
    """``z/VM guest, `` for the kernel line; nothing when the platform was not given (a note
    says what was assumed)."""
    from memmapcalc.arch.s390x.platforms import PLATFORMS

    return "" if name is None or name not in PLATFORMS else f"{PLATFORMS[name].label}, "


def has_standby(name: str | None) -> bool:
    """Whether the platform can have standby memory (a KVM guest cannot)."""
    from memmapcalc.arch.s390x.platforms import PLATFORMS

    return name not in PLATFORMS or PLATFORMS[name].sclp_standby


def command_lines(commands: Any) -> list[str]:
    """A fix's commands, one line each: ``CP: DEFINE STORAGE AS 4528M STANDBY 252G  (resets
    the guest: IPL it afterwards)``."""
    return [f"{c['where']}: {c['command']}" + (f"  ({c['note']})" if c.get("note") else "")
            for c in commands]


def details(r: dict[str, Any]) -> list[str]:
    """Further lines: the kernel behaviour, limits, each fix and note (none for errors)."""
    if r["verdict"] == "error":
        return []
    kernel, w = r["kernel"], words(r)
    version = kernel_shown(kernel)
    lines = [f"kernel {version}: {r['standby_blocks']} {w['standby']} blocks of "
             f"{human_size(r['block_size'])}, memmap {human_size(r['memmap_per_block'])} per block"]
    limits = []
    if r["max_standby"] is not None:
        limits.append(f"max {w['standby']} {human_size(r['max_standby'])}")
    if r["min_online"] is not None:
        limits.append(f"min {w['online']} {human_size_at_least(r['min_online'])}")
    if limits:
        lines.append("; ".join(limits))
    after = after_ipl_line(r)
    if after is not None:
        lines.append(after)
    lines.extend(f"fix: {tip}" for tip in r["advice"])
    lines.extend(f"note: {note}" for note in r["notes"])
    return lines


def message(r: dict[str, Any]) -> str:
    """Headline and details, one per line."""
    return "\n".join([headline(r), *details(r)])


def error_message(r: dict[str, Any]) -> str:
    """The error of an unreadable config without the leading ``path: `` (the formats name
    the file separately)."""
    text = str(r["error"])
    prefix = f"{r['path']}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def error_position(r: dict[str, Any]) -> tuple[int | None, int | None]:
    """``(line, column)`` named by an error, 1-based; ``(None, None)`` when it names none."""
    if r["verdict"] != "error":
        return None, None
    match = _POSITION.search(error_message(r))
    if match is None:
        return None, None
    return int(match[1]), int(match[2]) if match[2] else None
