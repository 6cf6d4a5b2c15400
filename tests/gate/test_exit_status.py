"""Every exit status of ``check`` through the real entry point: 0, 1, 2, 130, 141.

2 always wins: an unreadable config is never hidden behind a verdict, and
``--exit-zero`` turns 1 into 0 but never 2 into 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.gate.gate_helpers import BROKEN, FAILING, PASSING, WARNING, Gate, write_configs


@pytest.fixture
def fleet_dir(tmp_path: Path) -> Path:
    return write_configs(tmp_path, {"pass.yaml": PASSING, "warn.yaml": WARNING,
                                    "fail.yaml": FAILING})


def test_pass_and_warn_exit_0(gate: Gate, tmp_path: Path) -> None:
    write_configs(tmp_path, {"a.yaml": PASSING, "b.yaml": WARNING})
    run = gate("check", str(tmp_path))
    assert run.code == 0
    assert run.err == "2 machines: 1 pass, 1 warn, 0 fail, 0 error\n"


def test_fail_exit_1_and_exit_zero(gate: Gate, fleet_dir: Path) -> None:
    assert gate("check", str(fleet_dir)).code == 1
    assert gate("check", str(fleet_dir), "--exit-zero").code == 0


def test_fail_on_warn_makes_a_warning_fail_the_gate(gate: Gate, tmp_path: Path) -> None:
    write_configs(tmp_path, {"warn.yaml": WARNING})
    assert gate("check", str(tmp_path)).code == 0
    assert gate("check", str(tmp_path), "--fail-on", "warn").code == 1
    assert gate("check", str(tmp_path), "--fail-on", "warn", "--exit-zero").code == 0


def test_input_error_exit_2_wins_and_the_rest_is_still_checked(gate: Gate, fleet_dir: Path) -> None:
    write_configs(fleet_dir, {"zz-broken.yaml": BROKEN})
    run = gate("check", str(fleet_dir), "-f", "json", "--exit-zero")
    assert run.code == 2
    verdicts = {r["name"]: r["verdict"] for r in json.loads(run.out)["results"]}
    # an unreadable file's machine is named after the file
    assert verdicts == {"lnx01": "fail", "small": "pass", "lnx04": "warn", "zz-broken": "error"}
    # the report carries the error, and stderr names it for the person reading the CI log
    assert run.err.startswith("memmapcalc: error: ") and "zz-broken.yaml: memory.online" in run.err
    assert "'4GB' uses the decimal unit" in run.err and run.err.count("\n") == 1


@pytest.mark.parametrize("args", [
    ("check",),                                   # no input
    ("check", "--format", "xml", "configs"),      # unknown format
    ("check", "--no-such-option", "configs"),     # unknown option
    ("check", "-", "-"),                          # stdin twice
    ("check", "configs", "--stdin-filename", "x.yaml"),  # names stdin that is not read
    ("check", "configs", "--set", "kernel.versio=6.19"),  # unknown --set key
    ("check", "configs", "--set", "kernel.version=banana"),  # bad --set value
    ("nosuchcommand",),
])
def test_usage_errors_exit_2(gate: Gate, args: tuple[str, ...]) -> None:
    run = gate(*args, stdin="")
    assert run.code == 2 and run.out == ""
    assert run.err.strip() and "Traceback" not in run.err


def test_missing_file_and_empty_directory_are_input_errors(gate: Gate, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = gate("check", str(tmp_path / "nope.yaml"), str(tmp_path / "empty"), "-f", "jsonl")
    assert run.code == 2
    errors = [json.loads(line)["error"] for line in run.out.splitlines()]
    assert errors == [f"{tmp_path / 'nope.yaml'}: no such file or directory",
                      f"{tmp_path / 'empty'}: no config files (.yaml, .yml, .toml, .json) in "
                      f"this directory"]


def test_bad_output_path_exit_2(gate: Gate, tmp_path: Path) -> None:
    run = gate("check", "configs", "-o", str(tmp_path / "no" / "such" / "dir" / "r.json"))
    assert run.code == 2 and "cannot write" in run.err


def test_internal_error_in_the_model_is_exit_2_and_spares_the_others(
        gate: Gate, fleet_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import memmapcalc.model.evaluate as evaluate_module

    real = evaluate_module.evaluate

    def flaky(machine):  # type: ignore[no-untyped-def]
        if machine.name == "lnx04":
            raise ZeroDivisionError("boom")
        return real(machine)

    monkeypatch.setattr(evaluate_module, "evaluate", flaky)
    run = gate("check", str(fleet_dir), "-f", "jsonl")
    assert run.code == 2
    results = [json.loads(line) for line in run.out.splitlines()]
    assert [r["verdict"] for r in results] == ["fail", "pass", "error"]
    assert "internal error while evaluating lnx04: ZeroDivisionError: boom" in results[2]["error"]


def test_ctrl_c_is_130_and_leaves_no_partial_report(
        gate: Gate, fleet_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import memmapcalc.api.contract as contract

    real = contract.result_dict
    seen: list[str] = []

    def interrupted(loaded, evaluation, explain=False):  # type: ignore[no-untyped-def]
        seen.append(loaded.name)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real(loaded, evaluation, explain)

    monkeypatch.setattr(contract, "result_dict", interrupted)
    report = fleet_dir / "report.json"
    report.write_text("previous report\n")
    run = gate("check", str(fleet_dir), "-f", "jsonl", "-o", str(report))
    assert run.code == 130 and run.err.strip() == "memmapcalc: interrupted"
    assert report.read_text() == "previous report\n"  # atomic: the old report is intact
    assert [p.name for p in fleet_dir.iterdir() if p.name.startswith(".memmapcalc-")] == []


def test_closed_pipe_is_141_and_quiet(tmp_path: Path) -> None:
    """``check ... | head -1``: the reader goes away; memmapcalc stops quietly with 141."""
    machines = "".join(f"  - {{name: m{i}, memory: {{online: {4 + i % 8}G, standby: 64G}}}}\n"
                       for i in range(400))
    (tmp_path / "fleet.yaml").write_text("defaults: {kernel: {version: '6.8'}}\nmachines:\n"
                                         + machines)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MEMMAPCALC_FORMAT", None)
    process = subprocess.Popen([sys.executable, "-m", "memmapcalc", "check", "-f", "jsonl",
                                str(tmp_path / "fleet.yaml")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT, env=env)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()  # 400 lines of ~700 bytes cannot fit the pipe
    process.stdout.close()
    code = process.wait(timeout=60)
    errors = process.stderr.read()
    process.stderr.close()
    assert json.loads(first)["name"] == "m0"
    assert code == 141 and errors == b""


def test_many_files_in_worker_processes_keep_order_and_statuses(gate: Gate, tmp_path: Path) -> None:
    """From 64 files on, a run spreads files over worker processes; nothing else changes."""
    from memmapcalc.api.batch import PARALLEL_FROM

    texts = [PASSING, WARNING, FAILING]
    files = {f"d{i % 3}/m{i:03d}.yaml": texts[i % 3].replace("name: ", f"name: n{i}-")
             for i in range(PARALLEL_FROM + 16)}
    files["d1/zz-broken.yaml"] = BROKEN
    write_configs(tmp_path, files)
    one = gate("check", str(tmp_path), "-", "-f", "jsonl", "-j", "1", stdin=PASSING)
    two = gate("check", str(tmp_path), "-", "-f", "jsonl", "-j", "2", stdin=PASSING)
    assert (one.code, one.err) == (two.code, two.err) == (2, one.err)
    assert one.out == two.out
    names = [json.loads(line)["name"] for line in two.out.splitlines()]
    assert len(names) == PARALLEL_FROM + 18 and names[-1] == "small"  # stdin last, as given
    assert names.index("zz-broken") == names.index("n79-lnx04") + 1
