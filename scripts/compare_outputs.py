#!/usr/bin/env python3
"""Byte-identity check for refactors: every output of one checkout against another's.

A refactor must not change what memmapcalc prints.  This script writes a reproducible
random sample of machine configs (all four architectures, kernel versions and settings,
valid and invalid), runs a checkout's CLI over them in every output format (``check`` in
each format with and without ``--explain``, ``plan`` text and JSON, ``frontier -f json``
for a subset) and stores each output; ``compare`` then lists every output that differs.

    python scripts/compare_outputs.py generate --count 3000 /tmp/sample
    python scripts/compare_outputs.py snapshot --repo /path/before /tmp/sample /tmp/before
    python scripts/compare_outputs.py snapshot --repo .            /tmp/sample /tmp/after
    python scripts/compare_outputs.py compare /tmp/before /tmp/after

``--repo`` is put first on PYTHONPATH, so both snapshots run with the same interpreter and
installed dependencies; only memmapcalc's own code differs.  The configs' paths are
relative (the CLI runs inside the sample directory), so outputs do not embed temp paths.
Exit status of ``compare``: 0 identical, 1 some output differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

VERSIONS = [None, "4.18", "5.14", "6.1", "6.5", "6.6", "6.7", "6.8", "6.9", "6.12", "6.13",
            "6.16", "6.17", "6.18", "6.19", "7.1"]
CHECK_FORMATS = ["text", "json", "jsonl", "junit", "github", "sarif"]
FRONTIER_SAMPLE = 150


def _s390x(rng: random.Random) -> dict[str, Any]:
    edat1 = rng.random() < 0.8
    online = rng.choice([512, 1024, 2048, 4096, 8192, 16384, 65536]) + rng.choice([0, 0, 8, 1000])
    data: dict[str, Any] = {
        "memory": {"online": f"{online}M",
                   "standby": f"{rng.choice([0, 1, 4, 64, 252, 1024, 4096])}G"},
        "cpu": {"edat1": edat1, "edat2": edat1 and rng.random() < 0.7},
        "kernel": {"memmap_on_memory": rng.choice(["off", "on", "force"]),
                   "pageblock_size": rng.choice(["1M", "4M"]),
                   "crashkernel": f"{rng.choice([0, 0, 128, 512])}M",
                   "thp": rng.random() < 0.8},
    }
    increment = rng.choice([None, 1, 8, 16, 64, 256, 2048])
    if increment:
        data["memory"]["increment"] = f"{increment}M"
        # Storage is defined in whole increments (a few machines keep the odd size: errors).
        if rng.random() < 0.97:
            data["memory"]["online"] = f"{max(online // increment, 1) * increment}M"
    return data


def _dimm_arch(rng: random.Random, arch: str) -> dict[str, Any]:
    data: dict[str, Any] = {"arch": arch, "memory": {"online": f"{rng.choice([1, 2, 4, 8, 16])}G"},
                            "kernel": {"memmap_on_memory": rng.choice(["off", "on", "force"])}}
    if rng.random() < 0.7:
        data["memory"]["dimms"] = [f"{rng.choice([1, 8, 32, 128])}G"
                                   for _ in range(rng.randint(1, 3))]
    if arch == "x86_64":
        data["cpu"] = {"hypervisor": rng.random() < 0.8}
    if arch == "arm64":
        data["kernel"]["page_size"] = rng.choice(["4K", "16K", "64K"])
    if rng.random() < 0.5:
        data["kernel"]["auto_online"] = rng.choice(["offline", "online", "online_movable"])
    if rng.random() < 0.3:
        data["kernel"]["footprint"] = f"{rng.choice([150, 300, 600])}M"
    return data


def _ppc64le(rng: random.Random) -> dict[str, Any]:
    return {"arch": "ppc64le",
            "memory": {"online": f"{rng.choice([2, 4, 8, 32])}G",
                       "standby": f"{rng.choice([0, 16, 256, 1024])}G"},
            "kernel": {"mmu": rng.choice(["radix", "hash"]),
                       "memmap_on_memory": rng.choice(["off", "on", "force"])}}


def machine(rng: random.Random, index: int) -> dict[str, Any]:
    """One random machine; about 2 % are invalid on purpose (errors are outputs too)."""
    arch = rng.choices(["s390x", "x86_64", "arm64", "ppc64le"], [6, 2, 1, 1])[0]
    data = _s390x(rng) if arch == "s390x" else (
        _ppc64le(rng) if arch == "ppc64le" else _dimm_arch(rng, arch))
    data["name"] = f"m{index:05d}"
    version = rng.choice(VERSIONS)
    if version:
        data["kernel"]["version"] = version
    if rng.random() < 0.3:
        data["boot"] = {"min_margin": f"{rng.choice([0, 64, 256])}M"}
    if rng.random() < 0.02:
        data["memory"]["online"] = rng.choice(["16GB", "-1G", "lots"])
    return data


def generate(count: int, seed: int, directory: Path) -> None:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        text = json.dumps(machine(rng, index), indent=1, sort_keys=True)
        (directory / f"m{index:05d}.json").write_text(text + "\n", encoding="utf-8")


def _run(repo: Path, sample: Path, args: list[str]) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(repo.resolve()), "COLUMNS": "100", "NO_COLOR": "1",
           "LC_ALL": "C.UTF-8", "SOURCE_DATE_EPOCH": "1764547200"}  # JUnit's timestamp
    env.pop("FORCE_COLOR", None)
    env.pop("MEMMAPCALC_FORMAT", None)
    done = subprocess.run([sys.executable, "-m", "memmapcalc", *args], cwd=sample, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, check=False)
    return f"exit {done.returncode}\n".encode() + done.stdout + b"\n--- stderr\n" + done.stderr


def snapshot(repo: Path, sample: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[str]] = {}
    for fmt in CHECK_FORMATS:
        runs[f"check-{fmt}"] = ["check", ".", "-f", fmt, "-j", "1"]
    runs["check-text-explain"] = ["check", ".", "--explain", "-j", "1"]
    runs["check-json-explain"] = ["check", ".", "-f", "json", "--explain", "-j", "1"]
    runs["plan-text"] = ["plan", "."]
    runs["plan-json"] = ["plan", ".", "-f", "json"]
    for name, args in runs.items():
        (out / f"{name}.out").write_bytes(_run(repo, sample, args))
        print(f"{name}: done", file=sys.stderr)
    configs = sorted(p.name for p in sample.glob("*.json"))
    frontier = bytearray()
    for config in random.Random(7).sample(configs, min(FRONTIER_SAMPLE, len(configs))):
        frontier += f"=== {config}\n".encode()
        frontier += _run(repo, sample, ["frontier", "-c", config, "--online", "1G..16G",
                                        "--step", "1G", "-f", "json"])
    (out / "frontier-json.out").write_bytes(bytes(frontier))


def compare(before: Path, after: Path) -> int:
    differing = 0
    for old in sorted(before.glob("*.out")):
        new = after / old.name
        if not new.exists():
            print(f"{old.name}: missing in {after}")
            differing += 1
            continue
        a, b = _masked(old.read_bytes()), _masked(new.read_bytes())
        same = a == b
        digest = hashlib.sha256(a).hexdigest()[:12]
        print(f"{old.name}: {'identical' if same else 'DIFFERS'} ({len(a)} bytes, {digest})")
        if not same:
            differing += 1
            _first_difference(a, b)
    return 1 if differing else 0


def _masked(output: bytes) -> bytes:
    """The output without the clock: JUnit's ``timestamp`` (for snapshots taken without
    SOURCE_DATE_EPOCH)."""
    return re.sub(rb'timestamp="[^"]*"', b'timestamp="-"', output)


def _first_difference(a: bytes, b: bytes) -> None:
    for number, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if x != y:
            print(f"  line {number}:\n  - {x[:200]!r}\n  + {y[:200]!r}")
            return
    print(f"  one output is a prefix of the other ({len(a)} vs {len(b)} bytes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write the random sample of configs")
    gen.add_argument("directory", type=Path)
    gen.add_argument("--count", type=int, default=3000)
    gen.add_argument("--seed", type=int, default=12)
    snap = sub.add_parser("snapshot", help="run one checkout over the sample")
    snap.add_argument("--repo", type=Path, required=True)
    snap.add_argument("sample", type=Path)
    snap.add_argument("out", type=Path)
    cmp_ = sub.add_parser("compare", help="compare two snapshots")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "generate":
        generate(args.count, args.seed, args.directory)
        return 0
    if args.command == "snapshot":
        snapshot(args.repo, args.sample, args.out)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
