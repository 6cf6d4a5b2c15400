"""lsmem output → the machine draft: what it tells, what it leaves out, and notes."""

from __future__ import annotations

from collections.abc import Sequence

from memmapcalc.errors import InputError
from memmapcalc.importers.draft import MachineDraft
from memmapcalc.importers.lsmem.forms import describe_form, parse_listing
from memmapcalc.importers.lsmem.interpret import interpret


def lsmem_machine(text: str, source: str, *, columns: Sequence[str] | None = None,
                  block_size: int | None = None) -> MachineDraft:
    """Parse lsmem output and build the machine draft (raises :class:`InputError`)."""
    listing = parse_listing(text, source, columns)
    facts = interpret(listing, source, block_size)
    draft = MachineDraft(origin=describe_form(listing))
    assert facts.online is not None and facts.standby is not None
    if facts.online <= 0:
        raise InputError(source, "the input shows no online memory; memory.online must be > 0")
    draft.set("memory.online", facts.online, facts.online_from)
    draft.set("memory.standby", facts.standby, facts.standby_from)
    if facts.block_size is not None:
        draft.set("memory.block_size", facts.block_size, facts.block_size_from)
    else:
        draft.leave_out("memory.block_size", "the input has no summary and no RANGE+BLOCK "
                                             "columns; give it with --block-size")
    if facts.memmap_parameter is not None:
        draft.set("kernel.memmap_on_memory", facts.memmap_parameter,
                  f'"Memmap on memory parameter" summary line (line {facts.memmap_line})')
    else:
        draft.leave_out("kernel.memmap_on_memory", "lsmem prints it from util-linux 2.42 on, in "
                                                   "the summary")
    draft.leave_out("memory.increment", "lsmem does not show the storage increment")
    draft.leave_out("cpu.edat1", "lsmem cannot tell; look for `edat` in the features line of "
                                 "/proc/cpuinfo (or use memmapcalc probe)")
    draft.leave_out("kernel.version", "lsmem cannot tell; give it with --kernel-version")
    if any(s.configured is not None for s in facts.spans):
        draft.notes.append("the CONFIGURED column exists only with /sys/firmware/memory, i.e. a "
                           "Linux 6.19+ kernel; pass --kernel-version")
    elif facts.standby == 0:
        draft.notes.append("no offline memory: either the machine has no standby memory, or it "
                           "runs Linux 6.19+ whose deconfigured standby memory only lsmem 2.42+ "
                           "shows (with -o +CONFIGURED) — check before trusting standby: 0")
    draft.notes.append("lsmem shows the current block states; blocks set online or offline "
                       "since IPL (chmem) move memory between online and standby")
    draft.notes.extend(facts.notes)
    draft.warnings.extend(facts.warnings)
    draft.partial.extend(facts.partial)
    return draft
