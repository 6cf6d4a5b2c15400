"""``check --online … --standby … --kernel …``: a machine asked about without a config file
(issue 14, 6), through the real entry point, in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memmapcalc.render import FORMATS
from tests.conftest import run_cli

LNX01 = ("--online", "4G", "--standby", "252G", "--kernel", "6.8")


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    done = run_cli("check", *args, "-f", "json")
    return json.loads(done.stdout)


def test_the_same_answer_as_the_config_file_of_that_machine(tmp_path: Path) -> None:
    config = tmp_path / "lnx01.yaml"
    config.write_text("name: machine\nmemory: {online: 4G, standby: 252G}\n"
                      "kernel: {version: \"6.8\"}\n", encoding="utf-8")
    from_file = _json(str(config))["results"][0]
    asked = _json(*LNX01)["results"][0]
    assert asked["path"] == "<command line>"
    assert {**asked, "path": None} == {**from_file, "path": None}
    assert asked["verdict"] == "fail" and asked["standby_blocks"] == 1008


def test_exit_status_and_summary_as_for_a_file() -> None:
    done = run_cli("check", *LNX01)
    assert done.returncode == 1
    assert done.stdout.startswith("FAIL   machine  <command line>\n")
    assert done.stderr == "1 machine: 0 pass, 0 warn, 1 fail, 0 error\n"
    assert run_cli("check", *LNX01, "--exit-zero").returncode == 0


def test_set_and_increment_and_name_apply() -> None:
    result = _json(*LNX01[:4], "--kernel", "6.9", "--increment", "8M", "--name", "lnx01",
                   "--set", "kernel.memmap_on_memory=on")["results"][0]
    assert (result["name"], result["verdict"], result["memmap_on_memory"]) == \
        ("lnx01", "pass", True)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    done = run_cli("check", *LNX01, "-f", fmt, "-o", str(target))
    assert done.returncode == 1, done.stderr
    assert "machine" in target.read_text(encoding="utf-8")


def test_github_annotation_names_no_file() -> None:
    done = run_cli("check", *LNX01, "-f", "github")
    assert done.stdout.startswith("::error title=memmapcalc%3A machine cannot IPL::")


def test_a_bare_number_is_bytes_and_refused_with_the_likely_intent() -> None:
    done = run_cli("check", "--online", "4096", "--standby", "4G")
    assert done.returncode == 2
    assert "memory.online: 4096 is 4096 bytes" in done.stdout
    assert "write 4096M" in done.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--standby", "4G"), "--standby describes a machine without a file: give --online too"),
    (("--kernel", "6.8"), "--kernel describes a machine without a file: give --online too"),
    (("--online", "4G", "configs/"), "give either it or config files, not both"),
    (("--online", "4G", "-c", "configs/zvm-lnx01-6.8.yaml"), "not both"),
])
def test_usage_errors(args: tuple[str, ...], message: str) -> None:
    done = run_cli("check", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""
