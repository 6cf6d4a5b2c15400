"""Measure memmapcalc's start-up and per-machine cost against the budgets of issue 3.

    python scripts/bench.py            # the full run (a few minutes)
    python scripts/bench.py --quick    # fewer runs and machines, for a smoke test

Every figure is a ratio to ``python -c pass`` measured in the same run, in the same
interleaved rounds, so a busy or slow machine shifts both sides alike.  Wall time comes
from ``time.perf_counter`` around ``subprocess.run`` (no hyperfine); the median of the
rounds is reported, with the fastest round beside it.  Peak memory is the child's
``ru_maxrss`` from ``os.wait4``.

Fleets are generated in a temporary directory:
- ``one.yaml``: the README's 4 GiB / 252 GiB z/VM guest on 6.8;
- ``unique/``: 10,000 config files, every machine different (online size unique), so
  the evaluation cache never helps: the worst case per machine;
- ``typical/``: 10,000 config files drawn from 48 machine shapes, as a repository of
  guest definitions usually is;
- ``flat-N/``: fleets of 100 machines per file, for the jsonl memory check at 1,000
  and 100,000 machines.

Budgets (cli-conventions.md §3): --help/--version <= 6x, check one config -f json
<= 17x, text <= 20x, each further machine <= 1 ms, 10,000 machines in one run < 10 s
beyond start-up, jsonl memory flat from 1,000 to 100,000 machines.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ONE = """\
name: lnx01
memory:
  online: 4G
  standby: 252G
  increment: 8M
kernel:
  version: "6.8"
"""
VERSIONS = ("6.8", "6.9", "6.12", "6.19", "5.14")


def unique_machine(i: int) -> str:
    """Machine ``i`` of a fleet in which no two machines evaluate alike."""
    return (f"name: u{i:06d}\nmemory:\n  online: {2048 + 8 * i}M\n"
            f"  standby: {(0, 16, 64, 128, 252)[i % 5]}G\n  increment: 8M\n"
            f"kernel:\n  version: \"{VERSIONS[i % 5]}\"\n"
            f"  memmap_on_memory: {'on' if i % 3 == 0 else 'off'}\n")


def typical_machine(i: int) -> str:
    """Machine ``i`` of a fleet with 48 shapes (4 online sizes x 3 standby x 4 kernels)."""
    online, standby = (4, 8, 16, 32)[i % 4], (0, 64, 252)[i // 4 % 3]
    version = VERSIONS[i // 12 % 4]
    return (f"name: t{i:06d}\nmemory:\n  online: {online}G\n  standby: {standby}G\n"
            f"kernel:\n  version: \"{version}\"\n")


def write_files(directory: Path, count: int, make: object) -> Path:
    directory.mkdir(parents=True)
    for i in range(count):
        (directory / f"m{i:06d}.yaml").write_text(make(i))  # type: ignore[operator]
    return directory


def write_fleets(directory: Path, machines: int, per_file: int = 100) -> Path:
    directory.mkdir(parents=True)
    for start in range(0, machines, per_file):
        entries = "".join(
            f"  - {{name: f{i:06d}, memory: {{online: {2048 + 8 * i}M, standby: "
            f"{(0, 64, 252)[i % 3]}G}}}}\n" for i in range(start, min(start + per_file, machines)))
        (directory / f"fleet{start // per_file:05d}.yaml").write_text(
            "defaults:\n  kernel: {version: \"6.8\"}\n  memory: {increment: 8M}\nmachines:\n"
            + entries)
    return directory


def command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m memmapcalc``."""
    script = shutil.which("memmapcalc", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "memmapcalc"]


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MEMMAPCALC_FORMAT", "PYTHONDONTWRITEBYTECODE", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return env


