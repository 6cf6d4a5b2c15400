"""Every example of memmapcalc output in README.md and docs/*.md is real output (issue 14):
scripts/readme_examples.py --check runs each marked command and compares its block."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "readme_examples.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)


def test_readme_and_docs_examples_are_the_real_output() -> None:
    ran = _run("--check")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "examples match the output" in ran.stdout


def test_the_examples_cover_check_plan_frontier_json_and_the_bar() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    specs = [line for line in text.splitlines() if line.startswith("<!-- memmapcalc-example:")]
    for command in ("memmapcalc check --config", "memmapcalc check --format json",
                    "memmapcalc plan", "memmapcalc frontier", "--color always"):
        assert any(command in spec for spec in specs), command


def test_a_drifted_example_is_found_and_rewritten(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import readme_examples
    finally:
        sys.path.remove(str(SCRIPT.parent))
    doc = tmp_path / "README.md"
    (tmp_path / "docs").mkdir()
    doc.write_text("intro\n<!-- memmapcalc-example: memmapcalc check --config "
                   "configs/zvm-lnx01-6.8.yaml | lines 1 -->\n```\nstale\n```\nend\n",
                   encoding="utf-8")
    monkeypatch.setattr(readme_examples, "documents", lambda: [doc])
    monkeypatch.setattr(readme_examples, "ROOT", ROOT)
    monkeypatch.setattr(readme_examples.Example, "where", property(lambda self: "doc"))
    assert readme_examples.main(["--check"]) == 1
    assert "stale" in doc.read_text(encoding="utf-8")
    assert readme_examples.main(["--write"]) == 0
    assert doc.read_text(encoding="utf-8") == (
        "intro\n<!-- memmapcalc-example: memmapcalc check --config configs/zvm-lnx01-6.8.yaml"
        " | lines 1 -->\n```\nFAIL   lnx01  configs/zvm-lnx01-6.8.yaml\n```\nend\n")
    assert readme_examples.main(["--check"]) == 0


def test_a_bad_marker_is_an_error_naming_its_line(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import readme_examples
    finally:
        sys.path.remove(str(SCRIPT.parent))
    doc = tmp_path / "README.md"
    doc.write_text("<!-- memmapcalc-example: memmapcalc check --config "
                   "configs/zvm-lnx01-6.8.yaml | sort -->\n```\nx\n```\n", encoding="utf-8")
    monkeypatch.setattr(readme_examples, "documents", lambda: [doc])
    monkeypatch.setattr(readme_examples.Example, "where", property(lambda self: "doc:1"))
    assert readme_examples.main(["--check"]) == 2
