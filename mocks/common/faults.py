"""Fault-spec parsing and seeded fault draws, the same for every mock.

A mock's faults are switched on with ``--fault NAME=VALUE`` (repeatable, or comma-separated in
an environment variable). Each mock's ``FaultConfig`` lists its own faults and how a value reads
(:meth:`FaultSpecs._apply`); the syntax, the common value shapes (``P``, ``P:SECONDS``,
``P[:after|before]``) and the error messages are here, so the mocks cannot drift apart.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any, ClassVar, TypeVar

_Config = TypeVar("_Config", bound="FaultSpecs")


class FaultSyntaxError(ValueError):
    """A ``--fault`` value the mock does not understand."""


def probability(name: str, text: str) -> float:
    """``P`` of a fault: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError as exc:
        raise FaultSyntaxError(f"{name}: '{text}' is not a probability") from exc
    if not 0.0 <= value <= 1.0:
        raise FaultSyntaxError(f"{name}: probability {value} is outside 0..1")
    return value


def probability_and_seconds(name: str, value: str, default: float = 2.0) -> tuple[float, float]:
    """``P:SECONDS`` (SECONDS defaults to ``default``; never negative)."""
    prob, _, seconds = value.partition(":")
    try:
        delay = float(seconds or str(default))
    except ValueError as exc:
        raise FaultSyntaxError(f"{name}: '{seconds}' is not a number of seconds") from exc
    return probability(name, prob), max(0.0, delay)


def probability_and_when(name: str, value: str) -> tuple[float, bool]:
    """``P[:WHEN]`` of a commit fault: True when the change is saved *before* the error strikes
    (WHEN=after, the default), False when nothing is saved (WHEN=before)."""
    prob, _, when = value.partition(":")
    if when not in ("", "after", "before"):
        raise FaultSyntaxError(f"{name}: WHEN must be 'after' or 'before', not '{when}'")
    return probability(name, prob), when != "before"


class FaultSpecs:
    """Mixin of a mock's frozen ``FaultConfig`` dataclass: builds it from ``--fault`` specs.

    The subclass sets ``env_var`` and implements :meth:`_apply` (one fault's value onto a copy).
    """

    env_var: ClassVar[str]

    @classmethod
    def parse(cls: type[_Config], specs: Iterable[str] | str | None) -> _Config:
        """Build from ``["a=0.2", "b=0.3:2.0"]`` or ``"a=0.2,b=0.3:2.0"``; None gives all off."""
        config = cls()
        if specs is None:
            return config
        if isinstance(specs, str):
            specs = [specs]
        for chunk in specs:
            for spec in chunk.split(","):
                spec = spec.strip()
                if spec:
                    config = config._with(spec)
        return config

    @classmethod
    def from_env(cls: type[_Config], environ: Mapping[str, str] | None = None) -> _Config:
        return cls.parse((environ if environ is not None else os.environ).get(cls.env_var))

    def _with(self: _Config, spec: str) -> _Config:
        name, sep, value = spec.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value:
            raise FaultSyntaxError(f"'{spec}': expected NAME=VALUE")
        return self._apply(name, value)

    def _apply(self: _Config, name: str, value: str) -> _Config:
        raise FaultSyntaxError(f"unknown fault '{name}'")


class SeededDice:
    """Seeded, thread-safe draws, one independent stream per field of the config: the same
    sequence of operations meets the same faults on every run, and one fault's draws do not
    shift another's. ``prefix`` (the mock's name) keeps two mocks' streams apart."""

    def __init__(self, config: Any, seed: int, *, prefix: str):
        self.config = config
        self._lock = threading.Lock()
        self._streams = {f.name: random.Random(f"{prefix}-fault:{seed}:{f.name}") for f in fields(config)}

    def _hit(self, name: str, probability: float) -> bool:
        if probability <= 0.0:
            return False
        with self._lock:
            return self._streams[name].random() < probability
