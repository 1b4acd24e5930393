"""Small statistics the accuracy figures need, written out so an auditor can follow them.

:func:`wilson_interval` is the Wilson score interval for a proportion (Wilson 1927): unlike the
textbook ``p ± z·√(p(1-p)/n)`` it stays inside [0, 1] and does not collapse to a width of zero
when no error was found — "0 wrong in 40" still means "up to 8.8 %", which is the honest answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # two-sided 95 %


@dataclass(frozen=True)
class Estimate:
    """k wrong of n checked: the rate and its 95 % Wilson interval (all as fractions)."""

    k: int
    n: int
    rate: float | None  # None when nothing was checked
    low: float
    high: float

    def percent(self, value: float | None, digits: int = 2) -> str:
        return "－" if value is None else f"{value * 100:.{digits}f}"

    def describe_ja(self) -> str:
        """精度: 抜き取り n 件中 誤り k 件, 推定誤り率 x %（95 % 信頼区間 a–b %）."""
        if self.n == 0:
            return "精度: 抜き取り確認はまだありません"
        return (
            f"精度: 抜き取り {self.n:,} 件中 誤り {self.k:,} 件, 推定誤り率 {self.percent(self.rate)} %"
            f"（95 % 信頼区間 {self.percent(self.low)}–{self.percent(self.high)} %）"
        )


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials; (0, 1) when n is 0."""
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exactly 0 / 1 at the ends, not 1e-19
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def estimate(k: int, n: int) -> Estimate:
    low, high = wilson_interval(k, n)
    return Estimate(k=k, n=n, rate=(k / n) if n else None, low=low, high=high)
