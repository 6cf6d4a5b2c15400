"""Machine drafts from the HMC: DPM partitions and classic-mode image activation profiles.

Input is the JSON that the ``zhmc`` CLI (zhmcclient/zhmccli) prints with ``-o json``, i.e.
the HMC Web Services API properties of the object as zhmcclient returns them:

* ``zhmc partition show CPC PART -o json``: one object (sorted properties);
  ``zhmc partition list CPC --all -o json``: a list of them.  A DPM configuration export
  (zhmcclient ``Cpc.export_dpm_configuration()``) holds them under ``"partitions"``.
* ``zhmc imageprofile show CPC PROFILE -o json`` / ``zhmc imageprofile list CPC --all -o json``.

Properties read (units as zhmccli's option help and zhmcclient's mock HMC give them):

* DPM partition: ``initial-memory`` — "the initial amount of memory (in MiB) when the
  partition is started"; ``maximum-memory`` — "the maximum amount of memory (in MiB) to
  which the partition's memory allocation can be increased while the partition is
  running" (zhmccli ``_cmd_partition.py``); ``reserved-memory``, which zhmcclient's mock
  HMC computes as maximum - initial (``zhmcclient/mock/_urihandler.py``) and a real
  DPM export shows as such (16384 / 32768 / 16384 in ``tests/unit/zhmcclient/
  dpm-export-1p-1sg.json``).  The memory above the initial amount is what Linux is told
  about but not given at IPL: standby memory (the same mechanism as an LPAR's reserved
  storage).
* Image activation profile: ``central-storage`` — "amount of central storage (in MiB) to
  be allocated for the LPAR's exclusive use at activation" (online);
  ``reserved-central-storage`` — "amount of central storage (in MiB) that is dynamically
  reconfigurable to the LPAR after activation" (standby) (zhmccli ``_cmd_imageprofile.py``,
  whose options map one-to-one onto these property names).

Neither object carries the storage increment (the CPC's mock properties have only
``storage-vfm-increment-size``, for Virtual Flash Memory), the kernel or EDAT-1: they are
left out with a note.  Pure: text in, drafts out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from memmapcalc.errors import InputError
from memmapcalc.importers.draft import MachineDraft
from memmapcalc.units import MiB, format_size

#: Largest size in MiB the importer accepts: 16 EiB, the s390x address space.
_MAX_MIB = 1 << 44
#: Where the value of ``platform`` comes from: classic image profiles and DPM partitions
#: are both logical partitions of PR/SM.
PLATFORM_SOURCE = "an LPAR defined on the HMC (image activation profile or DPM partition)"


def _value(obj: Mapping[str, Any], key: str, source: str, where: str) -> int | None:
    """A property in MiB as bytes; None when absent (or JSON null)."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(source, f"{key} is {json.dumps(value)[:40]}: a whole number of MiB "
                                 f"is expected", where)
    if not 0 <= value <= _MAX_MIB:
        raise InputError(source, f"{key} is {value}: between 0 and {_MAX_MIB} MiB (16 EiB) is "
                                 f"expected", where)
    return value * MiB


