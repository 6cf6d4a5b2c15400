"""Exit status when the streams around memmapcalc fail: a reader that leaves (141, quietly,
for every command), a closed or broken stderr (no change), a full disk on stdout (2, one
line), stdout closed outright (2, one line).  Real processes: the point is what the
interpreter and click do with real file descriptors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.gate.gate_helpers import PASSING

LSMEM = ("RANGE                                  SIZE  STATE REMOVABLE BLOCK\n"
         "0x0000000000000000-0x00000000ffffffff    4G online       yes  0-15\n\n"
         "Memory block size:       256M\nTotal online memory:       4G\n")

#: Every command (and the help and version of the group and of a command).
COMMANDS = {
    "check": ["check", "{config}"],
    "check-json": ["check", "-f", "json", "{config}"],
    "plan": ["plan", "{config}"],
    "frontier": ["frontier", "-c", "{config}", "--online", "4G..8G"],
    "import": ["import", "lsmem", "{lsmem}"],
    "probe": ["probe", "--sysroot", "{sysroot}"],
    "schema": ["schema"],
    "completion": ["completion", "bash"],
    "help": ["--help"],
    "version": ["--version"],
    "check-help": ["check", "--help"],
    "import-help": ["import", "lsmem", "--help"],
}


def _env() -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MEMMAPCALC_FORMAT", None)
    return env


def _args(tmp_path: Path, name: str) -> list[str]:
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    lsmem = tmp_path / "lsmem.txt"
    lsmem.write_text(LSMEM)
    memory = tmp_path / "root" / "sys" / "devices" / "system" / "memory"
    (memory / "memory0").mkdir(parents=True, exist_ok=True)
    (memory / "block_size_bytes").write_text("10000000\n")
    (memory / "memory0" / "state").write_text("online\n")
    return [a.format(config=config, lsmem=lsmem, sysroot=tmp_path / "root")
            for a in COMMANDS[name]]


def _run_into_closed_pipe(args: list[str]) -> tuple[int, bytes]:
    """Run with stdout a pipe whose reader is gone before anything is written: the first
    write fails with EPIPE, every time (no race with a reader)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        process = subprocess.Popen([sys.executable, "-m", "memmapcalc", *args], stdout=writer,
                                   stderr=subprocess.PIPE, cwd=ROOT, env=_env())
    finally:
        os.close(writer)
    _, errors = process.communicate(timeout=120)
    return process.returncode, errors


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_closed_stdout_is_141_and_quiet_for_every_command(tmp_path: Path, name: str) -> None:
    code, errors = _run_into_closed_pipe(_args(tmp_path, name))
    assert code == 141, errors
    # Nothing about the pipe on stderr (probe's and import's own notes may be there).
    assert b"Traceback" not in errors and b"Broken pipe" not in errors
    assert b"internal error" not in errors and b"Exception ignored" not in errors


def _big_fleet(tmp_path: Path) -> Path:
    machines = "".join(f"  - {{name: m{i}, memory: {{online: {4 + i % 8}G, standby: 64G}}}}\n"
                       for i in range(400))
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("defaults: {kernel: {version: '6.8'}}\nmachines:\n" + machines)
    return fleet


@pytest.mark.parametrize("fmt", ["json", "jsonl", "junit", "text"])
def test_reader_leaving_after_one_line_is_noticed(tmp_path: Path, fmt: str) -> None:
    """``check big -f json | head -1``: the report is far larger than a pipe holds, so the
    reader leaves in the middle of it.  One large write used to lose the rest silently
    (exit 0); memmapcalc writes in pieces and sees the EPIPE: 141."""
    process = subprocess.Popen([sys.executable, "-m", "memmapcalc", "check", "-f", fmt,
                                str(_big_fleet(tmp_path))], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT, env=_env())
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    code = process.wait(timeout=120)
    errors = process.stderr.read()
    process.stderr.close()
    assert first
    assert code == 141 and b"Traceback" not in errors and b"Exception ignored" not in errors


def _shell(command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=ROOT,
                          env=_env(), timeout=120)


def test_closed_stderr_does_not_change_a_passing_check(tmp_path: Path) -> None:
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    for fmt in ("text", "json"):
        ran = _shell(f"exec {sys.executable} -m memmapcalc check -f {fmt} {config} 2>&-")
        assert ran.returncode == 0, ran.stderr
        assert "PASS" in ran.stdout or '"verdict": "pass"' in ran.stdout


def test_broken_stderr_pipe_does_not_change_a_passing_check(tmp_path: Path) -> None:
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    reader, writer = os.pipe()
    os.close(reader)
    try:  # text writes its summary to stderr: that write fails with EPIPE
        ran = subprocess.run([sys.executable, "-m", "memmapcalc", "check", str(config)],
                             stdout=subprocess.PIPE, stderr=writer, cwd=ROOT, env=_env(),
                             timeout=120)
    finally:
        os.close(writer)
    assert ran.returncode == 0 and b"PASS" in ran.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("name", ["check", "check-json", "plan", "frontier", "import",
                                  "schema", "completion"])
def test_full_disk_on_stdout_is_one_clear_line_and_exit_2(tmp_path: Path, name: str) -> None:
    args = " ".join(_args(tmp_path, name))
    ran = _shell(f"exec {sys.executable} -m memmapcalc {args} > /dev/full")
    assert ran.returncode == 2
    lines = [line for line in ran.stderr.splitlines() if not line.startswith(
        ("memmapcalc: note:", "memmapcalc: warning:"))]
    assert lines == ["memmapcalc: error: cannot write the report to stdout: "
                     "No space left on device"]


def test_stdout_closed_outright_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    ran = _shell(f"exec {sys.executable} -m memmapcalc check -f json {config} >&-")
    assert ran.returncode == 2
    assert ran.stderr == ("memmapcalc: error: cannot write the report to stdout: standard "
                          "output is closed\n")


def test_check_qq_with_closed_stdout_still_gives_the_verdict(tmp_path: Path) -> None:
    """-qq writes nothing to stdout, so a closed stdout does not matter."""
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    ran = _shell(f"exec {sys.executable} -m memmapcalc check -qq {config} >&-")
    assert ran.returncode == 0 and ran.stderr == ""


def test_json_to_a_pipe_read_to_the_end_is_complete(tmp_path: Path) -> None:
    """The control: with a reader that stays, the pieces add up to the whole report."""
    ran = subprocess.run([sys.executable, "-m", "memmapcalc", "check", "-f", "json",
                          str(_big_fleet(tmp_path))], capture_output=True, cwd=ROOT, env=_env(),
                         timeout=120)
    assert ran.returncode in (0, 1)
    assert len(json.loads(ran.stdout)["results"]) == 400
