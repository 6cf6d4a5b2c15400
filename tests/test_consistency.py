"""The same config gives the same result alone and in any batch (issue 11, item 1).

The in-run evaluation cache is keyed on the resolved model inputs; these tests pin that two
configs which the model can tell apart never share an entry, and that a default written
out evaluates exactly like the default left out.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from memmapcalc.config.load import machine_from_mapping
from memmapcalc.config.model import Machine
from memmapcalc.config.resolve import resolve
from memmapcalc.model.evaluate import evaluate

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


def _fleet(rng: random.Random, count: int) -> list[str]:
    """YAML texts of ``count`` machines of every architecture, drawn so that many share a
    shape up to a default written out or left out (the cache's hard case)."""
    texts = []
    for index in range(count):
        arch = rng.choice(["s390x", "x86_64", "arm64", "ppc64le"])
        online = rng.choice([512, 1024, 2048, 4096, 8192])
        lines = [f"name: m{index}", f"arch: {arch}", "memory:", f"  online: {online}M"]
        if arch in ("s390x", "ppc64le"):
            lines.append(f"  standby: {rng.choice([0, 16, 256])}G")
        elif rng.random() < 0.7:
            lines.append(f"  dimms: [{rng.choice([1, 8, 24])}G]")
        lines += ["kernel:", f"  version: \"{rng.choice(['6.1', '6.8', '6.9', '6.19'])}\"",
                  f"  memmap_on_memory: {rng.choice(['off', 'force'])}"]
        if rng.random() < 0.5:
            lines.append(f"  pageblock_size: {rng.choice(['1M', '2M'])}")
        if rng.random() < 0.3:
            lines.append("  footprint: 200M")
        texts.append("\n".join(lines) + "\n")
    return texts


def test_the_same_config_gives_the_same_result_alone_and_in_any_batch_and_any_jobs(
        cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import run_cli

    rng = random.Random(20261201)
    paths = []
    for index, text in enumerate(_fleet(rng, 72)):  # > PARALLEL_FROM, so -j 2 forks
        path = tmp_path / f"m{index:02d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    in_order = _results(cli, *paths)
    shuffled = paths[:]
    rng.shuffle(shuffled)
    assert _results(cli, *shuffled) == in_order
    assert _results(cli, *reversed(paths)) == in_order
    ran = run_cli("check", "-f", "jsonl", "-j", "2", *map(str, shuffled))
    assert ran.returncode in (0, 1), ran.stderr
    assert {json.loads(line)["path"]: json.loads(line) for line in ran.stdout.splitlines()} \
        == in_order
    for path in rng.sample(paths, 12):
        assert _results(cli, path)[str(path)] == in_order[str(path)]
