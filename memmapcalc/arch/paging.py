"""The x86_64, arm64 and ppc64le profiles' side of the model: what the pipeline asks of a
machine whose hot-pluggable memory is ACPI DIMMs or pseries DLPAR memory.

One stateless object for the three, :data:`PROFILES`: each machine's geometry profile
(page size, MMU, zones, block size; :mod:`memmapcalc.arch.profile`) is found from its
parameters by :func:`memmapcalc.arch.paging_geometry.profile_of`."""

from __future__ import annotations

from memmapcalc.arch import model, report, search
from memmapcalc.records.profile import ModelProfile

PROFILES = ModelProfile(
    label="x86_64, arm64, ppc64le", budget=model.profiled_budget, passes=model.profiled_passes,
    max_standby=search.max_standby, min_online=search.min_online, limits=report.limits,
    advise=report.advise, notes=report.notes)
