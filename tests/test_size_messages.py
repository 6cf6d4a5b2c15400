"""Sizes that cannot be meant name what was written (issue 14, item 4): a size with a unit
that is not whole pages is not told "sizes without a unit are bytes"."""

from __future__ import annotations

from tests.conftest import run_cli


def _error(write, online: str) -> str:  # type: ignore[no-untyped-def]
    path = write("m.yaml", f"name: m\nmemory:\n  online: {online}\n  standby: 4G\n")
    ran = run_cli("check", str(path))
    assert ran.returncode == 2
    return ran.stdout


def test_a_size_with_a_unit_is_shown_as_written(write) -> None:  # type: ignore[no-untyped-def]
    shown = _error(write, "4194305K")
    assert "4194305K is 4294968320 bytes, not a whole number of 4 KiB pages" in shown
    assert "without a unit" not in shown


def test_a_bare_number_is_said_to_be_bytes(write) -> None:  # type: ignore[no-untyped-def]
    shown = _error(write, "4294967297")
    assert ("4294967297 is 4294967297 bytes, not a whole number of 4 KiB pages (sizes without "
            "a unit are bytes)") in shown
    assert "4096M" in _error(write, "4096")  # online: 4096 names the likely intent
