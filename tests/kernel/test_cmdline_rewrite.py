"""Rewriting one parameter of a kernel command line (memmapcalc.kernel.cmdline_text.spans /
replace_arg, memmapcalc.config.cmdline_edits): the kernel reads the new line as the old one
with that one argument changed; every other byte stays."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from memmapcalc.config.edits import edited_mapping
from memmapcalc.config.load import machine_from_mapping
from memmapcalc.kernel.cmdline_text import Arg, all_args, kernel_args, replace_arg, spans

WORDS = ["quiet", "root=/dev/dasda1", '"a=b c"', 'dyndbg="file x.c +p"', "x=", "=y", "--",
         "memory_hotplug.memmap_on_memory=0", 'k="v"', "mem=4G", "crashkernel=256M"]


def test_spans_are_the_arguments_as_written() -> None:
    line = 'a=1  "b=x y"\tc="q r" -- d'
    assert [(line[s.start:s.end], s.arg) for s in spans(line)] == [
        ("a=1", Arg("a", "1")), ('"b=x y"', Arg("b", "x y")), ('c="q r"', Arg("c", "q r")),
        ("--", Arg("--", None)), ("d", Arg("d", None))]


def test_replace_keeps_every_other_byte_and_adds_before_the_double_dash() -> None:
    line = 'root=/dev/dasda1 "dyndbg=file x +p"  mom=0\tquiet -- init=/bin/sh'
    mom = spans(line)[2]
    assert replace_arg(line, mom, "mom=1") == (
        'root=/dev/dasda1 "dyndbg=file x +p"  mom=1\tquiet -- init=/bin/sh')
    assert replace_arg(line, None, "mem=8G") == (
        'root=/dev/dasda1 "dyndbg=file x +p"  mom=0\tquiet mem=8G -- init=/bin/sh')
    assert replace_arg("quiet  ", None, "mem=8G") == "quiet mem=8G  "
    assert replace_arg("", None, "mem=8G") == "mem=8G"
    # a quote left open runs to the end of the line: the new argument goes before it
    assert all_args(replace_arg('a "b c', None, "n=1")) == [Arg("a", None), Arg("n", "1"),
                                                               Arg("b c", None)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
       st.lists(st.sampled_from([" ", "  ", "\t", "\n"]), min_size=8, max_size=8),
       st.data())
def test_the_kernel_reads_the_rewritten_line_with_only_that_argument_changed(
        words: list[str], blanks: list[str], data: Any) -> None:
    line = "".join(word + blank for word, blank in zip(words, blanks, strict=False))
    before = all_args(line)
    index = data.draw(st.integers(0, len(before) - 1))
    after = all_args(replace_arg(line, spans(line)[index], "new=1"))
    assert after == [*before[:index], Arg("new", "1"), *before[index + 1:]]
    added = replace_arg(line, None, "new=1")
    assert Arg("new", "1") in kernel_args(added)  # before --, where parse_args() reads it
    assert [arg for arg in all_args(added) if arg != Arg("new", "1")] == [
        arg for arg in before if arg != Arg("new", "1")]


def _edited(kernel: dict[str, Any], edits: list[tuple[str, Any]], arch: str = "s390x",
            memory: dict[str, Any] | None = None) -> dict[str, Any]:
    machine = machine_from_mapping({"name": "m", "arch": arch,
                                    "memory": memory or {"online": "8G", "standby": "64G"},
                                    "kernel": kernel}, "m.yaml", "m")
    return edited_mapping(machine, edits)["kernel"]


def test_the_effective_occurrence_is_rewritten_and_a_missing_one_added() -> None:
    # the last valid one wins: =bogus is refused by kstrtobool, so =0 is the effective one
    line = "memory_hotplug.memmap_on_memory=0 memory-hotplug.memmap-on-memory=bogus quiet"
    assert _edited({"version": "6.9", "cmdline": line}, [("kernel.memmap_on_memory", "on")]) == {
        "version": "6.9",
        "cmdline": "memory_hotplug.memmap_on_memory=1 memory-hotplug.memmap-on-memory=bogus quiet"}
    assert _edited({"version": "6.9", "cmdline": "quiet -- x"},
                   [("kernel.memmap_on_memory", "force")])["cmdline"] == (
        "quiet memory_hotplug.memmap_on_memory=force -- x")
    assert _edited({"version": "6.9", "cmdline": "quiet", "thp": True},
                   [("kernel.thp", False)]) == {
        "version": "6.9", "cmdline": "quiet transparent_hugepage=never", "thp": False}


def test_a_version_edit_keeps_the_mode_the_line_gave_the_old_kernel() -> None:
    # 6.5: a bare name is Y (param_set_bool); 6.6 on it is -EINVAL, so the 6.9 column that
    # promises memmap_on_memory Y writes =1
    assert _edited({"version": "6.5", "cmdline": "memory_hotplug.memmap_on_memory quiet"},
                   [("kernel.version", "6.9")])["cmdline"] == (
        "memory_hotplug.memmap_on_memory=1 quiet")
    # 5.15: =t is not a kstrtobool word before 6.0 (kept N); 6.19 would read it as Y
    assert _edited({"version": "5.15", "cmdline": "memory_hotplug.memmap_on_memory=t"},
                   [("kernel.version", "6.19")])["cmdline"] == "memory_hotplug.memmap_on_memory=0"
    assert _edited({"version": "6.9", "cmdline": "memory_hotplug.memmap_on_memory=y"},
                   [("kernel.version", "6.19")])["cmdline"] == "memory_hotplug.memmap_on_memory=y"


def test_memhp_default_state_is_the_line_s_on_x86_64() -> None:
    assert _edited({"version": "6.8", "cmdline": "memhp_default_state=offline quiet"},
                   [("kernel.auto_online", "online")], "x86_64",
                   {"online": "4G", "dimms": ["8G", "8G"]})["cmdline"] == (
        "memhp_default_state=online quiet")


def test_a_crashkernel_range_the_fix_crosses_is_pinned_at_the_size_it_was_verified_with() -> None:
    # 3900M online rounds up to 3968M: 192M; at 4200M the 4G-64G range would give 256M
    kernel = {"version": "6.8", "cmdline": "crashkernel=1G-4G:192M,4G-64G:256M\tquiet"}
    memory = {"online": "3900M", "dimms": ["8G"]}
    assert _edited(kernel, [("memory.online", "4200M")], "x86_64", memory)["cmdline"] == (
        "crashkernel=192M quiet")
    assert _edited(kernel, [("memory.online", "3968M")], "x86_64", memory)["cmdline"] == (
        "crashkernel=1G-4G:192M,4G-64G:256M\tquiet")
