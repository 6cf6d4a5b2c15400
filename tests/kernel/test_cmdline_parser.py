"""memmapcalc.kernel.cmdline / cmdline_text / crashkernel: each rule of the kernel's own
readers (lib/cmdline.c next_arg(), kernel/params.c parse_args(), lib/kstrtox.c kstrtobool(),
kernel/crash_reserve.c, arch/s390/boot/ipl_parm.c) pinned to exact values, and hypothesis
properties (tokenising round-trips, the last occurrence wins, range resolution is total)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memmapcalc.kernel import crashkernel
from memmapcalc.kernel.cmdline import CmaArea, Rules, read, rules_for
from memmapcalc.kernel.cmdline_text import (
    Arg,
    all_args,
    kernel_args,
    kstrtobool,
    memparse,
    next_arg,
    parameq,
)
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.kernel.version import v
from memmapcalc.units import GiB, MiB

OLD_BOOL = Rules("bool", true_false=False)  # 5.13-5.19: module_param bool, no t/f
NEW = Rules()  # 6.6+: set_memmap_mode(), t/f


# -- next_arg() / parse_args() ----------------------------------------------------------------

@pytest.mark.parametrize(("line", "args"), [
    ("a=1 b", [Arg("a", "1"), Arg("b", None)]),
    ('  x="a b"   y=2  ', [Arg("x", "a b"), Arg("y", "2")]),  # quoted value, quotes dropped
    ('"quoted=all of it"', [Arg("quoted", "all of it")]),  # leading quote of the argument
    ('a="b"c', [Arg("a", 'b"c')]),  # the last char is no quote: only the leading one goes
    ("a==b", [Arg("a", "=b")]),  # the first '=' splits
    ("\ta=1\nb=2", [Arg("a", "1"), Arg("b", "2")]),  # isspace(): tab and newline
    ("", []),
])
def test_next_arg_as_lib_cmdline_c(line: str, args: list[Arg]) -> None:
    assert all_args(line) == args


def test_double_dash_ends_kernel_parameters_but_not_the_s390_decompressor() -> None:
    line = "mem=1G -- mem=2G memory_hotplug.memmap_on_memory=1"
    assert kernel_args(line) == [Arg("mem", "1G")]
    assert read(line, NEW).memmap_on_memory is None  # after --: for init
    mem = read(line, NEW).mem
    assert mem is not None and mem.value == 2 * GiB  # ipl_parm.c loops over the whole line
    assert read(line, NEW).notes == ("mem=2G comes after --: the s390 decompressor still reads "
                                     "it (arch/s390/boot/ipl_parm.c loops over the whole line)",)
    assert kernel_args("a -- -- b") == [Arg("a", None)]
    assert kernel_args("a --=x b") == [Arg("a", None), Arg("--", "x"), Arg("b", None)]


def test_parameq_treats_dashes_and_underscores_alike() -> None:
    assert parameq("memory-hotplug.memmap-on-memory", "memory_hotplug.memmap_on_memory")
    assert not parameq("memory_hotplug.memmap_on_memoryx", "memory_hotplug.memmap_on_memory")
    got = read("memory-hotplug.memmap-on-memory=1", NEW).memmap_on_memory
    assert got is not None and got.value is MemmapMode.ON


# -- memparse / kstrtobool --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value", "rest"), [
    ("256M", 256 * MiB, ""), ("256m", 256 * MiB, ""), ("1G@64M", GiB, "@64M"),
    ("0x100000", MiB, ""), ("0x10k", 16 << 10, ""), ("010", 8, ""), ("08", 0, "8"),
    ("0x", 0, "x"), ("abc", 0, "abc"), ("", 0, ""), ("-1", 0, "-1"), ("1E", 1 << 60, ""),
    ("16E", 0, ""),  # unsigned long long wraps, as in C
])
def test_memparse(text: str, value: int, rest: str) -> None:
    assert memparse(text) == (value, rest)


@pytest.mark.parametrize(("text", "new", "old"), [
    ("1", True, True), ("0", False, False), ("y", True, True), ("Yes", True, True),
    ("N", False, False), ("on", True, True), ("OFF", False, False), ("of", False, False),
    ("1abc", True, True), ("true", True, None), ("F", False, None), ("o", None, None),
    ("2", None, None), ("enable", None, None), ("", None, None), (None, None, None),
])
def test_kstrtobool_first_character(text: str | None, new: bool | None,
                                    old: bool | None) -> None:
    assert kstrtobool(text, True) is new
    assert kstrtobool(text, False) is old


# -- memory_hotplug.memmap_on_memory= by kernel ------------------------------------------------

def _mode(line: str, rules: Rules) -> MemmapMode | None:
    setting = read(line, rules).memmap_on_memory
    return None if setting is None else setting.value


P = "memory_hotplug.memmap_on_memory"


@pytest.mark.parametrize(("line", "rules", "mode"), [
    (f"{P}=force", NEW, MemmapMode.FORCE), (f"{P}=FORCE", NEW, MemmapMode.FORCE),
    (f"{P}=Force", NEW, MemmapMode.OFF),  # not sysfs_streq "force": kstrtobool 'F' = false
    (f"{P}", NEW, None),  # 6.6+ ops have no NOARG: -EINVAL, stays N
    (f"{P}", OLD_BOOL, MemmapMode.ON),  # param_set_bool(): no '=' means "1"
    (f"{P}=force", OLD_BOOL, None),  # bool before 6.0: 'f' is -EINVAL
    (f"{P}=force", Rules("bool", True), MemmapMode.OFF),  # 6.0-6.5: 'f' is false
    (f"{P}=1", Rules("absent", False), None),  # before 5.13 there is no such parameter
    (f"{P}=1 {P}=0", NEW, MemmapMode.OFF),  # the last one wins
    (f"{P}=1 {P}=bogus", NEW, MemmapMode.ON),  # an invalid one leaves the previous value
])
def test_memmap_on_memory(line: str, rules: Rules, mode: MemmapMode | None) -> None:
    assert _mode(line, rules) is mode


def test_invalid_memmap_value_is_a_note_with_the_kernels_message() -> None:
    notes = read(f"{P}=bogus", NEW).notes
    assert notes == (f"{P}=bogus: the kernel logs \"`bogus' invalid for parameter `{P}'\" and "
                     f"keeps the previous value",)


@pytest.mark.parametrize(("base", "force", "distribution", "rules"), [
    (None, False, None, Rules("mode", True)),
    (v("4.18"), False, "rhel-8.10", Rules("absent", False, crash_auto=True)),
    (v("5.14"), False, "rhel-9.2", Rules("bool", False)),
    (v("5.14"), False, "rhel-9.3", Rules("bool", True)),
    (v("5.14"), True, "rhel-9.5", Rules("mode", True)),
    (v("5.19"), False, None, Rules("bool", False)),
    (v("6.1"), False, None, Rules("bool", True)),
    (v("6.8"), True, None, Rules("mode", True)),
])
def test_rules_by_kernel(base, force, distribution, rules) -> None:  # type: ignore[no-untyped-def]
    assert rules_for(base, force, distribution) == rules


# -- crashkernel= ---------------------------------------------------------------------------

RHEL = "1G-4G:192M,4G-64G:256M,64G-:512M"


@pytest.mark.parametrize(("ram", "size"), [
    (16 * GiB, 256 * MiB), (4 * GiB, 256 * MiB), (4 * GiB - 1, 256 * MiB),  # rounded to 128M
    (4 * GiB - 128 * MiB, 192 * MiB), (GiB, 192 * MiB), (GiB - 128 * MiB, 0),
    (64 * GiB, 512 * MiB), (8 * GiB + 1024 * GiB, 512 * MiB),
])
def test_rhel_ranges(ram: int, size: int) -> None:
    assert crashkernel.reserve(RHEL, ram, "RAM").size == size


@pytest.mark.parametrize(("value", "size"), [
    ("256M", 256 * MiB), ("256M@64M", 256 * MiB), ("0", 0), ("256Mx", 0), ("abc", 0),
    ("4G", 0),  # not below the 4 GiB of RAM: parse_crashkernel() fails
    ("1G-2G:128M", 0), ("2G-1G:128M", 0), ("1G:128M", 0), ("0-:4G", 0),  # size ≥ RAM
    ("1G-8G:192M,junk", 192 * MiB),  # the kernel never reads past the matching range
    ("0-:256M@x", 0),  # "Memory value expected after '@'"
])
def test_crashkernel_forms(value: str, size: int) -> None:
    assert crashkernel.reserve(value, 4 * GiB, "RAM").size == size


def test_last_unsuffixed_crashkernel_is_used_anywhere_on_the_line() -> None:
    line = 'crashkernel=128M "crashkernel=256M" crashkernel=1G,high -- crashkernel=512M,low'
    assert crashkernel.last_crashkernel(line) == '256M"'  # strstr: quotes are not seen
    assert crashkernel.last_crashkernel("a crashkernel=128M -- crashkernel=64M") == "64M"
    assert crashkernel.last_crashkernel("crashkernel=1G,high") is None
    assert crashkernel.suffixed_crashkernel("crashkernel=1G,high") == "crashkernel=1G,high"


def test_rhel8_auto() -> None:
    got = read("crashkernel=auto", Rules(crash_auto=True)).crashkernel
    assert got is not None and got.value == RHEL and got.token == "crashkernel=auto"
    assert crashkernel.reserve("auto", 16 * GiB, "RAM").size == 0  # RHEL 9+: -EINVAL


@pytest.mark.parametrize("bad", ["1G-", "1G-4G", "4G-1G:128M", "1G-4G:192M@", "1G-4G:x",
                                 "1G-4G:192Mjunk"])
def test_config_syntax_is_strict(bad: str) -> None:
    with pytest.raises(crashkernel.CrashkernelSyntax):
        crashkernel.parse(bad)


# -- the other parameters -------------------------------------------------------------------

def test_mem_is_page_rounded_and_zero_means_no_limit() -> None:
    mem = read("mem=1000001", NEW).mem
    assert mem is not None and mem.value == 999424  # round_down(…, PAGE_SIZE)
    mem = read("mem=16G mem=bogus", NEW).mem
    assert mem is not None and mem.value == 0  # memparse gives 0: memory_limit 0 = no limit
    assert read("mem", NEW).mem is None  # "&& val"
    assert read("Mem=1G", NEW).mem is None  # strcmp


def test_transparent_hugepage_memhp_cma_vmcp() -> None:
    s = read("transparent_hugepage=never transparent-hugepage=sometimes memhp_default_state="
             "online_movable cma=64M@1G vmcp_cma=5000 vmcp-cma=1M", NEW)
    assert s.transparent_hugepage is not None and s.transparent_hugepage.value == "never"
    assert s.notes == ("transparent-hugepage=sometimes: \"transparent_hugepage= cannot parse, "
                       "ignored\"; accepted: always, madvise, never",)
    assert s.memhp_default_state is not None
    assert s.memhp_default_state.value == "online_movable"
    assert s.cma is not None and s.cma.value == CmaArea(64 * MiB, GiB, GiB + 64 * MiB)
    assert s.vmcp_cma is not None and s.vmcp_cma.value == MiB and s.vmcp_cma.token == \
        "vmcp-cma=1M"
    assert read("vmcp_cma=5000", NEW).vmcp_cma.value == 8192  # type: ignore[union-attr]


# -- properties ----------------------------------------------------------------------------

_WORD = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters='"='),
                min_size=1, max_size=12)
_VALUE = st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters='"'),
                 max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_WORD, st.none() | _VALUE), max_size=8))
def test_tokenising_round_trips(pairs: list[tuple[str, str | None]]) -> None:
    """Writing each argument as name or name="value" and reading it back gives the pairs."""
    line = " ".join(name if value is None else f'{name}="{value}"' for name, value in pairs)
    assert all_args(line) == [Arg(name, value) for name, value in pairs]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["0", "1", "y", "n", "on", "off", "force", "bogus", None]),
                min_size=1, max_size=6))
def test_last_valid_memmap_value_wins(values: list[str | None]) -> None:
    line = " ".join(P if value is None else f"{P}={value}" for value in values)
    valid = [value for value in values if value not in (None, "bogus")]
    expected = None if not valid else {"0": MemmapMode.OFF, "n": MemmapMode.OFF,
                                       "off": MemmapMode.OFF, "force": MemmapMode.FORCE
                                       }.get(valid[-1], MemmapMode.ON)
    assert _mode(line, NEW) is expected


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=1 << 50))
def test_range_resolution_is_total_and_monotonic(ram: int) -> None:
    size = crashkernel.reserve(RHEL, ram, "RAM").size
    assert size in (0, 192 * MiB, 256 * MiB, 512 * MiB)
    assert size <= crashkernel.reserve(RHEL, ram + 128 * MiB, "RAM").size


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_reads_without_exceptions(line: str) -> None:
    s = read(line, NEW)
    assert isinstance(s.notes, tuple)
    if s.crashkernel is not None:
        assert crashkernel.reserve(s.crashkernel.value, 16 * GiB, "RAM").size >= 0
    for arg in all_args(line):
        assert arg.param == "" or arg.param[0] not in " \t\n\v\f\r"  # lib/ctype.c isspace
    first = line.lstrip(" \t\n\v\f\r")
    if first:
        next_arg(first)


def test_an_unterminated_quote_is_said_and_hides_what_follows() -> None:
    # lib/cmdline.c next_arg(): in_quote stays set to the end, so the rest is one argument
    # whose name holds the blank: memory_hotplug.memmap_on_memory=1 is not a parameter here.
    from memmapcalc.kernel.cmdline import read, rules_for
    from memmapcalc.kernel.version import KernelVersion

    rules = rules_for(KernelVersion(6, 9), True, None)
    settings = read('root=/dev/dasda1 "unterminated memory_hotplug.memmap_on_memory=1', rules)
    assert settings.memmap_on_memory is None
    assert any("unterminated double quote" in note for note in settings.notes)
    closed = read('root=/dev/dasda1 "x y" memory_hotplug.memmap_on_memory=1', rules)
    assert closed.memmap_on_memory is not None
    assert not any("unterminated" in note for note in closed.notes)
