"""Fault injection: the ways a legacy desktop client misbehaves, switched on from the command line.

Syntax (``--fault NAME=VALUE``, repeatable, or comma-separated in ``SHUNO_FAULTS``)::

    slow=P:SECONDS       a screen change (検索, 口座登録を開く, 照会, 抽出) freezes the client for
                         SECONDS with probability P, as a busy legacy client does (応答なし); on
                         登録 the freeze comes after the account is saved, before 登録完了 shows
    error=P              such a screen change shows the システムエラー dialog instead, nothing saved
    commit_error=P[:WHEN]  only on 登録: WHEN=after (default) saves the account, *then* shows the
                         システムエラー dialog — the case the never-key-twice check exists for;
                         WHEN=before shows it without saving
    focus=P              the first field a visit to a screen gives focus to loses it at once to
                         another field (an event handler of the client moves it): typed text lands
                         in the wrong place unless it is read back
    popup=P              an unexpected modal お知らせ window opens when a screen is shown

Every random draw comes from a generator seeded with ``--seed`` and the fault's name, so the same
sequence of operations meets the same faults on every run, and one fault does not shift another's.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

ENV_VAR = "SHUNO_FAULTS"


class FaultSyntaxError(ValueError):
    """A ``--fault`` value the mock does not understand."""


def _probability(name: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise FaultSyntaxError(f"{name}: '{text}' is not a probability") from exc
    if not 0.0 <= value <= 1.0:
        raise FaultSyntaxError(f"{name}: probability {value} is outside 0..1")
    return value


@dataclass(frozen=True)
class FaultConfig:
    """Which faults are on. All off by default: the client then behaves like a healthy one."""

    slow: float = 0.0
    slow_seconds: float = 0.0
    error: float = 0.0
    commit_error: float = 0.0
    commit_error_after: bool = True
    focus: float = 0.0
    popup: float = 0.0

    @classmethod
    def parse(cls, specs: Iterable[str] | str | None) -> FaultConfig:
        """Build from ``["slow=0.3:2", "popup=1"]`` or ``"slow=0.3:2,popup=1"``."""
        if specs is None:
            return cls()
        if isinstance(specs, str):
            specs = [specs]
        config = cls()
        for chunk in specs:
            for spec in chunk.split(","):
                if spec.strip():
                    config = config._with(spec.strip())
        return config

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> FaultConfig:
        return cls.parse((environ if environ is not None else os.environ).get(ENV_VAR))

    def _with(self, spec: str) -> FaultConfig:
        name, sep, value = spec.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value:
            raise FaultSyntaxError(f"'{spec}': expected NAME=VALUE")
        if name == "slow":
            prob, _, seconds = value.partition(":")
            try:
                delay = float(seconds or "2.0")
            except ValueError as exc:
                raise FaultSyntaxError(f"slow: '{seconds}' is not a number of seconds") from exc
            return replace(self, slow=_probability(name, prob), slow_seconds=max(0.0, delay))
        if name == "commit_error":
            prob, _, when = value.partition(":")
            if when not in ("", "after", "before"):
                raise FaultSyntaxError(f"commit_error: WHEN must be 'after' or 'before', not '{when}'")
            return replace(self, commit_error=_probability(name, prob), commit_error_after=when != "before")
        if name in ("error", "focus", "popup"):
            return replace(self, **{name: _probability(name, value)})
        raise FaultSyntaxError(f"unknown fault '{name}'")

    def to_specs(self) -> list[str]:
        """The ``--fault`` arguments that rebuild this config (to pass it to a subprocess)."""
        specs = []
        if self.slow:
            specs.append(f"slow={self.slow}:{self.slow_seconds}")
        if self.error:
            specs.append(f"error={self.error}")
        if self.commit_error:
            specs.append(f"commit_error={self.commit_error}:{'after' if self.commit_error_after else 'before'}")
        if self.focus:
            specs.append(f"focus={self.focus}")
        if self.popup:
            specs.append(f"popup={self.popup}")
        return specs


class FaultDice:
    """Seeded draws, one independent stream per fault (the Tk client is single-threaded)."""

    def __init__(self, config: FaultConfig, seed: int):
        self.config = config
        self._streams = {f.name: random.Random(f"shuno-fault:{seed}:{f.name}") for f in fields(FaultConfig)}

    def _hit(self, name: str, probability: float) -> bool:
        return probability > 0.0 and self._streams[name].random() < probability

    def slow_delay(self) -> float:
        return self.config.slow_seconds if self._hit("slow", self.config.slow) else 0.0

    def error(self) -> bool:
        return self._hit("error", self.config.error)

    def commit_error(self) -> bool:
        return self._hit("commit_error", self.config.commit_error)

    def steal_focus(self) -> bool:
        return self._hit("focus", self.config.focus)

    def popup(self) -> bool:
        return self._hit("popup", self.config.popup)