def _objects(document: Any, source: str) -> list[Mapping[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("partitions"), list):
        document = document["partitions"]  # a DPM configuration export
    items = document if isinstance(document, list) else [document]
    if not items:
        raise InputError(source, "the JSON list is empty: no partition or image profile")
    for number, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(source, "expected a JSON object (zhmc ... show -o json) or a list "
                                     "of objects (zhmc ... list --all -o json)",
                             f"item {number}")
    return items


def _where(obj: Mapping[str, Any], number: int, count: int) -> str:
    name = obj.get("name")
    label = f"{name!r}" if isinstance(name, str) else "(no name)"
    return f"item {number} {label}" if count > 1 else f"object {label}"


def _dpm(obj: Mapping[str, Any], source: str, where: str) -> MachineDraft:
    initial = _value(obj, "initial-memory", source, where)
    assert initial is not None
    maximum = _value(obj, "maximum-memory", source, where)
    reserved = _value(obj, "reserved-memory", source, where)
    if initial == 0:
        raise InputError(source, "initial-memory is 0: a partition needs memory to IPL", where)
    draft = MachineDraft(origin="HMC DPM partition (zhmc partition show -o json)")
    draft.set("memory.online", initial, f"initial-memory {initial // MiB} (MiB) of the partition")
    if maximum is None:
        draft.set("memory.standby", 0, "NOT IN THE INPUT: maximum-memory missing, 0 assumed")
        draft.partial.append("the partition has no maximum-memory property: the standby memory "
                             "(maximum - initial) is unknown and taken as 0")
    else:
        if maximum < initial:
            raise InputError(source, f"maximum-memory {maximum // MiB} is below initial-memory "
                                     f"{initial // MiB}; the HMC does not allow this", where)
        if reserved is not None and reserved != maximum - initial:
            raise InputError(source, f"reserved-memory {reserved // MiB} is not maximum-memory "
                                     f"- initial-memory ({(maximum - initial) // MiB}) as the "
                                     f"HMC reports it: edited or mixed objects?", where)
        draft.set("memory.standby", maximum - initial,
                  f"maximum-memory {maximum // MiB} - initial-memory {initial // MiB} (MiB): "
                  f"memory the partition can be raised to while running is standby memory "
                  f"to Linux")
    return draft


def _profile(obj: Mapping[str, Any], source: str, where: str) -> MachineDraft:
    central = _value(obj, "central-storage", source, where)
    assert central is not None
    reserved = _value(obj, "reserved-central-storage", source, where)
    if central == 0:
        raise InputError(source, "central-storage is 0: an LPAR needs storage to IPL", where)
    draft = MachineDraft(origin="HMC image activation profile (zhmc imageprofile show -o json)")
    draft.set("memory.online", central,
              f"central-storage {central // MiB} (MiB, initial) of the image activation profile")
    if reserved is None:
        draft.set("memory.standby", 0, "NOT IN THE INPUT: reserved-central-storage missing, "
                                       "0 assumed")
        draft.partial.append("the profile has no reserved-central-storage property: the standby "
                             "memory is unknown and taken as 0")
    else:
        draft.set("memory.standby", reserved,
                  f"reserved-central-storage {reserved // MiB} (MiB): reserved storage can be "
                  f"configured online after activation, so Linux sees it as standby memory")
    expanded = _value(obj, "expanded-storage", source, where)
    if expanded:
        draft.notes.append(f"expanded-storage {format_size(expanded)} is not main memory and is "
                           f"not counted")
    return draft


def _draft(obj: Mapping[str, Any], source: str, where: str) -> MachineDraft:
    if "initial-memory" in obj:
        draft = _dpm(obj, source, where)
    elif "central-storage" in obj:
        draft = _profile(obj, source, where)
    elif "activation-mode" in obj or "next-activation-profile-name" in obj:
        profile = obj.get("next-activation-profile-name") or "<profile>"
        raise InputError(source, f"a classic LPAR object has no storage properties; import its "
                                 f"image activation profile: zhmc imageprofile show CPC "
                                 f"{profile} -o json", where)
    else:
        raise InputError(source, "neither a DPM partition (initial-memory) nor an image "
                                 "activation profile (central-storage): give the output of "
                                 "zhmc partition show or zhmc imageprofile show with -o json "
                                 "(list commands need --all to print these properties)", where)
    name = obj.get("name")
    if isinstance(name, str) and name.strip():
        draft.set("name", name.strip(), "name on the HMC")
    draft.set("platform", "lpar", PLATFORM_SOURCE)
    draft.leave_out("memory.increment", "the HMC's partition and profile data do not carry the "
                                        "storage increment (a CPC storage setting; LPAR "
                                        "increments are often large, e.g. 2 GiB): set "
                                        "memory.increment if you know it")
    draft.leave_out("memory.block_size", "the block size is max(section size, increment), "
                                         "which memmapcalc derives")
    draft.leave_out("cpu.edat1", "the HMC data does not show CPU facilities (check `edat` in "
                                 "/proc/cpuinfo of a running LPAR)")
    draft.leave_out("kernel.version", "the HMC does not know the kernel; give it with "
                                      "--kernel-version")
    return draft


def hmc_machines(text: str, source: str) -> list[MachineDraft]:
    """One draft per partition or image activation profile in ``text`` (zhmc JSON)."""
    if not text.strip():
        raise InputError(source, "empty input: give the JSON of zhmc partition show or zhmc "
                                 "imageprofile show (-o json)")
    try:
        document = json.loads(text)
    except RecursionError:  # nesting deeper than the interpreter's stack: not zhmc output
        raise InputError(source, "not JSON that zhmc prints: nested too deeply") from None
    except ValueError as error:
        line = getattr(error, "lineno", None)
        message = getattr(error, "msg", str(error))
        raise InputError(source, f"not JSON ({message}); zhmc prints JSON with -o json",
                         f"line {line}" if line else None) from None
    items = _objects(document, source)
    drafts = [_draft(obj, source, _where(obj, number, len(items)))
              for number, obj in enumerate(items)]
    names = [d.name for d in drafts if d.name]
    duplicate = sorted({n for n in names if names.count(n) > 1})
    if duplicate:
        raise InputError(source, f"{duplicate[0]} appears more than once (partitions of two "
                                 f"CPCs?); import each CPC's output separately")
    return drafts

