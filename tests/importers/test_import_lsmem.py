"""`memmapcalc import lsmem`: every lsmem output form of the util-linux s390 z/VM dump gives
the same machine (256 MiB blocks, 4.75 GiB online, 1.25 GiB offline), 2.42 columns, and
clear errors for bad input."""

# ruff: noqa: RUF001  (the asserted output has the multiplication sign and en dash it prints)

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from importer_helpers import ALL_RUNS, LSMEM, ZVM6G, Invoke, load_config

from memmapcalc.errors import InputError
from memmapcalc.importers.lsmem import blocks_printed_as, human_size, lsmem_machine, parse_listing

MiB, GiB = 1 << 20, 1 << 30

#: Runs whose output cannot show the block size (no summary, no RANGE+BLOCK columns).
NO_BLOCK_SIZE = {"generated-lsmem-2.38.1-s390-zvm-6g.txt: $ lsmem -r -n -b -o SIZE,STATE"}
#: Runs whose sizes exist only as lsmem's rounded human text (reconstructed, with a warning).
ROUNDED_ONLY = {"lsmem-s390-zvm-6g: $ lsmem --output RANGE,SIZE --split none",
                "generated-lsmem-2.38.1-s390-zvm-6g.txt: $ lsmem --summary=only"}


def test_fixture_files_hold_all_expected_runs() -> None:
    assert len(ALL_RUNS) == 18  # 9 util-linux runs + 9 runs of Debian's lsmem 2.38.1


@pytest.mark.parametrize(("run", "output"), ALL_RUNS, ids=[r for r, _ in ALL_RUNS])
def test_every_output_form_gives_the_same_machine(run: str, output: str) -> None:
    draft = lsmem_machine(output, run)
    assert draft.get("memory.online") == ZVM6G["online"] == 4864 * MiB  # 4.75 GiB
    assert draft.get("memory.standby") == ZVM6G["standby"] == 1280 * MiB  # 1.25 GiB
    if run in NO_BLOCK_SIZE:
        assert draft.get("memory.block_size") is None
        assert "memory.block_size" in draft.unknown
    else:
        assert draft.get("memory.block_size") == ZVM6G["block_size"]
    rounded = any("rounded summary" in w for w in draft.warnings)
    assert rounded == (run in ROUNDED_ONLY)
    assert not draft.partial


@pytest.mark.parametrize(("run", "output"), ALL_RUNS, ids=[r for r, _ in ALL_RUNS])
def test_every_output_form_through_the_cli(invoke: Invoke, run: str, output: str) -> None:
    result = invoke("import", "lsmem", "-", stdin=output)
    assert result.code == 0, result.err
    machine = load_config(result.out)[0]
    assert (machine.memory.online, machine.memory.standby) == (4864 * MiB, 1280 * MiB)
    assert "Traceback" not in result.err
    # What lsmem cannot tell is said on stderr, not invented.
    assert "cpu.edat1 not in the input" in result.err
    assert "kernel.version not in the input" in result.err
    assert machine.kernel.version is None


def test_yaml_comments_say_where_values_came_from(invoke: Invoke) -> None:
    output = dict(ALL_RUNS)["lsmem-s390-zvm-6g: $ lsmem"]
    result = invoke("import", "lsmem", stdin=output)
    lines = {line.split(":")[0].strip(): line for line in result.out.splitlines()
             if not line.startswith("#")}
    assert "19 online blocks × 256M (blocks 0-13, 15-19), from the RANGE column" in lines["online"]
    assert "5 offline blocks × 256M (blocks 14, 20-23)" in lines["standby"]
    assert 'Memory block size" summary line (256M)' in lines["block_size"]
    assert "summary layout of util-linux 2.41+" in result.out
    old = dict(ALL_RUNS)["generated-lsmem-2.38.1-s390-zvm-6g.txt: $ lsmem -b"]
    assert "summary layout of util-linux 2.30–2.40" in invoke("import", "lsmem", stdin=old).out


def test_json_output_is_pure_json_with_provenance_on_stderr(invoke: Invoke) -> None:
    output = dict(ALL_RUNS)["generated-lsmem-2.38.1-s390-zvm-6g.txt: $ lsmem -b"]
    result = invoke("import", "lsmem", "-f", "json", stdin=output)
    assert result.code == 0
    assert json.loads(result.out) == {"arch": "s390x", "memory": {
        "online": "4864M", "standby": "1280M", "block_size": "256M"}}
    assert "memory.online = 4864M: 19 online blocks" in result.err
    load_config(result.out, "json")


