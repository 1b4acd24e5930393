"""Systemic failures stop the run: a circuit breaker over the items of one run.

A failure that is the same for several *different* items in a row (the screen layout changed,
the system is down) is about the system, not the items: retrying item after item only burns
their attempts (40 retries for 20 items) and hammers a sick system. After ``threshold`` items in a
row fail the same way, the run stops, the items of the streak are handed back untouched (their
attempts restored) and one alert is recorded. The next run tries again (half-open).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Application error code → the kind of systemic failure it is (anything else is about the item).
KINDS = {
    "element_missing": "layout",
    "unexpected_screen": "layout",
    "element_disabled": "layout",
    "connection": "down",
    "http_500": "down",
    "timeout": "down",
}
KIND_JA = {
    "layout": "画面の項目が見つからない（画面レイアウトが変更された可能性があります）",
    "down": "システムが応答しない・エラーを返す（システム停止・障害の可能性があります）",
}


@dataclass
class CircuitBreaker:
    threshold: int
    kind: str | None = None
    streak: dict[int, int] = field(default_factory=dict)  # item id → attempts it failed in the streak
    last_reason: str = ""

    def success(self) -> None:
        """The system answered (done, or a business answer): the streak is over."""
        self.kind, self.streak, self.last_reason = None, {}, ""

    def failure(self, code: str | None, item_id: int, reason: str) -> bool:
        """Record an item's failed attempt; True when the breaker opens (stop the run)."""
        kind = KINDS.get(code or "")
        if kind is None:
            self.success()
            return False
        if kind != self.kind:
            self.kind, self.streak = kind, {}
        self.streak[item_id] = self.streak.get(item_id, 0) + 1
        self.last_reason = reason
        return len(self.streak) >= self.threshold

    def message(self, system: str) -> str:
        return (
            f"{system}で同じ種類の障害が{len(self.streak)}件続いたため、実行を止めました"
            f"（{KIND_JA.get(self.kind or '', self.kind or '')}。最後のエラー: {self.last_reason}）。"
            "入力待ちの案件は試行回数を使わずにそのまま残しています。システムの状態を確認してください。"
        )
