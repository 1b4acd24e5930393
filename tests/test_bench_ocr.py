"""bench/ocr.py reports on pages no tuning run reads unless told otherwise, and says which split."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_default_split_is_the_held_back_one_and_the_report_says_so(tmp_path: Path):
    out = tmp_path / "figures.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ocr.py"), "--pages", "1", "--engines", "no-such-engine",
         "--workers", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert (figures["split"], figures["seed_base"]) == ("heldout", 900_000)  # not the tuned seeds
    assert "split heldout (seeds 900000–900000)" in " ".join(run.stdout.split())
