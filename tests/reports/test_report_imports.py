"""Jinja2 is imported for ``-f html`` only; ``-f markdown`` needs neither rich nor Jinja2.
Deterministic: ``sys.modules`` after the real entry point ran in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def imported(*args: str) -> dict[str, bool]:
    script = (
        "import contextlib, io, json, sys\n"
        "from memmapcalc.cli import main\n"
        "out, err = io.StringIO(), io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        f"    main({list(args)!r})\n"
        "print(json.dumps({name: name in sys.modules for name in ('rich', 'jinja2')}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=True)
    result: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(("args", "expected"), [
    (("check", "configs", "-f", "markdown"), {"rich": False, "jinja2": False}),
    (("plan", "configs/zvm-lnx01-6.8.yaml", "-f", "markdown"), {"rich": False, "jinja2": False}),
    (("check", "configs", "-f", "json"), {"rich": False, "jinja2": False}),
    (("check", "configs", "-f", "html"), {"rich": False, "jinja2": True}),
])
def test_report_formats_import_only_what_they_use(args: tuple[str, ...],
                                                  expected: dict[str, bool]) -> None:
    assert imported(*args) == expected
