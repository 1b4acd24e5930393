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

from dataclasses import dataclass, replace

from daiko.mocks.common.faults import (
    FaultSpecs,
    FaultSyntaxError,
    SeededDice,
    probability,
    probability_and_seconds,
    probability_and_when,
)

ENV_VAR = "SHUNO_FAULTS"

__all__ = ["ENV_VAR", "FaultConfig", "FaultDice", "FaultSyntaxError"]


@dataclass(frozen=True)
class FaultConfig(FaultSpecs):
    """Which faults are on. All off by default: the client then behaves like a healthy one."""

    env_var = ENV_VAR

    slow: float = 0.0
    slow_seconds: float = 0.0
    error: float = 0.0
    commit_error: float = 0.0
    commit_error_after: bool = True
    focus: float = 0.0
    popup: float = 0.0

    def _apply(self, name: str, value: str) -> FaultConfig:
        if name == "slow":
            prob, seconds = probability_and_seconds(name, value)
            return replace(self, slow=prob, slow_seconds=seconds)
        if name == "commit_error":
            prob, after = probability_and_when(name, value)
            return replace(self, commit_error=prob, commit_error_after=after)
        if name in ("error", "focus", "popup"):
            return replace(self, **{name: probability(name, value)})
        return super()._apply(name, value)

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


class FaultDice(SeededDice):
    """Seeded draws, one independent stream per fault."""

    def __init__(self, config: FaultConfig, seed: int):
        super().__init__(config, seed, prefix="shuno")

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
