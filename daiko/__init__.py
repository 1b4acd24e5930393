"""daiko — 代行."""
