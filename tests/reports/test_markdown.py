"""``check -f markdown`` and ``plan -f markdown``: the summary line, one table whose rows
all have the header's cells, failing rows first, the size bound, and escaping of
hostile names (checked by parsing the output with a CommonMark + GFM-tables parser)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from memmapcalc.render import RenderOptions
from memmapcalc.render import markdown as md
from memmapcalc.units import human_size_at_most
from tests.conftest import run_cli
from tests.reports.reports_helpers import HOSTILE, HOSTILE_2, hostile_dir, json_results

#: A cell boundary: a pipe not escaped by a backslash.
_CELL = re.compile(r"(?<!\\)\|")


def table_rows(text: str) -> list[list[str]]:
    """The cells of every table line (header, alignment, rows), split as GFM does."""
    return [[cell.strip() for cell in _CELL.split(line)[1:-1]]
            for line in text.splitlines() if line.startswith("| ")]


def to_html(text: str) -> str:
    """What GitHub would show, near enough: CommonMark with GFM tables, raw HTML on."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def test_check_summary_and_table_match_json() -> None:
    done = run_cli("check", "configs", "-f", "markdown")
    assert done.returncode == 1 and done.stderr == ""
    summary = json.loads(run_cli("check", "configs", "-f", "json").stdout)["summary"]
    assert (f"**{summary['checked']} machines: {summary['pass']} pass, {summary['warn']} warn, "
            f"{summary['fail']} fail, {summary['error']} error**") in done.stdout
    rows = table_rows(done.stdout)
    head, align, body = rows[0], rows[1], rows[2:]
    assert head == ["machine", "path", "verdict", "margin", "max standby", "min online",
                    "after IPL usable", "fixes"]  # check's results carry after_ipl (issue 14)
    assert align == [":--", ":--", ":--", "--:", "--:", "--:", "--:", ":--"]
    assert len(body) == summary["checked"]
    assert all(len(row) == len(head) for row in body)
    verdicts = [row[2].split("<br>")[0].split()[-1] for row in body]  # reasons follow <br>
    assert verdicts == sorted(verdicts, key=md.RANK.__getitem__)  # fail, warn, pass


def test_check_rows_show_the_contract_numbers() -> None:
    # Limits are rounded towards safety (issue 14): min online up, max standby and margin
    # down, as the text report shows them (markdown truncated min online, which could
    # name a size that fails).
    from memmapcalc.units import human_size_at_least

    results = {r["name"]: r for r in json_results("configs")}
    body = table_rows(run_cli("check", "configs", "-f", "markdown").stdout)[2:]
    for row in body:
        r = results[row[0].replace("\\_", "_")]
        assert row[3] == human_size_at_most(r["margin"])  # a margin never reads as more
        assert row[5] == human_size_at_least(r["min_online"])
        assert row[4].startswith(human_size_at_most(r["max_standby"]))
        assert row[4].endswith("(cap)") == r["max_standby_capped"]
        assert row[6] == md._after_ipl_cell(r)
        assert row[7].count("• ") == len(r["advice"])
        assert row[2].count("<br>") == len(r["reasons"])  # the verdict's reasons beneath it
    lnx = next(row for row in body if row[0] == "lnx01-6.19")
    assert lnx[6] == "1801 of 2016 blocks, 225.12 GiB, 2016 with memmap-on-memory"


def test_hostile_names_are_escaped_and_errors_are_rows(tmp_path: Path) -> None:
    done = run_cli("check", str(hostile_dir(tmp_path)), "-f", "markdown")
    assert done.returncode == 2  # an unreadable config is never hidden
    text = done.stdout
    assert "\x1b" not in text and "<script>" not in text and "<img" not in text
    rows = table_rows(text)
    assert all(len(row) == 8 for row in rows)
    assert len(rows) == 2 + 4
    error = rows[2]
    assert error[0] == "broken" and error[2].startswith("⛔ error<br>memory.online (line 3")
    rendered = to_html(text)
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rendered)
    # The parser gives back exactly the name (HTML-escaped, control character made visible).
    import html

    shown = [html.unescape(cell) for cell in cells]
    assert HOSTILE.replace("\x1b", "\\x1b") in shown
    assert HOSTILE_2 in shown
    assert len(re.findall(r"<tr>", rendered)) == 1 + 4


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a|b", "a\\|b"), ("<b>", "&lt;b&gt;"), ("`c`", "\\`c\\`"), ("*i*", "\\*i\\*"),
    ("_u_", "\\_u\\_"), ("[t](u)", "\\[t\\](u)"),
    ("a\nb", "a\\\\x0ab"), ("\x1b[0m", "\\\\x1b\\[0m"),
    ("x\u2028y", "x\\\\u2028y"), ("\\", "\\\\"), ("&amp;", "&amp;amp;"), ("~~s~~", "\\~\\~s\\~\\~"),
])
def test_escape(raw: str, escaped: str) -> None:
    assert md.escape(raw) == escaped


