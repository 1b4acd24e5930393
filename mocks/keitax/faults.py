"""Fault injection: the ways a real core system misbehaves, switched on from the command line.

Syntax (``--fault NAME=VALUE``, repeatable, or comma-separated in ``KEITAX_FAULTS``)::

    http500=P            any page answers 'システムエラーが発生しました' (HTTP 500) with probability P;
                         on 登録 the error strikes inside the transaction, so nothing is saved
    commit500=P[:WHEN]   only on 登録: WHEN=after (default) saves the change, *then* answers 500 —
                         the case a robot's never-key-twice check exists for; WHEN=before rolls back
    slow=P:SECONDS       a page takes SECONDS longer with probability P
    expire_every=N       a session's Nth authenticated request finds it expired (mid-flow expiry)
    lock=P               opening 廃車登録 finds the vehicle locked by another terminal with probability P
    layout=v2            the 標準準拠 screen revision: input ids changed, 登録 renamed 確定
    down_after_commit=N  a 登録 is saved, then the system goes down: its answer and the next N-1
                         requests (any screen, 受付番号検索 too) answer 500 — "cannot even ask"
    slow_after_commit=SECONDS[:N]
                         a 登録 is saved, then its answer and the next N-1 requests (default 1)
                         take SECONDS longer — past a robot's timeout
    kill_after_commit=PIDFILE[:EVERY]
                         test hook: after every EVERYth 登録 (default 1) is saved, SIGKILL the
                         process group whose leader's pid is in PIDFILE, then delete PIDFILE (one
                         kill per pid written) — the crash between "the system committed" and
                         "the robot recorded it", forced instead of hoped for

Every random draw comes from a generator seeded with ``--seed`` and the fault's name, so the same
sequence of requests meets the same faults on every run, and switching one fault on does not
shift the draws of another.
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

ENV_VAR = "KEITAX_FAULTS"
LAYOUTS = ("v1", "v2")

__all__ = ["ENV_VAR", "LAYOUTS", "FaultConfig", "FaultDice", "FaultSyntaxError"]


@dataclass(frozen=True)
class FaultConfig(FaultSpecs):
    """Which faults are on. All off by default: the mock then behaves like a healthy system."""

    env_var = ENV_VAR

    http500: float = 0.0
    commit500: float = 0.0
    commit500_after: bool = True  # saved then 500 (True) or rolled back then 500 (False)
    slow: float = 0.0
    slow_seconds: float = 0.0
    expire_every: int = 0
    lock: float = 0.0
    layout: str = "v1"
    down_after_commit: int = 0
    slow_after_commit: float = 0.0
    slow_after_commit_n: int = 1
    kill_after_commit: str = ""
    kill_after_commit_every: int = 1

    def _apply(self, name: str, value: str) -> FaultConfig:
        if name in ("http500", "lock"):
            return replace(self, **{name: probability(name, value)})
        if name == "commit500":
            prob, after = probability_and_when(name, value)
            return replace(self, commit500=prob, commit500_after=after)
        if name == "slow":
            prob, seconds = probability_and_seconds(name, value)
            return replace(self, slow=prob, slow_seconds=seconds)
        if name == "expire_every":
            try:
                every = int(value)
            except ValueError as exc:
                raise FaultSyntaxError(f"expire_every: '{value}' is not a whole number") from exc
            if every < 1:
                raise FaultSyntaxError("expire_every: must be 1 or more")
            return replace(self, expire_every=every)
        if name in ("down_after_commit", "slow_after_commit", "kill_after_commit"):
            head, _, tail = value.rpartition(":") if ":" in value else (value, "", "")
            try:
                if name == "down_after_commit":
                    return replace(self, down_after_commit=max(1, int(value)))
                if name == "slow_after_commit":
                    return replace(self, slow_after_commit=float(head), slow_after_commit_n=max(1, int(tail or 1)))
                return replace(self, kill_after_commit=head, kill_after_commit_every=max(1, int(tail or 1)))
            except ValueError as exc:
                raise FaultSyntaxError(f"{name}: '{value}' is not understood") from exc
        if name == "layout":
            if value not in LAYOUTS:
                raise FaultSyntaxError(f"layout: expected one of {', '.join(LAYOUTS)}, not '{value}'")
            return replace(self, layout=value)
        return super()._apply(name, value)

    def to_specs(self) -> list[str]:
        """The ``--fault`` arguments that rebuild this config (to pass it to a subprocess)."""
        specs = []
        if self.http500:
            specs.append(f"http500={self.http500}")
        if self.commit500:
            specs.append(f"commit500={self.commit500}:{'after' if self.commit500_after else 'before'}")
        if self.slow:
            specs.append(f"slow={self.slow}:{self.slow_seconds}")
        if self.expire_every:
            specs.append(f"expire_every={self.expire_every}")
        if self.lock:
            specs.append(f"lock={self.lock}")
        if self.layout != "v1":
            specs.append(f"layout={self.layout}")
        if self.down_after_commit:
            specs.append(f"down_after_commit={self.down_after_commit}")
        if self.slow_after_commit:
            specs.append(f"slow_after_commit={self.slow_after_commit}:{self.slow_after_commit_n}")
        if self.kill_after_commit:
            specs.append(f"kill_after_commit={self.kill_after_commit}:{self.kill_after_commit_every}")
        return specs

    @property
    def any(self) -> bool:
        return self != FaultConfig()


class FaultDice(SeededDice):
    """Seeded, thread-safe draws, one independent stream per fault."""

    def __init__(self, config: FaultConfig, seed: int):
        super().__init__(config, seed, prefix="keitax")

    def http500(self) -> bool:
        return self._hit("http500", self.config.http500)

    def commit500(self) -> bool:
        return self._hit("commit500", self.config.commit500)

    def slow_delay(self) -> float:
        return self.config.slow_seconds if self._hit("slow", self.config.slow) else 0.0

    def locked(self) -> bool:
        return self._hit("lock", self.config.lock)
