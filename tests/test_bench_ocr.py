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


def test_levers_compares_two_dumps_of_the_same_pages_without_printing_values(tmp_path: Path):
    """forms/README's same-page figures (fields released, pages gained) come from this command."""

    def dump(path: Path, decision: str, straight: bool) -> Path:
        base = {"engine": "rapidocr", "split": "heldout", "seed": 900001, "form": "keitax_haisha",
                "kind": "printed", "template": "a"}  # fmt: skip
        field = {**base, "field": "reference", "type": "code", "decision": decision, "doubt": None,
                 "reason": None, "confirmed_by": None, "confidence": 0.99, "weakest": 0.9, "chars": None,
                 "pred": "R07-12345", "truth": "R07-12345", "exact": True}  # fmt: skip
        page = {"record": "page", **base, "straight": straight, "seconds": 1.0, "rss_mb": 500}
        path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (field, page)), encoding="utf-8")
        return path

    old, new = dump(tmp_path / "old.jsonl", "review", False), dump(tmp_path / "new.jsonl", "accept", True)
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "levers.py"), str(new), "--against", str(old)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "review→accept right: 1" in run.stdout and "pages now straight-through: 1" in run.stdout
    assert "900001 reference: review→accept (right)" in run.stdout
    assert "R07-12345" not in run.stdout  # seeds and field names, never values
