"""`memmapcalc import zvm`: z/VM directory entries written from the documented syntax (USER
statement form, STORAGE/MAXSTORAGE form, DEFINE STORAGE with STANDBY and RESERVED) and CP
QUERY VIRTUAL STORAGE responses."""

from __future__ import annotations

import json

import pytest
from importer_helpers import ZVM, Invoke, load_config

from memmapcalc.errors import InputError
from memmapcalc.importers.zvm import parse_zvm_size, zvm_machines

MiB, GiB, TiB = 1 << 20, 1 << 30, 1 << 40
DIRECTORY = (ZVM / "user-direct.direct").read_text()
QUERIES = (ZVM / "query-v-storage.txt").read_text()


def by_name(text: str, **options: object) -> dict[str, dict[str, object]]:
    drafts, _ = zvm_machines(text, "user.direct", **options)  # type: ignore[arg-type]
    return {str(d.name): {k: v.value for k, v in d.values.items()} for d in drafts}


# --- directory entries ---------------------------------------------------------------

def test_directory_guests() -> None:
    guests = by_name(DIRECTORY)
    assert sorted(guests) == ["LNXA01", "LNXA02", "LNXA03", "LNXA04"]  # $ALLOC$ skipped
    # USER statement form + DEFINE STORAGE AS 4G STANDBY 8G RESERVED 2G
    assert guests["LNXA01"]["memory.online"] == 4 * GiB
    assert guests["LNXA01"]["memory.standby"] == 10 * GiB  # RESERVED counted as standby
    # STORAGE/MAXSTORAGE statements + DEF STOR INITIAL STANDBY REMAINDER
    assert guests["LNXA02"]["memory.online"] == 2 * GiB
    assert guests["LNXA02"]["memory.standby"] == 6 * GiB  # 8G maximum - 2G
    # no DEFINE STORAGE: logon storage, no standby
    assert guests["LNXA03"]["memory.online"] == 512 * MiB
    assert guests["LNXA03"]["memory.standby"] == 0
    # IDENTITY, 1048577K rounded up to 1025M, CP prefix, INCREMENT
    assert guests["LNXA04"]["memory.online"] == 1026 * MiB  # CP rounds up to 2M increments
    assert guests["LNXA04"]["memory.standby"] == 1 * GiB
    assert guests["LNXA04"]["memory.increment"] == 2 * MiB
    assert all("cpu.edat1" not in g for g in guests.values())


def test_reserved_can_be_left_out() -> None:
    guests = by_name(DIRECTORY, reserved="ignore")
    assert guests["LNXA01"]["memory.standby"] == 8 * GiB


def test_directory_through_the_cli_is_a_fleet(invoke: Invoke) -> None:
    result = invoke("import", "zvm", "--kernel-version", "6.8", stdin=DIRECTORY)
    assert result.code == 0, result.err
    assert result.out.count("\n  - name: ") == 4
    machines = load_config(result.out)
    assert [m.name for m in machines] == ["LNXA01", "LNXA02", "LNXA03", "LNXA04"]
    assert all(m.kernel.version == "6.8" for m in machines)
    assert "$ALLOC$ is NOLOG without storage (not a guest): skipped" in result.err
    # provenance: the statement and line each number came from
    assert "STANDBY 8G of COMMAND DEFINE STORAGE (line 16) + RESERVED 2G" in result.out
    assert "STORAGE statement 2G (line 23)" in result.out
    assert "is not standby memory" in result.out  # maximum storage is explained, not used


def test_one_user_gives_one_config(invoke: Invoke) -> None:
    result = invoke("import", "zvm", "--user", "lnxa01", "-f", "json", stdin=DIRECTORY)
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"name": "LNXA01", "arch": "s390x", "platform": "zvm",
                                      "memory": {"online": "4G", "standby": "10G"}}
    assert "RESERVED counted as standby" in result.err
    assert invoke("import", "zvm", "--user", "NOBODY", stdin=DIRECTORY).code == 2


def test_toml_fleet_validates(invoke: Invoke) -> None:
    import tomllib

    result = invoke("import", "zvm", "-f", "toml", stdin=DIRECTORY)
    assert len(tomllib.loads(result.out)["machines"]) == 4
    assert len(load_config(result.out, "toml")) == 4


def test_name_option_needs_one_machine(invoke: Invoke) -> None:
    result = invoke("import", "zvm", "--name", "x", stdin=DIRECTORY)
    assert result.code == 2 and "--name" in result.err


# --- QUERY VIRTUAL STORAGE -------------------------------------------------------------

def test_query_response() -> None:
    line = "STORAGE = 8320M MAX = 2T INC = 16M STANDBY = 3968M RESERVED = 0\n"
    (draft,), _ = zvm_machines(line, "q")
    assert draft.get("memory.online") == 8320 * MiB
    assert draft.get("memory.standby") == 3968 * MiB
    assert draft.get("memory.increment") == 16 * MiB
    assert draft.name is None
    assert any("2T" in n and "not standby" in n for n in draft.notes)


