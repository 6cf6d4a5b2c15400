"""kernel.distros / kernel.identity: each release row pinned to its evidence, identify() on
the strings of issue 13, backports folded onto the behaviour tables, the README table."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from memmapcalc.arch.hotplug_rows import HotplugBehaviour, hotplug_behaviour
from memmapcalc.kernel.behaviour import Behaviour, behaviour_for
from memmapcalc.kernel.distros import (
    ADVICE,
    BY_DISTRIBUTION,
    FEATURES,
    RELEASES,
    ROW_TITLES,
    S390_ROWS,
    advice,
    row_since,
)
from memmapcalc.kernel.identity import applied, apply_backports, identify, markdown_table
from memmapcalc.kernel.release import parse_release
from memmapcalc.kernel.rows import ROWS
from memmapcalc.kernel.version import v
from memmapcalc.units import MiB

ROOT = Path(__file__).resolve().parents[2]
#: A source a reader can look up: a repository (owner/name), a URL, or a search-index id.
_SOURCE = re.compile(r"\b[\w.-]+/[\w.-]+\b|https?://\S+|index id [0-9]+")


def _s390(release: str) -> Behaviour:
    identity = identify(release)
    return apply_backports(behaviour_for(identity.base), identity.backports)


# -- the strings of issue 13 and its research ------------------------------------------------

def test_ubuntu_24_04_ga_has_s390_memmap_on_memory() -> None:
    identity = identify("6.8.0-31-generic")
    assert (identity.distribution, identity.base) == ("ubuntu-24.04", v("6.8"))
    assert identity.backport_names == ("s390-memmap-on-memory",)
    assert _s390("6.8.0-31-generic") == dataclasses.replace(behaviour_for(v("6.8")),
                                                            sclp_memmap_on_memory=True)
    assert not identity.known  # only the 6.9 series was checked in the noble changelog
    assert any("128 MiB sections (6.13)" in note and "kernel.standby" in note
               for note in identity.notes)


def test_ubuntu_before_abi_29_has_not() -> None:
    identity = identify("6.8.0-28-generic")
    assert (identity.distribution, identity.backport_names) == ("ubuntu-24.04", ())
    assert _s390("6.8.0-28-generic") == behaviour_for(v("6.8"))
    assert any("predates the s390 memmap-on-memory backport" in n for n in identity.notes)
    assert identify("6.8.0-29-generic").backport_names == ("s390-memmap-on-memory",)


def test_rhel_9_5_has_force_but_not_s390_memmap_on_memory() -> None:
    identity = identify("5.14.0-503.40.1.el9_5.s390x")
    assert (identity.distribution, identity.base, identity.known) == ("rhel-9.5", v("5.14"),
                                                                      True)
    assert identity.backport_names == ("memmap-on-memory-force",
                                       "memmap-on-memory-split-per-block")
    behaviour = _s390("5.14.0-503.40.1.el9_5.s390x")
    assert (behaviour.sclp_memmap_on_memory, behaviour.force_mode) == (False, True)
    assert behaviour.pte_table_runtime == 2048  # the 6.7 change is not in RHEL 9
    # the s390 table has no split row: only what the object has is folded, and said
    assert applied(behaviour, identity.backports) == ("memmap-on-memory-force",)


@pytest.mark.parametrize("minor", ["9.0", "9.1", "9.2", "9.3", "9.4"])
def test_rhel_9_before_9_5_is_mainline_5_14(minor: str) -> None:
    release = f"5.14.0-{ {'9.0': 70, '9.1': 162, '9.2': 284, '9.3': 362, '9.4': 427}[minor]}" \
              f".1.1.el9_{minor[2]}.s390x"
    identity = identify(release)
    assert (identity.distribution, identity.backports, identity.known) == (f"rhel-{minor}", (),
                                                                           True)


def test_rhel_10_0_has_s390_memmap_on_memory_and_256_mib_sections() -> None:
    identity = identify("6.12.0-55.24.1.el10_0.s390x")
    assert (identity.distribution, identity.base, identity.known) == ("rhel-10.0", v("6.12"),
                                                                      True)
    behaviour = _s390("6.12.0-55.24.1.el10_0.s390x")
    assert behaviour.sclp_memmap_on_memory
    assert (behaviour.section_size, behaviour.pte_table_early) == (256 * MiB, 2048)


def test_rhel_8_10_has_the_min_free_kbytes_bound() -> None:
    identity = identify("4.18.0-553.el8_10.s390x")
    assert (identity.distribution, identity.base, identity.known) == ("rhel-8.10", v("4.18"),
                                                                      True)
    assert behaviour_for(v("4.18")).min_free_kbytes_max == 65536
    behaviour = _s390("4.18.0-553.el8_10.s390x")
    assert (behaviour.min_free_kbytes_max, behaviour.force_mode,
            behaviour.sclp_memmap_on_memory) == (262144, False, False)


def test_a_plain_el8_ga_kernel_is_its_rhel_8_minor_by_build() -> None:
    identity = identify("4.18.0-372.9.1.el8.s390x")
    assert (identity.distribution, identity.backport_names, identity.known) == (
        "rhel-8.6", ("min-free-kbytes-256m",), True)
    assert any("CentOS Stream 8" in note for note in identity.notes)


@pytest.mark.parametrize(("release", "distribution"), [
    ("6.4.0-150600.23.25-default", "sles-15-sp6"),
    ("5.14.21-150500.53.2-default", "sles-15-sp5"),
    ("6.12.0-160000.5-default", "sles-16.0"),
    ("5.14.0-570.el9.s390x", "centos-stream-9"),
    ("6.12.0-55.el10.s390x", "centos-stream-10"),
    ("5.14.0-611.5.1.el9_7.s390x", "rhel-9.7"),
    ("6.12.0-124.55.2.el10_1.s390x", "rhel-10.1"),
    ("6.11.4-301.fc41.s390x", "fedora-41"),
    ("6.1.0-18-s390x", "debian-12"),
    ("6.12.74+deb13+1-s390x", "debian-13"),
    ("6.11.0-8-generic", "ubuntu-24.10"),
])
def test_unknown_backports_get_the_base_and_a_note_naming_the_overrides(
        release: str, distribution: str) -> None:
    identity = identify(release)
    assert (identity.distribution, identity.backports, identity.known) == (distribution, (),
                                                                           False)
    assert _s390(release) == behaviour_for(parse_release(release).base)
    assert any("mainline" in note and "not" in note for note in identity.notes)
    if identity.base < v("6.9"):
        assert any("kernel.s390_memmap_on_memory" in note for note in identity.notes)


@pytest.mark.parametrize("release", ["6.9.0-rc3", "6.19.2", "6.8", "6.9.0-060900rc3-generic"])
def test_mainline_is_known_and_has_no_backports(release: str) -> None:
    identity = identify(release)
    assert (identity.distribution, identity.backports, identity.known) == (None, (), True)
    assert _s390(release) == behaviour_for(identity.base)


def test_an_rc_has_its_release_merge_window() -> None:
    assert _s390("6.9.0-rc3").sclp_memmap_on_memory
    assert _s390("6.19.2").standby.value == "deferred"


def test_unrecognised_string_is_its_leading_version_with_a_note() -> None:
    identity = identify("6.8.0-31-custom")
    assert (identity.release.family, identity.distribution, identity.base,
            identity.known) == (None, None, v("6.8"), False)
    assert any("not a distribution release" in note for note in identity.notes)


def test_identify_refuses_what_is_not_a_release() -> None:
    with pytest.raises(ValueError, match="not a kernel version"):
        identify("latest")


# -- folding onto any behaviour dataclass ------------------------------------------------------

def test_fold_onto_the_x86_table_sets_its_fields_only() -> None:
    identity = identify("5.14.0-503.40.1.el9_5.x86_64")
    base = hotplug_behaviour("x86_64", 4096, identity.base)
    assert (base.force_mode, base.split_per_block) == (False, False)
    folded = apply_backports(base, identity.backports)
    assert folded == dataclasses.replace(base, force_mode=True, split_per_block=True)
    assert applied(base, identity.backports) == identity.backport_names


def test_fold_onto_a_renamed_class_and_refusal_of_other_objects() -> None:
    @dataclass(frozen=True)
    class Renamed:  # what the refactor may call it: only the field names matter
        sclp_memmap_on_memory: bool
        other: int

    folded = apply_backports(Renamed(False, 1), identify("6.8.0-31-generic").backports)
    assert folded == Renamed(True, 1)
    untouched = Renamed(False, 2)
    assert apply_backports(untouched, ()) is untouched
    with pytest.raises(TypeError):
        apply_backports(object(), ())
    with pytest.raises(TypeError):
        apply_backports(Renamed, ())


# -- the data, pinned ------------------------------------------------------------------------

#: Each row's evidence names its source: the AlmaLinux branch commit, the Ubuntu changelog
#: entry, the SUSE string. Change a row and its evidence together.
PINNED = {
    "rhel-8.3": ["mkuron/almalinux-kernel", "19e5db4a49895af973ffd812448431ec3299add7",
                 "no flags"],
    "rhel-8.4": ["61cbcb453640edd8aae177a9fa209cce34eb61a6", "no flags"],
    "rhel-8.5": ["dc2c8bc77c5a93f943e80a4e481f22bccf16adc5", "no flags"],
    "rhel-8.6": ["afeb3e6deae40cab0c0d463ffc5d2c7badcd519c", "no flags"],
    "rhel-8.7": ["58c68cb859e594062adaea01cf5b0c2ece42c60f", "no flags"],
    "rhel-8.8": ["2352d3ef1ca395e3ed4187d2f3b27cca3018c030", "no flags"],
    "rhel-8.9": ["fe6873961d6a14bc9b294e70f25dad154aeb3354", "MHP_NONE"],
    "rhel-8.10": ["mkuron/almalinux-kernel", "7622b1caa08e169140e42ccf2b5c9735a6377fd6",
                  "MHP_NONE"],
    "rhel-9.0": ["8ee0943f7e3bef36046454d460a9488e95a8b590", "MHP_NONE"],
    "rhel-9.1": ["3174166a8f2781f58a8e59fef35a435409040fbc", "MHP_NONE"],
    "rhel-9.2": ["e72defcd23f041e0c225d6bd13a86058103cc900", "MHP_NONE"],
    "rhel-9.3": ["3a3d870d9d0c4826b5fa90939030634a4c349def", "MHP_NONE"],
    "rhel-9.4": ["4f3c6cb80cb56df1eeb384cb7bb1af3904f7a07f", "MHP_NONE"],
    "rhel-9.5": ["6ce8c56cba556b935cb71e7cc414341eb66782c4", "MHP_NONE"],
    "rhel-9.6": ["a29d65115b426bdfbc24f0c2d9cfeca059df0db6", "MHP_NONE"],
    "rhel-9.7": ["no 9.7 branch"],
    "rhel-10.0": ["da382d9450a9c9a55a2d9642ec93418ec229fe8f",
                  "MACHINE_HAS_EDAT1 ? MHP_MEMMAP_ON_MEMORY", "SECTION_SIZE_BITS 28"],
    "rhel-10.1": ["no 10.1 branch"],
    "centos-stream-9": ["bare .el9 is Stream"],
    "centos-stream-10": ["bare .el10 is Stream"],
    "ubuntu-20.04": ["https://9to5linux.com/"],
    "ubuntu-22.04": ["balabit-deps/balabit-os-9-linux", "CONFIG_MHP_MEMMAP_ON_MEMORY"],
    "ubuntu-24.04": ["m-asama/ubuntu-kernel-noble", "bf2ac7077a3ddaf5db426c7a8682488b5b5112c0",
                     "6.8.0-29.29"],
    "ubuntu-24.10": ["https://sempreupdate.com.br/", "24.10 shipped 6.11"],
    "ubuntu-25.04": ["25.04 6.14"],
    "ubuntu-25.10": ["25.10 targets 6.17"],
    "sles-15-sp4": ["150400", "index id 55834212566"],
    "sles-15-sp5": ["150500", "index id 55834212566"],
    "sles-15-sp6": ["SLE15-SP6", "index id 30595149685"],
    "sles-15-sp7": ["SUSE:SLE-15-SP7:GA", "index id 42719198332"],
    "sles-16.0": ["6.12.0-160000.5", "index id 53908454249"],
}

BACKPORT_EVIDENCE = {
    **{(f"rhel-8.{m}", "min-free-kbytes-256m"): "262144" for m in range(3, 11)},
    ("rhel-9.5", "memmap-on-memory-force"): "MEMMAP_ON_MEMORY_FORCE",
    ("rhel-9.5", "memmap-on-memory-split-per-block"): "create_altmaps_and_memory_blocks",
    ("rhel-9.6", "memmap-on-memory-force"): "MEMMAP_ON_MEMORY_FORCE",
    ("rhel-9.6", "memmap-on-memory-split-per-block"): "create_altmaps_and_memory_blocks",
    ("ubuntu-24.04", "s390-memmap-on-memory"): "LP: #2051835",
}


def test_every_row_is_pinned_to_its_evidence() -> None:
    assert set(PINNED) == set(BY_DISTRIBUTION)
    assert len(BY_DISTRIBUTION) == len(RELEASES)
    for entry in RELEASES:
        assert entry.evidence.strip() and _SOURCE.search(entry.evidence), entry.distribution
        for words in PINNED[entry.distribution]:
            assert words in entry.evidence, (entry.distribution, words)


def test_every_backport_is_pinned_to_its_evidence() -> None:
    found = {(e.distribution, b.feature.name): b.evidence for e in RELEASES for b in e.backports}
    assert set(found) == set(BACKPORT_EVIDENCE)
    for key, words in BACKPORT_EVIDENCE.items():
        assert words in found[key] and _SOURCE.search(found[key]), key


def test_status_matches_what_was_checked() -> None:
    for entry in RELEASES:
        assert entry.status in ("verified", "partial", "unknown"), entry.distribution
        if entry.status == "verified":
            assert set(S390_ROWS) <= set(entry.checked), entry.distribution
        elif entry.status == "partial":
            assert entry.checked and not set(S390_ROWS) <= set(entry.checked)
        else:
            assert (entry.checked, entry.backports) == ((), ()), entry.distribution


def test_each_example_string_reads_as_its_row() -> None:
    for entry in RELEASES:
        example = (entry.uname.replace("<z>", "1.1").replace("NNN", "100").replace("NN", "10")
                   .replace(".N-", ".10-"))
        release = parse_release(example)
        assert (release.distribution, release.base) == (entry.distribution, entry.base), example


def test_rows_use_the_field_names_and_versions_of_the_behaviour_tables() -> None:
    assert tuple(f.name for f in dataclasses.fields(Behaviour)) == S390_ROWS
    fields = set(S390_ROWS) | {f.name for f in dataclasses.fields(HotplugBehaviour)}
    # the s390x rows and those of mm/ and drivers/ (every profile's): one table since issue 12
    table = [c for c in ROWS if c.arch in (None, "s390x")]
    rows = {(c.field, c.value): c.since for c in table}
    for feature in FEATURES.values():
        for field, value in feature.sets:
            assert field in fields, feature.name
            assert rows[(field, value)] == feature.mainline, feature.name
    firsts = {c.field: c.since for c in reversed(table)}
    assert set(S390_ROWS) <= set(ROW_TITLES) <= set(firsts)
    for row in ROW_TITLES:
        assert row_since(row) == firsts[row], row


def test_backports_are_later_than_their_base() -> None:
    for entry in RELEASES:
        for backport in entry.backports:
            assert backport.feature.mainline > entry.base, (entry.distribution, backport)


def test_advice_speaks_the_distributions_language() -> None:
    rhel = advice("s390-memmap-on-memory", "rhel")
    assert "RHEL 9 kernels" in rhel and "RHEL 10 does" in rhel and "boot a kernel" not in rhel
    assert "6.8.0-29" in advice("s390-memmap-on-memory", "ubuntu")
    assert advice("s390-memmap-on-memory", "fedora") == ADVICE["s390-memmap-on-memory"][None]
    assert "boot a kernel >= 6.9" in advice("s390-memmap-on-memory", None)
    assert "RHEL 9.5" in advice("memmap-on-memory-force", "rhel")
    assert set(ADVICE) <= set(FEATURES)


def test_readme_table_is_the_data() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- distro-table:begin -->\n(.*?)<!-- distro-table:end -->", readme,
                      re.DOTALL)
    assert found, "README has the Distribution kernels table between its markers"
    assert found[1] == markdown_table(), (
        "README's distribution table drifted from memmapcalc.kernel.distros; regenerate it with "
        "python -c 'from memmapcalc.kernel.identity import markdown_table; "
        "print(markdown_table(), end=\"\")'")
