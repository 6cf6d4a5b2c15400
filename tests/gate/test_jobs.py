"""``-j N`` never forks more workers than there are CPUs available to this process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from memmapcalc.api import batch
from memmapcalc.api.batch import DEFAULT_JOBS_CAP, available_cpus, worker_count
from tests.gate.gate_helpers import PASSING, Gate, write_configs


@pytest.mark.parametrize(("jobs", "cpus", "workers"), [
    (512, 4, 4), (512, 1, 1), (3, 4, 3), (4, 4, 4), (1, 64, 1),
    (None, 2, 2), (None, 64, DEFAULT_JOBS_CAP), (None, 1, 1), (2, 0, 1),
])
def test_worker_count_is_capped_at_the_cpus(jobs: int | None, cpus: int, workers: int) -> None:
    assert worker_count(jobs, cpus) == workers


def test_available_cpus_follows_the_affinity_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container's cpuset (or taskset) limits what a process may use, not the machine's
    CPU count."""
    monkeypatch.delattr(os, "process_cpu_count", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 5, 7}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 96)
    assert available_cpus() == 3
    monkeypatch.delattr(os, "sched_getaffinity")  # (macOS has none)
    assert available_cpus() == 96
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert available_cpus() == 1


def test_available_cpus_prefers_process_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "process_cpu_count", lambda: 6, raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert available_cpus() == 6


def test_j_512_starts_as_many_workers_as_cpus(gate: Gate, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def in_workers(sources, checker, jobs):  # type: ignore[no-untyped-def]
        seen.append(jobs)
        for source in sources:
            yield from checker.source(source)

    monkeypatch.setattr(batch, "_in_workers", in_workers)
    monkeypatch.setattr(batch, "available_cpus", lambda: 2)
    files = {f"m{i:03d}.yaml": PASSING for i in range(batch.PARALLEL_FROM + 1)}
    run = gate("check", "-qq", "-j", "512", str(write_configs(tmp_path, files)))
    assert run.code == 0 and seen == [2]
