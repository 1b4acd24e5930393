"""One module per target system: its screens, selectors and flow live there and nowhere else.

When a core system moves to its 標準準拠システム version, only its adapter changes.
"""
