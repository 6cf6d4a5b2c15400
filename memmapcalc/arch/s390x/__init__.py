"""The s390x profile: what the model asks of an s390x machine (IBM Z, LPAR or z/VM guest),
whose hot-pluggable memory is standby memory that sclp reports.

One stateless object, :data:`PROFILE`; each method is the s390x code the pipeline
(:func:`memmapcalc.model.evaluate.evaluate_params`) calls for one step."""

from __future__ import annotations

from memmapcalc.arch.s390x import advice, budget, report, search
from memmapcalc.records.profile import ModelProfile

PROFILE = ModelProfile(
    label="s390x", budget=budget.budget, passes=budget.passes,
    max_standby=search.max_standby, min_online=search.min_online, limits=report.limits,
    advise=advice.advise, notes=report.notes)
