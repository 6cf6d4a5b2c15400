"""Helpers for the importer tests: fixture data, sysroots, the real CLI entry point."""

from __future__ import annotations

import io
import re
import shutil
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
LSMEM = DATA / "lsmem"
LSCPU = DATA / "lscpu-s390"
ZVM = DATA / "zvm"

MiB = 1 << 20
#: The util-linux s390 z/VM dump: 24 blocks of 256 MiB, 19 online, 5 offline.
ZVM6G = {"block_size": 256 * MiB, "online": 19 * 256 * MiB, "standby": 5 * 256 * MiB}


def lsmem_runs(path: Path) -> list[tuple[str, str]]:
    """(``$ lsmem …`` command line, its output) for each run in an expected-output file."""
    runs = []
    for part in re.split(r"^---$", path.read_text(encoding="utf-8"), flags=re.MULTILINE):
        part = part.strip("\n")
        if part.startswith("$ lsmem"):
            command, _, output = part.partition("\n")
            runs.append((command.strip(), output + "\n"))
    return runs


ALL_RUNS = [(f"{path.name}: {command}", output)
            for path in (LSMEM / "lsmem-s390-zvm-6g",
                         LSMEM / "generated-lsmem-2.38.1-s390-zvm-6g.txt")
            for command, output in lsmem_runs(path)]


def unpack(archive: Path, into: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")


@pytest.fixture
def zvm6g_root(tmp_path: Path) -> Path:
    """The util-linux s390-zvm-6g sysfs dump unpacked: ``<tmp>/s390-zvm-6g/sys/...``."""
    unpack(LSMEM / "s390-zvm-6g.tar.bz2", tmp_path)
    return tmp_path / "s390-zvm-6g"


def add_cpuinfo(root: Path, dump: str, tmp_path: Path) -> None:
    """Copy ``proc/cpuinfo`` of an lscpu dump (``s390-zvm``, …) into ``root``."""
    scratch = tmp_path / f"lscpu-{dump}"
    unpack(LSCPU / f"{dump}.tar.gz", scratch)
    (root / "proc").mkdir(parents=True, exist_ok=True)
    shutil.copy(scratch / dump / "proc" / "cpuinfo", root / "proc" / "cpuinfo")


@dataclass
class Run:
    code: int
    out: str
    err: str


Invoke = Callable[..., Run]


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run ``memmapcalc ARGS`` through ``memmapcalc.cli.main`` (optionally with stdin)."""
    from memmapcalc.cli import main

    def run(*args: str, stdin: str | bytes | None = None) -> Run:
        capsys.readouterr()
        if stdin is not None:
            data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def load_config(text: str, fmt: str = "yaml",
                source: str = "imported") -> list:  # type: ignore[type-arg]
    """Validate an importer's output with the real config loader; return the machines."""
    from memmapcalc.config.load import load_bytes

    loaded = load_bytes(text.encode("utf-8"), f"{source}.{fmt}", fmt)
    errors = [item.error for item in loaded if item.error is not None]
    assert not errors, errors
    return [item.machine for item in loaded]
