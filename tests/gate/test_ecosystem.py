"""``memmapcalc schema`` and its committed copy, ``.pre-commit-hooks.yaml``, ``completion``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from memmapcalc.commands.schema import config_schema, schema_text
from tests.conftest import CONFIGS, ROOT
from tests.gate.gate_helpers import Gate

COMMITTED = ROOT / "memmapcalc.schema.json"


def test_committed_schema_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "memmapcalc.schema.json is stale: the config model changed. Regenerate it with "
        "`memmapcalc schema -o memmapcalc.schema.json` and commit it.")


def test_schema_command_prints_it_and_writes_it(gate: Gate, tmp_path: Path) -> None:
    run = gate("schema")
    assert run.code == 0 and run.out == schema_text()
    assert gate("schema", "-o", str(tmp_path / "s.json")).code == 0
    assert (tmp_path / "s.json").read_text() == schema_text()


def test_schema_accepts_every_shipped_config_and_fleets_and_refuses_bad_ones() -> None:
    import jsonschema

    schema = config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(CONFIGS.glob("*.yaml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == [], path.name
    fleet = {"$schema": "memmapcalc.schema.json",
             "defaults": {"kernel": {"version": "6.8", "memmap_on_memory": "Y"}},
             "machines": [{"memory": {"online": "4 GiB"}},
                          {"name": "b", "memory": {"online": 4294967296, "standby": "1_024M"}}]}
    assert validator.is_valid(fleet)
    for bad in ({"memory": {"online": "16GB"}}, {"memory": {"online": "4096"}},
                {"memory": {"online": -1}}, {"memory": {"online": "4G"}, "colour": "red"},
                {"memory": {"online": "4G"}, "kernel": {"memmap_on_memory": "maybe"}},
                {"machines": []}, {"kernel": {"version": "6.8"}}):
        assert not validator.is_valid(bad), bad


def test_pre_commit_hook_definition() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "memmapcalc" and hook["language"] == "python"
    assert hook["entry"] == "memmapcalc check"
    assert set(hook["types_or"]) == {"yaml", "json", "toml"}
    assert hook["minimum_pre_commit_version"] >= "2.9.0"  # types_or needs 2.9.0
    import re

    files = re.compile(hook["files"])
    assert files.search("configs/lpar01.yaml") and files.search("site/configs/a/b.toml")
    assert not files.search(".github/workflows/ci.yml")


def test_completion_scripts(gate: Gate) -> None:
    for shell, marker in (("bash", "_MEMMAPCALC_COMPLETE=bash_complete"),
                          ("zsh", "_MEMMAPCALC_COMPLETE=zsh_complete"),
                          ("fish", "_MEMMAPCALC_COMPLETE=fish_complete")):
        run = gate("completion", shell)
        assert run.code == 0 and marker in run.out
    assert gate("completion", "powershell").code == 2


def test_tab_completion_through_the_console_script() -> None:
    # pip installs the console script next to the interpreter (README set-up, .ci/run)
    script = shutil.which("memmapcalc", path=os.path.dirname(sys.executable))
    assert script is not None, "memmapcalc console script not installed next to python"
    env = {**os.environ, "_MEMMAPCALC_COMPLETE": "bash_complete",
           "COMP_WORDS": "memmapcalc check --fo", "COMP_CWORD": "2"}
    done = subprocess.run([script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and done.stdout.splitlines() == ["plain,--format"]
    env["COMP_WORDS"], env["COMP_CWORD"] = "memmapcalc check --fail-on ", "3"
    done = subprocess.run([script], capture_output=True, text=True, env=env, timeout=60)
    assert done.stdout.splitlines() == ["plain,fail", "plain,warn"]
