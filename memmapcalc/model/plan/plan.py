"""Planning: one machine across the kernel's standby behaviours, the cheapest verified change
that makes a failing machine IPL, and the largest standby per behaviour (the frontier).

Pure: everything here re-runs the model (:func:`budget`, :func:`passes`,
:func:`evaluate_params`, :func:`max_standby`) on variations of one :class:`Params` built
with ``dataclasses.replace``; nothing is estimated.

The five standby behaviours (kernel-model.md §1, §2, §8; inputs.md §3.1):

==================  =========  ==================================================
key                 mainline   what IPL does with standby memory
==================  =========  ==================================================
boot-add            ≤ 6.8      adds every block, memmap from online memory
boot-add-mom-off    6.9–6.18   adds every block; sclp asks for memmap-on-memory
                               (EDAT1 only) but ``memory_hotplug.memmap_on_memory=0``
boot-add-mom-on     6.9–6.18   … with ``=1``: memmap on the block itself
boot-add-mom-force  6.9–6.18   … with ``=force``: memmap rounded up to pageblocks
deferred            ≥ 6.19     adds nothing; blocks are configured after IPL
==================  =========  ==================================================

Each behaviour is evaluated on the machine's own kernel when that kernel has it (so a
distribution backport keeps its overrides), otherwise on the nearest mainline kernel
that has it: the machine's version clamped into the range above (a 6.8 machine's
memmap-on-memory columns run on 6.9, its deferred column on 6.19; a 6.15 machine's
"boot-add" column on 6.8).  Version-dependent facts (section size, page-table sizes)
then come from a real kernel.  Each variant records the config edits that reproduce it,
so ``check`` on the edited config gives the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from memmapcalc.arch.s390x.constants import PAGE
from memmapcalc.kernel.cmdline_fix import boot_with, in_line
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.model.after_ipl.bringup import DEFAULT_ZONE, AfterIpl, Zone, after_ipl
from memmapcalc.model.after_ipl.release import Release, releases
from memmapcalc.model.after_ipl.use import summarise
from memmapcalc.model.after_ipl.verdicts import full_verdict
from memmapcalc.model.evaluate import Evaluation, evaluate_params
from memmapcalc.model.plan.variants import Edit, Refuses, Variant, variants
from memmapcalc.records.fixes import Fix, FixKind, memmap_parameter
from memmapcalc.records.params import Params, config_size, footprint_hint, online_edits
from memmapcalc.records.size_tips import line_fix
from memmapcalc.records.verdict import budget, passes
from memmapcalc.units import MiB, format_size, human_size_at_most

# --------------------------------------------------------------------------- changes


@dataclass(frozen=True, slots=True)
class Change:
    """A change of the machine, verified by re-running the model with it applied."""

    kind: str  # "memmap_on_memory" | "online" | "standby" | "kernel"
    #: cheapest first: a boot parameter (1), more online memory (2), less standby (3),
    #: a newer kernel with a parameter (4), a kernel that defers standby (5)
    rank: int
    text: str
    edits: tuple[Edit, ...]
    params: Params
    verdict: str
    margin: int
    #: one step less of the change fails (one MiB/increment of online, one block of
    #: standby); for parameters and kernels: the machine without the change fails
    minimal: bool
    evidence: str
    #: kernel parameters the change boots with (memmapcalc.records.fixes.memmap_parameter)
    parameters: tuple[str, ...] = ()

    @property
    def fix(self) -> Fix:
        """The change as a fix record (for the admin's commands): the machine's sizes and
        kernel after it."""
        kind = _FIX_KINDS[self.kind]
        kernel = (None if kind is not FixKind.KERNEL or self.params.version is None
                  else str(self.params.version))
        return Fix(kind, self.text, self.params.online, self.params.standby, self.parameters,
                   kernel)


#: Change.kind -> what the fix changes (records.fixes.FixKind).
_FIX_KINDS = {"memmap_on_memory": FixKind.PARAMETER, "online": FixKind.RAISE_ONLINE,
              "standby": FixKind.LOWER_STANDBY, "kernel": FixKind.KERNEL}


@dataclass(frozen=True, slots=True)
class Column:
    """One behaviour of the side-by-side table."""

    variant: Variant
    evaluation: Evaluation | None
    after: AfterIpl | None


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything ``memmapcalc plan`` says about one machine."""

    params: Params
    evaluation: Evaluation
    columns: tuple[Column, ...]
    #: online and standby at their limits (verified, minimal); also for passing machines
    limits: tuple[Change, ...]
    #: for a failing machine, every verified change, cheapest first
    changes: tuple[Change, ...]
    after_ipl: AfterIpl
    #: the free path as configured: without and with memmap-on-memory
    release: tuple[Release, Release] | None = None

    @property
    def cheapest(self) -> Change | None:
        return self.changes[0] if self.changes else None


def plan(p: Params, zone: Zone = DEFAULT_ZONE, refuses: Refuses | None = None) -> Plan:
    """The side-by-side behaviours, the limits, the verified changes and after-IPL use.

    With ``refuses``, a behaviour whose config edits give a config ``check`` refuses (a
    64 MiB-increment machine's 128M standby is below one 256 MiB block of 6.8) is n/a, with
    the reason: its numbers could not be reproduced by checking the edited config."""
    evaluation = evaluate_params(p)
    columns = tuple(_column(_admitted(variant, refuses), zone) for variant in variants(p))
    limits = tuple(c for c in (_online_limit(p, evaluation), _standby_limit(p, evaluation)) if c)
    changes: list[Change] = []
    if not evaluation.ipl:
        changes.extend(_parameter_change(p))
        changes.extend(c for c in limits if (c.kind == "online" and c.params.online > p.online)
                       or (c.kind == "standby" and c.params.standby < p.standby))
        changes.extend(_kernel_changes(p, columns))
        changes.sort(key=lambda change: change.rank)
    after = after_ipl(p, zone)
    return Plan(p, evaluation, columns, limits, tuple(changes), after, releases(p, after))


def _admitted(variant: Variant, refuses: Refuses | None) -> Variant:
    if refuses is None or variant.params is None:
        return variant
    why = refuses(variant.edits)
    if why is None:
        return variant
    return Variant(variant.spec, None, False, f"check refuses the edited config: {why}",
                   variant.edits, variant.yours)


def _column(variant: Variant, zone: Zone) -> Column:
    if variant.params is None:
        return Column(variant, None, None)
    return Column(variant, evaluate_params(variant.params), after_ipl(variant.params, zone))


def _checked(p: Params) -> tuple[str, int]:
    """The verdict ``check`` gives the changed machine (after IPL included) and its margin."""
    return full_verdict(p)


def _change(kind: str, rank: int, text: str, edits: list[Edit], q: Params, minimal: bool,
            evidence: str, parameters: tuple[str, ...] = ()) -> Change:
    outcome, margin = _checked(q)
    return Change(kind, rank, text, tuple(edits), q, outcome, margin, minimal, evidence,
                  parameters)


def _online_limit(p: Params, evaluation: Evaluation) -> Change | None:
    """Online memory at ``min_online``: passes there, and one step (1 MiB, or one storage
    increment) below fails — the search guarantees it, this re-checks it.

    Example: configs/zvm-lnx01-6.8.yaml (8 MiB increments) -> "raise online memory to 4520M
    (+424M)"; 4512M fails by 288384 B (its 1008 standby memmaps still take 3.94 GiB).
    """
    if evaluation.min_online is None:
        return None
    x, step = evaluation.min_online.value, max(MiB, p.increment or 0)
    below = replace(p, online=x - step)
    minimal = x - step <= 0 or not passes(below)
    evidence = ("no smaller online size exists" if x - step <= 0 else
                f"{format_size(x - step)} {_outcome(below)}")
    delta = x - p.online
    text = (f"raise online memory to {format_size(x)} (+{format_size(delta)})" if delta > 0 else
            f"online memory could go down to {format_size(x)} (-{format_size(-delta)})"
            if delta < 0 else f"online memory is at its minimum, {format_size(x)}")
    text += line_fix(p, x, p.standby)
    return _change("online", 2, text + footprint_hint(p), online_edits(p, x),
                   replace(p, online=x), minimal, evidence)


def _standby_limit(p: Params, evaluation: Evaluation) -> Change | None:
    """Standby at ``max_standby``: passes there, and one block more fails (unless the
    architecture's 64 TiB caps it, arch/s390/include/asm/sparsemem.h MAX_PHYSMEM_BITS 46).

    Example: configs/zvm-lnx01-6.8.yaml -> "lower standby memory to 231680M (-26368M)":
    905 blocks of 256 MiB pass, 906 fail by 3807616 B.
    """
    if evaluation.max_standby is None:
        return None
    y, block = evaluation.max_standby.value, evaluation.budget.block_size.value
    if evaluation.max_standby_capped:
        minimal, evidence = True, "capped by the 64 TiB of physical memory s390 addresses"
    else:
        above = replace(p, standby=y + block)
        minimal, evidence = not passes(above), f"{format_size(y + block)} {_outcome(above)}"
    delta = y - p.standby
    text = (f"lower standby memory to {format_size(y)} (-{format_size(-delta)})" if delta < 0 else
            f"standby memory could grow to {format_size(y)} (+{format_size(delta)})" if delta > 0
            else f"standby memory is at its maximum, {format_size(y)}")
    text += line_fix(p, p.online, y)
    return _change("standby", 3, text, [("memory.standby", config_size(y))],
                   replace(p, standby=y), minimal, evidence)


def _outcome(q: Params) -> str:
    outcome, margin = _checked(q)
    return f"{'fails' if outcome == 'fail' else 'passes'} (margin {human_size_at_most(margin)})"


def _parameter_change(p: Params) -> list[Change]:
    """``memory_hotplug.memmap_on_memory`` on this very kernel: Y, else force (6.6+,
    mm/memory_hotplug.c ``set_memmap_mode()``; force rounds the memmap up to pageblocks,
    ``memory_block_memmap_on_memory_pages()``).

    Example: configs/lpar-2g-increments.yaml (6.12, EDAT1) fails by 921 MiB with N; with
    ``=1`` each 2 GiB block keeps its 32 MiB memmap and it passes.  A 6.15 KVM guest with
    4 MiB pageblocks and 128 MiB blocks needs ``force`` (512 memmap pages -> 1024, 2 MiB
    wasted per block): ``Y`` is refused by ``mhp_supports_memmap_on_memory()``.
    """
    tried: list[str] = []
    for mode in (MemmapMode.ON, MemmapMode.FORCE):
        if mode is p.memmap_on_memory:
            continue
        q = replace(p, memmap_on_memory=mode)
        if passes(q):
            waste = budget(q).memmap_on_memory.wasted_pages * PAGE
            extra = f", wasting {format_size(waste)} per block" if waste else ""
            evidence = (f"as configured it {_outcome(p)}" + (f"; {tried[0]}" if tried else ""))
            return [_change("memmap_on_memory", 1,
                            boot_with(p.cmdline_tokens, f"{memmap_parameter(mode)}{extra}",
                                      f"kernel.memmap_on_memory: {mode.value}"),
                            [("kernel.memmap_on_memory", mode.value)], q, not passes(p), evidence,
                            (memmap_parameter(mode),))]
        tried.append(f"memmap_on_memory={mode.cmdline_value} {_outcome(q)}")
    return []


def _after_ipl_summary(after: AfterIpl, p: Params) -> str:
    """``; after IPL …`` for the 6.19 change: how much standby can then be configured (the
    summary check gives, :func:`memmapcalc.model.after_ipl.use.summarise`)."""
    use = summarise(after, p)
    total, usable, with_ = use.standby_blocks, use.usable_blocks, after.with_memmap_on_memory
    if usable == total:
        return f"; after IPL all {total} standby blocks can be configured"
    how = "with" if use.uses_memmap_on_memory else "without"
    text = (f"; after IPL only {usable} of {total} standby blocks can be configured "
            f"{how} memmap-on-memory (onlined to {after.zone.label})")
    if with_.available and usable is not None and with_.blocks > usable:
        text += f", {with_.blocks} with {memmap_parameter(with_.mode)}"
    return text


def _kernel_changes(p: Params, columns: tuple[Column, ...]) -> list[Change]:
    """A kernel with memmap-on-memory (6.9+, with the parameter), a kernel that no longer
    adds standby at IPL (6.19+) — each verified on the version it names.

    Example: configs/zvm-lnx01-6.8.yaml -> "boot a kernel ≥ 6.9 with ...=1" (6.9 alone
    still fails by 432260608 B) and "boot a kernel ≥ 6.19" (passes with 3.53 GiB left, but
    only 1807 of its 2016 blocks of 128 MiB can then be configured without the parameter).
    """
    if p.standby_handling is not StandbyHandling.BOOT_ADD:
        return []
    by_key = {column.variant.key: column.variant for column in columns}
    changes: list[Change] = []
    if not p.sclp_memmap_on_memory:
        for key in ("boot-add-mom-on", "boot-add-mom-force"):
            variant = by_key[key]
            q = variant.params
            if q is None or not variant.effective or not passes(q):
                continue
            alone = replace(q, memmap_on_memory=p.memmap_on_memory)
            mode = q.memmap_on_memory
            changes.append(_change(
                "kernel", 4, f"boot a kernel ≥ {q.version} with {memmap_parameter(mode)}"
                f"{in_line(p.cmdline_tokens)} (standby blocks then carry their own memmap)",
                list(variant.edits), q, not passes(alone),
                f"kernel {q.version} without the parameter {_outcome(alone)}",
                (memmap_parameter(mode),)))
            break
    deferred_column = next(column for column in columns if column.variant.key == "deferred")
    deferred = deferred_column.variant.params
    if deferred is not None and deferred_column.after is not None and passes(deferred):
        later = _after_ipl_summary(deferred_column.after, deferred)
        changes.append(_change(
            "kernel", 5, f"boot a kernel ≥ {deferred.version} (standby memory is no longer added "
            f"at IPL; configure it later with chmem)", list(by_key["deferred"].edits), deferred,
            not passes(p), f"first mainline kernel that defers standby{later}"))
    return changes


# --------------------------------------------------------------------------- frontier


