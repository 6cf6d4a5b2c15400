"""`memmapcalc import hmc`: zhmc JSON of DPM partitions and image activation profiles
(fixtures from zhmcclient's mock HMC and DPM export, see tests/data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importer_helpers import DATA, Invoke, load_config

from memmapcalc.errors import InputError
from memmapcalc.importers.hmc import hmc_machines

MiB, GiB = 1 << 20, 1 << 30
HMC = DATA / "hmc"


def values(text: str) -> list[dict[str, object]]:
    return [{k: v.value for k, v in d.values.items()} for d in hmc_machines(text, "h.json")]


def test_dpm_partition_show() -> None:
    (p1,) = values((HMC / "partition-show-p1.json").read_text())
    assert p1 == {"name": "p1", "platform": "lpar", "memory.online": 16 * GiB,
                  "memory.standby": 16 * GiB}


def test_dpm_partition_list_gives_a_fleet() -> None:
    parts = values((HMC / "partition-list-z16.json").read_text())
    assert [(p["name"], p["memory.online"], p["memory.standby"]) for p in parts] == [
        ("PART1", 4 * GiB, 0), ("PART2", 4 * GiB, 0)]


def test_image_activation_profile() -> None:
    (lpar,) = values((HMC / "imageprofile-show-lpar1.json").read_text())
    assert (lpar["memory.online"], lpar["memory.standby"]) == (8 * GiB, 256 * GiB)


def test_dpm_export_shape() -> None:
    part = json.loads((HMC / "partition-show-p1.json").read_text())
    assert values(json.dumps({"partitions": [part]}))[0]["memory.standby"] == 16 * GiB


def test_what_the_hmc_cannot_tell_is_left_out_with_a_note() -> None:
    (draft,) = hmc_machines('{"name": "A", "initial-memory": 1024, "maximum-memory": 2048}', "h")
    assert set(draft.unknown) == {"memory.increment", "memory.block_size", "cpu.edat1",
                                  "kernel.version"}
    assert draft.values["platform"].value == "lpar"  # a DPM partition is an LPAR too


@pytest.mark.parametrize(("obj", "partial"), [
    ({"name": "A", "initial-memory": 1024}, "maximum-memory"),
    ({"name": "A", "central-storage": 1024}, "reserved-central-storage"),
])
def test_missing_standby_property_is_partial(obj: dict[str, object], partial: str) -> None:
    (draft,) = hmc_machines(json.dumps(obj), "h")
    assert draft.get("memory.standby") == 0
    assert partial in draft.partial[0]


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty input"),
    ("{", "not JSON"),
    ("[]", "empty"),
    ("[1]", "item 0"),
    ('{"name": "A"}', "neither a DPM partition"),
    ('{"name": "L", "activation-mode": "linux", "next-activation-profile-name": "L"}',
     "zhmc imageprofile show CPC L"),
    ('{"name": "A", "initial-memory": "4096"}', "whole number of MiB"),
    ('{"name": "A", "initial-memory": true}', "whole number of MiB"),
    ('{"name": "A", "initial-memory": 0, "maximum-memory": 0}', "needs memory"),
    ('{"name": "A", "initial-memory": 4096, "maximum-memory": 2048}', "below initial-memory"),
    ('{"name": "A", "initial-memory": 4096, "maximum-memory": 8192, "reserved-memory": 1}',
     "reserved-memory 1"),
    ('{"name": "A", "initial-memory": 1e3}', "whole number"),
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ('{"initial-memory": ' + "9" * 5000 + "}", "not JSON"),
    ('{"name": "A", "central-storage": 17592186044417}', "16 EiB"),
    ('[{"name": "A", "initial-memory": 1}, {"name": "A", "initial-memory": 2}]',
     "more than once"),
])
def test_bad_input_is_one_clear_error(invoke: Invoke, text: str, words: str) -> None:
    result = invoke("import", "hmc", "--stdin-filename", "hmc.json", stdin=text)
    assert result.code == 2, result.out
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("memmapcalc: error: hmc.json: ")
    assert words in lines[0]
    with pytest.raises(InputError):
        hmc_machines(text, "hmc.json")


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_cli_writes_what_check_reads(invoke: Invoke, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"p.{fmt}"
    result = invoke("import", "hmc", str(HMC / "partition-list-z16.json"), "-f", fmt,
                    "-o", str(target))
    assert result.code == 0, result.err
    machines = load_config(target.read_text(), fmt)
    assert [m.name for m in machines] == ["PART1", "PART2"]
    assert [m.platform for m in machines] == ["lpar", "lpar"]


def test_values_check_would_refuse_are_an_import_error(invoke: Invoke) -> None:
    text = '{"name": "P", "initial-memory": 4096, "maximum-memory": 4097}'
    result = invoke("import", "hmc", "--stdin-filename", "h.json", stdin=text)
    assert result.code == 2 and result.out == ""
    (line,) = result.err.strip().splitlines()
    assert line.startswith("memmapcalc: error: h.json: P: memory.standby: ")
    assert "less than one memory block" in line
