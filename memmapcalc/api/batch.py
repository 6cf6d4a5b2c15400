"""Many machines checked in order, in this process or in forked workers: the result
dicts of ``memmapcalc check`` (the JSON contract's, :mod:`memmapcalc.api.contract`).

The run streams: each source (a file, or an entry of standard input) is loaded,
evaluated and yielded before the next is read.  Runs over many files spread them over
worker processes (the model is pure CPU work) and keep the input order.  No printing, no
exiting: the command (:mod:`memmapcalc.commands.check`) writes and decides the status.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from memmapcalc.api.cache import EvaluationCache

#: Adds to a machine's result dict what only one format reads (``-f html``'s frontier
#: sample): ``annotate(machine, result)``, run where the machine is evaluated.
Annotate = Callable[[Any, dict[str, Any]], None]

#: Below this many config files a run stays in one process: forking workers costs more.
PARALLEL_FROM = 64
#: Files per task handed to a worker process.
CHUNK = 16


def results(inputs: list[str], stdin_filename: str | None, overrides: Sequence[Any],
            explain: bool, jobs: int, annotate: Annotate | None = None,
            ) -> Iterator[dict[str, Any]]:
    """The contract's result dict of every machine of every input, in input order.

    Runs with many config files spread them over ``jobs`` worker processes (the model is
    pure CPU work); standard input and error entries are handled here, in their place.
    """
    from memmapcalc.config.sources import iter_sources

    checker = Checker(overrides, explain, annotate)
    sources = iter_sources(inputs, stdin_filename, overrides)
    if jobs > 1:
        first = list(itertools.islice(sources, PARALLEL_FROM))
        if len(first) == PARALLEL_FROM and _can_fork():  # (multiprocessing only then)
            yield from _in_workers(itertools.chain(first, sources), checker, jobs)
            return
        sources = iter(first)
    for source in sources:
        yield from checker.source(source)


class Checker:
    """Loads, evaluates and turns into result dicts, one source (file or entry) at a time."""

    def __init__(self, overrides: Sequence[Any], explain: bool,
                 annotate: Annotate | None = None) -> None:
        self.overrides = overrides
        self.explain = explain
        self.annotate = annotate  # -f html draws each machine's frontier: sampled here
        self.evaluations = EvaluationCache()

    def source(self, source: Any) -> Iterator[dict[str, Any]]:
        from memmapcalc.config.load import iter_path

        items = iter_path(source, self.overrides) if isinstance(source, str) else (source,)
        for loaded in items:
            yield self.result(loaded)

    def result(self, loaded: Any) -> dict[str, Any]:
        from memmapcalc.api.contract import error_dict, result_dict

        if loaded.machine is None:
            return error_dict(loaded)
        try:
            evaluation = self.evaluations.evaluate(loaded.machine)
        except Exception as error:  # one machine's model bug must not hide the rest
            if os.environ.get("MEMMAPCALC_DEBUG"):
                raise
            return error_dict(_internal_error(loaded, error))
        result = result_dict(loaded, evaluation, self.explain)
        if self.annotate is not None:  # (in the worker, so -j spreads that work too)
            self.annotate(loaded.machine, result)
        return result

    def files(self, paths: list[str]) -> list[dict[str, Any]]:
        return [result for path in paths for result in self.source(path)]


#: Workers when -j is not given: more rarely helps (the output is written by one process).
DEFAULT_JOBS_CAP = 8


def available_cpus() -> int:
    """CPUs this process may run on: its affinity mask (a container's cpuset, taskset),
    ``os.process_cpu_count()`` on Python 3.13+, else the machine's count."""
    count: int | None = None
    process_cpu_count = getattr(os, "process_cpu_count", None)
    if process_cpu_count is not None:
        count = process_cpu_count()
    if count is None:
        try:
            count = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            count = os.cpu_count()
    return max(1, count or 1)


def worker_count(jobs: int | None, cpus: int | None = None) -> int:
    """Processes to check files in: ``-j N`` but never more than the CPUs available
    (``-j 512`` on 4 CPUs forks 4, not 512: the work is pure CPU, more processes only
    cost memory); without ``-j``, the CPUs available up to :data:`DEFAULT_JOBS_CAP`."""
    cpus = available_cpus() if cpus is None else max(1, cpus)
    if jobs is None:
        return min(cpus, DEFAULT_JOBS_CAP)
    return max(1, min(jobs, cpus))


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


#: The worker process's checker, set by :func:`_start_worker` (fork copies the rest).
_WORKER: Checker | None = None


def _start_worker(checker: Checker) -> None:
    import signal

    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # The parent's SIGTERM/SIGHUP handlers unwind the parent; a worker just ends (the
    # parent's pool.terminate() sends it SIGTERM).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    _WORKER = checker


def _check_files(paths: list[str]) -> list[dict[str, Any]]:
    assert _WORKER is not None
    return _WORKER.files(paths)


def _in_workers(sources: Iterator[Any], checker: Checker, jobs: int) -> Iterator[dict[str, Any]]:
    """Results of ``sources`` checked by ``jobs`` forked workers, in order.

    Runs of consecutive files go to the workers in chunks; at most ``2 * jobs`` chunks
    are in flight, so a run over 100,000 files holds a bounded number of results.
    Workers ignore SIGINT and are terminated when the run ends, however it ends.
    """
    import collections
    import multiprocessing

    # Created before any thread of ours exists: the pool forks its workers at once.
    pool = multiprocessing.get_context("fork").Pool(jobs, _start_worker, (checker,))
    try:
        pending: collections.deque[Any] = collections.deque()
        for is_file, group in itertools.groupby(sources, key=lambda item: isinstance(item, str)):
            if is_file:
                for paths in _batched(group, CHUNK):
                    pending.append(pool.apply_async(_check_files, (paths,)))
                    while len(pending) > 2 * jobs:
                        yield from pending.popleft().get()
            else:
                while pending:  # keep the order: what was sent before comes first
                    yield from pending.popleft().get()
                for entry in group:
                    yield from checker.source(entry)
        while pending:
            yield from pending.popleft().get()
    finally:
        pool.terminate()
        pool.join()


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _internal_error(loaded: Any, error: Exception) -> Any:
    from dataclasses import replace

    from memmapcalc.errors import InputError

    problem = InputError(loaded.source, f"internal error while evaluating {loaded.name}: "
                         f"{type(error).__name__}: {error} (set MEMMAPCALC_DEBUG=1 for a "
                         f"traceback)")
    return replace(loaded, machine=None, error=problem)
