"""memmapcalc: will this IBM Z Linux machine IPL with its standby memory?

The public API (see README, "Python API") is imported lazily so that the command line,
which imports this package first, starts without pydantic::

    import memmapcalc
    result = memmapcalc.evaluate({"memory": {"online": "4G", "standby": "252G"},
                                  "kernel": {"version": "6.8"}})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from memmapcalc.about import __version__

__all__ = [
    "InputError",
    "Machine",
    "MemmapcalcError",
    "Result",
    "__version__",
    "config_from_mapping",
    "evaluate",
    "load_config",
    "load_configs",
]

_LAZY = {
    "InputError": "memmapcalc.errors",
    "MemmapcalcError": "memmapcalc.errors",
    "Machine": "memmapcalc.config.model",
    "Result": "memmapcalc.api",
    "config_from_mapping": "memmapcalc.api",
    "evaluate": "memmapcalc.api",
    "load_config": "memmapcalc.api",
    "load_configs": "memmapcalc.api",
}

if TYPE_CHECKING:
    from memmapcalc.api import Result, config_from_mapping, evaluate, load_config, load_configs
    from memmapcalc.config.model import Machine
    from memmapcalc.errors import InputError, MemmapcalcError


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'memmapcalc' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
