"""One module per target system: its screens, selectors and flow live there and nowhere else.

When a core system moves to its 標準準拠システム version, only its adapter changes.
"""

from __future__ import annotations

import importlib

from daiko.robots.adapters.base import WebAdapter


def adapter_class(name: str) -> type[WebAdapter]:
    """robots.yaml's ``adapter: keitax`` → the adapter class in robots/adapters/keitax.py."""
    module = importlib.import_module(f"daiko.robots.adapters.{name}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, WebAdapter) and value is not WebAdapter:
            return value
    raise LookupError(f"robots/adapters/{name}.py defines no adapter class")
