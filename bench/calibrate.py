"""Fit acceptance thresholds per engine, field type and character class to a wrong-accept budget.

    .venv/bin/python bench/ocr.py --split calib --pages 200 --dump calib.jsonl
    .venv/bin/python bench/calibrate.py calib.jsonl [--budget 0.05] [--write]

Reads the per-field dump of a *calibration* run (it refuses dumps of the held-back split: those
pages are for measuring, never for fitting) and, for each engine and field type, finds the line
threshold and the per-character-class thresholds (digit, latin, kana, kanji, symbol) that accept
the most right values while the wrong values accepted over all the engine's fields stay within
``--budget`` % of them (the issue's budget: one for the whole form, not one per type). Greedy:
while too many wrong values pass, raise whichever one threshold, in any type, removes a wrong
acceptance at the smallest cost in right ones. Floors keep thresholds from falling below what a
few hundred pages can vouch for.

Only fields whose decision the thresholds control are fitted: valid values (an invalid one goes
to review anyway), not confirmed by reference data, not sent to review for pale or unread ink.
The second opinion acts after the thresholds, so its fields are fitted on their first read.
With ``--write`` the result goes to ``forms/calibration/<engine>.yaml``, which the reader uses
for that engine (:mod:`daiko.forms.acceptance`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from daiko.forms.acceptance import CHAR_POLICY, class_threshold

ROOT = Path(__file__).resolve().parent.parent
EPS = 0.0005


@dataclass
class Rec:
    conf: float
    chars: list[tuple[str, float]]  # (class, score) of the characters that count
    exact: bool


@dataclass
class Fit:
    line: float
    chars: dict[str, float] = field(default_factory=dict)

    def accepts(self, r: Rec, char_floor: float) -> bool:
        return r.conf >= self.line and all(sc >= class_threshold(self.chars, c, char_floor) for c, sc in r.chars)


def _held_by_floors(d: dict) -> bool:
    """A field its type's own floors (``FieldType.floors``: a 旧字体 in a 氏名) send to review whatever
    the thresholds: not theirs to stop (加藤　惠子 at 0.7371 would otherwise set every kanji's bar)."""
    from daiko.forms.fieldtypes import get_type

    written = [(ch, sc) for ch, sc, _keep in d["chars"] if not ch.isspace()]
    floors = get_type(d["type"]).floors(d.get("pred") or "")
    return len(floors) == len(written) and any(sc < fl for (_, sc), fl in zip(written, floors, strict=True))


def load(paths: list[Path]) -> dict[tuple[str, str], list[Rec]]:
    from daiko.forms.acceptance import char_class

    out: dict[tuple[str, str], list[Rec]] = defaultdict(list)
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            d = json.loads(line)
            if d.get("record") == "page":
                continue
            if d.get("split") == "heldout":
                sys.exit(f"{path}:{n}: a dump of the held-back split — it is never used for fitting")
            # Fields the thresholds decide: valid, not held for pale/unread ink or a contradiction, not
            # let through by reference data. A second opinion's acceptance is fitted on the first read.
            confirmed = d.get("confirmed_by") or ""
            if d["doubt"] not in (None, "threshold") or "日本郵便" in confirmed or not d.get("chars"):
                continue
            if d["confidence"] is None:
                continue
            if _held_by_floors(d):
                continue
            chars = [(char_class(ch), float(sc)) for ch, sc, keep in d["chars"] if keep]
            out[(d["engine"], d["type"])].append(Rec(float(d["confidence"]), chars, bool(d["exact"])))
    return out


# Policy, not fitted (forms/acceptance.py CHAR_POLICY): the fit starts from it, and the reader holds
# to it whatever a calibration file says.
POLICY = CHAR_POLICY


def _best_move(recs: list[Rec], f: Fit, wrong: list[Rec], char_floor: float) -> tuple[float, float, Fit] | None:
    """The one threshold raise that stops a wrong acceptance at the smallest cost in right ones:
    (right lost per wrong stopped, the highest threshold it sets, the new fit); None if none can."""
    right = [r for r in recs if r.exact and f.accepts(r, char_floor)]
    best: tuple[float, float, Fit] | None = None
    for w in wrong:
        moves = [Fit(w.conf + EPS, dict(f.chars))] if w.conf + EPS <= 1.0 else []
        for c in {c for c, _ in w.chars}:
            t = min(sc for cc, sc in w.chars if cc == c) + EPS
            if t <= 1.0 and t > class_threshold(f.chars, c, char_floor):
                moves.append(Fit(f.line, {**f.chars, c: round(t, 4)}))
        for m in moves:
            removed = sum(1 for r in wrong if not m.accepts(r, char_floor))
            lost = sum(1 for r in right if not m.accepts(r, char_floor))
            if removed:
                cost = (lost / removed, max(m.line, *m.chars.values(), 0))
                if best is None or cost < best[:2]:
                    best = (*cost, m)
    return best


def fit_all(
    groups: dict[str, list[Rec]], budget_pct: float, line_floor: float, char_floor: float, starts: dict[str, Fit]
) -> dict[str, tuple[Fit, list[Rec]]]:
    """The thresholds for every field type of one engine, raised from ``starts`` (at least the
    floors) until the wrong values accepted over *all* its fields are within the budget: each step
    takes the cheapest raise in any type. The budget is the issue's (≤ 0.05 % of fields), not one
    per type — per type, every type under 2,000 fields was allowed none, and on 800 pages that
    sent a third of the フリガナ to review to stop one wrong value at 0.98. Also returns, per type,
    the wrong values no threshold below 1 can stop."""
    fits = {
        k: Fit(max(line_floor, starts[k].line if k in starts else 0.0), dict(starts[k].chars) if k in starts else {})
        for k in groups
    }
    stuck: dict[str, list[Rec]] = {k: [] for k in groups}
    allowed = math.floor(sum(len(v) for v in groups.values()) * budget_pct / 100.0)
    while True:
        wrong = {
            k: [r for r in recs if not r.exact and fits[k].accepts(r, char_floor) and r not in stuck[k]]
            for k, recs in groups.items()
        }
        if sum(len(w) + len(stuck[k]) for k, w in wrong.items()) <= allowed or not any(wrong.values()):
            break
        moves = [(m, k) for k, w in wrong.items() if w and (m := _best_move(groups[k], fits[k], w, char_floor))]
        if not moves:  # every remaining wrong value reads at 1.0: thresholds cannot stop it
            for k, w in wrong.items():
                stuck[k].extend(w)
            break
        (_, _, new), k = min(moves, key=lambda mk: mk[0][:2])
        fits[k] = new
    for f in fits.values():
        f.line = round(f.line, 4)
    return {k: (fits[k], stuck[k]) for k in groups}


def summarise(recs: list[Rec], f: Fit, char_floor: float) -> dict:
    acc = [r for r in recs if f.accepts(r, char_floor)]
    return {
        "fields": len(recs),
        "held_for_review": len(recs) - len(acc),
        "wrong_accepted": sum(1 for r in acc if not r.exact),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dumps", type=Path, nargs="+", help="--dump files of bench/ocr.py runs (not heldout)")
    parser.add_argument("--budget", type=float, default=0.05, help="wrong accepts allowed, %% of the engine's fields")
    parser.add_argument("--line-floor", type=float, default=0.85)
    parser.add_argument("--char-floor", type=float, default=0.7)
    parser.add_argument("--write", action="store_true", help="write forms/calibration/<engine>.yaml")
    args = parser.parse_args(argv)

    data = load(args.dumps)
    splits = sorted({json.loads(ln).get("split", "?") for p in args.dumps for ln in p.read_text().splitlines()[:1]})
    by_engine: dict[str, dict] = defaultdict(dict)
    for engine in sorted({e for e, _ in data}):
        groups = {t: recs for (e, t), recs in sorted(data.items()) if e == engine}
        starts = {t: Fit(0.0, dict(POLICY.get(t, {}))) for t in groups}
        for ftype, (f, stuck) in fit_all(groups, args.budget, args.line_floor, args.char_floor, starts).items():
            s = summarise(groups[ftype], f, args.char_floor)
            by_engine[engine][ftype] = {"line": f.line, "char_default": args.char_floor,
                                        "chars": dict(sorted(f.chars.items())), **s}  # fmt: skip
            print(f"{engine:10} {ftype:12} line≥{f.line:.3f} chars {dict(sorted(f.chars.items()))} — "
                  f"{s['held_for_review']}/{s['fields']} to review, {s['wrong_accepted']} wrong accepted"
                  + (f" ({len(stuck)} read wrong at full confidence)" if stuck else ""))  # fmt: skip
    if args.write:
        from ruamel.yaml import YAML

        yaml = YAML()
        yaml.default_flow_style = None
        for engine, types in by_engine.items():
            path = ROOT / "forms" / "calibration" / f"{engine}.yaml"
            path.parent.mkdir(exist_ok=True)
            doc = {
                "engine": engine,
                "fitted": {"by": "bench/calibrate.py", "on": dt.date.today().isoformat(), "splits": splits,
                           "dumps": [p.name for p in args.dumps], "budget_wrong_accept_pct": args.budget,
                           "line_floor": args.line_floor, "char_floor": args.char_floor},
                "types": {t: {k: v for k, v in d.items()} for t, d in types.items()},
            }  # fmt: skip
            with path.open("w", encoding="utf-8") as fh:
                fh.write(
                    "# Written by bench/calibrate.py from a calibration split — re-run it rather than edit.\n"
                    "# line: minimum mean score of the characters that carry the value; chars: minimum score per\n"
                    "# character class (char_default for the others). fields / held_for_review / wrong_accepted:\n"
                    "# what these thresholds did on the calibration data.\n"
                )
                yaml.dump(doc, fh)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
