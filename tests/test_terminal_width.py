"""Text on a terminal follows its width (issue 14, item 7): through the real entry point on
a pseudo-terminal of 40, 60, 80 and 120 columns, no line of check, check --explain, plan or
frontier is wider than the terminal, and nothing is lost (every character of the report a
pipe gets is still there, in order, only wrapped).  Files and pipes stay byte-stable."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys

import pytest
from rich.cells import cell_len

from tests.conftest import ROOT, run_cli

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
RUNS = {
    "check": ("check", "configs/zvm-lnx01-6.8.yaml"),
    "check-x86": ("check", "configs/x86_64-debian12-calibrated.yaml"),
    "check-notes": ("check", "configs/rhel-backport.yaml"),
    "explain": ("check", "--explain", "configs/zvm-lnx01-6.19.yaml"),
    "plan": ("plan", "configs/zvm-lnx01-6.19.yaml"),
    # (the LPAR: its frontier has a line over 100 columns to wrap, or not, for a file)
    "frontier": ("frontier", "--config", "configs/lpar-2g-increments.yaml", "--online", "2G..8G",
                 "--step", "2G"),
}


def on_terminal(args: tuple[str, ...], columns: int, **env: str) -> tuple[int, str]:
    """Exit status and everything written to a pseudo-terminal ``columns`` wide (stdout
    and stderr, as a terminal shows them: the summary too)."""
    import struct

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environ = {key: value for key, value in os.environ.items()
               if key not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM")}
    process = subprocess.Popen([sys.executable, "-m", "memmapcalc", *args], cwd=ROOT,
                               stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                               env={**environ, "TERM": "xterm", **env})
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 1 << 16)
        except OSError:  # the child closed its end (Linux: EIO)
            break
        if not data:
            break
        chunks.append(data)
    process.communicate(timeout=60)
    os.close(master)
    return process.returncode, b"".join(chunks).decode().replace("\r\n", "\n")


#: Bars and charts are drawn to fit: their length is not text to keep.
_BARS = re.compile("[█▏▎▍▌▋▊▉▶▓▒░·▕]")


def _squeezed(text: str) -> str:
    return _BARS.sub("", "".join(_ANSI.sub("", text).split()))


def _outside_tables(text: str) -> list[str]:
    """The piped report's stretches that are not a table (rows of two-space-separated
    columns), whitespace removed: each must survive wrapping unchanged."""
    parts, current = [], []
    for line in text.splitlines():
        lead = len(line) - len(line.lstrip())
        if lead > 12 or (re.search(r"\S  +\S", line.strip()) and "fix:" not in line
                         and "note:" not in line):  # a table row, or a heading above one
            parts.append("".join(current))
            current = []
        else:
            current.append(_BARS.sub("", "".join(line.split())))
    return [part for part in [*parts, "".join(current)] if part]


@pytest.mark.parametrize("name", sorted(RUNS))
@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_no_line_is_wider_than_the_terminal_and_nothing_is_lost(name: str,
                                                                 columns: int) -> None:
    args = RUNS[name]
    piped = run_cli(*args, env={"NO_COLOR": "1"})
    for env in ({"NO_COLOR": "1"}, {}):  # plain, and coloured with the budget bar
        code, shown = on_terminal(args, columns, **env)
        assert code == piped.returncode
        lines = _ANSI.sub("", shown).splitlines()
        too_wide = [line for line in lines if cell_len(line) > columns]
        assert not too_wide, (columns, too_wide)
        squeezed = _squeezed(shown)
        for part in _outside_tables(piped.stdout):
            assert part in squeezed, (columns, part)


def test_the_budget_table_keeps_every_number_it_has_room_for() -> None:
    piped = run_cli("check", "configs/zvm-lnx01-6.8.yaml", env={"NO_COLOR": "1"}).stdout
    margin = next(line for line in piped.splitlines() if line.strip().startswith("margin"))
    assert margin.split()[1:] == ["-445940224", "-425.29", "MiB", "-10.4", "%"]
    wide = on_terminal(("check", "configs/zvm-lnx01-6.8.yaml"), 120, NO_COLOR="1")[1]
    assert margin in wide.splitlines()  # room enough: the table as a file gets it
    _, sixty = on_terminal(("check", "configs/zvm-lnx01-6.8.yaml"), 60, NO_COLOR="1")
    rows = sixty.splitlines()
    assert "       charged to online memory at IPL" in rows  # the heading on its own line
    margin60 = next(line for line in rows if line.strip().startswith("margin"))
    assert margin60.split()[1:] == ["-445940224", "-425.29", "MiB"]  # no room for the share
    _, forty = on_terminal(("check", "configs/zvm-lnx01-6.8.yaml"), 40, NO_COLOR="1")
    rows = forty.splitlines()
    below = rows[rows.index("       margin") + 1]  # stacked: the numbers below the label
    assert below.split() == ["-445940224", "-425.29", "MiB", "-10.4", "%"]


def test_fix_and_note_lines_continue_under_their_text() -> None:
    _, shown = on_terminal(("check", "configs/rhel-backport.yaml"), 60, NO_COLOR="1")
    lines = shown.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("       note: "))
    assert lines[first + 1].startswith(" " * 13) and lines[first + 1][13] != " "
    assert not any(re.search(r"[0-9]$", line) and lines[i + 1].lstrip().startswith(("MiB", "GiB"))
                   for i, line in enumerate(lines[:-1]))  # never "16" / "GiB"


@pytest.mark.parametrize("args", [RUNS["check"], RUNS["plan"], RUNS["frontier"],
                                  RUNS["explain"]])
def test_files_and_pipes_are_the_same_whatever_columns(args: tuple[str, ...]) -> None:
    outputs = {run_cli(*args, env={"COLUMNS": columns, "NO_COLOR": "1"}).stdout
               for columns in ("40", "80", "300")}
    assert len(outputs) == 1
    longest = max(cell_len(line) for line in outputs.pop().splitlines())
    assert longest > 100  # one line per fact: not wrapped for a file or pipe


def test_columns_wins_over_the_terminal_size() -> None:
    _, shown = on_terminal(RUNS["check"], 120, NO_COLOR="1", COLUMNS="50")
    assert max(cell_len(line) for line in shown.splitlines()) <= 50