def test_toml_output_parses_and_validates(invoke: Invoke) -> None:
    output = dict(ALL_RUNS)["lsmem-s390-zvm-6g: $ lsmem"]
    result = invoke("import", "lsmem", "-f", "toml", "--kernel-version", "6.8", "--no-edat1",
                    "--name", "lnx01", stdin=output)
    data = tomllib.loads(result.out)
    assert data["name"] == "lnx01"
    assert data["memory"]["online"] == "4864M"
    assert data["cpu"] == {"edat1": False}
    assert data["kernel"] == {"version": "6.8"}
    assert "# --no-edat1 option" in result.out
    assert "# --kernel-version option" in result.out
    assert "# --name option" in result.out
    machine = load_config(result.out, "toml")[0]
    assert machine.cpu.edat1 is False


def test_output_file_is_written_and_stdout_stays_empty(invoke: Invoke,
                                                       tmp_path: Path) -> None:
    target = tmp_path / "lnx.yaml"
    output = dict(ALL_RUNS)["lsmem-s390-zvm-6g: $ lsmem"]
    result = invoke("import", "lsmem", "-o", str(target), stdin=output)
    assert result.code == 0 and result.out == ""
    assert load_config(target.read_text())[0].memory.online == 4864 * MiB


def test_reads_a_named_file(invoke: Invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lsmem.txt"
    path.write_text(dict(ALL_RUNS)["generated-lsmem-2.38.1-s390-zvm-6g.txt: $ lsmem -b"])
    result = invoke("import", "lsmem", str(path))
    assert result.code == 0
    assert f"from {path}" in result.out


# --- util-linux 2.42: CONFIGURED, MEMMAP-ON-MEMORY, "Memmap on memory parameter" -------

@pytest.mark.parametrize("name", ["lsmem-2.42-s390-configured.txt",
                                  "lsmem-2.42-s390-configured-b.txt"])
def test_242_columns_and_memmap_parameter(name: str) -> None:
    draft = lsmem_machine((LSMEM / name).read_text(), name)
    assert draft.get("memory.online") == 2 * GiB + 128 * MiB
    assert draft.get("memory.standby") == 896 * MiB
    assert draft.get("memory.block_size") == 128 * MiB
    assert draft.get("kernel.memmap_on_memory") == "on"
    notes = " ".join(draft.notes)
    assert "7 blocks (896M) deconfigured (CONFIGURED=no)" in notes
    assert "MEMMAP-ON-MEMORY=yes" in notes
    assert "Linux 6.19+" in notes


def test_242_through_the_cli_needs_a_kernel_version_for_128m_blocks(invoke: Invoke) -> None:
    text = (LSMEM / "lsmem-2.42-s390-configured.txt").read_text()
    flagged = invoke("import", "lsmem", stdin=text)
    assert flagged.code == 0 and "partial config: memory blocks of 128M" in flagged.err
    result = invoke("import", "lsmem", "--kernel-version", "6.19", stdin=text)
    assert "PARTIAL" not in result.out
    machine = load_config(result.out)[0]
    assert (machine.memory.online, machine.memory.standby) == (2 * GiB + 128 * MiB, 896 * MiB)
    assert machine.kernel.memmap_on_memory.value == "on"


def test_242_json_without_summary_leaves_memmap_mode_out() -> None:
    draft = lsmem_machine((LSMEM / "lsmem-2.42-s390-configured.json").read_text(), "j")
    assert draft.get("memory.standby") == 896 * MiB
    assert draft.get("kernel.memmap_on_memory") is None
    assert "kernel.memmap_on_memory" in draft.unknown


def test_configured_no_counts_as_standby_even_if_state_says_online() -> None:
    text = ("RANGE SIZE STATE BLOCK CONFIGURED\n"
            "0x0000000000000000-0x000000000fffffff 268435456 online 0 yes\n"
            "0x0000000010000000-0x000000001fffffff 268435456 offline 1 yes\n"
            "0x0000000020000000-0x000000002fffffff 268435456 offline 2 no\n")
    draft = lsmem_machine(text, "raw")
    assert (draft.get("memory.online"), draft.get("memory.standby")) == (256 * MiB, 512 * MiB)
    assert any("configured but offline" in n for n in draft.notes)


def test_memmap_parameter_force_and_no() -> None:
    base = (LSMEM / "lsmem-2.42-s390-configured-b.txt").read_text()
    forced = base.replace("parameter:        yes", "parameter:      force")
    assert lsmem_machine(forced, "f").get("kernel.memmap_on_memory") == "force"
    assert lsmem_machine(base.replace("  yes\n", "   no\n"), "n").get(
        "kernel.memmap_on_memory") == "off"


# --- lsmem's rounding ------------------------------------------------------------------

@pytest.mark.parametrize(("nbytes", "text"), [
    (0, "0B"), (256 * MiB, "256M"), (int(4.75 * GiB), "4.8G"), (int(1.25 * GiB), "1.3G"),
    (int(1.75 * GiB), "1.8G"), (int(3.5 * GiB), "3.5G"), (6 * GiB, "6G"),
    (2 * GiB + 128 * MiB, "2.1G"), (1023 * MiB + 1000 * 1024, "1024M"), (1 << 40, "1T"),
])
def test_human_size_matches_util_linux(nbytes: int, text: str) -> None:
    assert human_size(nbytes) == text


def test_rounded_text_is_exact_only_when_one_block_count_fits() -> None:
    assert list(blocks_printed_as("4.8G", 256 * MiB)) == [19]
    assert list(blocks_printed_as("4,8G", 256 * MiB)) == [19]  # decimal comma of other locales
    assert list(blocks_printed_as("12G", 256 * MiB)) == [48]  # one decimal always: 11.75 G is 11.8G
    assert len(blocks_printed_as("1.5T", 256 * MiB)) > 1  # ±0.05 TiB spans 200 blocks
    assert list(blocks_printed_as("4.8G", 2 * GiB)) == []


def test_ambiguous_rounded_summary_is_refused(invoke: Invoke) -> None:
    text = ("Memory block size:       256M\nTotal online memory:     1.5T\n"
            "Total offline memory:    1.3G\n")
    result = invoke("import", "lsmem", stdin=text)
    assert result.code == 2
    assert result.out == ""
    assert "rounded" in result.err and "lsmem -b" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_rounded_reconstruction_is_flagged(invoke: Invoke) -> None:
    output = dict(ALL_RUNS)["generated-lsmem-2.38.1-s390-zvm-6g.txt: $ lsmem --summary=only"]
    result = invoke("import", "lsmem", stdin=output)
    assert result.code == 0
    assert "warning" in result.err and "rounded summary" in result.err
    assert "the only whole number of blocks lsmem prints as" in result.out


# --- headerless output -----------------------------------------------------------------

def test_headerless_output_with_columns_option(invoke: Invoke) -> None:
    text = "0-13 online\n14 offline\n15-19 online\n20-23 offline\n"
    refused = invoke("import", "lsmem", stdin=text)
    assert refused.code == 2 and "--columns" in refused.err
    result = invoke("import", "lsmem", "--columns", "BLOCK,STATE", "--block-size", "256M",
                    stdin=text)
    assert result.code == 0, result.err
    machine = load_config(result.out)[0]
    assert (machine.memory.online, machine.memory.standby) == (4864 * MiB, 1280 * MiB)


def test_block_size_option_must_agree(invoke: Invoke) -> None:
    output = dict(ALL_RUNS)["lsmem-s390-zvm-6g: $ lsmem"]
    result = invoke("import", "lsmem", "--block-size", "128M", stdin=output)
    assert result.code == 2 and "disagrees" in result.err


# --- bad input: one line naming the input and where, exit 2, never a traceback ----------

TABLE = dict(ALL_RUNS)["lsmem-s390-zvm-6g: $ lsmem"]


@pytest.mark.parametrize(("text", "where", "words"), [
    ("", None, "empty"),
    # cut in the middle of the last row
    (TABLE.split("\n\n")[0][:-20] + "\n", "line", "truncated"),
    # cut before the end: the summary no longer matches the rows
    ("\n".join(TABLE.splitlines()[:5]) + "\n\n" + TABLE.split("\n\n")[1], "line 8",
     "truncated or edited"),
    (TABLE.replace("Memory block size:", "Speicherblockgröße:"), "line 13", "LC_ALL=C"),
    (TABLE.replace(" online", "enligne"), "line", "LC_ALL=C"),
    (TABLE.replace("BLOCK", "PHYSX"), "line 1", "unknown lsmem column 'PHYSX'"),
    ('{\n   "memory": [\n      {\n         "range": "0x0000000000000000-0x', "line", "JSON"),
    ('{"memory": [{"range": "0x0-0xfffffff", "size": 268435456, "state": "online", '
     '"frob": 1}]}', "memory[0]", "unknown lsmem column 'FROB'"),
    ('RANGE="0x0000000000000000-0x000000000fffffff" SIZE="256M" STATE="onl', "line 1",
     "malformed"),
    ("Memory block size:       256M\nTotal online memory:     4.8G\n", None,
     "Total offline memory"),
    ("hello world\n", None, "column"),
    ("RANGE SIZE STATE REMOVABLE BLOCK\n"
     "0x0000000000000000-0x000000006fffffff 1.8G online yes 0-6\n"
     "0x0000000070000000-0x000000007fffffff 256M online\n", "line 3", "3 cells"),
    (TABLE.splitlines()[0] + "\n", "line 2", "header but no rows"),
])
def test_bad_input_is_one_clear_error(invoke: Invoke, text: str, where: str | None,
                                      words: str) -> None:
    result = invoke("import", "lsmem", "--stdin-filename", "lsmem.out", stdin=text)
    assert result.code == 2, result.out
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("memmapcalc: error: lsmem.out: ")
    if where:
        assert where in lines[0]
    assert words in lines[0]
    assert "Traceback" not in result.err


def test_missing_and_binary_files(invoke: Invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = invoke("import", "lsmem", str(tmp_path / "nope.txt"))
    assert missing.code == 2 and "cannot read" in missing.err
    binary = tmp_path / "bin"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    result = invoke("import", "lsmem", str(binary))
    assert result.code == 2 and "not UTF-8" in result.err


def test_bad_kernel_version_option_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("import", "lsmem", "--kernel-version", "banana", stdin=TABLE)
    assert result.code == 2 and "--kernel-version" in result.err


def test_parser_keeps_empty_cells_in_aligned_tables() -> None:
    listing = parse_listing(TABLE, "t")
    offline = [row for row in listing.rows if row.cells["STATE"] == "offline"]
    assert [row.cells["REMOVABLE"] for row in offline] == [None, None]
    assert [row.cells["BLOCK"] for row in offline] == ["14", "20-23"]


def test_parser_raises_input_error_not_anything_else() -> None:
    with pytest.raises(InputError):
        parse_listing("RANGE SIZE\n0xzz-0x1 1G\n", "x").rows[0]
        lsmem_machine("RANGE SIZE\n0xzz-0x1 1G\n", "x")


def test_yaml_output_is_safe_yaml() -> None:
    from memmapcalc.importers.emit import render

    draft = lsmem_machine((LSMEM / "lsmem-2.42-s390-configured.txt").read_text(), "x")
    # 128M blocks need a kernel with 128M sections; without it check (and so render,
    # which validates every draft) refuses the config.
    draft.set("kernel.version", "6.19", "test")
    text = render([draft], "yaml", "import lsmem", "x").text
    # "off"/"on" must stay strings, not YAML 1.1 booleans
    assert yaml.safe_load(text)["kernel"]["memmap_on_memory"] == "on"


def test_validated_or_partial_refuses_complete_and_annotates_partial_drafts() -> None:
    from memmapcalc.importers.emit import validated_or_partial

    text = (LSMEM / "lsmem-2.42-s390-configured.txt").read_text()
    draft = lsmem_machine(text, "x")
    draft.set("kernel.version", "6.8", "--kernel-version option")
    with pytest.raises(InputError, match=r"^x: memory.block_size: 128M is smaller than the 256M "
                                         r"section size of kernel 6\.8"):
        validated_or_partial(draft, "x")
    partial = lsmem_machine(text, "x")
    partial.partial.append("kernel.version unknown")
    assert validated_or_partial(partial, "x") is partial
    assert partial.partial[1].startswith("memmapcalc check refuses this config: memory.block_size")
    validated_or_partial(partial, "x")
    assert len(partial.partial) == 2  # idempotent
    fine = lsmem_machine(text, "x")
    fine.set("kernel.version", "6.19", "--kernel-version option")
    assert validated_or_partial(fine, "x") is fine and not fine.partial


@given(shift=st.sampled_from([12, 20, 24, 27, 28, 31]), count=st.integers(0, 1 << 36))
def test_blocks_printed_as_is_exactly_the_counts_printed_so(shift: int, count: int) -> None:
    """The range is every count that prints as the text and no other: its ends print so,
    the counts just outside do not (the printed size never decreases with the count)."""
    block = 1 << shift
    text = human_size(count * block)
    found = blocks_printed_as(text, block)
    assert count in found
    assert human_size(found[0] * block) == text == human_size(found[-1] * block)
    assert found.start == 0 or human_size((found.start - 1) * block) != text
    assert human_size(found.stop * block) != text


def test_blocks_printed_as_does_not_grow_with_the_block_count() -> None:
    # 3E of 128M blocks: about 8.6e8 counts print as "3E"; found without a loop over them.
    found = blocks_printed_as("3E", 128 * MiB)
    assert len(found) > 10**8 and human_size(found[0] * 128 * MiB) == "3E"
