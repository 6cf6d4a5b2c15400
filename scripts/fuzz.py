"""Mutation fuzzer for memmapcalc's loaders and importers.

Every input must end in a result or a clean :class:`memmapcalc.errors.InputError`:
a traceback (any other exception), a hang (an input taking longer than ``--timeout``)
or unbounded memory is a finding.  Seeds are the repository's own inputs: the example
configs, the bad-input corpus and the importer fixtures; mutations flip and delete
bytes, splice seeds, truncate, and insert tokens that have broken parsers before (YAML
1.1 forms, anchors and aliases, deep nesting, odd Unicode, huge numbers).

    python scripts/fuzz.py --inputs 100000 --seed 1          # the documented long run
    python scripts/fuzz.py --inputs 2000 --findings /tmp/f   # save failing inputs
    python scripts/fuzz.py --consistency 4000 --seed 1       # alone vs shuffled batches

Exit status 0 when nothing was found, 1 otherwise.  Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKENS = [b": ", b"\n", b"  ", b"- ", b"[", b"]", b"{", b"}", b",", b"&a ", b"*a", b"<<: *a",
          b"0755", b"1:30", b"0x1F", b"1e3", b".nan", b".inf", b"-1", b"16GB", b"99999999E",
          b"18446744073709551616", b"yes", b"no", b"on", b"~", b"null", b"true", b'"', b"'",
          b"#", b"---\n", b"...", b"\t", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", "\u00e9".encode(),
          "\U0001f600".encode(), b"\\", b"%", b"=", b"[[", b"]]", b"0x", b"-", b"4G", b"128M",
          b"online", b"offline", b"STANDBY", b"RESERVED", b"STORAGE", b"USER", b"MAXSTORAGE",
          b"DEFINE STORAGE", b"*", b"0x0000000000000000-0x000000006fffffff", b"Memory block size:",
          b'"memory": ', b"machines:", b"defaults:", b"[" * 64, b"9" * 40,
          b"XSTORE = none", b"CPU 00  ID  FF0C452E20978000", b"DASD 0100 3390", b" " * 72,
          b'"initial-memory": ', b'"maximum-memory": ', b'"reserved-memory": ',
          b'"central-storage": ', b'"reserved-central-storage": ', b'"partitions": ',
          # hostile names (issue 11): rich markup, terminal controls, separators, bidi, not UTF-8
          b"[/x]", b"[bold]", b"[/]", b":smile:", b"\x1b[2J", b"\x1b]8;;x\x07", b"\r", b"\x7f",
          "\u0085".encode(), "\u2028".encode(), "\u2029".encode(), "\u202e".encode(),
          "\u2066".encode(), b"\x9b", b"\xed\xa0\x80", b"\\ud800", b"\\u2028", b"\\e"]

#: Strategies of issue 11 (each a class of input that once ended in an internal error or a
#: hang): explicit YAML tags, integers over Python's 4300-digit limit, sizes and versions
#: with non-ASCII digits, Unicode spaces, separators or a lowercase b, and lsmem summaries
#: whose totals are huge against the block size.
YAML_TAGS = [b"!!float abc", b"!!int 0x", b"!!bool maybe", b"!!timestamp 2001-13-45",
             b"2001-13-45", b"!foo 4G", b"!!binary 4G", b"!!set {a: 1}", b"!!omap [a: 1]",
             b"!!python/object/apply:os.system [x]", b"!!str", b"!!null", b"!!float 1e400",
             b"!!map x", b"!!seq x"]
HUGE_INTEGERS = [b"9" * 5000, b"-" + b"1" * 4400, b"0x" + b"f" * 5000, b"1" * 4301 + b"G",
                 b"9" * 21]
WEIRD_SIZES = [text.encode() for text in (
    "4\u00a0G", "4\u2009G", "4\u202fG", "4G\u200b", "\u0664G", "\uff14G",
    "\u0664\u0660\u0669\u0666M", "4__G", "1_0G", "_4G", "4096b", "4Gib", "4 kib", "\u0666.\u0668",
    "\uff16.\uff18", "6.\u0668", "4\u3000G")]
HUGE_SUMMARIES = [b"Memory block size:                128M\nTotal online memory:              4G\n"
                  b"Total offline memory:              3E\n",
                  b"Memory block size:                  4K\nTotal online memory:              4G\n"
                  b"Total offline memory:            1.5T\n",
                  b"Total offline memory:   3458764513820540928\n", b"Memory block size:  4K\n",
                  b"Total offline memory:   1023.9P\n"]
STRATEGY_TOKENS = YAML_TAGS + HUGE_INTEGERS + WEIRD_SIZES + HUGE_SUMMARIES
_NUMBER = re.compile(rb"[0-9]+(?:[KMGTPE](?:iB)?)?")
#: Seeds of the render target: "name\npath" (bytes: the path need not be UTF-8).
NAME_SEEDS = [b"lnx01\nconfigs/lnx01.yaml", b"[/x] evil\n[bold]x.yaml", b"a\x1b[2Jb\n\xff.yaml",
              "a\u2028b\u0085c\u202e\nls\u2028.yaml".encode(), b"\x00\x7f\x9b\n\r\t.json"]


class Finding(Exception):
    """An input that ended badly; the message says how."""


@dataclass
class Target:
    """A function under test and the file name that selects its format."""

    name: str
    call: Callable[[bytes], object]
    seeds: list[bytes] = field(default_factory=list)
    #: the exceptions that are this target's documented way to refuse an input
    refusals: tuple[type[BaseException], ...] = ()


def _seeds(pattern_dirs: list[tuple[Path, tuple[str, ...]]]) -> list[bytes]:
    found: list[bytes] = []
    for directory, suffixes in pattern_dirs:
        if directory.is_dir():
            found.extend(path.read_bytes() for path in sorted(directory.rglob("*"))
                         if path.is_file() and (not suffixes or path.suffix in suffixes)
                         and path.stat().st_size < 64 * 1024)
    return found or [b"memory:\n  online: 4G\n"]


def targets() -> list[Target]:
    """The loaders (YAML, TOML, JSON; machines evaluated) and the importers."""
    from memmapcalc.config.load import load_bytes
    from memmapcalc.errors import InputError
    from memmapcalc.model.evaluate import evaluate

    def loader(fmt: str) -> Callable[[bytes], object]:
        def run(raw: bytes) -> object:
            for loaded in load_bytes(raw, f"fuzz.{fmt}", fmt):
                if loaded.machine is not None:
                    evaluate(loaded.machine)
                elif not isinstance(loaded.error, InputError):
                    raise Finding("a Loaded without machine and without InputError")
            return None
        return run

    configs = [(ROOT / "configs", (".yaml", ".yml", ".toml", ".json")),
               (ROOT / "tests" / "corpus" / "config", ())]
    found = [Target(f"load-{fmt}", loader(fmt), _seeds(configs))
             for fmt in ("yaml", "toml", "json")]
    found.append(_render_target())
    found.extend(_importer_targets())
    found.append(_override_target())
    found.append(_special_files_target())
    found.extend(_sysroot_targets())
    found.append(_cmdline_target())
    return found


#: Seeds of the cmdline target: kernel command lines as /proc/cmdline, zipl.conf and BLS hold them.
CMDLINE_SEEDS = [
    b"root=/dev/dasda1 crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M "
    b"memory_hotplug.memmap_on_memory=1 mem=64G -- single",
    b'BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=UUID=1 "quoted arg=a b" crashkernel=auto cio_ignore=all',
    b"memory-hotplug.memmap-on-memory=force transparent_hugepage=never memhp_default_state=online"
    b"_movable vmcp_cma=8M cma=0 crashkernel=256M@16M crashkernel=512M,high",
    b'x="unterminated crashkernel=0x10000000 mem=0x ""= = -- --', b"crashkernel=16E mem=99999E",
]


def _cmdline_target() -> Target:
    """kernel.cmdline (memmapcalc.kernel.cmdline): the parser under every rule set and RAM size
    never raises; a machine config carrying the line ends in a result or an InputError."""
    from memmapcalc.config.load import load_bytes
    from memmapcalc.errors import InputError
    from memmapcalc.kernel import crashkernel
    from memmapcalc.kernel.cmdline import Rules, read
    from memmapcalc.model.evaluate import evaluate

    rule_sets = [Rules(), Rules("bool", False), Rules("absent", False, True), Rules("bool", True)]
    rams = [0, 1, 512 << 20, 16 << 30, (8 << 30) + (1 << 40), (1 << 64) - 1]

    def run(raw: bytes) -> object:
        line = raw.decode("utf-8", errors="replace")
        for rules in rule_sets:
            settings = read(line, rules)
            if settings.crashkernel is not None:
                for ram in rams:
                    if crashkernel.reserve(settings.crashkernel.value, ram, "RAM").size < 0:
                        raise Finding("a negative crashkernel reservation")
        for version in ("6.8.0-31-generic", "5.14.0-503.40.1.el9_5.s390x", "4.18"):
            config = json.dumps({"memory": {"online": "16G", "standby": "64G"},
                                 "kernel": {"version": version, "cmdline": line}})
            for loaded in load_bytes(config.encode(), "fuzz.json", "json"):
                if loaded.machine is not None:
                    evaluate(loaded.machine)
                elif not isinstance(loaded.error, InputError):
                    raise Finding("a Loaded without machine and without InputError")
        return None

    return Target("cmdline", run, list(CMDLINE_SEEDS))


#: What a fuzzed directory entry can be (issue 11, 4: special files must be refused or read
#: with a bound, never block): chosen by the input's bytes, so runs stay deterministic.
_ENTRY_KINDS = ("file", "fifo", "socket", "dir-named-yaml", "dangling-link", "loop-link",
                "link-to-fifo", "link-to-dir", "empty", "devnull-link")


def _plant(path: Path, kind: str, content: bytes) -> None:
    """Put a ``kind`` of directory entry at ``path`` (``content`` for the regular ones)."""
    import socket

    if kind == "file":
        path.write_bytes(content)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        here = os.getcwd()  # bound by its relative name: a socket's path is short (108 bytes)
        os.chdir(path.parent)
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(path.name)
        finally:
            os.chdir(here)
    elif kind == "dir-named-yaml":
        path.mkdir()
        (path / "inner.yaml").write_bytes(content)
    elif kind == "dangling-link":
        path.symlink_to(path.parent / "missing-target")
    elif kind == "loop-link":
        path.symlink_to(path)
    elif kind == "link-to-fifo":
        os.mkfifo(path.parent / f".fifo-{path.name}")
        path.symlink_to(path.parent / f".fifo-{path.name}")
    elif kind == "link-to-dir":
        path.symlink_to(path.parent)
    elif kind == "devnull-link":
        path.symlink_to("/dev/null")
    else:
        path.write_bytes(b"")


def _remove(path: Path) -> None:
    """Remove what :func:`_plant` put at ``path`` (a directory with its file, or anything)."""
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _special_files_target() -> Target:
    """A directory of configs, some of them FIFOs, sockets, symlink loops, links to devices
    or directories named like configs, walked and loaded as ``check DIR`` does: every entry
    ends as a machine or its own InputError, nothing blocks, nothing is skipped silently
    but hidden names."""
    import tempfile

    from memmapcalc.config.sources import iter_inputs
    from memmapcalc.errors import InputError

    def run(raw: bytes) -> object:
        with tempfile.TemporaryDirectory(prefix="memmapcalc-fuzz-") as top:
            root = Path(top)
            names = []
            for number, chunk in enumerate(raw.split(b"\n---\n")[:6]):
                kind = _ENTRY_KINDS[(chunk[0] if chunk else number) % len(_ENTRY_KINDS)]
                name = f"m{number}.yaml"
                _plant(root / name, kind, chunk[1:])
                names.append(name)
            seen = 0
            for loaded in iter_inputs([str(root)]):
                seen += 1
                if loaded.machine is None and not isinstance(loaded.error, InputError):
                    raise Finding("an entry without machine and without InputError")
            if seen == 0:
                raise Finding(f"no result for a directory of {len(names)} entries")
        return None

    seeds = [bytes([i]) + b"memory: {online: 4G, standby: 4G}\n---\n" + bytes([i + 1])
             + b"memory: {online: 8G}\n" for i in range(len(_ENTRY_KINDS))]
    return Target("special-files", run, seeds)


def _sysroot_targets() -> list[Target]:
    """``probe --sysroot`` over the util-linux s390 z/VM dump with one of the files probe
    reads replaced by the fuzzed bytes, or by a FIFO, a directory or a symlink loop: a
    config (possibly partial) or an InputError, never a hang or a traceback."""
    import atexit
    import shutil
    import tarfile
    import tempfile

    try:
        from memmapcalc.importers.emit import render
        from memmapcalc.importers.probe import read_snapshot, snapshot_machine
        from memmapcalc.importers.probe.snapshot import FILES
    except ImportError:
        return []
    memory_dump = ROOT / "tests" / "data" / "lsmem" / "s390-zvm-6g.tar.bz2"
    cpu_dump = ROOT / "tests" / "data" / "lscpu-s390" / "s390-zvm.tar.gz"
    if not (memory_dump.exists() and cpu_dump.exists()):
        return []
    base = Path(tempfile.mkdtemp(prefix="memmapcalc-fuzz-sysroot-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    for dump in (memory_dump, cpu_dump):  # memory blocks of one, /proc of the other
        with tarfile.open(dump) as archive:
            archive.extractall(base / dump.name, filter="data")
    sysroot = base / memory_dump.name / "s390-zvm-6g"
    (sysroot / "proc").mkdir(exist_ok=True)
    shutil.copy(base / cpu_dump.name / "s390-zvm" / "proc" / "cpuinfo", sysroot / "proc")
    relatives = sorted(FILES.values())

    def run(raw: bytes) -> object:
        # One unpacked sysroot; the chosen file is swapped for this input and put back.
        choice = raw[0] if raw else 0
        target = sysroot / relatives[choice % len(relatives)]
        kept = base / "kept"
        if target.exists() or target.is_symlink():
            target.rename(kept)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            _plant(target, _ENTRY_KINDS[(choice // len(relatives)) % len(_ENTRY_KINDS)],
                   raw[1:])
            draft = snapshot_machine(read_snapshot(str(sysroot)))
            render([draft], "yaml", "probe", str(sysroot))
        finally:
            _remove(target)
            for stray in target.parent.glob(f".fifo-{target.name}"):
                stray.unlink()
            if kept.exists() or kept.is_symlink():
                kept.rename(target)
        return None

    seeds = [bytes([i]) + (sysroot / relative).read_bytes()[:4096]
             if (sysroot / relative).is_file() else bytes([i])
             for i, relative in enumerate(relatives)]
    return [Target("probe-sysroot", run, seeds)]


def _override_target() -> Target:
    """``--set KEY=VALUE``: VALUE is read by the config loader, so tags and huge integers
    reach it too; a refusal is a UsageError (exit 2)."""
    from memmapcalc.config.overrides import parse_overrides
    from memmapcalc.errors import UsageError

    keys = ("memory.online", "memory.standby", "kernel.version", "cpu.edat1", "memory.dimms")

    def run(raw: bytes) -> object:
        value = raw.decode("utf-8", "replace").split("\n", 1)[0]
        return parse_overrides([f"{keys[len(raw) % len(keys)]}={value}"])

    seeds = [b"4G", b"256M", b"6.8", b"true", b"[4G, 4G]", b"4096", *STRATEGY_TOKENS[:20]]
    return Target("set-override", run, seeds, (UsageError,))


#: What a text (uncoloured) or GitHub report may never carry raw (a tab is harmless).
_RAW = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


def _render_target() -> Target:
    """A machine and an unreadable config named by the fuzzed bytes (``name\\npath``,
    decoded as file names are) through every format: valid UTF-8, machine formats
    parse, text and GitHub lines carry no raw control character (issue 11, 5 and 9)."""
    import json
    import re
    from xml.etree import ElementTree

    from memmapcalc.api.contract import error_dict, result_dict
    from memmapcalc.config.load import Loaded, machine_from_mapping
    from memmapcalc.errors import InputError
    from memmapcalc.model.evaluate import evaluate
    from memmapcalc.render import FORMATS, RenderOptions, renderer

    raw_pattern = re.compile(_RAW)
    machine = machine_from_mapping({"memory": {"online": "4G", "standby": "252G",
                                               "increment": "8M"}, "kernel": {"version": "6.8"}})
    evaluation = evaluate(machine)

    def run(raw: bytes) -> object:
        name, _, path = raw.decode("utf-8", "surrogateescape").partition("\n")
        results = [result_dict(Loaded(path, name, machine), evaluation),
                   error_dict(Loaded(path, name, None, InputError(path, f"{name!r} is not a size",
                                                                  name)))]
        for fmt in FORMATS:
            for color in ((False, True) if fmt == "text" else (False,)):
                out = renderer(fmt)(results, RenderOptions(color=color, explain=True))
                out.encode("utf-8")  # raises on a lone surrogate: invalid UTF-8 out
                if fmt in ("json", "sarif"):
                    json.loads(out)
                elif fmt == "jsonl" and [json.loads(line)["name"] for line in out.splitlines()] \
                        != [r["name"] for r in json.loads(f"[{','.join(out.splitlines())}]")]:
                    raise Finding("jsonl lines do not parse one by one")
                elif fmt == "junit":
                    ElementTree.fromstring(out)
                if (fmt == "github" or (fmt == "text" and not color)) and \
                        raw_pattern.search(out.replace("\t", " ")):
                    raise Finding(f"raw control character in {fmt} output")
                if fmt == "jsonl" and len(out.splitlines()) != len(results):
                    raise Finding("jsonl line count is not the result count")
        return None

    return Target("render-names", run, NAME_SEEDS)


def _importer_targets() -> list[Target]:
    from memmapcalc.errors import InputError

    data = ROOT / "tests" / "data"
    found: list[Target] = []
    try:
        from memmapcalc.importers.lsmem import lsmem_machine
        from memmapcalc.importers.zvm import zvm_machines
    except ImportError:  # importers not present in this checkout
        return found
    text = lambda raw: raw.decode("utf-8", "replace")  # noqa: E731 - the commands decode like this
    found.append(Target("import-lsmem", lambda raw: lsmem_machine(text(raw), "fuzz.txt"),
                        _seeds([(data / "lsmem", ())])))
    found.append(Target("import-zvm", lambda raw: zvm_machines(text(raw), "fuzz.direct"),
                        _seeds([(data / "zvm", ())])))
    # CP QUERY VIRTUAL ALL output alone: the storage line, XSTORE, CPU and device lines.
    found.append(Target("import-zvm-q-v-all",
                        lambda raw: zvm_machines(text(raw), "fuzz.txt"),
                        _seeds([(data / "zvm", (".txt",))])))
    try:
        from memmapcalc.importers.hmc import hmc_machines
    except ImportError:
        pass
    else:
        found.append(Target("import-hmc", lambda raw: hmc_machines(text(raw), "fuzz.json"),
                            _seeds([(data / "hmc", ())])))
    try:
        from memmapcalc.importers import sysfs
    except ImportError:
        return found
    for name in ("parse_cpuinfo", "kernel_parameters", "parse_meminfo_total", "parse_sysinfo"):
        function = getattr(sysfs, name, None)
        if function is not None:
            found.append(Target(f"sysfs-{name}", lambda raw, f=function: f(text(raw)),
                                _seeds([(data / "lscpu-s390", ())]),
                                (getattr(sysfs, "SysfsError", InputError),)))
    return found


def mutate(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 6)):
        choice = rng.randrange(9)
        where = rng.randint(0, len(data))
        if choice == 0 and data:  # flip a byte
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice == 1 and data:  # delete a range
            end = min(len(data), where + rng.randint(1, 32))
            del data[where:end]
        elif choice == 2:  # insert a token
            data[where:where] = rng.choice(TOKENS)
        elif choice == 3 and data:  # duplicate a range
            end = min(len(data), where + rng.randint(1, 64))
            data[where:where] = data[where:end] * rng.randint(1, 4)
        elif choice == 4:  # splice another seed
            other = rng.choice(seeds)
            cut = rng.randint(0, len(other))
            data[where:] = other[cut:]
        elif choice == 5:  # truncate
            del data[where:]
        elif choice == 7:  # insert a tag, huge integer, weird size or huge lsmem summary
            data[where:where] = rng.choice(STRATEGY_TOKENS)
        elif choice == 8:  # replace one number (a size, a version part) with such a form
            numbers = list(_NUMBER.finditer(bytes(data)))
            if numbers:
                number = rng.choice(numbers)
                data[number.start():number.end()] = rng.choice(
                    HUGE_INTEGERS + WEIRD_SIZES + YAML_TAGS)
        else:  # swap a line
            lines = bytes(data).split(b"\n")
            if len(lines) > 2:
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[i], lines[j] = lines[j], lines[i]
                data = bytearray(b"\n".join(lines))
    return bytes(data)


def _alarm(signum: int, frame: object) -> None:
    raise TimeoutError


def run(inputs: int, seed: int = 1, timeout: float = 5.0, findings_dir: str | None = None,
        memory_limit_mib: int = 1024, log: Callable[[str], None] = print) -> list[str]:
    """Fuzz ``inputs`` inputs spread over all targets; return the findings' descriptions."""
    from memmapcalc.errors import InputError

    rng = random.Random(seed)
    all_targets = targets()
    findings: list[str] = []
    slowest = 0.0
    previous = signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    try:
        for index in range(inputs):
            target = all_targets[index % len(all_targets)]
            raw = mutate(rng, rng.choice(target.seeds), target.seeds)
            t0 = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                target.call(raw)
            except InputError:
                pass
            except TimeoutError:
                findings.append(_record(findings_dir, target.name, index, raw, "hang"))
            except target.refusals:
                pass
            except Exception:  # every other exception is a finding
                findings.append(_record(findings_dir, target.name, index, raw,
                                        traceback.format_exc(limit=4)))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            slowest = max(slowest, time.perf_counter() - t0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    if peak_mib > memory_limit_mib:
        findings.append(f"peak memory {peak_mib} MiB > {memory_limit_mib} MiB")
    elapsed = time.perf_counter() - started
    log(f"fuzzed {inputs} inputs over {len(all_targets)} targets "
        f"({', '.join(t.name for t in all_targets)}) in {elapsed:.1f} s; slowest input "
        f"{slowest * 1000:.1f} ms; peak RSS {peak_mib} MiB; findings: {len(findings)}")
    return findings


# --------------------------------------------------------------------------- consistency


def random_config(rng: random.Random, index: int) -> bytes:
    """A machine of any architecture whose shape often repeats another's up to a default
    written out or left out (pageblock_size, freed_before_init, auto_online …): what an
    evaluation cache keyed on the wrong thing confuses."""
    arch = rng.choice(["s390x", "x86_64", "arm64", "ppc64le"])
    online = rng.choice([256, 512, 1024, 2048, 4096, 8192, 16384]) + rng.choice([0, 0, 8, 100])
    lines = [f"name: m{index}", f"arch: {arch}", "memory:", f"  online: {online}M"]
    kernel = [f"  memmap_on_memory: {rng.choice(['off', 'on', 'force'])}"]
    if arch in ("s390x", "ppc64le"):
        lines.append(f"  standby: {rng.choice([0, 1, 16, 256, 1024])}G")
    elif rng.random() < 0.8:
        dimms = [f"{rng.choice([1, 4, 24])}G" for _ in range(rng.randint(1, 3))]
        lines.append(f"  dimms: [{', '.join(dimms)}]")
        if rng.random() < 0.5:
            kernel.append(f"  auto_online: {rng.choice(['offline', 'online'])}")
    if arch == "arm64" and rng.random() < 0.5:
        kernel.append(f"  page_size: {rng.choice(['4K', '16K', '64K'])}")
    if rng.random() < 0.7:
        kernel.append(f"  version: \"{rng.choice(['5.14', '6.1', '6.8', '6.9', '6.19'])}\"")
    if rng.random() < 0.4:
        kernel.append(f"  pageblock_size: {rng.choice(['1M', '2M', '4M'])}")
    if rng.random() < 0.3:
        kernel.append(f"  footprint: {rng.choice([150, 200])}M")
        if rng.random() < 0.5:
            kernel.append("  freed_before_init: 8M")
    return "\n".join([*lines, "kernel:", *kernel, ""]).encode()


#: Kernel keys written out at a value that is (on some architecture) their default.
DEFAULTS_WRITTEN = (b"  pageblock_size: 1M\n", b"  pageblock_size: 2M\n", b"  thp: true\n",
                    b"  struct_page_size: 64\n", b"  memmap_on_memory: off\n",
                    b"  auto_online: offline\n", b"  freed_before_init: 8M\n")


def twin(rng: random.Random, raw: bytes, index: int) -> bytes:
    """``raw`` renamed, with one kernel key written out at a default-like value (a repeated
    key or a key the architecture refuses is an input error, and must be one alike)."""
    renamed = raw.replace(b"name: m", f"name: t{index}-m".encode(), 1)
    return renamed + rng.choice(DEFAULTS_WRITTEN) if renamed.endswith(b"\n") else renamed


def consistency(inputs: int, seed: int = 1, batch: int = 16,
                log: Callable[[str], None] = print) -> list[str]:
    """Check ``inputs`` configs each alone (a fresh checker) and in shuffled batches (one
    checker, its evaluation cache shared), as ``check`` does with ``-j 1``; every result
    must be identical.  Inputs are random machines and mutations of the example configs
    (errors must match too)."""
    import tempfile

    from memmapcalc.api.batch import Checker

    rng = random.Random(seed)
    seeds = _seeds([(ROOT / "configs", (".yaml",))])
    findings: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="memmapcalc-consistency-") as tmp:
        for first in range(0, inputs, batch):
            paths = []
            for index in range(first, min(inputs, first + batch)):
                draw = rng.random()
                raw = (twin(rng, Path(rng.choice(paths)).read_bytes(), index)
                       if paths and draw < 0.4 else random_config(rng, index) if draw < 0.85
                       else mutate(rng, rng.choice(seeds), seeds))
                path = os.path.join(tmp, f"c{index}.yaml")
                Path(path).write_bytes(raw)
                paths.append(path)
            alone = {path: Checker((), False).files([path]) for path in paths}
            order = paths[:]
            rng.shuffle(order)
            together: dict[str, list[object]] = {}
            for result in Checker((), False).files(order):
                together.setdefault(result["path"], []).append(result)
            findings.extend(f"consistency: {Path(path).name} alone and in a batch differ:\n"
                            f"{Path(path).read_text(errors='replace')}"
                            for path in paths if together.get(path, []) != alone[path])
    elapsed = time.perf_counter() - started
    log(f"checked {inputs} configs alone and in shuffled batches of {batch} in {elapsed:.1f} s; "
        f"mismatches: {len(findings)}")
    return findings


def _record(directory: str | None, target: str, index: int, raw: bytes, what: str) -> str:
    description = f"{target} input #{index}: {what.strip().splitlines()[-1]}"
    if directory:
        os.makedirs(directory, exist_ok=True)
        Path(directory, f"{target}-{index}.bin").write_bytes(raw)
        Path(directory, f"{target}-{index}.txt").write_text(what)
    return description


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per input")
    parser.add_argument("--findings", help="directory for failing inputs")
    parser.add_argument("--consistency", type=int, metavar="N",
                        help="instead: check N configs alone and in shuffled batches "
                             "(same results expected)")
    args = parser.parse_args(argv)
    findings = (consistency(args.consistency, args.seed) if args.consistency else
                run(args.inputs, args.seed, args.timeout, args.findings))
    for finding in findings[:50]:
        print("finding:", finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
