"""SIGTERM, SIGHUP and SIGINT in the middle of a run: the temporary file of ``-o`` is
removed, the old report is left whole, and the exit status is 128 + the signal's number
(143, 129, 130).  No timing: the signal is sent once the run has created its temporary
file (polled in a bounded loop), while the work is still far from done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.gate.gate_helpers import PASSING, Gate


def _fleet(root: Path) -> Path:
    fleet = root / "fleet"
    fleet.mkdir()
    # 80 files (enough for worker processes) of 150 different machines: seconds of work
    for f in range(80):
        machines = "".join(f"  - name: m{f}-{i}\n    memory: {{online: {2048 + f * 150 + i}M, "
                           f"standby: {64 + i}G}}\n" for i in range(150))
        (fleet / f"f{f:02d}.yaml").write_text(
            f"defaults:\n  kernel: {{version: \"6.8\"}}\nmachines:\n{machines}")
    return fleet


def _temporaries(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir()
            if p.name.startswith(".memmapcalc-") and p.name.endswith(".tmp")]


@pytest.mark.parametrize(("signo", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                             (signal.SIGINT, 130)])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_signal_removes_the_temporary_file_and_exits_128_plus_signo(
        tmp_path: Path, signo: int, code: int, jobs: str) -> None:
    fleet = _fleet(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.json"
    target.write_text("previous report\n")
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "memmapcalc", "check", "-j", jobs,
                                "-f", "json", "-o", str(target), str(fleet)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        for _ in range(6000):  # until the run has started writing (bounded, not timed)
            if _temporaries(out) or process.poll() is not None:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert _temporaries(out), "no temporary file appeared"
        process.send_signal(signo)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, (stdout, stderr)
    assert "Traceback" not in stderr
    assert _temporaries(out) == [] and target.read_text() == "previous report\n"


def test_terminated_in_process_removes_temporaries(gate: Gate, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The same unwinding without a process: the signal handler's exception mid-run."""
    import memmapcalc.api.contract as contract
    from memmapcalc.interrupts import Terminated

    def terminated(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Terminated(signal.SIGTERM)

    monkeypatch.setattr(contract, "result_dict", terminated)
    config = tmp_path / "m.yaml"
    config.write_text(PASSING)
    target = tmp_path / "report.json"
    run = gate("check", "-f", "json", "-o", str(target), str(config))
    assert run.code == 143 and run.err == "memmapcalc: terminated by SIGTERM\n"
    assert not target.exists() and _temporaries(tmp_path) == []


def test_main_puts_the_signal_handlers_back(gate: Gate) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    assert gate("--version").code == 0
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


def test_a_signal_swallowed_by_a_callback_prints_nothing(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """The flaky "Exception ignored in <_ModuleLock cb>" traceback: a signal's exception
    raised where Python cannot propagate it goes to sys.unraisablehook.  Once the signal is
    recorded, that print is dropped; any other unraisable exception is still printed."""
    import gc

    from memmapcalc.cli import _quiet_swallowed_signals
    from memmapcalc.interrupts import Terminated

    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    seen: list[int] = []
    _quiet_swallowed_signals(seen, Terminated)

    class Raises:
        def __init__(self, error: BaseException) -> None:
            self.error = error

        def __del__(self) -> None:
            raise self.error

    seen.append(signal.SIGHUP)
    Raises(Terminated(signal.SIGHUP))
    Raises(KeyboardInterrupt())
    gc.collect()
    assert capsys.readouterr().err == ""
    Raises(ValueError("not a signal"))
    gc.collect()
    assert "ValueError: not a signal" in capsys.readouterr().err
