"""The budget as a picture: ``check`` on a terminal draws online memory as a stacked bar
(kernel, memmaps, page tables, reserves, free) under the table; files and pipes do not."""

from __future__ import annotations

import json
import re

from memmapcalc.render.bar import budget_bar, budget_groups, hbar, segment_widths

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_segment_widths_are_exact_floor_shares() -> None:
    assert segment_widths([1, 1, 2], 4, 8) == [2, 2, 4]
    assert segment_widths([3, 3], 4, 8) == [6, 2]          # overflow is cut at the bar's end
    assert segment_widths([1, 0, 0, 3], 4, 64) == [16, 0, 0, 48]
    assert sum(segment_widths([7, 11, 13, 1000], 1031, 64)) == 64


def test_hbar_eighths() -> None:
    assert hbar(3, 8, 4) == "█▌"
    assert hbar(8, 8, 4) == "████"
    assert hbar(0, 8, 4) == "" and hbar(1, 0, 4) == ""


def _result(cli, path: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    ran = cli("check", "-f", "json", "--exit-zero", path)
    return json.loads(ran.stdout)["results"][0]  # type: ignore[no-any-return]


def test_groups_and_bar_of_a_failing_guest(cli) -> None:  # type: ignore[no-untyped-def]
    r = _result(cli, "configs/zvm-lnx01-6.8.yaml")
    groups = dict(budget_groups(r))
    charged = r["charged_at_ipl"]
    assert groups == {
        "kernel": charged["kernel_image"] + charged["initramfs"] + charged["crashkernel"]
        + charged["cma"] + charged["metadata"],
        "memmaps": charged["online_memmap"] + charged["standby_memmap"],
        "page tables": charged["page_tables"],
        "reserves": charged["min_free"] + charged["userspace"],
        "free": 0}
    assert groups["kernel"] * 64 // r["online"] == 2  # 137.26 MiB of 4 GiB: 2 of 64 characters
    bar, legend = budget_bar(r).plain.splitlines()
    # the memmaps fill the rest of the bar: IPL is short (by 425.2817… MiB: a shortfall is
    # rounded up, issue 14)
    assert bar == "       online ▕" + "█" * 2 + "▓" * 62 + "▏ 4 GiB  short by 425.29 MiB"
    assert legend.split() == ["█", "kernel", "137.26", "MiB", "▓", "memmaps", "4", "GiB", "▒",
                              "page", "tables", "2.02", "MiB", "░", "reserves", "286", "MiB",
                              "·", "free", "0", "B"]


def test_check_draws_the_bar_on_a_terminal_only(cli) -> None:  # type: ignore[no-untyped-def]
    coloured = ANSI.sub("", cli("check", "--color", "always", "configs/zvm-lnx01-6.19.yaml").stdout)
    plain = cli("check", "configs/zvm-lnx01-6.19.yaml").stdout
    lines = coloured.splitlines()
    bar = next(i for i, line in enumerate(lines) if line.startswith("       online ▕"))
    assert lines[bar - 1].lstrip().startswith("margin")          # right under the table
    # 129.38 MiB before sclp's 32768 increments × 32 B = 1 MiB were charged, + 4 MiB vmcp CMA
    assert lines[bar + 1].split()[:3] == ["█", "kernel", "134.38"]
    assert lines[bar + 2].startswith("       max standby")
    assert "▕" not in plain and "online ▕" not in plain          # files and pipes: no picture
    assert ANSI.sub("", coloured).replace(lines[bar] + "\n" + lines[bar + 1] + "\n", "") == plain
