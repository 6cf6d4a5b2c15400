"""The same config gives the same result alone and in any batch (issue 11, item 1).

The in-run evaluation cache is keyed on the resolved model inputs; these tests pin that two
configs which the model can tell apart never share an entry, and that a default written
out evaluates exactly like the default left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from memmapcalc.config.load import machine_from_mapping
from memmapcalc.config.model import Machine
from memmapcalc.core.evaluate import evaluate
from memmapcalc.core.params import resolve

PPC = """\
name: a
arch: ppc64le
memory:
  online: 8G
  standby: 1T
kernel:
  version: "6.8"
  memmap_on_memory: force
"""


def _results(cli, *paths: Path, jobs: str = "1") -> dict[str, dict]:  # type: ignore[no-untyped-def]
    ran = cli("check", "-f", "jsonl", "-j", jobs, *map(str, paths))
    assert ran.returncode in (0, 1), ran.stderr
    return {json.loads(line)["path"]: json.loads(line) for line in ran.stdout.splitlines()}


def test_an_explicit_pageblock_is_not_served_the_default_s_cached_result(cli, write) -> None:  # type: ignore[no-untyped-def]
    implicit = write("1.yaml", PPC)
    explicit = write("2.yaml", PPC + "  pageblock_size: 1M\n")
    alone = _results(cli, explicit)[str(explicit)]
    batch = _results(cli, implicit, explicit)
    assert batch[str(explicit)] == alone
    # ppc64le radix 64K: the default pageblock is 2 MiB (32 pages); 1M (16 pages) is another
    # kernel, so the two configs differ (a smaller pageblock, a smaller khugepaged raise).
    assert batch[str(implicit)]["margin"] != alone["margin"]


@pytest.mark.parametrize(("arch", "default", "extra"), [
    ("s390x", "1M", {}),
    ("x86_64", "2M", {}),
    ("arm64", "2M", {}),
    ("arm64", "32M", {"page_size": "16K"}),
    ("arm64", "512M", {"page_size": "64K"}),
    ("ppc64le", "2M", {}),
    ("ppc64le", "16M", {"mmu": "hash"}),
])
def test_the_documented_default_written_out_evaluates_as_left_out(
        arch: str, default: str, extra: dict[str, str]) -> None:
    left_out = _machine(arch, extra)
    written = _machine(arch, {**extra, "pageblock_size": default})
    assert resolve(left_out) == resolve(written)
    assert evaluate(left_out).budget.margin == evaluate(written).budget.margin


def _machine(arch: str, kernel: dict[str, str]) -> Machine:
    memory = ({"online": "8G", "dimms": ["16G"]} if arch in ("x86_64", "arm64")
              else {"online": "8G", "standby": "16G"})
    data = {"arch": arch, "memory": memory, "kernel": {"version": "6.8", **kernel}}
    return machine_from_mapping(data, "test.yaml", "test")
