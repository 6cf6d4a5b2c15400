"""Output safety: the same bytes whatever the locale and terminal width; -o is atomic;
Ctrl-C and a closed pipe end cleanly (exit 130 / 141, no traceback)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

ENVIRONMENTS = [
    {"LC_ALL": "C", "COLUMNS": "80"},
    {"LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "LC_NUMERIC": "fr_FR.UTF-8",
     "COLUMNS": "37", "LINES": "10", "TERM": "dumb"},
]

@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif", "jsonl"])
def test_same_output_whatever_locale_and_width(fmt: str) -> None:
    # JUnit's required timestamp comes from SOURCE_DATE_EPOCH when set (reproducible reports)
    outputs = {run_cli("check", "-f", fmt, "--exit-zero", "configs/",
                       env={**env, "SOURCE_DATE_EPOCH": "1764028800"}).stdout
               for env in ENVIRONMENTS}
    assert len(outputs) == 1
    assert "\x1b[" not in outputs.pop()  # no colour codes when not on a terminal


def test_output_file_is_never_partial(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report\n")
    # an unreadable destination directory entry: the old report survives a failed run
    blocked = run_cli("check", "-f", "json", "-o", str(tmp_path / "missing" / "r.json"),
                      "configs/zvm-lnx01-6.19.yaml")
    assert blocked.returncode == 2 and "cannot write" in blocked.stderr
    ok = run_cli("check", "-f", "json", "-o", str(target), "configs/zvm-lnx01-6.19.yaml")
    assert ok.returncode == 0 and target.read_text().startswith("{")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left behind


def test_ctrl_c_ends_with_130_and_keeps_the_old_report(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    for f in range(20):  # 20 fleet files of 250 different machines: several seconds of work
        machines = "".join(f"  - name: m{f}-{i}\n    memory: {{online: {2048 + f * 250 + i}M, "
                           f"standby: {64 + i}G}}\n" for i in range(250))
        (fleet / f"f{f:02d}.yaml").write_text(
            f"defaults:\n  kernel: {{version: \"6.8\"}}\nmachines:\n{machines}")
    target = tmp_path / "report.json"
    target.write_text("previous report\n")
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "memmapcalc", "check", "-j", "1", "-f",
                                "json", "-o", str(target), str(fleet)], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err
    assert target.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fleet", "report.json"]


def test_closed_pipe_ends_quietly() -> None:
    command = (f"{sys.executable} -m memmapcalc check configs/ configs/ configs/ configs/ "
               f"| head -n 1")
    ran = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=ROOT, text=True,
                         capture_output=True, env={**os.environ, "NO_COLOR": "1"}, timeout=120)
    assert ran.returncode == 141
    assert ran.stdout.count("\n") == 1 and ran.stderr == ""


def test_output_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    from memmapcalc.atomic import write_atomically

    fresh = tmp_path / "fresh.json"
    old_umask = os.umask(0o022)
    try:
        write_atomically(str(fresh), "{}\n")
    finally:
        os.umask(old_umask)
    assert fresh.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600
    kept = tmp_path / "kept.json"
    kept.write_text("old\n")
    kept.chmod(0o640)
    write_atomically(str(kept), "new\n")
    assert kept.read_text() == "new\n" and kept.stat().st_mode & 0o777 == 0o640
