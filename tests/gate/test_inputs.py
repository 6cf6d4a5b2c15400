"""Inputs: files, directories (recursive, by extension, stable order, no link loops), stdin
with ``--stdin-filename``, fleets with ``defaults``, all mixed in one run."""

from __future__ import annotations

import json
import os
from pathlib import Path

from memmapcalc.config.sources import find_configs
from tests.gate.gate_helpers import BROKEN, FAILING, PASSING, WARNING, Gate, write_configs

TOML_PASSING = ('name = "tommy"\n[memory]\nonline = "4G"\nstandby = "4G"\n'
                '[kernel]\nversion = "6.8"\n')


def _results(run_out: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in run_out.splitlines()]


def test_directory_walk_order_extensions_hidden_and_link_loops(tmp_path: Path) -> None:
    root = write_configs(tmp_path / "repo", {
        "b.yaml": PASSING, "a.toml": TOML_PASSING, "c.json": "{}", "d.YML": PASSING,
        "notes.txt": "not a config", "README.md": "# no",
        "sub/z.yaml": PASSING, "sub/deeper/y.yaml": PASSING, "asub/x.yml": PASSING,
        ".github/workflows/ci.yml": "on: push\n", ".hidden.yaml": PASSING,
    })
    os.symlink(root, root / "sub" / "loop")          # a loop back to the top
    os.symlink(root / "asub", root / "again")        # a second way into asub
    found = [os.path.relpath(str(p), root) for p in find_configs(str(root))]
    assert found == ["a.toml", "b.yaml", "c.json", "d.YML", "asub/x.yml", "sub/z.yaml",
                     "sub/deeper/y.yaml"]


def test_unreadable_directory_is_reported_not_skipped(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "m.yaml").write_text(PASSING)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # running as root: permissions do not apply
            return
        items = list(find_configs(str(tmp_path)))
        assert len(items) == 1 and "cannot read directory" in str(items[0])
    finally:
        locked.chmod(0o755)


def test_stdin_is_yaml_by_default_and_named(gate: Gate) -> None:
    run = gate("check", "-", "-f", "jsonl", stdin=FAILING)
    assert run.code == 1
    [result] = _results(run.out)
    assert (result["name"], result["path"], result["verdict"]) == ("lnx01", "<stdin>", "fail")


def test_stdin_filename_names_and_picks_the_format(gate: Gate) -> None:
    run = gate("check", "-", "--stdin-filename", "lpars/tommy.toml", "-f", "jsonl",
               stdin=TOML_PASSING)
    assert run.code == 0
    [result] = _results(run.out)
    assert (result["name"], result["path"]) == ("tommy", "lpars/tommy.toml")
    # an error names the given file and line, as for a file on disk
    bad = gate("check", "-", "--stdin-filename", "lpars/x.toml", "-f", "jsonl",
               stdin="[memory\nonline = 1\n")
    assert bad.code == 2
    assert _results(bad.out)[0]["error"].startswith("lpars/x.toml: line 1, column 8: invalid TOML")


def test_stdin_filename_alone_reads_stdin_and_json_reads_as_yaml(gate: Gate) -> None:
    document = json.dumps({"name": "j", "memory": {"online": "4G"}})
    run = gate("check", "--stdin-filename", "guest", "-f", "jsonl", stdin=document)
    assert run.code == 0 and _results(run.out)[0]["path"] == "guest"


def test_files_directories_and_stdin_in_one_run_keep_their_order(gate: Gate,
                                                                  tmp_path: Path) -> None:
    write_configs(tmp_path, {"dir/b.yaml": WARNING, "dir/a.yaml": PASSING, "one.yaml": FAILING})
    run = gate("check", str(tmp_path / "one.yaml"), "-", str(tmp_path / "dir"), "-f", "jsonl",
               stdin=PASSING.replace("small", "from-stdin"))
    assert run.code == 1
    assert [r["name"] for r in _results(run.out)] == ["lnx01", "from-stdin", "small", "lnx04"]


FLEET = """\
defaults:
  kernel: {version: "6.8", memmap_on_memory: off}
  memory: {standby: 252G, increment: 8M}
machines:
  - name: plain                    # inherits all: 4G online, 252G standby, 6.8 -> fails
    memory: {online: 4G}
  - name: with-mom                 # overrides one kernel key, keeps the version -> 6.8 has none
    memory: {online: 4G}
    kernel: {memmap_on_memory: on}
  - name: newer                    # its own version wins -> IPLs, warns (after IPL)
    memory: {online: 4G}
    kernel: {version: "6.19"}
  - memory: {online: 4G, standby: 0}   # no name: file stem and index
  - name: broken
    memory: {online: 4GB}
"""


def test_fleet_defaults_merge_and_names(gate: Gate, tmp_path: Path) -> None:
    write_configs(tmp_path, {"zoo.yaml": FLEET})
    run = gate("check", str(tmp_path / "zoo.yaml"), "-f", "jsonl")
    assert run.code == 2  # one machine is invalid; every other one is still checked
    results = {r["name"]: r for r in _results(run.out)}
    assert list(results) == ["plain", "with-mom", "newer", "zoo[3]", "broken"]
    assert all(r["path"] == str(tmp_path / "zoo.yaml") for r in results.values())
    assert results["plain"]["verdict"] == "fail" and results["plain"]["standby"] == 252 << 30
    assert results["with-mom"]["kernel"]["version"] == "6.8"
    assert results["newer"]["kernel"]["version"] == "6.19" and results["newer"]["verdict"] == "warn"
    assert results["newer"]["after_ipl"]["usable_blocks"] < results["newer"]["standby_blocks"]
    assert results["zoo[3]"]["standby"] == 0 and results["zoo[3]"]["verdict"] == "pass"
    assert results["broken"]["verdict"] == "error"
    assert "machines.4.memory.online (line 15, column 22)" in results["broken"]["error"]


def test_broken_fleet_file_is_one_error(gate: Gate, tmp_path: Path) -> None:
    write_configs(tmp_path, {"f.yaml": "machines: []\n", "g.yaml": BROKEN})
    run = gate("check", str(tmp_path), "-f", "jsonl")
    assert run.code == 2
    assert [r["verdict"] for r in _results(run.out)] == ["error", "error"]
