"""Moved to :mod:`memmapcalc.config.overrides`; this name is removed two commits on, once
the commands import the new one (kept for one commit so every commit stays green)."""

from memmapcalc.config.overrides import apply_overrides, parse_overrides

__all__ = ["apply_overrides", "parse_overrides"]
