"""``memmapcalc frontier``: values agree exactly with ``check`` at the same settings
(sampled), the table, chart, CSV and JSON show the same numbers, bad options exit 2."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any

import pytest
from plan_helpers import apply_edits, check_result, mapping_of

from memmapcalc.render.frontier_plot import plot_series
from memmapcalc.render.frontier_text import cell, label, online_labels, series
from memmapcalc.units import GiB
from tests.conftest import CONFIGS


def _frontier(cli: Any, *args: str) -> dict[str, Any]:
    ran = cli("frontier", "-f", "json", *args)
    assert ran.returncode == 0, ran.stderr
    document: dict[str, Any] = json.loads(ran.stdout)
    return document


@pytest.mark.parametrize(("config", "online", "step"), [
    ("zvm-lnx01-6.8.yaml", "2G..8G", "3G"),
    ("zvm-no-edat1.yaml", "1G..3G", "1G"),
    ("zvm-force-mode.yaml", "512M..1G", "512M"),
])
def test_frontier_agrees_with_check(cli, tmp_path, config: str, online: str, step: str) -> None:  # type: ignore[no-untyped-def]
    path = CONFIGS / config
    document = _frontier(cli, "--config", str(path), "--online", online, "--step", step)
    mapping = mapping_of(path)
    assert [b["key"] for b in document["behaviours"]] == [
        "boot-add", "boot-add-mom-off", "boot-add-mom-on", "boot-add-mom-force", "deferred"]
    for point in document["points"]:
        for behaviour in document["behaviours"]:
            edits = {**behaviour["config_edits"], "memory.online": point["online"]}
            result = check_result(cli, tmp_path, apply_edits(mapping, edits))
            key = behaviour["key"]
            assert result["max_standby"] == point["max_standby"][key], (point["online"], key)
            assert result["max_standby_capped"] == point["capped"][key]


def test_options_alone_agree_with_check(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    document = _frontier(cli, "--online", "1G..2G", "--step", "1G", "--kernel", "6.8",
                         "--no-edat1", "--set", "kernel.crashkernel=256M",
                         "--set", "boot.userspace=512M")
    assert document["machine"] == {"name": "frontier", "path": "<options>", "standby": 0}
    base = {"memory": {"online": "1G"}, "kernel": {"version": "6.8", "crashkernel": "256M"},
            "cpu": {"edat1": False}, "boot": {"userspace": "512M"}}
    for point in document["points"]:
        result = check_result(cli, tmp_path, apply_edits(base, {"memory.online": point["online"]}))
        assert result["max_standby"] == point["max_standby"]["boot-add"]
    assert document["points"][0]["max_standby"]["boot-add"] == 5637144576  # 21 blocks of 256 MiB


def test_table_chart_csv_and_json_show_the_same_numbers(cli) -> None:  # type: ignore[no-untyped-def]
    args = ("--config", "configs/zvm-lnx01-6.8.yaml", "--online", "1G..4G", "--step", "1G")
    document = _frontier(cli, *args)
    rows = list(csv.DictReader(io.StringIO(cli("frontier", "-f", "csv", *args).stdout)))
    assert len(rows) == len(document["points"]) * 5
    by = {(int(r["online"]), r["behaviour"]): r for r in rows}
    text = cli("frontier", *args).stdout
    lines = text.splitlines()
    labels = online_labels(document)  # issue 14: "1 GiB", as every report shows sizes
    assert labels == ["1 GiB", "2 GiB", "3 GiB", "4 GiB"]
    for point, shown in zip(document["points"], labels, strict=True):
        online = point["online"]
        table_row = next(line for line in lines if line.strip().startswith(shown + "  "))
        assert " ".join(table_row.split()[2:]) == " ".join(
            cell(point["max_standby"][key], point["capped"][key]) for key in point["max_standby"])
        for key, value in point["max_standby"].items():
            row = by[(online, key)]
            assert row["max_standby"] == ("" if value is None else str(value))
            assert row["capped"] == str(point["capped"][key]).lower()
    # the chart: one bar line per online size per charted group, labelled like the JSON
    for keys, values in series(document):
        if all(capped for _, capped in values):
            continue
        title = next(i for i, line in enumerate(lines) if line.strip().startswith(
            "≤ 6.8 no mom" if keys[0] == "boot-add" else "6.9–6.18 mom=1"))
        for offset, (value, capped) in enumerate(values):
            bar_line = lines[title + 1 + offset]
            assert bar_line.split("│")[0].strip() == labels[offset]
            assert bar_line.endswith(" " + label(value, capped))
    # 4G: JSON 241860345856 B, one unit style in the table and the chart (issue 14)
    assert "225.25 GiB" in text and "230656M" not in text


def test_plot_data_are_the_json_numbers() -> None:
    document = {"behaviours": [
        {"key": "boot-add", "mainline": "≤ 6.8", "applicable": True},
        {"key": "deferred", "mainline": "≥ 6.19", "applicable": True}],
        "points": [{"online": GiB, "max_standby": {"boot-add": 3 * GiB, "deferred": 9},
                    "capped": {"boot-add": False, "deferred": True}},
                   {"online": 2 * GiB, "max_standby": {"boot-add": None, "deferred": 9},
                    "capped": {"boot-add": False, "deferred": True}}]}
    assert plot_series(document) == [
        ("≤ 6.8 no mom", [1.0, 2.0], [3.0, None]),
        ("≥ 6.19 deferred (at 64 TiB: no limit below the s390 maximum)", [1.0, 2.0],
         [9 / GiB, 9 / GiB])]


def test_plot_without_matplotlib_is_a_clear_error(cli, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    target = tmp_path / "f.svg"
    ran = cli("frontier", "--online", "1G..2G", "--plot", str(target))
    assert ran.returncode == 2 and ran.stdout == "" and not target.exists()
    assert ran.stderr == ("memmapcalc: error: --plot needs matplotlib, which is not installed: "
                          "pip install 'memmapcalc[plot]'\n")


def test_plot_writes_the_file_or_names_the_extra(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the plot extra installed a real SVG is written; without it the same clear
    error as above (this test passes in both set-ups, it skips nothing)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        installed = False
    else:
        installed = True
    target = tmp_path / "frontier.svg"
    ran = cli("frontier", "--config", "configs/zvm-lnx01-6.8.yaml", "--online", "2G..4G",
              "--step", "1G", "-f", "csv", "--plot", str(target))
    if installed:
        assert ran.returncode == 0, ran.stderr
        assert target.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    else:
        assert ran.returncode == 2 and "pip install 'memmapcalc[plot]'" in ran.stderr
        assert not target.exists()


@pytest.mark.parametrize(("args", "message"), [
    (("--online", "2G..1G"), "'2G..1G' ends below its start"),
    (("--online", "1024..2G"), "'1024' has no unit"),
    (("--online", "0M..2G"), "starts at 0"),
    (("--online", "1G..64G", "--step", "1M"), "at most 4096: use a larger --step"),
    (("--online", "1G..2G", "--plot", "x.pdf"), "name the file FILE.svg or FILE.png"),
    (("--online", "1G..2G", "--set", "crashkernel=1G"),
     "--set crashkernel=1G: unknown key 'crashkernel'; did you mean 'kernel.crashkernel'?"),
    (("--online", "1G..2G", "--set", "kernel.image=1.5G"), "--set kernel.image=1.5G: "),
    (("--online", "1G..2G", "--set", "arch=x86_64"), "s390x"),  # the only arch with standby
    (("--online", "1G..2G", "--kernel", "6.8", "--set", "memory.standby=100M"),
     "memory.standby: at online 1G: 100M is less than one memory block"),
    (("--online", "1G..2G", "--kernel", "9.1"), "is not a Linux release memmapcalc knows"),
    (("--online", "1G..2G", "--increment", "64M", "--step", "100M"),
     "memory.online: at online 1124M: 1124M is not a whole number of 64M storage increments"),
    (("--online", "1G", "--config", "no-such.yaml"), "no-such.yaml: no such file or directory"),
    (("--online", "1G", "-f", "xml"), "Invalid value for '-f'"),
])
def test_bad_options_exit_2_with_one_line(cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    ran = cli("frontier", *args)
    assert ran.returncode == 2 and ran.stdout == ""
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr


def test_fleet_needs_a_machine_name(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("defaults: {kernel: {version: '6.8'}}\nmachines:\n"
                     "  - {name: a, memory: {online: 4G, standby: 8G}}\n"
                     "  - {name: b, memory: {online: 4G, standby: 16G}}\n", encoding="utf-8")
    ran = cli("frontier", "--config", str(fleet), "--online", "4G")
    assert ran.returncode == 2
    assert "holds 2 machines (a, b); choose one with --machine" in ran.stderr
    chosen = _frontier(cli, "--config", str(fleet), "--machine", "b", "--online", "4G")
    assert chosen["machine"]["name"] == "b" and chosen["machine"]["standby"] == 16 * GiB


def test_a_range_whose_end_the_config_cannot_have_is_refused_before_any_point(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """16G..64T with 252G standby: the top is beyond s390x's 64 TiB, so the run is an
    input error at once, without computing the thousands of points before it."""
    import memmapcalc.model.plan.frontier as model_frontier
    from memmapcalc.api.frontier import frontier_document
    from memmapcalc.errors import InputError
    from memmapcalc.units import GiB, TiB

    def no_point(p: object) -> None:
        raise AssertionError("a point was computed before the range was checked")

    monkeypatch.setattr(model_frontier, "frontier_point", no_point)
    base = {"memory": {"online": "4G", "standby": "252G"}, "kernel": {"version": "6.8"}}
    sizes = list(range(16 * GiB, 64 * TiB + 1, 16 * GiB))
    with pytest.raises(InputError, match="at online 65296G"):  # the first refused: 65296G + 252G
        frontier_document(base, "m.yaml", "m", sizes)
