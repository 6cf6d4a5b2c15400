"""``-o PATH`` writes what is at PATH the right way (memmapcalc.atomic.open_output): a
regular file is replaced in one step, a hard-linked one written in place, a symlink is
followed, a device or FIFO is written as a stream, a directory (or a block device, or a
socket) is an error.  Nothing that is not a report of ours is ever turned into one."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.gate.gate_helpers import PASSING, Gate

LSMEM = ("RANGE                                  SIZE  STATE REMOVABLE BLOCK\n"
         "0x0000000000000000-0x00000000ffffffff    4G online       yes  0-15\n\n"
         "Memory block size:       256M\nTotal online memory:       4G\n"
         "Total offline memory:      0B\n")

#: Every command with -o, and what makes it write something (its arguments before -o).
COMMANDS = {
    "check": ["check", "-f", "json", "{config}"],
    "plan": ["plan", "{config}"],
    "frontier": ["frontier", "-c", "{config}", "--online", "4G..8G"],
    "schema": ["schema"],
    "import": ["import", "lsmem", "{lsmem}"],
}


def _args(tmp_path: Path, command: str) -> list[str]:
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    lsmem = tmp_path / "lsmem.txt"
    lsmem.write_text(LSMEM)
    return [a.format(config=config, lsmem=lsmem) for a in COMMANDS[command]]


def _temporaries(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".memmapcalc-")]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_regular_file_is_replaced_atomically_keeping_its_mode(
        gate: Gate, tmp_path: Path, command: str) -> None:
    target = tmp_path / "out"
    target.write_text("previous\n")
    target.chmod(0o640)
    before = target.stat().st_ino
    run = gate(*_args(tmp_path, command), "-o", str(target))
    assert run.code == 0, run.err
    assert target.read_text() != "previous\n" and target.stat().st_ino != before
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_symlink_is_followed_not_replaced(gate: Gate, tmp_path: Path, command: str) -> None:
    real = tmp_path / "reports" / "real.out"
    real.parent.mkdir()
    real.write_text("previous\n")
    link = tmp_path / "link.out"
    link.symlink_to(real)
    run = gate(*_args(tmp_path, command), "-o", str(link))
    assert run.code == 0, run.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() != "previous\n"
    assert _temporaries(tmp_path) == [] and _temporaries(real.parent) == []


def test_dangling_symlink_creates_its_target(gate: Gate, tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("made.json")
    run = gate("schema", "-o", str(link))
    assert run.code == 0
    assert link.is_symlink() and json.loads((tmp_path / "made.json").read_text())["$schema"]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_hard_link_is_written_in_place_and_both_names_see_it(
        gate: Gate, tmp_path: Path, command: str) -> None:
    first = tmp_path / "first.out"
    first.write_text("previous report, longer than nothing at all\n" * 50)
    second = tmp_path / "second.out"
    os.link(first, second)
    inode = first.stat().st_ino
    run = gate(*_args(tmp_path, command), "-o", str(first))
    assert run.code == 0, run.err
    assert first.stat().st_ino == inode == second.stat().st_ino and first.stat().st_nlink == 2
    assert second.read_text() == first.read_text() and "previous" not in first.read_text()
    assert _temporaries(tmp_path) == []


def test_hard_link_keeps_its_old_content_when_the_run_fails(
        gate: Gate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import memmapcalc.api.contract as contract

    first = tmp_path / "first.json"
    first.write_text("previous\n")
    os.link(first, tmp_path / "second.json")

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(contract, "result_dict", interrupted)
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    run = gate("check", "-f", "json", "-o", str(first), str(config))
    assert run.code == 130
    assert first.read_text() == "previous\n" and _temporaries(tmp_path) == []


@pytest.mark.parametrize("command", ["check", "schema", "import"])
def test_directory_is_an_error(gate: Gate, tmp_path: Path, command: str) -> None:
    directory = tmp_path / "reports"
    directory.mkdir()
    run = gate(*_args(tmp_path, command), "-o", str(directory))
    assert run.code == 2
    last = run.err.strip().splitlines()[-1]  # (click's usage errors have a header)
    assert "is a directory" in last and str(directory) in last
    assert list(directory.iterdir()) == [] and _temporaries(tmp_path) == []


def test_open_output_refuses_a_directory_a_socket_and_a_block_device(tmp_path: Path) -> None:
    from memmapcalc.atomic import destination
    from memmapcalc.errors import OutputError

    with pytest.raises(OutputError, match=r"it is a directory; -o takes a regular file"):
        destination(str(tmp_path))
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        with pytest.raises(OutputError, match=r"it is a socket"):
            destination(str(tmp_path / "sock"))
    finally:
        server.close()
    if os.geteuid() == 0:  # a block device node that is no device (0:0): never opened
        os.mknod(tmp_path / "disk", 0o600 | stat.S_IFBLK, os.makedev(0, 0))
        with pytest.raises(OutputError, match=r"it is a block device"):
            destination(str(tmp_path / "disk"))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_fifo_is_written_as_a_stream(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    ran = run_cli(*_args(tmp_path, command), "-o", str(fifo))
    reader.join(timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert received and received[0], "nothing reached the FIFO's reader"
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and _temporaries(tmp_path) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="a character device copy needs root (mknod)")
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_copy_of_dev_null_stays_a_device(gate: Gate, tmp_path: Path, command: str) -> None:
    """As root in a CI container, `-o /dev/null` must never turn /dev/null into a file;
    tested on a copy of the device node, never on /dev/null itself."""
    null = tmp_path / "null"
    original = os.stat("/dev/null")
    os.mknod(null, 0o666 | stat.S_IFCHR, original.st_rdev)
    run = gate(*_args(tmp_path, command), "-o", str(null))
    assert run.code == 0, run.err
    info = null.lstat()
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == original.st_rdev
    assert _temporaries(tmp_path) == []


@pytest.mark.parametrize("link", ["/proc/self/fd/1", "/dev/fd/1", None])
def test_dev_stdout_is_written_through(tmp_path: Path, link: str | None) -> None:
    """Whatever fd 1 is, a pipe or a regular file, the report is written through it.

    Never through the real /dev/stdout: a writer that replaced the link with a file (what
    memmapcalc once did) would break /dev/stdout for the whole container, as root.  A link
    in tmp_path made like /dev/stdout (to /proc/self/fd/1) or /dev/fd/1 stands in for it;
    /proc/self/fd/1 itself (None) cannot be replaced by anything."""
    name = "/proc/self/fd/1"
    if link is not None:
        name = str(tmp_path / "stdout")
        os.symlink(link, name)
    piped = subprocess.run([sys.executable, "-m", "memmapcalc", "schema", "-o", name],
                           capture_output=True, cwd=ROOT, timeout=60)
    assert piped.returncode == 0 and json.loads(piped.stdout)["$schema"]
    into = tmp_path / "stdout.txt"
    with into.open("wb") as stream:
        ran = subprocess.run([sys.executable, "-m", "memmapcalc", "schema", "-o", name],
                             stdout=stream, stderr=subprocess.PIPE, cwd=ROOT, timeout=60)
    assert ran.returncode == 0 and into.read_bytes() == piped.stdout
    if link is not None:
        assert os.readlink(name) == link  # still the link
    assert _temporaries(tmp_path) == []


def test_destination_swapped_for_a_fifo_mid_run_is_not_replaced(
        gate: Gate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked again just before the rename: a FIFO (or device) put at PATH while the report
    was produced is left alone."""
    import memmapcalc.api.contract as contract

    target = tmp_path / "report.json"
    target.write_text("previous\n")
    real = contract.result_dict

    def swap(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not stat.S_ISFIFO(target.lstat().st_mode):
            target.unlink()
            os.mkfifo(target)
        return real(*args, **kwargs)

    monkeypatch.setattr(contract, "result_dict", swap)
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    run = gate("check", "-f", "json", "-o", str(target), str(config))
    assert run.code == 2
    assert run.err == (f"memmapcalc: error: cannot write {target}: {target} became a FIFO "
                       f"(named pipe) while the report was produced; nothing was written\n")
    assert stat.S_ISFIFO(target.lstat().st_mode) and _temporaries(tmp_path) == []
