"""`memmapcalc import zvm`, issue 11 items 5 and 7 and issue 15 item 2: CP QUERY output is not
bound by the 71-column rule, sequence-number-only records are blank, `vmcp q v all` imports,
and a missing INCLUDE profile gives a partial config (or comes from --profile FILE)."""

from __future__ import annotations

from pathlib import Path

import pytest
from importer_helpers import ZVM, Invoke, load_config

from memmapcalc.importers.zvm import zvm_machines

MiB, GiB = 1 << 20, 1 << 30
LONG = "STORAGE = 16384M MAX = 16384G INC = 16M STANDBY = 1048576M RESERVED = 16384M"


def test_a_query_response_longer_than_71_columns_is_read_whole() -> None:
    assert len(LONG) > 71
    (draft,), messages = zvm_machines(LONG + "\n", "q")
    assert draft.get("memory.online") == 16 * GiB
    assert draft.get("memory.standby") == (1048576 + 16384) * MiB  # RESERVED counted
    assert draft.get("memory.increment") == 16 * MiB
    assert not draft.partial and messages == []


def test_long_query_response_through_the_cli_into_check(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("import", "zvm", "--kernel-version", "6.19", stdin=LONG + "\n")
    assert result.code == 0, result.err
    assert "beyond column 71" not in result.err
    (machine,) = load_config(result.out)
    assert machine.memory.standby == (1048576 + 16384) * MiB


@pytest.mark.parametrize("tail", ["00010000", "    00020000", "ABC"])
def test_a_record_with_text_only_in_columns_72_to_80_is_blank(invoke: Invoke, tail: str) -> None:
    text = "USER A PW 4G 8G G\n" + " " * (80 - len(tail)) + tail + "\n COMMAND DEF STOR AS 4G\n"
    result = invoke("import", "zvm", stdin=text)
    assert result.code == 0, result.err
    assert ("beyond column 71" in result.err) == (not tail.strip().isdigit())
    assert load_config(result.out)[0].memory.online == 4 * GiB


def test_only_sequence_numbers_is_an_input_error_not_a_crash(invoke: Invoke) -> None:
    result = invoke("import", "zvm", "--stdin-filename", "X.DIRECT", stdin=" " * 72 + "00010000\n")
    assert result.code == 2
    assert result.err.startswith("memmapcalc: error: X.DIRECT: ")
    assert len(result.err.strip().splitlines()) == 1


def test_query_virtual_all_output_imports() -> None:
    (draft,), _ = zvm_machines((ZVM / "query-v-all.txt").read_text(), "qva")
    assert (draft.get("memory.online"), draft.get("memory.standby")) == (8320 * MiB, 3968 * MiB)
    assert any("7 further line(s) of QUERY VIRTUAL ALL" in n for n in draft.notes)


def test_query_virtual_all_through_the_cli(invoke: Invoke) -> None:
    result = invoke("import", "zvm", str(ZVM / "query-v-all.txt"), "--kernel-version", "6.8")
    assert result.code == 0, result.err
    (machine,) = load_config(result.out)
    assert machine.memory.online == 8320 * MiB


def test_expanded_storage_is_noted_not_counted() -> None:
    text = "STORAGE = 4G MAX = 8G INC = 1M STANDBY = 1G RESERVED = 0\nXSTORE = 2G\nCPU 00  ID  FF\n"
    (draft,), _ = zvm_machines(text, "q")
    assert draft.get("memory.standby") == GiB
    assert any("XSTORE = 2G" in n and "not counted" in n for n in draft.notes)


def test_a_line_that_is_not_query_all_output_is_an_error(invoke: Invoke) -> None:
    text = "STORAGE = 4G MAX = 8G INC = 1M STANDBY = 0 RESERVED = 0\nCPU 00  ID  FF\nBOGUS 1\n"
    result = invoke("import", "zvm", "--stdin-filename", "Q", stdin=text)
    assert result.code == 2
    assert "line 3" in result.err and "'BOGUS'" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_query_all_then_directory_entry() -> None:
    text = (ZVM / "query-v-all.txt").read_text() + "USER B PW 2G 4G G\n"
    drafts, _ = zvm_machines(text, "mixed")
    assert sorted(str(d.name) for d in drafts) == ["B", "query-1"]


def test_cpu_statement_inside_a_user_entry_is_still_a_directory_statement() -> None:
    (draft,), _ = zvm_machines("USER A PW 4G 8G G\n CPU 00 BASE\n COMMAND DEF STOR AS 2G\n", "d")
    assert draft.get("memory.online") == 2 * GiB


# --- INCLUDE profile missing / --profile ------------------------------------------------

ENTRY = "USER LNX01 PW 4G 16G G\n INCLUDE LINDFLT\n"
PROFILE = "PROFILE LINDFLT\n COMMAND DEFINE STORAGE AS 4G STANDBY 8G\n"


def test_missing_profile_gives_a_partial_config(invoke: Invoke) -> None:
    result = invoke("import", "zvm", stdin=ENTRY)
    assert result.code == 0, result.err
    assert "# PARTIAL: INCLUDE LINDFLT (line 2)" in result.out
    assert "partial config: INCLUDE LINDFLT" in result.err
    assert load_config(result.out)[0].memory.online == 4 * GiB
    strict = invoke("import", "zvm", "--strict", stdin=ENTRY)
    assert strict.code == 2 and strict.out == ""


def test_profile_from_a_file(invoke: Invoke, tmp_path: Path) -> None:
    profile = tmp_path / "LINDFLT.DIRECT"
    profile.write_text(PROFILE)
    result = invoke("import", "zvm", "--profile", str(profile), "--strict", stdin=ENTRY)
    assert result.code == 0, result.err
    assert load_config(result.out)[0].memory.standby == 8 * GiB


def test_profile_file_with_a_user_entry_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    profile = tmp_path / "bad.direct"
    profile.write_text("USER X PW 1G\n")
    result = invoke("import", "zvm", "--profile", str(profile), stdin=ENTRY)
    assert result.code == 2
    assert result.err.startswith(f"memmapcalc: error: {profile}: ")


def test_profile_in_the_input_and_in_a_file_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    profile = tmp_path / "p.direct"
    profile.write_text(PROFILE)
    result = invoke("import", "zvm", "--profile", str(profile), stdin=PROFILE + ENTRY)
    assert result.code == 2
    assert "defined twice" in result.err


# --- never a config that `check` refuses (issue 11 item 7) -------------------------------

@pytest.mark.parametrize(("text", "words"), [
    ("STORAGE = 16E MAX = 16E INC = 1M STANDBY = 0 RESERVED = 0\n", "memory.online"),
    ("STORAGE = 4G MAX = 16E INC = 3M STANDBY = 4G RESERVED = 0\n", "not a power of two"),
    ("STORAGE = 4G MAX = 8G INC = 1M STANDBY = 1M RESERVED = 0\n", "less than one memory block"),
    ("STORAGE = 9999999T MAX = 8G INC = 1M STANDBY = 0 RESERVED = 0\n", "64T"),
    ("USER A PW 4G 8G G\n COMMAND DEF STOR AS 4G STANDBY 1K\n", "line 2"),
])
def test_values_check_would_refuse_are_an_import_error(invoke: Invoke, text: str,
                                                       words: str) -> None:
    result = invoke("import", "zvm", "--stdin-filename", "Q", stdin=text)
    assert result.code == 2, result.out
    assert result.out == ""
    (line,) = result.err.strip().splitlines()
    assert line.startswith("memmapcalc: error: Q: line ")
    assert words in line and "`check` would refuse" in line
