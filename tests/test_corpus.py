"""The bad-input corpus: every case exits 2 with a one-line message naming the file and
the field or position, and every other file of the same run is still checked."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus" / "config"
EXPECTED: dict[str, list[str]] = json.loads((CORPUS / "EXPECTED.json").read_text())
GOOD = "memory:\n  online: 4G\n  standby: 4G\nkernel:\n  version: \"6.8\"\n"


def test_corpus_is_large_and_complete() -> None:
    files = {p.name for p in CORPUS.iterdir()} - {"EXPECTED.json", "README.md"}
    assert files == set(EXPECTED)
    assert len(EXPECTED) >= 60


def _errors(document: dict) -> list[dict]:  # type: ignore[type-arg]
    return [r for r in document["results"] if r["verdict"] == "error"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_case(name: str, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    case = tmp_path / name
    shutil.copyfile(CORPUS / name, case)
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    ran = cli("check", "-f", "json", str(case), str(good))
    assert ran.returncode == 2, ran.stdout
    document = json.loads(ran.stdout)
    errors = _errors(document)
    assert errors, document
    for error in errors:
        message = error["error"]
        # One short line of ours after the path (pytest's tmp_path length is not ours).
        assert message.startswith(f"{case}: ") and "\n" not in message
        assert len(message.removeprefix(f"{case}: ")) < 400, message
        assert error["ipl"] is None
    joined = " ".join(e["error"] for e in errors)
    for fragment in EXPECTED[name]:
        assert fragment in joined, (fragment, joined)
    assert "Traceback" not in ran.stdout + ran.stderr
    others = [r for r in document["results"] if r["path"] == str(good)]
    assert [r["verdict"] for r in others] == ["pass"]


def test_fleet_with_one_broken_machine_reports_the_others(cli) -> None:  # type: ignore[no-untyped-def]
    ran = cli("check", "-f", "json", str(CORPUS / "fleet-broken-machine.yaml"))
    verdicts = {r["name"]: r["verdict"] for r in json.loads(ran.stdout)["results"]}
    assert verdicts == {"good1": "pass", "bad": "error", "good2": "pass"}
    assert ran.returncode == 2


def test_text_format_reports_corpus_cleanly(cli) -> None:  # type: ignore[no-untyped-def]
    ran = cli("check", str(CORPUS))
    assert ran.returncode == 2
    assert ran.stdout.count("ERROR") >= len(EXPECTED)
    assert "Traceback" not in ran.stdout + ran.stderr


def test_directory_symlink_loop(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "fleet" / "sub").mkdir(parents=True)
    (tmp_path / "fleet" / "sub" / "m.yaml").write_text(GOOD)
    os.symlink(tmp_path / "fleet", tmp_path / "fleet" / "sub" / "loop")
    ran = cli("check", "-f", "json", str(tmp_path / "fleet"))
    assert ran.returncode == 0
    assert [r["name"] for r in json.loads(ran.stdout)["results"]] == ["m"]


def test_unreadable_file(tmp_path: Path, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    locked = tmp_path / "locked.yaml"
    locked.write_text(GOOD)
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    real_open = open

    def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    if os.geteuid() == 0:  # root reads mode-000 files, so simulate the refusal
        monkeypatch.setattr("builtins.open", refuse)
    else:
        locked.chmod(0)
    ran = cli("check", "-f", "json", str(locked), str(good))
    assert ran.returncode == 2
    errors = _errors(json.loads(ran.stdout))
    assert len(errors) == 1 and "Permission denied" in errors[0]["error"]
    assert errors[0]["error"].startswith(str(locked))


def test_oversized_file(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    huge = tmp_path / "huge.yaml"
    with huge.open("w") as stream:
        stream.write(GOOD)
        stream.write(("# " + "x" * 1022 + "\n") * (17 * 1024))
    ran = cli("check", "-f", "json", str(huge))
    assert ran.returncode == 2
    assert "larger than any sane config" in _errors(json.loads(ran.stdout))[0]["error"]


def test_directory_given_as_a_config_file_name(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    odd = tmp_path / "odd.yaml"
    odd.mkdir()
    (odd / "inner.yaml").write_text(GOOD)
    ran = cli("check", "-f", "json", str(odd))
    assert ran.returncode == 0  # a directory is walked, whatever its name