def test_several_query_responses(invoke: Invoke) -> None:
    result = invoke("import", "zvm", stdin=QUERIES)
    assert result.code == 0, result.err
    machines = load_config(result.out)
    assert [(m.name, m.memory.online, m.memory.standby, m.memory.increment) for m in machines] == [
        ("query-1", 8320 * MiB, 3968 * MiB, 16 * MiB), ("query-2", 512 * MiB, 512 * MiB, MiB)]


def test_named_and_wrapped_query_responses() -> None:
    text = ("LNX01: STORAGE = 4G MAX = 8G INC = 2M STANDBY = 2G RESERVED = 1G\n"
            "LNX02 STORAGE = 8G MAX = 2T INC = 16M\n"
            "       STANDBY = 4G RESERVED = 0\n")
    guests = by_name(text)
    assert guests["LNX01"]["memory.standby"] == 3 * GiB
    assert guests["LNX02"]["memory.standby"] == 4 * GiB


def test_query_without_standby_is_flagged_partial(invoke: Invoke) -> None:
    result = invoke("import", "zvm", stdin="STORAGE = 4G\n")
    assert result.code == 0
    assert "PARTIAL" in result.out and "partial config" in result.err
    assert "NOT REPORTED" in result.out
    strict = invoke("import", "zvm", "--strict", stdin="STORAGE = 4G\n")
    assert strict.code == 2 and strict.out == ""


# --- sizes -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "nbytes"), [
    ("512M", 512 * MiB), ("2T", 2 * TiB), ("0", 0), ("1K", MiB), ("1025K", 2 * MiB),
    ("2096128K", 2047 * MiB), ("16E", 16 << 60), ("16384P", 16384 << 50),
    ("9999999M", 9999999 * MiB), ("4g", 4 * GiB),
])
def test_zvm_sizes(text: str, nbytes: int) -> None:
    assert parse_zvm_size(text, "s", "w") == nbytes


@pytest.mark.parametrize("text", ["12345678M", "2096129K", "17E", "16385P", "4GB", "4", "1.5G",
                                  "-1G", "G"])
def test_bad_zvm_sizes(text: str) -> None:
    with pytest.raises(InputError):
        parse_zvm_size(text, "s", "w")


# --- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "where", "words"), [
    ("USER A PW 4G 8G G\n COMMAND DEFINE STORAGE AS 4G STANDBY 4G RESERVED 1G\n", "line 2",
     "exceed the maximum storage"),
    ("USER A PW 4G 8G G\n COMMAND DEFINE STORAGE AS 4G\n   STANDBY 4G\n", "line 3",
     "not continued"),
    ("USER A PW 4G 8G G\n COMMAND DEF STOR AS 4G CONFIG 0.2G\n", "line 2", "CONFIGURATION"),
    ("USER A PW\n INCLUDE NOPROF\n", "line 2", "not in the input: give it with --profile"),
    ("USER A PW 4G 8G G\n COMMAND DEFINE STORAGE AS 4G STANDBY REMAINDER\n", "line 2",
     "only with DEFINE STORAGE INITIAL"),
    ("USER A PW 4G 8G G\n COMMAND DEFINE STORAGE AS 4G SHARED 1G\n", "line 2", "SHARED"),
    ("USER A PW 12345678M\n", "line 1", "not a z/VM size"),
    ("USER A PW\n", "line 1", "no logon storage"),
    ("USER A PW 4G\nUSER A PW 4G\n", "line 2", "defined twice"),
    ("STORAGE = 4G MAX = 8G FOO = 1\n", "line 1", "unknown field 'FOO'"),
    ("MDISK 0100 3390 0001 10016 LX0100 MR\n", "line 1", "neither"),
    ("* only a comment\n", None, "no z/VM directory statements"),
])
def test_bad_input_is_one_clear_error(invoke: Invoke, text: str, where: str | None,
                                      words: str) -> None:
    result = invoke("import", "zvm", "--stdin-filename", "USER.DIRECT", stdin=text)
    assert result.code == 2, result.out
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("memmapcalc: error: USER.DIRECT: ")
    if where:
        assert where in lines[0]
    assert words in lines[0]


def test_text_beyond_column_71_is_ignored_with_a_warning(invoke: Invoke) -> None:
    text = "USER A PW 4G 8G G" + " " * 54 + "X STANDBY\n"
    result = invoke("import", "zvm", stdin=text)
    assert result.code == 0
    assert "beyond column 71" in result.err
    assert load_config(result.out)[0].memory.standby == 0


def test_last_define_storage_wins() -> None:
    text = ("USER A PW 4G 16G G\n COMMAND DEFINE STORAGE AS 2G STANDBY 2G\n"
            " COMMAND DEFINE STORAGE AS 4G STANDBY 4G\n")
    (draft,), _ = zvm_machines(text, "d")
    assert draft.get("memory.standby") == 4 * GiB
    assert any("last one (line 3)" in w for w in draft.warnings)


def test_define_storage_maximum() -> None:
    (draft,), _ = zvm_machines("USER A PW 4G 16G G\n COMMAND DEF STOR MAX\n", "d")
    assert (draft.get("memory.online"), draft.get("memory.standby")) == (16 * GiB, 0)
