"""Every input is opened one way (memmapcalc.inputfile.read_file): special files are refused
without blocking, regular files are read with a bound and refused with their real size, an
unreadable file is that file's own error entry, and closed stdin is an input error.  Each
case is checked alongside a good config that must still be reported, in every format.

These inputs cannot live in tests/corpus/ (a FIFO, a socket or a 202 MB file cannot be
committed), so they are built here at test time.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.gate.gate_helpers import PASSING, Gate

FORMATS = ("text", "json", "jsonl", "junit", "github", "sarif")
FIFO_MESSAGE = ("is a FIFO (named pipe), not a regular file; memmapcalc reads configs from "
                "regular files (or '-' for standard input)")


def _results(out: str) -> list[dict]:  # type: ignore[type-arg]
    return list(json.loads(out)["results"])


def _good(tmp_path: Path) -> Path:
    good = tmp_path / "good.yaml"
    good.write_text(PASSING)
    return good


def _assert_reported(out: str, fmt: str, bad: Path, fragment: str, good: Path) -> None:
    """``bad`` is an error carrying ``fragment`` and ``good`` still passes, in ``fmt``."""
    assert str(bad) in out and fragment in out, out
    if fmt == "json":
        verdicts = {r["path"]: r["verdict"] for r in _results(out)}
        assert verdicts == {str(bad): "error", str(good): "pass"}
    elif fmt == "jsonl":
        verdicts = {r["path"]: r["verdict"] for r in map(json.loads, out.splitlines())}
        assert verdicts == {str(bad): "error", str(good): "pass"}
    elif fmt in ("text", "junit"):  # they list every machine
        assert str(good) in out
    else:  # github and sarif list problems only: the good config is not one
        assert str(good) not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_fifo_named_as_a_config_is_refused_at_once(tmp_path: Path, fmt: str) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # nobody ever writes to it: a blocking open would wait forever
    good = _good(tmp_path)
    ran = run_cli("check", "-f", fmt, str(fifo), str(good))  # (a subprocess: a hang times out)
    assert ran.returncode == 2
    _assert_reported(ran.stdout, fmt, fifo, FIFO_MESSAGE, good)


def test_fifo_found_walking_a_directory_is_reported_and_the_rest_checked(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet"
    fleet.mkdir()
    os.mkfifo(fleet / "a-pipe.yaml")
    (fleet / "b.yaml").write_text(PASSING)
    ran = run_cli("check", "-f", "json", str(fleet))
    assert ran.returncode == 2
    results = _results(ran.stdout)
    assert [(r["name"], r["verdict"]) for r in results] == [("a-pipe", "error"), ("small", "pass")]
    assert results[0]["error"] == f"{fleet / 'a-pipe.yaml'}: {FIFO_MESSAGE}"


def test_character_device_and_socket_are_refused(gate: Gate, tmp_path: Path) -> None:
    device = tmp_path / "null.yaml"
    device.symlink_to("/dev/null")  # opened through the link, it is the device
    sock_path = tmp_path / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        good = _good(tmp_path)
        run = gate("check", "-f", "json", str(device), str(sock_path), str(good))
    finally:
        server.close()
    assert run.code == 2
    errors = {r["path"]: r["error"] for r in _results(run.out) if r["verdict"] == "error"}
    assert errors == {
        str(device): f"{device}: is a character device, not a regular file; memmapcalc reads "
                     f"configs from regular files (or '-' for standard input)",
        str(sock_path): f"{sock_path}: is a socket, not a regular file; memmapcalc reads "
                        f"configs from regular files (or '-' for standard input)"}


def test_oversized_file_is_refused_with_its_real_size_before_reading(
        gate: Gate, tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as stream:  # sparse: 202 MiB on paper, nothing on disk
        stream.truncate(202 * 1024 * 1024)
    run = gate("check", "-f", "json", str(huge), str(_good(tmp_path)))
    assert run.code == 2
    error = _results(run.out)[0]["error"]
    assert error == (f"{huge}: file is 211812352 bytes, larger than any sane config "
                     f"(limit 16777216 bytes)")


def test_file_one_byte_over_the_limit_and_one_at_it(gate: Gate, tmp_path: Path) -> None:
    from memmapcalc.inputfile import read_file

    at_limit = tmp_path / "at.yaml"
    at_limit.write_bytes(b"#" * 100)
    assert read_file(str(at_limit), 100) == b"#" * 100
    from memmapcalc.errors import InputError

    with pytest.raises(InputError, match=r"file is 101 bytes, larger than any sane config "
                                         r"\(limit 100 bytes\)"):
        at_limit.write_bytes(b"#" * 101)
        read_file(str(at_limit), 100)


def test_file_of_unknown_size_is_cut_at_the_limit(tmp_path: Path) -> None:
    """/proc files report size 0; one that is really larger is refused as 'more than'."""
    from memmapcalc.errors import InputError
    from memmapcalc.inputfile import read_file

    assert read_file("/proc/self/status", 1 << 20).startswith(b"Name:")
    with pytest.raises(InputError, match=r"is more than 10 bytes"):
        read_file("/proc/self/status", 10)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unreadable_file_named_on_the_command_line_is_its_own_error(
        gate: Gate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """It used to end the whole run as a usage error (click.Path's readable check)."""
    locked = tmp_path / "locked.yaml"
    locked.write_text(PASSING)
    good = _good(tmp_path)
    if os.geteuid() == 0:  # root reads mode-000 files: refuse the way a user is refused
        real_open, real_access = open, os.access

        def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr("builtins.open", refuse)
        monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
            str(path) != str(locked) and real_access(path, mode, **kw)))
    else:
        locked.chmod(0)
    run = gate("check", "-f", fmt, str(locked), str(good))
    assert run.code == 2
    _assert_reported(run.out, fmt, locked, "cannot read: Permission denied", good)
    assert "Usage:" not in run.err


