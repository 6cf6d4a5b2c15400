"""Fast start: ``--help``, ``--version`` and completion import neither pydantic, yaml nor
rich; ``check`` imports rich only for the text format.  Deterministic (``sys.modules``
after the real entry point ran in a fresh interpreter), no timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("pydantic", "yaml", "rich")


def _imported_after(*runs: list[str], env: dict[str, str] | None = None) -> dict[str, bool]:
    """Run ``main(args)`` for each argument list in one fresh interpreter; report which
    heavy packages ended up imported."""
    script = (
        "import contextlib, io, json, sys\n"
        "from memmapcalc.cli import main\n"
        f"for args in {runs!r}:\n"
        "    with contextlib.redirect_stdout(io.StringIO()), "
        "contextlib.redirect_stderr(io.StringIO()):\n"
        "        try:\n"
        "            main(args)\n"
        "        except SystemExit:\n"
        "            pass\n"
        f"print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))\n"
    )
    full_env = {**os.environ, **(env or {})}
    full_env.pop("MEMMAPCALC_FORMAT", None)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=120, check=True)
    result: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_help_version_and_completion_import_nothing_heavy() -> None:
    imported = _imported_after(["--help"], ["--version"], ["check", "--help"],
                               ["completion", "bash"], ["schema", "--help"])
    assert imported == {"pydantic": False, "yaml": False, "rich": False}


def test_tab_completion_imports_nothing_heavy() -> None:
    imported = _imported_after([], env={"_MEMMAPCALC_COMPLETE": "bash_complete",
                                        "COMP_WORDS": "memmapcalc check -f ", "COMP_CWORD": "3"})
    assert imported == {"pydantic": False, "yaml": False, "rich": False}


def test_machine_formats_do_not_import_rich() -> None:
    config = "configs/zvm-lnx01-6.8.yaml"
    imported = _imported_after(*(["check", config, "-f", fmt]
                                 for fmt in ("json", "jsonl", "junit", "github", "sarif")),
                               ["check", "-", "--stdin-filename", "x.json", "-f", "json"])
    assert imported == {"pydantic": True, "yaml": True, "rich": False}


def test_text_imports_rich() -> None:  # the control: the probe does see an import
    assert _imported_after(["check", "configs/zvm-lnx01-6.8.yaml"])["rich"] is True
