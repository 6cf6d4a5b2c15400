"""Report formats: json (the contract, unchanged), jsonl (streamed), junit (valid against
the JUnit XSD), github (escaped as actions/toolkit does), sarif (valid against SARIF 2.1.0);
``-o`` atomic; ``MEMMAPCALC_FORMAT``; colour and ``--quiet``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from memmapcalc.api.contract import document
from memmapcalc.render import RenderOptions, writer
from memmapcalc.render.github import command, escape_data, escape_property
from tests.conftest import ROOT
from tests.gate.gate_helpers import BROKEN, FAILING, PASSING, WARNING, Gate, write_configs

SCHEMAS = ROOT / "tests" / "data" / "schemas"
ANSI = "\x1b["


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """pass, warn, fail and an unreadable config with a line and column."""
    return write_configs(tmp_path / "cfg", {"a-pass.yaml": PASSING, "b-warn.yaml": WARNING,
                                            "c-fail.yaml": FAILING, "d-broken.yaml": BROKEN})


def test_json_document_is_the_contract_and_jsonl_its_results(gate: Gate, mixed: Path) -> None:
    as_json = gate("check", str(mixed), "-f", "json")
    as_jsonl = gate("check", str(mixed), "-f", "jsonl")
    assert as_json.code == as_jsonl.code == 2
    results = [json.loads(line) for line in as_jsonl.out.splitlines()]
    # byte for byte what the foundation's json renderer writes for these results
    assert as_json.out == json.dumps(document(results), indent=2, ensure_ascii=False) + "\n"
    assert json.loads(as_json.out)["summary"] == {"checked": 4, "pass": 1, "warn": 1, "fail": 1,
                                                  "error": 1}
    assert as_json.err == as_jsonl.err  # only the error line: stdout is for programs


def test_jsonl_writes_each_machine_before_the_next_is_checked() -> None:
    events: list[str] = []

    class Recorder(io.StringIO):
        def write(self, text: str) -> int:
            events.append("write " + json.loads(text)["name"])
            return len(text)

    def results() -> Any:
        for name in ("m1", "m2", "m3"):
            events.append("check " + name)
            yield {"name": name}

    writer("jsonl")(results(), Recorder(), RenderOptions())
    assert events == ["check m1", "write m1", "check m2", "write m2", "check m3", "write m3"]


def test_junit_is_valid_and_says_why(gate: Gate, mixed: Path, tmp_path: Path) -> None:
    import xmlschema

    fleet = write_configs(tmp_path / "odd", {
        'we<ird> & "names".yaml': "machines:\n  - {name: 'a<b>&\"c\"', memory: {online: 4G}}\n"
                                  "  - {name: 'tab\tname', memory: {online: 4G, standby: 252G},"
                                  " kernel: {version: '6.8'}}\n"})
    run = gate("check", str(mixed), str(fleet), "-f", "junit")
    assert run.code == 2
    schema = xmlschema.XMLSchema(str(SCHEMAS / "JUnit.xsd"))
    schema.validate(run.out)  # raises with the reason when invalid
    tree = schema.to_dict(run.out)
    suites = tree["testsuite"]
    assert [s["@name"] for s in suites] == [str(mixed / n) for n in sorted(
        p.name for p in mixed.iterdir())] + [str(fleet / 'we<ird> & "names".yaml')]
    cases = [case for suite in suites for case in suite["testcase"]]
    assert [c["@name"] for c in cases] == ["small", "lnx04", "lnx01", "d-broken", 'a<b>&"c"',
                                           "tab name"]
    failure = cases[2]["failure"]
    assert failure["@message"].startswith("cannot IPL: needs 4.41 GiB of 4 GiB online, short by")
    assert "fix: raise online memory to 4528M (+432M)" in failure["$"]
    assert cases[3]["error"]["@message"].startswith("memory.online (line 3, column 11): '4GB'")
    assert "lnx04: warn: IPLs with only" in suites[1]["system-out"]  # warnings pass, but are said
    assert (suites[2]["@tests"], suites[2]["@failures"], suites[2]["@errors"]) == (1, 1, 0)


def test_sarif_is_valid_with_one_result_per_machine_not_passing(gate: Gate, mixed: Path) -> None:
    import jsonschema

    run = gate("check", str(mixed), "-f", "sarif")
    assert run.code == 2
    log = json.loads(run.out)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["properties"]["machine"]) for r in results] == [
        ("low-margin", "warning", "lnx04"), ("cannot-ipl", "error", "lnx01"),
        ("invalid-config", "error", "d-broken")]
    location = results[2]["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 3, "startColumn": 11}
    assert location["artifactLocation"]["uri"] == (mixed / "d-broken.yaml").as_uri()
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_sarif_relative_paths_stay_relative_and_are_encoded(
        gate: Gate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_configs(tmp_path, {"my configs/lnx 01.yaml": FAILING})
    monkeypatch.chdir(tmp_path)
    log = json.loads(gate("check", "my configs", "-f", "sarif").out)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "my%20configs/lnx%2001.yaml"},
                        "region": {"startLine": 1}}


def test_github_escaping_is_the_toolkits() -> None:
    text = "100% sure\r\nline 2: a, b"
    assert escape_data(text) == "100%25 sure%0D%0Aline 2: a, b"
    assert escape_property(text) == "100%25 sure%0D%0Aline 2%3A a%2C b"
    # % is escaped first, so an already-escaped-looking text survives a round trip
    assert escape_data("%0A") == "%250A"
    assert command("error", {"title": "t: x", "file": "a,b.yaml", "line": None, "col": 0},
                   "m:1,\n2%") == "::error title=t%3A x,file=a%2Cb.yaml::m:1,%0A2%25"


def test_github_annotations_end_to_end(gate: Gate, tmp_path: Path) -> None:
    write_configs(tmp_path, {"100%, a:b/pass.yaml": PASSING, "100%, a:b/warn.yaml": WARNING,
                             "100%, a:b/fail.yaml": FAILING, "100%, a:b/x.yaml": BROKEN})
    run = gate("check", str(tmp_path), "-f", "github")
    lines = run.out.splitlines()
    assert run.code == 2 and len(lines) == 3  # passing machines are not annotated
    escaped_dir = escape_property(str(tmp_path / "100%, a:b"))
    assert "%2C a%3Ab" in escaped_dir
    assert lines[0].startswith(f"::error title=memmapcalc%3A lnx01 cannot IPL,file={escaped_dir}"
                               f"/fail.yaml::cannot IPL: needs 4.41 GiB")
    assert "%0Afix: raise online memory to 4528M (+432M)%0A" in lines[0]
    assert lines[1].startswith(f"::warning title=memmapcalc%3A lnx04 IPLs with little room,"
                               f"file={escaped_dir}/warn.yaml::IPLs with only ")
    assert lines[2].startswith(f"::error title=memmapcalc%3A x%3A invalid config,file={escaped_dir}"
                               f"/x.yaml,line=3,col=11::memory.online (line 3, column 11): '4GB'")
    assert all("\n" not in line and "\r" not in line for line in lines)


def test_format_from_environment_and_output_file(gate: Gate, mixed: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMMAPCALC_FORMAT", "jsonl")
    report = tmp_path / "report.jsonl"
    run = gate("check", str(mixed), "-o", str(report))
    assert run.code == 2 and run.out == ""
    assert len(report.read_text().splitlines()) == 4
    assert run.err.endswith("4 machines: 1 pass, 1 warn, 1 fail, 1 error\n")  # a file: summary
    monkeypatch.setenv("MEMMAPCALC_FORMAT", "yaml")
    bad = gate("check", str(mixed))
    assert bad.code == 2 and "MEMMAPCALC_FORMAT" not in bad.out
    assert "'yaml' is not one of" in bad.err
    monkeypatch.setenv("MEMMAPCALC_FORMAT", "jsonl")
    assert gate("check", str(mixed), "-f", "json").out.startswith("{\n")  # the flag wins


@pytest.mark.parametrize(("env", "flag", "coloured"), [
    ({}, "auto", False),                          # not a terminal
    ({}, "always", True),
    ({"FORCE_COLOR": "1"}, "auto", True),
    ({"FORCE_COLOR": "1"}, "never", False),       # the flag wins over the environment
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, "auto", False),  # NO_COLOR wins over FORCE_COLOR
    ({"NO_COLOR": "1"}, "always", True),
    ({"TERM": "dumb", "FORCE_COLOR": ""}, "auto", False),
])
def test_colour_rules(gate: Gate, monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                      flag: str, coloured: bool) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = gate("check", "configs/zvm-lnx01-6.8.yaml", "--color", flag)
    assert (ANSI in run.out) is coloured
    assert ANSI not in run.err


@pytest.mark.parametrize("fmt", ["json", "jsonl", "junit", "github", "sarif"])
def test_machine_formats_are_never_coloured(gate: Gate, monkeypatch: pytest.MonkeyPatch,
                                            fmt: str) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    run = gate("check", "configs", "-f", fmt, "--color", "always", "--exit-zero")
    assert run.out and ANSI not in run.out


def test_quiet(gate: Gate, mixed: Path) -> None:
    loud = gate("check", str(mixed))
    assert "PASS " in loud.out and "machines:" in loud.err
    quiet = gate("check", str(mixed), "-q")
    assert "PASS " not in quiet.out and "FAIL " in quiet.out and quiet.err == ""
    silent = gate("check", str(mixed), "-qq")
    assert (silent.code, silent.out, silent.err) == (2, "", "")
    # machine formats keep their content; -q only drops the summary
    assert gate("check", str(mixed), "-q", "-f", "json").out == gate("check", str(mixed),
                                                                    "-f", "json").out


def test_github_stdin_without_a_name_is_a_run_level_annotation(gate: Gate) -> None:
    run = gate("check", "-", "-f", "github", stdin=FAILING)
    assert run.out.startswith("::error title=memmapcalc%3A lnx01 cannot IPL::cannot IPL")
    named = gate("check", "-", "--stdin-filename", "lpars/lnx01.yaml", "-f", "github",
                 stdin=FAILING)
    assert named.out.startswith(
        "::error title=memmapcalc%3A lnx01 cannot IPL,file=lpars/lnx01.yaml::")
