"""Shared helpers: build machines from short mappings, run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from memmapcalc.config.load import machine_from_mapping
from memmapcalc.config.model import Machine

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"


def machine(online: str | int = "4G", standby: str | int = 0, version: str | None = None,
            **sections: dict[str, Any]) -> Machine:
    """A validated machine; ``sections`` add keys per section (``kernel={...}``)."""
    data: dict[str, Any] = {"memory": {"online": online, "standby": standby}}
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    if version is not None:
        data.setdefault("kernel", {})["version"] = version
    return machine_from_mapping(data, "test.yaml", "test")


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m memmapcalc ARGS`` in a subprocess: the real entry point."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("MEMMAPCALC_FORMAT", None) if "MEMMAPCALC_FORMAT" not in (env or {}) else None
    return subprocess.run([sys.executable, "-m", "memmapcalc", *args], input=stdin,
                          capture_output=True, text=True, env=full_env, cwd=cwd or ROOT,
                          timeout=120)


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a file below tmp_path and return its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


class Ran:
    """What an in-process CLI run produced (same fields as subprocess.CompletedProcess)."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``memmapcalc.cli.main(args)`` in this process (fast; same code as the console
    script).  Use :func:`run_cli` where a real process matters (start-up, stdin, signals)."""
    from memmapcalc.cli import main

    def _run(*args: str) -> Ran:
        monkeypatch.setenv("NO_COLOR", "1")
        monkeypatch.delenv("MEMMAPCALC_FORMAT", raising=False)
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return _run
