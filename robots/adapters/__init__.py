"""One module per target system: its screens, selectors and flow live there and nowhere else.

When a core system moves to its 標準準拠システム version, only its adapter changes.
"""

from __future__ import annotations

import importlib

from daiko.robots.adapters.base import Adapter


def adapter_module(name: str) -> str:
    """robots.yaml's ``adapter:`` → the module: ``keitax`` is robots/adapters/keitax.py; a dotted
    name (``mycity.adapters.fukushi``) is any importable module — a city's own adapter, no edit here."""
    return name if "." in name else f"{__name__}.{name}"


def adapter_class(name: str) -> type[Adapter]:
    """The adapter class the module defines (the one concrete :class:`Adapter` subclass in it)."""
    module = importlib.import_module(adapter_module(name))
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Adapter)
        and value.__module__ == module.__name__
        and not getattr(value, "__abstractmethods__", None)
    ]
    if len(found) != 1:
        what = "no" if not found else "more than one"
        raise LookupError(f"adapter module {module.__name__} defines {what} concrete adapter class")
    return found[0]