@pytest.mark.parametrize("command", [["check", "-", "-f", "json"],
                                     ["import", "lsmem", "-"], ["import", "zvm"],
                                     ["frontier", "-c", "-", "--online", "4G..8G"]])
def test_closed_stdin_is_an_input_error_of_stdin(command: list[str]) -> None:
    script = f"exec {sys.executable} -m memmapcalc {' '.join(command)} <&-"
    ran = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert ran.returncode == 2, ran
    message = "<stdin>: standard input is closed; name a file, or give '-' with the input piped in"
    assert message in ran.stdout + ran.stderr
    assert "internal error" not in ran.stderr and "Traceback" not in ran.stderr
    if command[0] == "check":
        assert [r["verdict"] for r in _results(ran.stdout)] == ["error"]


def test_importers_refuse_a_fifo_and_report_a_huge_file_honestly(tmp_path: Path) -> None:
    fifo = tmp_path / "lsmem.txt"
    os.mkfifo(fifo)
    ran = run_cli("import", "lsmem", str(fifo))
    assert ran.returncode == 2 and ran.stdout == ""
    assert ran.stderr == (f"memmapcalc: error: {fifo}: is a FIFO (named pipe), not a regular "
                          f"file; memmapcalc imports from regular files (or '-' for standard "
                          f"input)\n")
    huge = tmp_path / "user.direct"
    with huge.open("wb") as stream:
        stream.truncate(17 * 1024 * 1024)
    ran = run_cli("import", "zvm", str(huge))
    assert ran.returncode == 2
    assert f"{huge}: file is 17825792 bytes, larger than any sane import input" in ran.stderr


def test_probe_sysroot_with_a_fifo_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "proc").mkdir()
    os.mkfifo(tmp_path / "proc" / "cpuinfo")
    memory = tmp_path / "sys" / "devices" / "system" / "memory"
    (memory / "memory0").mkdir(parents=True)
    (memory / "block_size_bytes").write_text("10000000\n")
    (memory / "memory0" / "state").write_text("online\n")
    os.mkfifo(memory / "memory0" / "phys_device")
    ran = run_cli("probe", "--sysroot", str(tmp_path))
    assert ran.returncode in (0, 2), ran
    assert "proc/cpuinfo: is a FIFO (named pipe), not a regular file" in ran.stderr
    assert "memory0/phys_device: is a FIFO (named pipe)" in ran.stderr
    assert "Traceback" not in ran.stderr
