"""Hostile names through every format (issue 11, items 5 and 9): rich markup, control and
bidi characters, U+2028/U+0085, file names that are not UTF-8 and lone surrogates in
machine names.  Through the real entry point: no crash, exit 2 for the one bad file,
valid UTF-8 out, machine formats parse, no raw control character in text or GitHub
output, and every file of the batch reported."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from memmapcalc.render import FORMATS
from memmapcalc.render.safe import dumps, json_text, lines, markup, terminal, valid
from tests.conftest import ROOT

SCHEMAS = ROOT / "tests" / "data" / "schemas"
FAILING = b"memory: {online: 4G, standby: 252G, increment: 8M}\nkernel: {version: '6.8'}\n"
#: File names (bytes: some are not UTF-8) whose configs all fail (so every CI format
#: reports each one).
FILE_NAMES = [b"\xff.yaml", b"[bold]x.yaml", b"esc\x1b[2Jx.yaml", b"cr\rx.yaml",
              "bidi\u202ex.yaml".encode(), "ls\u2028x.yaml".encode(), "nel\u0085x.yaml".encode(),
              b"del\x7fx.yaml", b"bel\x07nul.yaml", b":smile: [red]x.yaml", b"tab\tx.yaml"]
#: Raw characters no text or GitHub output may carry (newline aside).
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                 "\ud800-\udfff]")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name in FILE_NAMES:
        descriptor = os.open(os.path.join(os.fsencode(root), name), os.O_WRONLY | os.O_CREAT)
        os.write(descriptor, FAILING)
        os.close(descriptor)
    (root / "markup-name.yaml").write_text(
        'name: "[/x] evil \\e[2J [bold]"\nmemory: {online: 4G, standby: 252G, increment: 8M}\n'
        "kernel: {version: '6.8'}\n")
    (root / "surrogate.json").write_text(
        '{"name": "a\\ud800b\\u2028c\\u0085d\\u001b[2J\\u202e", "memory": {"online": "4G", '
        '"standby": "252G", "increment": "8M"}, "kernel": {"version": "6.8"}}')
    (root / "zz-bad-value.yaml").write_text('memory: {online: "[/x] \\e[2J", standby: 16G}\n')
    return root


COUNT = len(FILE_NAMES) + 3


def _run(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1764028800"}
    env.pop("MEMMAPCALC_FORMAT", None)
    return subprocess.run([sys.executable, "-m", "memmapcalc", *map(str, args)], cwd=ROOT,
                          capture_output=True, env=env, timeout=120)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_survives_hostile_names(fmt: str, hostile: Path) -> None:
    ran = _run("check", "-f", fmt, hostile)
    out, err = ran.stdout.decode("utf-8"), ran.stderr.decode("utf-8")  # valid UTF-8 or raise
    assert ran.returncode == 2, err  # the one unreadable value; everything else reported
    assert "internal error" not in out + err and "Traceback" not in err
    assert "'[/x] \\x1b[2J' is not a size" in out + err
    if fmt == "text":
        heads = [line for line in out.splitlines() if line[:5] in ("FAIL ", "ERROR")]
        assert len(heads) == COUNT
        assert "  \\xff  " in out and "[bold]x" in out and "[/x] evil \\x1b[2J [bold]" in out
        assert "a\\ud800b\\u2028c\\x85d\\x1b[2J\\u202e" in out and ":smile: [red]x" in out
    elif fmt == "json":
        results = json.loads(out)["results"]
        assert len(results) == COUNT
        names = {r["name"] for r in results}
        assert "\\xff" in names and "a\\ud800b\u2028c\x85d\x1b[2J\u202e" in names
        assert "\u2028" not in out and "\x85" not in out and "\u202e" not in out
    elif fmt == "jsonl":
        assert len(out.split("\n")) == COUNT + 1  # str.split("\n"): only real line ends
        assert len(out.splitlines()) == COUNT  # no U+2028/U+0085 a line reader splits on
        assert all(json.loads(line)["path"] for line in out.splitlines())
    elif fmt == "junit":
        import xmlschema

        schema = xmlschema.XMLSchema(str(SCHEMAS / "JUnit.xsd"))
        schema.validate(out)
        suites = schema.to_dict(out)["testsuite"]
        assert len(suites) == COUNT
    elif fmt == "github":
        # a tab is harmless in a log line and kept, as actions/toolkit keeps it
        assert len(out.splitlines()) == COUNT and not RAW.search(out.replace("\t", " "))
        assert all(line.startswith("::error ") for line in out.splitlines())
    elif fmt == "sarif":
        import jsonschema

        log = json.loads(out)
        schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
        jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
        results = log["runs"][0]["results"]
        assert len(results) == COUNT
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert (hostile / "x").as_uri()[:-1] + "%FF.yaml" in uris  # the file's own bytes
    if fmt == "text":
        assert not RAW.search(out)
    assert not RAW.search(err.replace("\n", ""))


def test_output_file_with_a_hostile_name(hostile: Path, tmp_path: Path) -> None:
    target = os.path.join(os.fsencode(tmp_path), b"\xff\x1b[2J.json")
    ran = _run("check", "-f", "json", "-o", os.fsdecode(target), hostile)
    assert ran.returncode == 2 and b"internal error" not in ran.stderr
    with open(target, "rb") as stream:
        assert len(json.loads(stream.read().decode("utf-8"))["results"]) == COUNT


@pytest.mark.parametrize("command", ["plan", "frontier"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_plan_and_frontier_print_names_literally(command: str, fmt: str, hostile: Path) -> None:
    extra = ("--online", "4G") if command == "frontier" else ()
    for config in ("markup-name.yaml", "surrogate.json"):
        ran = _run(command, "-f", fmt, "--config", hostile / config, *extra)
        out = ran.stdout.decode("utf-8")
        assert ran.returncode in (0, 1), ran.stderr
        if fmt == "json":
            assert json.loads(out) and "\u2028" not in out
        else:
            assert not RAW.search(out)
            assert ("[/x] evil \\x1b[2J [bold]" in out if config.startswith("markup")
                    else "a\\ud800b\\u2028c\\x85d\\x1b[2J\\u202e" in out)


def test_escaping_functions() -> None:
    assert valid("\udcff.yaml") == "\\xff.yaml" and valid("a\ud800") == "a\\ud800"
    assert terminal("a\x1b[2J\r\n\t\x00\x7f\x85\u2028\u202e\u2066\u061c b") == (
        "a\\x1b[2J\\r\\n\\t\\x00\\x7f\\x85\\u2028\\u202e\\u2066\\u061c b")
    assert lines("one\ntwo\tthree\x1b") == "one\ntwo\tthree\\x1b"
    assert markup("[/x] [bold]") == "\\[/x] \\[bold]"
    assert terminal("plain ünïcode — ok") == "plain ünïcode — ok"
    text = dumps({"n": "a\u2028b\x85c\x1b\udcff\u202e"})
    assert text == '{"n": "a\\u2028b\\u0085c\\u001b\\\\xff\\u202e"}'
    assert json.loads(text)["n"] == "a\u2028b\x85c\x1b\\xff\u202e"
    assert json_text('"plain"') == '"plain"'
