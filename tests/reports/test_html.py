"""``check -f html``: one self-contained page (nothing fetched: no external src/href, no
@import or url()), every user string escaped (parsed back with html.parser), the table's
sort values are the contract's bytes, errors are rows, frontier where it exists."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.reports.reports_helpers import HOSTILE, HOSTILE_2, hostile_dir, json_results


class Page(HTMLParser):
    """Elements, attributes, text and the inline style/script of a page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.style = ""
        self.script = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        where = self.stack[-1] if self.stack else ""
        if where == "style":
            self.style += data
        elif where == "script":
            self.script += data
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def page_of(*args: str) -> tuple[Page, str]:
    done = run_cli("check", "-f", "html", *args)
    assert done.stdout.startswith("<!DOCTYPE html>")
    return Page(done.stdout), done.stdout


@pytest.fixture(scope="module")
def fleet_page() -> tuple[Page, str]:
    return page_of("--exit-zero", "configs")


def test_nothing_is_fetched(fleet_page: tuple[Page, str]) -> None:
    page, text = fleet_page
    for _, attrs in page.tags:
        for key in ("src", "srcset", "data", "action", "formaction", "poster", "xlink:href"):
            assert key not in attrs
        href = attrs.get("href")
        assert href is None or href.startswith("#")
    assert not page.all("link") and not page.all("iframe") and not page.all("img")
    assert page.all("script") == [{}]  # one inline script, no src
    assert "@import" not in page.style and "url(" not in page.style
    assert "url(" not in text and "http://" not in text and "https://" not in text
    assert "fetch(" not in page.script and "XMLHttpRequest" not in page.script


def test_table_is_sortable_and_accessible(fleet_page: tuple[Page, str]) -> None:
    page, _ = fleet_page
    heads = [attrs for name, attrs in page.tags if name == "th"]
    assert {h["data-key"] for h in heads} >= {"name", "verdict", "margin", "max_standby"}
    assert all(h["aria-sort"] == "none" and h["scope"] == "col" for h in heads)
    assert len(page.all("button")) == len(heads)  # every header is a button


def test_sort_values_are_the_contract_bytes(fleet_page: tuple[Page, str]) -> None:
    _, text = fleet_page
    results = json_results("configs")
    rows = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr ")[1:]
    assert len(rows) == len(results)
    for row, r in zip(rows, results, strict=True):
        cells = Page("<tr " + row)
        sorts = [attrs["data-sort"] for attrs in cells.all("td")]
        assert sorts[0] == r["name"] and sorts[1] == r["path"]
        numbers = [str(r[key]) if r[key] is not None else ""
                   for key in ("online", "standby", "required", "margin", "max_standby",
                               "min_online")]
        assert sorts[5:] == numbers


def test_sections_per_machine_with_bar_and_frontier(fleet_page: tuple[Page, str]) -> None:
    page, text = fleet_page
    results = json_results("configs")
    assert len(page.all("section")) == len(results)
    for r in results:
        for value in r["charged_at_ipl"].values():
            # each drawn item's exact size in its <title>, each item's in the legend
            assert f"({value} bytes," in text or value == 0
            assert f'title="{value} bytes"' in text
    s390 = sum(r["arch"] == "s390x" for r in results)
    assert text.count("<polyline") >= s390
    others = [r["arch"] for r in results if r["arch"] != "s390x"]
    assert text.count("Frontier not available: the frontier models s390x standby memory") \
        == len(others)


def test_frontier_points_are_what_check_says(fleet_page: tuple[Page, str]) -> None:
    from memmapcalc.units import human_size

    _, text = fleet_page
    # lnx01 (4 GiB online, 6.8): at 8 GiB online the frontier is check's max_standby there.
    at_8g = json_results("--set", "memory.online=8G", "configs/zvm-lnx01-6.8.yaml")[0]
    assert (f"online 8 GiB: max standby {human_size(at_8g['max_standby'])} "
            f"({at_8g['max_standby']} bytes)") in text


def test_every_user_string_is_escaped(tmp_path: Path) -> None:
    page, text = page_of(str(hostile_dir(tmp_path)))
    # No element or attribute from the names: only our one script, no img, no onerror.
    assert len(page.all("script")) == 1 and not page.all("img")
    assert all("onerror" not in attrs for _, attrs in page.tags)
    assert "\x1b" not in text
    shown = HOSTILE.replace("\x1b", "\\x1b")
    assert HOSTILE_2 in page.text
    words = "".join(page.text)
    assert words.count(shown) >= 4  # table link, section heading, two SVG titles
    # The names as sort keys, exactly (attribute values escaped, parsed back intact).
    sorts = [attrs.get("data-sort") for attrs in page.all("td")]
    assert shown in sorts and HOSTILE_2 in sorts
    # The SVG titles name the machine escaped as well.
    assert f"<title id=\"m2-bar-t\">{_escaped(shown)}:" in text


def _escaped(text: str) -> str:
    import markupsafe

    return str(markupsafe.escape(text))


def test_error_entries_are_rows_with_the_message(tmp_path: Path) -> None:
    done = run_cli("check", "-f", "html", str(hostile_dir(tmp_path)))
    assert done.returncode == 2
    page = Page(done.stdout)
    messages = [attrs for name, attrs in page.tags if name == "td" and
                attrs.get("class") == "message"]
    assert len(messages) == 1
    words = "".join(page.text)
    assert "memory.online (line 3, column 11): 'lots' is not a size" in words
    assert "1 error" in words


def test_output_file_and_summary(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    done = run_cli("check", "-f", "html", "-o", str(target), "configs/zvm-lnx01-6.19.yaml")
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr == "1 machine: 0 pass, 1 warn, 0 fail, 0 error\n"  # after IPL
    assert target.read_text().startswith("<!DOCTYPE html>")


def test_page_without_frontier_data_says_so() -> None:
    from memmapcalc.render import RenderOptions, renderer

    results: list[dict[str, Any]] = json_results("configs/zvm-lnx01-6.19.yaml")
    text = renderer("html")(results, RenderOptions())
    assert "Frontier not available: not computed for this report" in text


def test_json_output_does_not_change() -> None:
    # The frontier is sampled for html only: the contract has no such key.
    done = run_cli("check", "-f", "json", "configs/zvm-lnx01-6.19.yaml")
    assert "frontier" not in json.loads(done.stdout)["results"][0]


def test_sections_are_bounded_failures_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from memmapcalc.render import RenderOptions
    from memmapcalc.render import html as report

    template = {r["verdict"]: r for r in json_results("configs")}
    verdicts = ["pass", "fail", "pass", "warn", "pass", "fail"]
    results = [{**template[v], "name": f"m{i}"} for i, v in enumerate(verdicts)]
    monkeypatch.setattr(report, "MAX_SECTIONS", 3)
    page = Page(report.render(results, RenderOptions()))
    sections = [attrs["id"] for attrs in page.all("section")]
    assert sections == ["m2", "m4", "m6"]  # the failures and the warning, in input order
    assert [attrs["href"] for attrs in page.all("a")] == ["#m2", "#m4", "#m6"]
    assert len(page.all("tr")) == 1 + len(results)  # the table lists every machine
    assert "3 of 6 machines are shown in detail (errors, failures and warnings first); " \
           "left out: 3 pass." in " ".join("".join(page.text).split())
