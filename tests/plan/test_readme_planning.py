"""The README's Planning examples are the tools' real output (lines compared as printed)."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def _block_after(text: str, command: str) -> list[str]:
    """The lines of the output block that follows the ```sh block holding ``command``."""
    rest = text[text.index(command) + len(command):]
    rest = rest[rest.index("```") + 3:]  # past the end of the command's own block
    block = re.search(r"```\n(.*?)```", rest, re.S)
    assert block is not None
    lines = [line.rstrip() for line in block.group(1).splitlines()
             if line.strip() and line.strip() != "..."]
    assert len(lines) > 10
    return lines


def test_readme_plan_and_frontier_examples(cli) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Planning"):]
    plan_out = [line.rstrip() for line in
                cli("plan", "--config", "configs/zvm-lnx01-6.8.yaml").stdout.splitlines()]
    for line in _block_after(section, "memmapcalc plan --config configs/zvm-lnx01-6.8.yaml"):
        assert line in plan_out, line
    frontier_out = [line.rstrip() for line in cli(
        "frontier", "--config", "configs/zvm-lnx01-6.8.yaml", "--online", "2G..8G", "--step",
        "2G").stdout.splitlines()]
    command = "--set kernel.crashkernel=512M -f csv"  # the second of the two example commands
    for line in _block_after(section, command):
        assert line in frontier_out, line
