"""How far a bench figure can be trusted: 95 % intervals for the figures the goals are set on.

A draw of 600 pages holds 150 handwritten 廃車申告書: its straight-through moves by ±7 points from one
draw to the next (70.0 to 82.7 over round 24's draws), more than any single rule moves it. A figure
against a goal is therefore given with its interval, and a goal is called met or missed only where the
whole interval is on one side of it; pooling draws (``bench/levers.py a.jsonl b.jsonl …``) narrows the
interval.

- A page share (straight-through) is a binomial proportion: Wilson's interval, which stays inside
  0–100 % and is honest near the ends.
- A field share (exact, review) is not: the fields of one page fail together (a scan that lost the
  pen takes ten fields with it), so the pages are the independent draws and the share is a ratio of
  two page sums. Its standard error is the ratio estimator's over pages (cluster sampling); a
  binomial over fields claims an interval half as wide for handwriting (928600–929199: 96.4–97.5
  against 95.8–98.1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959964


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The 95 % interval (in %) of a share of ``k`` pages in ``n``."""
    if n == 0:
        return 0.0, 100.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def by_pages(per_page: Sequence[tuple[int, int]], z: float = Z95) -> tuple[float, float]:
    """The 95 % interval (in %) of a field share Σk/Σn, from each page's (k, n): the pages are the
    sample, a page's fields go together."""
    pages = [(k, n) for k, n in per_page if n]
    total = sum(n for _, n in pages)
    if len(pages) < 2 or total == 0:
        return 0.0, 100.0
    r = sum(k for k, _ in pages) / total
    spread = sum((k - r * n) ** 2 for k, n in pages) * len(pages) / (len(pages) - 1)
    half = z * math.sqrt(spread) / total
    return 100 * max(0.0, r - half), 100 * min(1.0, r + half)


def verdict(interval: tuple[float, float], goal: float, higher_is_better: bool = True) -> str:
    """``met`` or ``missed`` where the whole interval is on one side of the goal; else the sample cannot tell."""
    lo, hi = interval
    if (lo >= goal) if higher_is_better else (hi <= goal):
        return "met"
    if (hi < goal) if higher_is_better else (lo > goal):
        return "missed"
    return "undecided"
