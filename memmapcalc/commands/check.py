"""``memmapcalc check``: evaluate machine configs and report; the exit status is the verdict.

The run streams: each machine is loaded, evaluated and handed to the format's writer
before the next is read, so ``-f jsonl`` writes every result as soon as it exists and a
run over 100,000 machines holds one machine at a time (json, sarif and a junit suite
need all their results before writing and keep them).  Heavy modules (pydantic, yaml,
the model, rich) are imported inside the command body so that ``--help`` and completion
stay fast; rich only for ``-f text``.

Exit status: 0 every machine passes or warns; 1 at least one fails (or warns, with
``--fail-on warn``) and every input was understood; 2 any usage or input error, whatever
else happened (an unreadable config is never hidden behind a verdict); ``--exit-zero``
turns 1 into 0 but never 2 into 0.  130 (Ctrl-C), 141 (stdout closed), 143 (SIGTERM)
and 129 (SIGHUP) come from :func:`memmapcalc.cli.main`.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click

from memmapcalc.render import FORMATS

VERDICTS = ("pass", "warn", "fail", "error")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@click.option("-c", "--config", "configs", multiple=True,
              type=click.Path(allow_dash=True, readable=False),
              help="A machine config file (repeatable); same as a positional PATH.")
@click.option("--stdin-filename", metavar="NAME",
              help="Name for standard input ('-') in results; its extension picks the format "
                   "(YAML when it has none).")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              envvar="MEMMAPCALC_FORMAT", show_envvar=True,
              help="Report format (default: text).")
@click.option("-o", "--output",
              type=click.Path(dir_okay=False, allow_dash=True, readable=False),
              help="Write the report to FILE (a regular file is replaced atomically; a device "
                   "or FIFO is written as a stream) instead of stdout.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="What-if: set a config key for every machine (repeatable), e.g. "
                   "--set kernel.version=6.19.")
@click.option("--explain", is_flag=True, help="Show every number with its formula and kernel source.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in text output (NO_COLOR/FORCE_COLOR honoured).")
@click.option("-q", "--quiet", count=True,
              help="No summary; text shows failing machines only (-qq: no report on stdout).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check files in N processes, at most the CPUs available (default: the CPUs "
                   "available, up to 8; 1: this process only).  Output order never changes.")
@click.option("--fail-on", type=click.Choice(["fail", "warn"]), default="fail", show_default=True,
              help="Lowest verdict that makes the exit status 1 (warn: a stricter gate).")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when machines fail (report-only runs); input errors still exit 2.")
def check(paths: tuple[str, ...], configs: tuple[str, ...], stdin_filename: str | None,
          fmt: str | None, output: str | None, sets: tuple[str, ...], explain: bool, color: str,
          quiet: int, jobs: int | None, fail_on: str, exit_zero: bool) -> int:
    """Check machine configs (files, directories, '-' for stdin): will each machine IPL?

    Exit status: 0 every machine passes or warns, 1 at least one fails, 2 any input or
    usage error.
    """
    from memmapcalc.exits import EXIT_ERROR, EXIT_FAIL, EXIT_OK
    from memmapcalc.render import MACHINE_FORMATS, RenderOptions, writer
    from memmapcalc.render.stderr import say

    inputs = _inputs([*configs, *paths], stdin_filename)
    overrides: Sequence[Any] = ()
    if sets:
        from memmapcalc.overrides import parse_overrides

        overrides = parse_overrides(sets)
    fmt = fmt or "text"
    to_stdout = output in (None, "-")
    options = RenderOptions(color=fmt not in MACHINE_FORMATS and _color(color, to_stdout),
                            quiet=quiet, explain=explain)
    # Error lines on stderr unless the report itself shows them on the terminal (text).
    tell_errors = quiet < 2 and not (fmt == "text" and to_stdout)
    tally = Tally(tell_errors)
    results = tally.count(_results(inputs, stdin_filename, overrides, explain,
                                   worker_count(jobs), frontier=fmt == "html"))
    if to_stdout and quiet >= 2:
        for _ in results:  # check everything, print nothing: the exit status is the answer
            pass
    else:
        from memmapcalc.atomic import open_output

        # stdout, a stream or a file replaced in one step; a reader leaving early ends the
        # run with 141 (memmapcalc.cli.main), a full disk with a one-line error (2).
        with open_output(output) as stream:
            writer(fmt)(results, stream, options)
    # The summary is for people: with text, or when the report went to a file.  A machine
    # format on stdout is read by a program, and stderr stays quiet unless input is bad.
    if not quiet and (fmt == "text" or not to_stdout):
        say(tally.summary())
    if tally.counts["error"]:
        return EXIT_ERROR
    failing = tally.counts["fail"] + (tally.counts["warn"] if fail_on == "warn" else 0)
    return EXIT_FAIL if failing and not exit_zero else EXIT_OK


def _inputs(given: list[str], stdin_filename: str | None) -> list[str]:
    if not given and stdin_filename is not None:
        given = ["-"]  # `--stdin-filename x.yaml < x.yaml` reads stdin, as ruff does
    if not given:
        raise click.UsageError("give at least one config file or directory (or '-' for stdin)")
    if given.count("-") > 1:
        raise click.UsageError("'-' (standard input) can be given only once")
    if stdin_filename is not None and "-" not in given:
        raise click.UsageError("--stdin-filename names standard input; add '-' to the inputs")
    return given


def _color(choice: str, to_stdout: bool) -> bool:
    from memmapcalc.terminal import use_color

    if not to_stdout:  # a report file: colour only when asked for explicitly
        return choice == "always"
    return use_color(choice, sys.stdout)


class Tally:
    """Counts verdicts as results stream past (for the summary and the exit status) and
    tells unreadable configs on stderr when the report does not show them there."""

    def __init__(self, tell_errors: bool) -> None:
        self.counts = dict.fromkeys(VERDICTS, 0)
        self.tell_errors = tell_errors

    def count(self, results: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for result in results:
            self.counts[result["verdict"]] += 1
            if self.tell_errors and result["verdict"] == "error":
                from memmapcalc.render.stderr import say

                say(f"memmapcalc: error: {result['error']}")
            yield result

    def summary(self) -> str:
        total = sum(self.counts.values())
        noun = "machine" if total == 1 else "machines"
        return f"{total} {noun}: " + ", ".join(f"{self.counts[v]} {v}" for v in VERDICTS)


#: Below this many config files a run stays in one process: forking workers costs more.
PARALLEL_FROM = 64
#: Files per task handed to a worker process.
CHUNK = 16


def _results(inputs: list[str], stdin_filename: str | None, overrides: Sequence[Any],
             explain: bool, jobs: int, frontier: bool = False) -> Iterator[dict[str, Any]]:
    """The contract's result dict of every machine of every input, in input order.

    Runs with many config files spread them over ``jobs`` worker processes (the model is
    pure CPU work); standard input and error entries are handled here, in their place.
    """
    from memmapcalc.config.load import iter_sources

    checker = Checker(overrides, explain, frontier)
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

    def __init__(self, overrides: Sequence[Any], explain: bool, frontier: bool = False) -> None:
        self.overrides = overrides
        self.explain = explain
        self.frontier = frontier  # -f html draws each machine's frontier: sample it here
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
        except Exception as error:  # noqa: BLE001 - one machine's model bug must not hide the rest
            if os.environ.get("MEMMAPCALC_DEBUG"):
                raise
            return error_dict(_internal_error(loaded, error))
        result = result_dict(loaded, evaluation, self.explain)
        if self.frontier:  # not part of the JSON contract: only the html report reads it
            from memmapcalc.render.frontier_sample import sample

            result["frontier"] = sample(loaded.machine, result["online"], result["block_size"])
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


class EvaluationCache:
    """``evaluate(machine)`` for many machines, computed once per distinct set of model inputs.

    The key is the resolved :class:`~memmapcalc.core.params.Params` (frozen, every field,
    defaults filled in), which is exactly what the evaluation reads: two configs share an
    entry only when the model cannot tell them apart, whatever was written out or left to
    its default, and whatever the machine is called.  Fleets repeat a few shapes many times
    (the same guest size on the same kernel), so a run evaluates each shape once.  Bounded,
    so memory stays flat.
    """

    LIMIT = 256

    def __init__(self) -> None:
        from memmapcalc.core.evaluate import evaluate
        from memmapcalc.core.params import resolve

        self._evaluate = evaluate
        self._resolve = resolve
        self._known: dict[Any, Any] = {}

    def evaluate(self, machine: Any) -> Any:
        key = self._resolve(machine)
        evaluation = self._known.get(key)
        if evaluation is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            evaluation = self._known[key] = self._evaluate(machine)
        return evaluation
