"""kernel.release: every uname -r example of issue 13 and its research, and a fuzz test."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memmapcalc.kernel.release import MAX_LENGTH, KernelRelease, parse_release
from memmapcalc.kernel.version import v

# (uname -r, family, distribution, base, abi, build)
EXAMPLES = [
    ("6.8.0-31-generic", "ubuntu", "ubuntu-24.04", "6.8", 31, None),
    ("6.8.0-28-generic", "ubuntu", "ubuntu-24.04", "6.8", 28, None),
    ("6.8.0-29-generic", "ubuntu", "ubuntu-24.04", "6.8", 29, None),
    ("5.15.0-143-generic", "ubuntu", "ubuntu-22.04", "5.15", 143, None),
    ("6.11.0-8-generic", "ubuntu", "ubuntu-24.10", "6.11", 8, None),
    ("5.14.0-503.40.1.el9_5.s390x", "rhel", "rhel-9.5", "5.14", None, "503.40.1"),
    ("5.14.0-570.32.1.el9_6.s390x", "rhel", "rhel-9.6", "5.14", None, "570.32.1"),
    ("5.14.0-70.13.1.el9_0.s390x", "rhel", "rhel-9.0", "5.14", None, "70.13.1"),
    ("5.14.0-611.5.1.el9_7.s390x", "rhel", "rhel-9.7", "5.14", None, "611.5.1"),
    ("6.12.0-55.24.1.el10_0.s390x", "rhel", "rhel-10.0", "6.12", None, "55.24.1"),
    ("6.12.0-124.55.2.el10_1.s390x", "rhel", "rhel-10.1", "6.12", None, "124.55.2"),
    ("4.18.0-553.el8_10.s390x", "rhel", "rhel-8.10", "4.18", None, "553"),
    ("4.18.0-553.66.1.el8_10.s390x", "rhel", "rhel-8.10", "4.18", None, "553.66.1"),
    ("4.18.0-240.el8.s390x", "rhel", "rhel-8.3", "4.18", None, "240"),
    ("4.18.0-372.9.1.el8.s390x", "rhel", "rhel-8.6", "4.18", None, "372.9.1"),
    ("5.14.0-570.el9.s390x", "centos-stream", "centos-stream-9", "5.14", None, "570"),
    ("6.12.0-55.el10.s390x", "centos-stream", "centos-stream-10", "6.12", None, "55"),
    ("5.14.0-427.el9", "centos-stream", "centos-stream-9", "5.14", None, "427"),
    ("6.4.0-150600.23.25-default", "sles", "sles-15-sp6", "6.4", None, "150600.23.25"),
    ("6.4.0-150700.51-default", "sles", "sles-15-sp7", "6.4", None, "150700.51"),
    ("5.14.21-150500.53.2-default", "sles", "sles-15-sp5", "5.14", None, "150500.53.2"),
    ("5.14.21-150400.22.1-default", "sles", "sles-15-sp4", "5.14", None, "150400.22.1"),
    ("6.12.0-160000.5-default", "sles", "sles-16.0", "6.12", None, "160000.5"),
    ("6.4.0-150600.23.100-default", "sles", "sles-15-sp6", "6.4", None, "150600.23.100"),
    ("6.4.0-150700.714.ga8e7017-default", "sles", "sles-15-sp7", "6.4", None,
     "150700.714.ga8e7017"),
    ("6.11.4-301.fc41.s390x", "fedora", "fedora-41", "6.11", None, "301"),
    ("6.1.0-18-s390x", "debian", "debian-12", "6.1", 18, None),
    ("6.1.0-57-amd64", "debian", "debian-12", "6.1", 57, None),
    ("6.12.74+deb13+1-amd64", "debian", "debian-13", "6.12", None, None),
    ("6.9.0-rc3", "mainline", None, "6.9", None, None),
    ("6.19.2", "mainline", None, "6.19", None, None),
    ("6.19.2+", "mainline", None, "6.19", None, None),
    ("6.9.0-00001-gabcdef12", "mainline", None, "6.9", None, None),
    ("6.9.0-060900rc3-generic", "mainline", None, "6.9", None, None),
    ("6.8", "mainline", None, "6.8", None, None),
    ("v6.10", "mainline", None, "6.10", None, None),
    ("6.11.4-1-default", None, None, "6.11", None, None),
    ("5.14.0-427.13.1.el9uek.s390x", None, None, "5.14", None, None),
]


@pytest.mark.parametrize(("text", "family", "distribution", "base", "abi", "build"), EXAMPLES)
def test_examples(text: str, family: str | None, distribution: str | None, base: str,
                  abi: int | None, build: str | None) -> None:
    release = parse_release(text)
    assert (release.release, release.family, release.distribution, release.base, release.abi,
            release.build) == (text, family, distribution, v(base), abi, build)


def test_fields_of_a_mainline_rc_and_stable() -> None:
    assert parse_release("6.9.0-rc3") == KernelRelease("6.9.0-rc3", "mainline", None, v("6.9"),
                                                       sublevel=0, rc=3)
    assert parse_release("6.19.2") == KernelRelease("6.19.2", "mainline", None, v("6.19"),
                                                    sublevel=2)


def test_rhel_arch_and_variant() -> None:
    release = parse_release("5.14.0-570.12.1.el9_6.x86_64+debug")
    assert (release.distribution, release.arch, release.flavour) == ("rhel-9.6", "x86_64",
                                                                     "debug")


def test_blanks_around_are_allowed_and_the_release_is_kept_as_given() -> None:
    release = parse_release(" 6.8.0-31-generic\t")
    assert (release.release, release.distribution) == (" 6.8.0-31-generic\t", "ubuntu-24.04")


@pytest.mark.parametrize(("text", "words"), [
    ("6.8.0-31-generic", "or 22.04 HWE"),
    ("5.14.0-570.el9.s390x", "RHEL 9.6's"),
    ("4.18.0-372.9.1.el8.s390x", "CentOS Stream 8"),
    ("5.14.0-503.40.1.el9_5.s390x", "AlmaLinux, Rocky Linux"),
    ("6.4.0-150300.59.1-default", "15SSPP00 numbering"),
    ("6.9.0-00001-gabcdef12", "git tree"),
    ("6.11.4-1-default", "not a distribution release"),
    ("5.14.0-570.12.1.el9_5.s390x", "build 570 is RHEL 9.6's"),
    ("4.18.0-999.el8.s390x", "minor release of build 999 is not known"),
    ("6.5.0-14-generic", "Ubuntu release with a 6.5 kernel is not known"),
    ("6.4.0-151200.1-default", "code stream 151200 is not a SUSE product"),
])
def test_notes_say_what_the_string_leaves_open(text: str, words: str) -> None:
    assert any(words in note for note in parse_release(text).notes)


@pytest.mark.parametrize(("text", "words"), [
    ("", "not a kernel version"),
    ("generic", "not a kernel version"),
    ("6.8\n", "control character U+000A"),
    ("6.8.0-31-gene\x00ric", "control character U+0000"),
    ("6.\u0668.0-31-generic", "non-ASCII digit"),
    ("\uff16.8", "non-ASCII digit"),
    ("6.8\u00a0", "non-ASCII space"),
    ("9.1.0-1-generic", "not a Linux release memmapcalc knows"),
    ("6.8.0-" + "1" * 80 + "-generic", f"at most {MAX_LENGTH}"),
])
def test_refused_with_a_clear_message(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)) as raised:
        parse_release(text)
    assert "\n" not in str(raised.value)


_PIECES = st.sampled_from(["6", "8", "0", "5", "14", ".", "-", "_", "+", "el", "el9", "el8",
                           "_5", "generic", "default", "150600", "fc41", "s390x", "rc", "deb",
                           "g", "a", " ", "\t", "\n", "\u0660", "\uff10", "\u00a0", "\u200b",
                           "\ud800", "é", "v", "31", "x86_64", "0600", "1" * 20])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=14).map("".join)))
def test_any_string_is_a_release_or_a_clear_value_error(text: str) -> None:
    try:
        release = parse_release(text)
    except ValueError as error:
        message = str(error)
        assert message and "\n" not in message and len(message) < 400
        return
    assert isinstance(release, KernelRelease)
    assert release.release == text
    assert release.base == v(f"{release.base.major}.{release.base.minor}")
