"""The architecture profiles: s390x, x86_64, arm64 and ppc64le, each a profile the one
model asks (:mod:`memmapcalc.arch.registry` maps the config's ``arch`` to them)."""

from __future__ import annotations

from memmapcalc.arch.registry import (
    ARCHES,
    PAGE_SIZES,
    default_page_size,
    has_standby_behaviours,
    profile_for,
    vocabulary,
)

__all__ = ["ARCHES", "PAGE_SIZES", "default_page_size", "has_standby_behaviours",
           "profile_for", "vocabulary"]