def _results(verdicts: list[str]) -> list[dict[str, Any]]:
    template = {r["verdict"]: r for r in json_results("configs")}
    return [{**template[v], "name": f"m{i}"} for i, v in enumerate(verdicts)]


def test_bounded_rows_keep_failing_machines_and_say_what_was_left_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(md, "MAX_ROWS", 3)
    results = _results(["pass", "fail", "pass", "warn", "pass", "fail", "pass"])
    text = md.render(results, RenderOptions())
    body = table_rows(text)[2:]
    assert [row[0] for row in body] == ["m1", "m5", "m3"]  # fail, fail, warn; in input order
    assert "**7 machines: 4 pass, 1 warn, 2 fail, 0 error**" in text
    assert "*4 rows left out to stay within GitHub's summary size (4 pass)" in text


def test_bounded_by_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    results = _results(["pass"] * 50 + ["fail"])
    whole = md.render(results, RenderOptions())
    monkeypatch.setattr(md, "MAX_BYTES", len(whole.encode()) // 4)
    text = md.render(results, RenderOptions())
    body = table_rows(text)[2:]
    assert body[0][0] == "m50" and 1 < len(body) < 20
    assert len("\n".join(line for line in text.splitlines() if line.startswith("| m"))
               .encode()) <= md.MAX_BYTES
    assert f"{51 - len(body)} rows left out" in text


def test_after_ipl_column_when_the_contract_has_it() -> None:
    r = {**_results(["warn"])[0], "after_ipl": {"usable_blocks": 295,
                                                 "usable_blocks_with_memmap_on_memory": 1000,
                                                 "usable_memory": 295 << 28},
         "reasons": ["only 295 of 1000 standby blocks can be used after IPL"]}
    rows = table_rows(md.render([r], RenderOptions()))
    assert rows[0][6] == "after IPL usable"
    assert rows[2][6] == f"295 of {r['standby_blocks']} blocks, 73.75 GiB, 1000 with " \
                         "memmap-on-memory"
    assert rows[2][2] == "⚠️ warn<br>only 295 of 1000 standby blocks can be used after IPL"


def test_plan_markdown() -> None:
    done = run_cli("plan", "configs", "-f", "markdown")
    assert done.returncode == 1
    plans = {p["name"]: p for p in json.loads(run_cli("plan", "configs", "-f", "json")
                                              .stdout)["plans"]}
    assert "**13 machines: 5 pass, 4 warn, 4 fail, 0 error**" in done.stdout
    rows = table_rows(done.stdout)
    assert rows[0][6] == "after IPL usable (without / with memmap-on-memory)"
    body = {row[0]: row for row in rows[2:]}
    assert len(body) == len(plans) and all(len(row) == 8 for row in body.values())
    row = body["lnx01-6.19"]
    assert row[6] == "1801/2016 blocks, 225.46 GiB / 2016/2016 blocks, 251.92 GiB"
    failing = body["lnx01"]
    assert failing[7].count("• ") == len(plans["lnx01"]["changes"])
    # other architectures: check's after-IPL count (every DIMM was added at boot)
    assert body["arm64-64k"][6] == "512 of 512 blocks, 256 GiB"


def test_plan_markdown_error_row(tmp_path: Path) -> None:
    done = run_cli("plan", str(hostile_dir(tmp_path)), "-f", "markdown")
    assert done.returncode == 2
    rows = table_rows(done.stdout)
    assert all(len(row) == 8 for row in rows)
    assert rows[2][0] == "broken" and rows[2][2].startswith("⛔ error<br>")
    assert "<script>" not in done.stdout


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_same_report_whatever_locale_and_width(fmt: str) -> None:
    environments = [{"LC_ALL": "C", "COLUMNS": "80"},
                    {"LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "COLUMNS": "37",
                     "TERM": "dumb"}]
    outputs = {run_cli("check", "-f", fmt, "--exit-zero", "configs/", env=env).stdout
               for env in environments}
    assert len(outputs) == 1
    assert "\x1b[" not in outputs.pop()
