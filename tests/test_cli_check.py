"""``memmapcalc check`` through the real entry point: stdout, stderr, exit status."""

from __future__ import annotations

import json

import pytest

from memmapcalc import __version__
from tests.conftest import CONFIGS, run_cli

GOOD = "memory:\n  online: 4G\n  standby: 4G\nkernel:\n  version: \"6.8\"\n"
FAILING = "memory:\n  online: 4G\n  standby: 252G\nkernel:\n  version: \"6.8\"\n"


def test_version_and_help() -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"memmapcalc, version {__version__}"
    helped = run_cli("--help")
    assert helped.returncode == 0 and "check" in helped.stdout and helped.stderr == ""


def test_shipped_configs_text(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "configs/")
    assert result.returncode == 1  # some examples are meant to fail
    assert "FAIL   lnx01" in result.stdout and "PASS   lnx01-6.9" in result.stdout
    assert result.stderr.strip().endswith("error") and "machines:" in result.stderr
    assert cli("check", "configs/", "--exit-zero").returncode == 0


def test_shipped_configs_json_contract(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "--format", "json", "configs/")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    names = {r["name"]: r for r in document["results"]}
    lnx01 = names["lnx01"]
    assert lnx01["path"] == "configs/zvm-lnx01-6.8.yaml"
    assert (lnx01["verdict"], lnx01["ipl"], lnx01["error"]) == ("fail", False, None)
    assert lnx01["kernel"] == {"version": "6.8", "standby": "boot-add", "assumed": False,
                               "release": "6.8", "distribution": None, "base": "6.8",
                               "backports": []}
    assert lnx01["block_size"] == 256 << 20 and lnx01["standby_blocks"] == 1008
    assert lnx01["memmap_per_block"] == 4 << 20 and lnx01["memmap_on_memory"] is False
    assert lnx01["charged_at_ipl"]["standby_memmap"] == 1008 * (4 << 20)
    assert sum(lnx01["charged_at_ipl"].values()) == lnx01["required"]
    assert lnx01["margin"] == lnx01["online"] - lnx01["required"]
    assert names["lnx01-6.9"]["memmap_on_memory"] is True
    assert names["lnx01-6.19"]["kernel"]["standby"] == "deferred"
    assert result.stderr == ""


def test_config_option_is_repeatable(write, cli) -> None:  # type: ignore[no-untyped-def]
    a, b = write("a.yaml", GOOD), write("b.yaml", FAILING)
    result = cli("check", "--config", str(a), "--config", str(b), "-f", "json")
    assert result.returncode == 1
    assert [r["name"] for r in json.loads(result.stdout)["results"]] == ["a", "b"]


def test_exit_zero_when_all_pass(write, cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("check", str(write("ok.yaml", GOOD))).returncode == 0


@pytest.mark.parametrize(("name", "text", "fragments"), [
    ("type.yaml", "memory:\n  online: [1]\n", ["memory.online", "line 2", "expected a size"]),
    ("negative.yaml", "memory:\n  online: -1G\n", ["memory.online", "negative"]),
    ("decimal.yaml", "memory:\n  online: 16GB\n", ["memory.online", "decimal unit", "G or GiB"]),
    ("unknown.yaml", "memory:\n  online: 4G\n  stanby: 1G\n", ["memory.stanby", "unknown key",
                                                               "standby"]),
    ("empty.yaml", "", ["empty"]),
    ("comments.yaml", "# nothing\n", ["empty"]),
    ("syntax.yaml", "memory: [\n", ["invalid YAML", "line"]),
    ("missing.yaml", "kernel: {}\n", ["memory", "required"]),
    ("bool.json", '{"memory": {"online": true}}', ["memory.online", "boolean"]),
    ("bad.toml", "[memory]\nonline = 4G\n", ["invalid TOML", "line 2"]),
    ("version.yaml", "memory: {online: 4G}\nkernel: {version: 6.10}\n", ["kernel.version", "6.10"]),
    ("edat.yaml", "memory: {online: 4G}\ncpu: {edat1: false, edat2: true}\n", ["cpu.edat2"]),
    ("mode.yaml", "memory: {online: 4G}\nkernel: {memmap_on_memory: maybe}\n",
     ["kernel.memmap_on_memory", "off, on or force"]),
    ("ext.txt", "memory: {online: 4G}\n", ["unknown file type"]),
])
def test_bad_input_exit_2_names_file_and_field(write, cli, name, text, fragments) -> None:  # type: ignore[no-untyped-def]
    bad = write(name, text)
    good = write("good.yaml", GOOD)
    result = cli("check", "-f", "json", str(bad), str(good))
    assert result.returncode == 2
    document = json.loads(result.stdout)
    errors = [r for r in document["results"] if r["verdict"] == "error"]
    assert len(errors) == 1 and errors[0]["ipl"] is None
    message = errors[0]["error"]
    assert message.startswith(str(bad)) and "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    # the other file is still checked and reported
    assert [r["verdict"] for r in document["results"] if r["name"] == "good"] == ["pass"]
    text_run = cli("check", str(bad), str(good))
    assert text_run.returncode == 2 and "Traceback" not in text_run.stderr + text_run.stdout
    assert "ERROR" in text_run.stdout and "PASS" in text_run.stdout


def test_missing_file_and_no_arguments(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    missing = cli("check", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "no such file" in missing.stdout
    assert cli("check").returncode == 2
    unknown = cli("check", "--bogus")
    assert unknown.returncode == 2 and "No such option" in unknown.stderr


def test_assumed_version_is_said(write, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("check", "-f", "json", str(write("old.yaml", "memory: {online: 4G}\n")))
    record = json.loads(result.stdout)["results"][0]
    assert record["kernel"] == {"version": None, "standby": "boot-add", "assumed": True,
                                "release": None, "distribution": None, "base": None,
                                "backports": []}
    assert any("assumed the oldest behaviour" in note for note in record["notes"])


def test_python_dash_m_matches_console_script() -> None:
    result = run_cli("check", "-f", "json", str(CONFIGS / "zvm-lnx01-6.9-mom.yaml"))
    assert result.returncode == 0
    assert json.loads(result.stdout)["results"][0]["verdict"] == "pass"


def test_output_file_is_written(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.json"
    result = cli("check", "-f", "json", "-o", str(target), "configs/zvm-lnx01-6.19.yaml")
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(target.read_text())["results"][0]["verdict"] == "warn"  # after IPL
    unwritable = cli("check", "-f", "json", "-o", str(tmp_path / "no" / "dir" / "r.json"),
                         "configs/zvm-lnx01-6.19.yaml")
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr
