"""A short run of the mutation fuzzer (scripts/fuzz.py): no traceback, hang or blow-up.

The long run (100,000 inputs) is documented in the README; this keeps the same harness
exercised on every test run.
"""

from __future__ import annotations

import importlib.util
import sys

from tests.conftest import ROOT


def _fuzz_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("memmapcalc_fuzz", ROOT / "scripts" / "fuzz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def test_short_fuzz_run_finds_nothing() -> None:
    fuzz = _fuzz_module()
    lines: list[str] = []
    findings = fuzz.run(1800, seed=20261125, timeout=10.0, log=lines.append)
    assert findings == []
    assert "fuzzed 1800 inputs" in lines[0]
    names = {t.name for t in fuzz.targets()}
    assert {"load-yaml", "load-toml", "load-json", "special-files", "probe-sysroot",
            "import-lsmem", "import-zvm", "import-hmc", "set-override", "render-names",
            "cmdline"} <= names


def test_special_files_target_catches_a_blocking_reader(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The special-files target fails when config reading stops refusing FIFOs: a reader
    that opens one blocking would hang, which the fuzzer's alarm reports as a finding."""
    import pytest

    import memmapcalc.inputfile as inputfile

    fuzz = _fuzz_module()
    target = next(t for t in fuzz.targets() if t.name == "special-files")
    fifo_first = bytes([fuzz._ENTRY_KINDS.index("fifo")]) + b"memory: {online: 4G}\n"
    target.call(fifo_first)  # refused as a FIFO: fine

    def blocking_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        with open(path, "rb") as stream:  # blocks on a FIFO without a writer
            return stream.read()

    monkeypatch.setattr(inputfile, "read_file", lambda path, *a, **k: blocking_open(path))
    import signal

    def alarm(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        with pytest.raises((TimeoutError, fuzz.Finding)):
            target.call(fifo_first)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_mutations_are_deterministic() -> None:
    fuzz = _fuzz_module()
    import random

    seeds = [b"memory:\n  online: 4G\n"]
    first = [fuzz.mutate(random.Random(3), seeds[0], seeds) for _ in range(5)]
    again = [fuzz.mutate(random.Random(3), seeds[0], seeds) for _ in range(5)]
    assert first == again


def test_short_consistency_run_finds_no_mismatch() -> None:
    fuzz = _fuzz_module()
    lines: list[str] = []
    assert fuzz.consistency(240, seed=20261201, log=lines.append) == []
    assert "checked 240 configs alone and in shuffled batches of 16" in lines[0]


def test_render_target_catches_unescaped_names(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The render-names target finds a raw ESC when text output stops escaping names."""
    import pytest

    import memmapcalc.render.text as text

    fuzz = _fuzz_module()
    target = next(t for t in fuzz.targets() if t.name == "render-names")
    target.call(b"a\x1b[2Jb\n\xff.yaml")  # escaped: fine
    monkeypatch.setattr(text, "terminal", str)
    with pytest.raises(fuzz.Finding):
        target.call(b"a\x1b[2Jb\nplain.yaml")