def run_once(argv: Sequence[str], env: dict[str, str],
             allowed: tuple[int, ...]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in allowed:
        sys.exit(f"bench: {' '.join(argv)} exited {process.returncode}, expected {allowed}")
    return elapsed, usage.ru_maxrss


def rounds(cases: dict[str, tuple[list[str], tuple[int, ...]]], count: int,
           env: dict[str, str]) -> dict[str, list[float]]:
    """Run every case once per round, interleaved, ``count`` rounds."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(count):
        for name, (argv, allowed) in cases.items():
            times[name].append(run_once(argv, env, allowed)[0])
    return times


def machine_facts() -> list[str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 0
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    from memmapcalc import __version__

    return [f"machine: {cpus} CPUs (nproc), {model}, {platform.system()} {platform.release()}",
            f"python: {platform.python_implementation()} {platform.python_version()}, "
            f"memmapcalc {__version__}, load average at start {load}"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few rounds, small fleets")
    parser.add_argument("--rounds", type=int, help="start-up rounds (default 21, quick 5)")
    parser.add_argument("--machines", type=int, help="fleet size (default 10000, quick 1000)")
    parser.add_argument("--rss-machines", type=int,
                        help="machines for the jsonl memory check (default 100000, quick 5000)")
    parser.add_argument("--keep", type=Path, help="generate the fleets here and keep them")
    args = parser.parse_args(argv)
    start_rounds = args.rounds or (5 if args.quick else 21)
    machines = args.machines or (1000 if args.quick else 10000)
    rss_machines = args.rss_machines or (5000 if args.quick else 100000)
    fleet_rounds = 1 if args.quick else 3

    env, cli = environment(), command()
    print("\n".join(machine_facts()))
    print(f"command: {' '.join(cli)}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="memmapcalc-bench-"))
    try:
        return measure(root, cli, env, start_rounds, machines, rss_machines, fleet_rounds)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


def measure(root: Path, cli: list[str], env: dict[str, str], start_rounds: int, machines: int,
            rss_machines: int, fleet_rounds: int) -> int:
    root.mkdir(parents=True, exist_ok=True)
    one = root / "one.yaml"
    one.write_text(ONE)
    t0 = time.perf_counter()
    unique = write_files(root / "unique", machines, unique_machine)
    typical = write_files(root / "typical", machines, typical_machine)
    flat_sizes = sorted({1000, min(10000, rss_machines), rss_machines})
    flats = {count: write_fleets(root / f"flat-{count}", count) for count in flat_sizes}
    print(f"generated fleets in {time.perf_counter() - t0:.1f} s under {root}")

    pass_ = [sys.executable, "-c", "pass"]
    startup = {
        "python -c pass": (pass_, (0,)),
        "memmapcalc --help": ([*cli, "--help"], (0,)),
        "memmapcalc --version": ([*cli, "--version"], (0,)),
        "imports of check": ([sys.executable, "-c", "import click, yaml, memmapcalc.config.model, "
                              "memmapcalc.model.evaluate"], (0,)),
        "check one -f json": ([*cli, "check", str(one), "-f", "json"], (1,)),
        "check one (text)": ([*cli, "check", str(one)], (1,)),
    }
    rounds(startup, 3, env)  # warm-up: bytecode written, file cache warm
    times = rounds(startup, start_rounds, env)
    base = statistics.median(times["python -c pass"])
    budgets = {"memmapcalc --help": 6, "memmapcalc --version": 6, "check one -f json": 17,
               "check one (text)": 20}
    print(f"\nstart-up, {start_rounds} interleaved rounds (median; fastest in brackets).  "
          f"'imports of check' is the floor: importing click, yaml, the config model and the "
          f"core, nothing run:")
    print(f"  {'':24} {'ms':>8} {'x pass':>7} {'budget':>7}")
    for name, values in times.items():
        median, fastest = statistics.median(values), min(values)
        ratio = median / base
        budget = budgets.get(name)
        verdict = "" if budget is None else f"<= {budget}x {'ok' if ratio <= budget else 'OVER'}"
        print(f"  {name:24} {1000 * median:8.1f} {ratio:7.1f} {verdict:>10}   "
              f"[{1000 * fastest:.1f} ms, {fastest / min(times['python -c pass']):.1f}x]")

    one_json = statistics.median(times["check one -f json"])
    print(f"\n{machines} machines in one run, -f json, {fleet_rounds} round(s) each "
          f"(beyond start-up = minus 'check one -f json'):")
    for label, directory, jobs in (("unique, 1 process", unique, "1"),
                                   ("unique, all CPUs", unique, None),
                                   ("typical, 1 process", typical, "1"),
                                   ("typical, all CPUs", typical, None)):
        argv = [*cli, "check", str(directory), "-f", "json"] + (["-j", jobs] if jobs else [])
        values = [run_once(argv, env, (0, 1))[0] for _ in range(fleet_rounds)]
        total = statistics.median(values)
        beyond = total - one_json
        per = 1000 * beyond / (machines - 1)
        print(f"  {label:20} total {total:6.2f} s, beyond start-up {beyond:6.2f} s, "
              f"{per:.3f} ms per further machine "
              f"({'ok' if per <= 1.0 else 'OVER'} <= 1 ms; 10,000 would take "
              f"{per * 10:.1f} s)")

    print("\npeak RSS of -f jsonl over fleet files of 100 machines (one process; the largest also "
          "with all CPUs, the parent process's RSS):")
    runs = [(count, "1") for count in flat_sizes] + [(rss_machines, None)]
    for count, jobs in runs:
        argv = [*cli, "check", str(flats[count]), "-f", "jsonl"] + (["-j", jobs] if jobs else [])
        elapsed, rss = run_once(argv, env, (0, 1))
        print(f"  {count:>9,} machines  {'1 process' if jobs else 'all CPUs ':9}  peak RSS "
              f"{rss / 1024:6.1f} MiB  ({elapsed:.1f} s, "
              f"{1000 * elapsed / count:.3f} ms per machine)")
    print("\n(json holds every result until the end; jsonl writes each as it is checked.  "
          "The model keeps bounded caches, so RSS grows over the first few thousand machines, "
          "then stays.)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
