"""Importer inputs from the bad-input corpus: exit 2, one line naming file and line."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus" / "importers"
EXPECTED: dict[str, dict[str, object]] = json.loads((CORPUS / "EXPECTED.json").read_text())


def test_corpus_is_complete() -> None:
    assert {p.name for p in CORPUS.iterdir()} - {"EXPECTED.json", "README.md"} == set(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_importer_refuses_cleanly(name: str, cli) -> None:  # type: ignore[no-untyped-def]
    case = EXPECTED[name]
    path = CORPUS / name
    args = [str(arg) for arg in case.get("args", [])]  # type: ignore[attr-defined]
    ran = cli("import", str(case["command"]), str(path), *args)
    assert ran.returncode == 2
    assert ran.stdout == ""
    lines = [line for line in ran.stderr.splitlines() if line.startswith("memmapcalc: error:")]
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith(f"memmapcalc: error: {path}: ")
    for fragment in case["fragments"]:  # type: ignore[attr-defined]
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in ran.stderr
