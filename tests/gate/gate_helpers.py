"""Helpers for the CI-gate tests: run the real entry point in this process, write configs.

``main([...])`` is what the console script and ``python -m memmapcalc`` call; running it
in-process keeps these tests fast.  Tests that need a fresh interpreter (imports,
broken pipe) use a subprocess instead.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from memmapcalc.cli import main

PASSING = 'name: small\nmemory:\n  online: 4G\n  standby: 4G\nkernel:\n  version: "6.8"\n'
FAILING = ('name: lnx01\nmemory:\n  online: 4G\n  standby: 252G\n  increment: 8M\n'
           'kernel:\n  version: "6.8"\n')
WARNING = ('name: lnx04\nmemory:\n  online: 5306M\n  standby: 252G\nkernel:\n  version: "6.8"\n'
           'boot:\n  userspace: 1G\n')
BROKEN = "name: broken\nmemory:\n  online: 4GB\n"


@dataclass
class Run:
    code: int
    out: str
    err: str


class Gate:
    """Run ``memmapcalc ARGS`` in-process with captured output and optional stdin."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        for name in ("NO_COLOR", "FORCE_COLOR", "MEMMAPCALC_FORMAT", "MEMMAPCALC_DEBUG"):
            monkeypatch.delenv(name, raising=False)

    def __call__(self, *args: str, stdin: str | bytes | None = None) -> Run:
        if stdin is not None:
            raw = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
            self.monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        self.capsys.readouterr()
        code = main(list(args))
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)


@pytest.fixture
def gate(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(capsys, monkeypatch)


def write_configs(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``root`` and return ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
