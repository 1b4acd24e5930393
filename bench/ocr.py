"""OCR benchmark: synthetic filled-in, scanned forms read end to end, scored against ground truth.

    .venv/bin/python bench/ocr.py [--split heldout|tune|calib] [--pages 200] [--engines rapidocr,paddleocr]
                                  [--json out.json] [--dump fields.jsonl]

Splits (seed ranges; the same seed always gives the same page):

- ``tune``    seeds from 10000 — what thresholds and code were tuned on, looked at freely;
- ``calib``   seeds from 30000 — read only by ``bench/calibrate.py`` to fit thresholds;
- ``heldout`` seeds from 900000 — the default: no tuning run reads it (``calibrate.py``
  refuses its dumps). Measure on it once, at the end, and report it apart from the others.

Builds a mixed set (both bundled forms; printed and handwriting-style values; two templates of
writing habits, :mod:`daiko.forms.synth.behaviour`; clean, normal and rough scans, upside-down,
grey-scale, JPEG; and, unless ``--plain``, augmentations: 1-bit fax-like pages, 200 dpi, extra
blur, JPEG q60, bright blue ink, thicker and thinner pens, more per-character jitter) in worker
processes, writes it as the scanner would (JPEG/PDF/TIFF), then reads every file with
``daiko.forms.read_file``, each engine in its own process (so RSS is that engine's), and reports
per engine, form and kind of writing:

- straight-through %    pages on which no field the robot keys needs a person (廃車申告書: the
                        fields in robots/tasks/haisha.py KEYED_FIELDS; other forms: every field);
                        "with the register": also counting the pages the robot's register check
                        would release (an unsure plate or 車台番号 the vehicle's record holds
                        exactly, proven by a sure 車台番号 — see released_by_register)
- field exact-match %   value equal to the truth (empty fields included; phone numbers by digits,
                        addresses up to 異体字 and ヶ/ケ)
- wrong-but-accepted %  accepted without review, yet wrong — the number that must stay ~0;
                        "of them keyed": less those on 廃車申告書 pages whose plate or 車台番号 read
                        finds no vehicle in the register, or whose owner, maker, 車台番号 or
                        address accepted disagrees with the vehicle's record (the robot keys
                        nothing there — see lookup_misses, identity_refuses; bench/identity.py
                        runs the look-up and the check end to end)
- review %              fields sent to a person (each costs staff time)
- pages/min, s/page     reading only (decode, align, OCR, validate), not generating
- peak RSS              of the engine's reading process

Goals (issue 13, on the held-back split; not asserted): straight-through ≥ 90 % printed and
≥ 75 % handwriting-style; exact ≥ 99.5 % / ≥ 97.5 %; review ≤ 5 % / ≤ 10 %; wrong-but-accepted
≤ 0.05 %; ≥ 60 pages/min on 2 cores; RSS ≤ 1 GB. "Handwriting-style" is handwriting fonts with
per-character jitter, not real handwriting: real handwriting will score lower.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench.…` when run as a script

FORMS = ("keitax_haisha", "shimin_anketo")
KINDS = ("printed", "handwriting")
TEMPLATES = ("a", "b")
SPLITS = {"tune": 10_000, "calib": 30_000, "heldout": 900_000}
GOALS = {
    "straight_printed": 90.0, "straight_handwriting": 75.0, "exact_printed": 99.5, "exact_handwriting": 97.5,
    "review_printed": 5.0, "review_handwriting": 10.0, "wrong_accepted": 0.05, "pages_per_min": 60.0, "rss_mb": 1024.0,
}  # fmt: skip


def keyed_fields(form: str) -> frozenset[str] | None:
    """The fields a robot keys from ``form`` (None: every field counts). Read from the robot's task,
    so the bench and the robot agree on what holds a page back."""
    task = task_for_form(form)
    return task.keyed_fields if task is not None else None


@functools.cache
def task_for_form(form: str):
    """The robot task class that reads ``form``, found as robots.yaml finds it (``handles_form``);
    None where no task does. Looked up once per form, not per page."""
    from daiko.robots.tasks import load_tasks

    return next((cls for cls in load_tasks().values() if cls.handles_form(form)), None)


@functools.cache
def _register_task_and_rule(form: str):
    """The task instance and its identity rule (robots.yaml's defaults) for the register check."""
    from types import SimpleNamespace

    from daiko.config.schema import IdentityCheck

    task = task_for_form(form)()
    return task, task.identity_rule(SimpleNamespace(identity=IdentityCheck()))


def _register_view(form: str, result, truth: dict):
    """(task, identity rule, the page's field records, the fields held, the register's record of the
    page's vehicle as the paper gives it) for a form whose robot checks a register; None otherwise."""
    from daiko.robots.tasks.scan import page_fields

    cls = task_for_form(form)
    if cls is None or not cls.register_keys:
        return None
    task, rule = _register_task_and_rule(form)
    fields, review = page_fields(result, task.keyed_fields)
    record = {key: str(truth.get(name) or "") for name, key in task.register_keys.items()}
    return task, rule, fields, review, record


def _missed_by_lookup(task, fields: dict, record: dict) -> list[str]:
    """The fields the robot looks the vehicle up by (its ``locator``) whose read the record does not
    hold: the look-up finds no record, or another vehicle's."""
    from daiko.robots import identity

    return [
        name
        for name, read in task.locator(fields).items()
        if not identity.exact(str(fields[name].get("type") or "text"), read, record.get(task.register_keys[name], ""))
    ]


def lookup_misses(form: str, result, truth: dict) -> bool:
    """Would the robot's look-up by what was read (its ``locator``: a 廃車 page's plate, and its
    車台番号 where accepted) miss the page's vehicle, as the paper gives it, by a value accepted (one
    held is put right by a person first)? Then nothing of the page is keyed without a person,
    whatever else was read wrong: a wrong plate finds no record, or another vehicle whose owner the
    identity rule refuses (``bench/identity.py``)."""
    view = _register_view(form, result, truth)
    return view is not None and _accepted_miss(view)


def _accepted_miss(view) -> bool:
    task, _rule, fields, _review, record = view
    return any(fields[name].get("decision") == "accept" for name in _missed_by_lookup(task, fields, record))


def identity_refuses(form: str, result, truth: dict) -> bool:
    """Would the robot's identity check (``robots/identity.py``, robots.yaml's defaults) refuse the page
    for a value accepted wrong? Before 登録 the robot compares the owner's name and kana, the maker,
    the 車台番号 and the address with the vehicle's record: one *accepted* that disagrees is a
    mismatch — a business exception for a person, nothing keyed (山田　浩二 read 山田　告二 at 0.998,
    held-back page 915758). A held one is put right by a person first."""
    view = _register_view(form, result, truth)
    return view is not None and _accepted_mismatch(view)


def _accepted_mismatch(view) -> bool:
    from daiko.robots import identity

    task, rule, fields, _review, record = view
    return identity.compare(fields, record, rule, task.register_keys).verdict == identity.MISMATCH


def register_stops(form: str, result, truth: dict) -> bool:
    """Whether the robot stops the page before keying anything: its look-up misses the vehicle
    (:func:`lookup_misses`) or its identity check refuses it (:func:`identity_refuses`) — the
    page's field records built once for both."""
    view = _register_view(form, result, truth)
    return view is not None and (_accepted_miss(view) or _accepted_mismatch(view))


def released_by_register(form: str, result, truth: dict) -> bool:
    """Would the robot's register check release this held page? Run with the robot's own functions
    (the scan task's field records, ``register_check.checkable`` and ``confirmed_fields``, the
    identity rule's defaults) on a register that holds the page's vehicle as the paper gives it —
    an honest declaration. The look-up goes by what was *read* (plate, a sure 車台番号): a misread
    finds another vehicle or none, and confirms nothing. ``bench/identity.py`` runs the same check
    end to end, robot and mock system, on vehicles registered the way registers write them."""
    from daiko.ledger import WorkItem
    from daiko.robots.register_check import checkable, confirmed_fields

    view = _register_view(form, result, truth)
    if view is None:
        return False
    task, rule, fields, review, record = view
    item = WorkItem(fields=fields, review_fields=review)
    if not review or not checkable(item, task) or _missed_by_lookup(task, fields, record):
        return False
    confirmed, _comparison = confirmed_fields(item, task, record, rule)
    return not set(review) - set(confirmed)


# ---- dataset (worker processes) ------------------------------------------------------------------


def _make_one(args: tuple[int, str, str, str, str, int, bool]) -> dict:
    """Generate page ``i`` and write it; returns its ground truth (the 個人番号 only as valid/invalid)."""
    i, form, kind, template, out_dir, seed_base, augment = args
    from daiko.forms.synth import make_page, save_pages

    rng = random.Random(seed_base + i)
    severity = rng.choices(["clean", "normal", "rough"], weights=[15, 65, 20])[0]
    done = sorted(Path(out_dir).glob(f"{i:05d}_{form}_{kind}_{template}.*"))
    if done:  # written by an earlier, interrupted run into the same --keep folder: only the truth is needed
        from daiko.forms.synth.dataset import truth_for

        truth = truth_for(form, seed_base + i, kind, template=template, augment=augment)
        return {"path": str(done[0]), "form": form, "kind": kind, "template": template, "severity": severity,
                "seed": seed_base + i, "upside_down": None, "binary": done[0].suffix == ".tif", "truth": truth}  # fmt: skip
    page = make_page(form, seed=seed_base + i, kind=kind, severity=severity, template=template, augment=augment)
    fmt = rng.choices(["jpg", "pdf", "tif"], weights=[50, 35, 15])[0]
    if page.scan.binary:
        fmt = "tif"  # a fax arrives as TIFF
    path = Path(out_dir) / f"{i:05d}_{form}_{kind}_{template}.{fmt}"
    save_pages([page.image], path, dpi=page.dpi, quality=page.scan.jpeg_quality or 85)
    return {"path": str(path), "form": form, "kind": kind, "template": template, "severity": severity,
            "seed": page.seed, "upside_down": page.scan.upside_down, "binary": page.scan.binary,
            "truth": page.truth}  # fmt: skip


def build_dataset(
    n: int,
    out_dir: Path,
    workers: int,
    seed_base: int,
    augment: bool = True,
    templates: tuple[str, ...] = TEMPLATES,
    start: int = 0,
) -> tuple[list[dict], float]:
    """Pages ``start`` … ``n - 1`` of the split (page ``i`` is seed ``seed_base + i``)."""
    jobs = []
    for i in range(start, n):
        form, kind = FORMS[i % len(FORMS)], KINDS[(i // len(FORMS)) % len(KINDS)]
        template = templates[(i // (len(FORMS) * len(KINDS))) % len(templates)]
        jobs.append((i, form, kind, template, str(out_dir), seed_base, augment))
    started = time.perf_counter()
    ctx = mp.get_context("spawn")  # fresh processes: their memory is not counted in ours
    with ctx.Pool(workers) as pool:
        items = pool.map(_make_one, jobs, chunksize=4)
    return items, time.perf_counter() - started


# ---- scoring -------------------------------------------------------------------------------------


def _predicted(field: dict) -> str | None:
    """The field's value in the truth's terms (option keys joined; 個人番号 as valid/invalid)."""
    value = field["value"]
    if field["type"] == "mynumber":
        if value is None:
            return None
        if field["decision"] == "accept":
            return "valid"
        return "invalid" if field["reason"] and "検査用数字" in field["reason"] else "unsure"
    if isinstance(value, list):
        return ",".join(value)
    if isinstance(value, bool):
        return "1" if value else None
    return _comparable(field["type"], value)


def _comparable(ftype: str, value: str | None) -> str | None:
    """Truth and read in the same terms: a fixed-line number's grouping is presentation
    (042-977-0415 = 0429770415, the digits the type keeps when the hyphens are not read)."""
    return value.replace("-", "") if ftype == "phone" and value else value


def same(ftype: str, pred: str | None, truth: str | None) -> bool:
    """Exact match; an address up to 異体字 and ヶ/ケ (増/增, 入曽/入曾 name the same place)."""
    if pred == truth:
        return True
    if ftype == "address" and pred and truth:
        from daiko.forms.reference.variants import same_text

        return same_text(pred, truth)
    return False


class Tally:
    def __init__(self) -> None:
        self.fields = self.exact = self.wrong_accepted = self.wrong_keyed = self.review = 0
        self.pages = self.straight = self.straight_register = self.page_errors = 0
        self.per_page: list[tuple[int, int, int]] = []  # (exact, review, fields) of each page merged in

    def add(self, exact: bool, decision: str, stopped: bool = False) -> None:
        """``stopped``: the register stops the page — its look-up misses the vehicle, or the identity
        check refuses it (nothing of it keyed)."""
        self.fields += 1
        self.exact += exact
        self.review += decision == "review"
        self.wrong_accepted += decision == "accept" and not exact
        self.wrong_keyed += decision == "accept" and not exact and not stopped

    def merge(self, other: Tally) -> None:
        for k in (
            "fields",
            "exact",
            "wrong_accepted",
            "wrong_keyed",
            "review",
            "pages",
            "straight",
            "straight_register",
            "page_errors",
        ):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        # The pages, not the fields, are the sample: a page's fields fail together (bench/intervals.py).
        self.per_page += other.per_page or ([(other.exact, other.review, other.fields)] if other.pages else [])

    def pct(self, n: int, of: int | None = None) -> float:
        d = self.fields if of is None else of
        return 100.0 * n / d if d else 0.0

    def row(self) -> dict:
        return {"pages": self.pages, "fields": self.fields, "exact_pct": round(self.pct(self.exact), 2),
                "wrong_accepted_pct": round(self.pct(self.wrong_accepted), 3),
                "wrong_accepted": self.wrong_accepted,
                "wrong_keyed_pct": round(self.pct(self.wrong_keyed), 3), "wrong_keyed": self.wrong_keyed,
                "review_pct": round(self.pct(self.review), 2),
                "straight_through_pct": round(self.pct(self.straight, self.pages), 1),
                "straight_through_register_pct": round(self.pct(self.straight_register, self.pages), 1),
                "page_errors": self.page_errors, **self.intervals()}  # fmt: skip

    def intervals(self) -> dict:
        """95 % intervals (bench/intervals.py) of the shares the goals are set on."""
        from bench.intervals import by_pages, wilson

        return {"straight_through_ci": [round(v, 1) for v in wilson(self.straight, self.pages)],
                "exact_ci": [round(v, 2) for v in by_pages([(e, n) for e, _, n in self.per_page])],
                "review_ci": [round(v, 2) for v in by_pages([(r, n) for _, r, n in self.per_page])]}  # fmt: skip


def run_engine(name: str, items: list[dict], dump_path: str | None = None, split: str = "custom") -> dict:
    """Read every item with engine ``name`` (in the calling process) and score it."""
    from daiko.forms.reader import read_file
    from daiko.ocr.engines import get_engine

    t0 = time.perf_counter()
    engine = get_engine(name, **_engine_opts(name))
    load_s = time.perf_counter() - t0
    groups: dict[tuple[str, str], Tally] = defaultdict(Tally)  # (form, kind)
    by_template: dict[tuple[str, str], Tally] = defaultdict(Tally)  # (template, kind)
    by_type: dict[str, Tally] = defaultdict(Tally)
    wrong: list[dict] = []
    page_errors: list[dict] = []
    dump = open(dump_path, "a", encoding="utf-8") if dump_path else None  # noqa: SIM115
    started = time.perf_counter()
    for item in items:
        key, tkey = (item["form"], item["kind"]), (item["template"], item["kind"])
        page = Tally()
        page.pages = 1
        results = read_file(item["path"], None, engine)
        result = results[0] if results else None
        if result is None or result.kind != "form":
            page_errors.append({"path": Path(item["path"]).name, "error": result and result.message_ja})
            page.page_errors = 1
            for _name in item["truth"]:
                page.add(False, "review")
            groups[key].merge(page)
            by_template[tkey].merge(page)
            continue
        keyed = keyed_fields(item["form"])
        held_back = False
        stopped = register_stops(item["form"], result, item["truth"])
        for fr in result.fields:
            field = {"type": fr.type, "value": fr.value, "decision": fr.decision, "reason": fr.reason}
            truth = _comparable(fr.type, item["truth"].get(fr.name))
            pred = _predicted(field)
            exact = same(fr.type, pred, truth)
            if fr.decision == "review" and (keyed is None or fr.name in keyed):
                held_back = True
            if dump is not None:  # for calibrate.py: one record per field (no 個人番号 digits exist here)
                dump.write(json.dumps({
                    "engine": name, "split": split, "seed": item["seed"], "form": item["form"],
                    "kind": item["kind"], "template": item["template"], "field": fr.name, "type": fr.type,
                    "decision": fr.decision, "doubt": fr.doubt, "reason": fr.reason, "confirmed_by": fr.confirmed_by,
                    "confidence": fr.confidence, "weakest": fr.weakest, "chars": fr.char_scores, "raw": fr.raw,
                    "pred": pred, "truth": truth, "exact": exact}, ensure_ascii=False) + "\n")  # fmt: skip
            page.add(exact, fr.decision, stopped)
            by_type[fr.type].add(exact, fr.decision, stopped)
            if fr.decision == "accept" and not exact:
                # For the 個人番号 truth and pred are only valid/invalid/unsure: no digits are printed.
                wrong.append({"file": Path(item["path"]).name, "field": fr.name, "truth": truth,
                              "read": pred, "confidence": fr.confidence, "weakest": fr.weakest,
                              "register_stops": stopped})  # fmt: skip
        page.straight = int(not held_back)
        page.straight_register = int(not held_back or released_by_register(item["form"], result, item["truth"]))
        if dump is not None:  # one record per page: figures can be rebuilt from a dump (bench/levers.py)
            dump.write(json.dumps({"record": "page", "engine": name, "split": split, "seed": item["seed"],
                                   "form": item["form"], "kind": item["kind"], "template": item["template"],
                                   "straight": bool(page.straight),
                                   "straight_register": bool(page.straight_register), "seconds": round(time.perf_counter() - started, 2),
                                   "rss_mb": round(peak_rss_mb())}) + "\n")  # fmt: skip
        groups[key].merge(page)
        by_template[tkey].merge(page)
    seconds = time.perf_counter() - started
    if dump is not None:
        dump.close()
    by_kind: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for (_form, kind), t in groups.items():
        by_kind[kind].merge(t)
        total.merge(t)
    return {
        "engine": name,
        "model_load_s": round(load_s, 2),
        "pages": len(items),
        "seconds": round(seconds, 1),
        "s_per_page": round(seconds / max(1, len(items)), 3),
        "pages_per_min": round(60 * len(items) / seconds, 1) if seconds else None,
        "by_form_kind": {f"{f}/{k}": v.row() for (f, k), v in sorted(groups.items())},
        "by_template_kind": {f"{t}/{k}": v.row() for (t, k), v in sorted(by_template.items())},
        "by_kind": {k: v.row() for k, v in sorted(by_kind.items())},
        "all": total.row(),
        "by_type": {k: v.row() for k, v in sorted(by_type.items())},
        "page_errors": page_errors,
        "wrong_accepted_examples": wrong[:40],
        "peak_rss_mb": round(peak_rss_mb()),
    }


def _engine_opts(name: str) -> dict:
    if name == "paddleocr":
        from daiko.ocr.engines.paddle import bundled_model_dir

        return {"paddle_model_dir": str(bundled_model_dir())}
    return {}


def _engine_process(args: tuple[str, list[dict], str | None, str]) -> dict:
    name, items, dump_path, split = args
    try:
        return run_engine(name, items, dump_path, split)
    except Exception as exc:  # an engine that cannot start is reported, not fatal to the others
        from daiko.ocr.base import OcrError

        if isinstance(exc, OcrError | ImportError):
            return {"engine": name, "skipped": str(exc).split("\n")[0][:200]}
        raise


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


# ---- report --------------------------------------------------------------------------------------


def _fmt(v, target: float | None = None, higher_is_better: bool = True) -> str:
    if v is None:
        return "–"
    mark = ""
    if target is not None:
        mark = " ✓" if (v >= target if higher_is_better else v <= target) else " ✗"
    return f"{v}{mark}"


def report(results: list[dict], skipped: dict[str, str], gen_s: float, n: int, split_label: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(150, Console().width))
    console.print(f"[bold]daiko OCR benchmark[/] — split [bold]{split_label}[/]: {n} synthetic pages "
                  f"({', '.join(FORMS)}; printed + handwriting-style; templates a+b), generated in {gen_s:.0f} s; "
                  f"load average {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")  # fmt: skip
    table = Table(title=f"split: {split_label}")
    table.add_column("metric")
    for r in results:
        table.add_column(r["engine"], justify="right")
    for name in skipped:
        table.add_column(name, justify="right")

    def row(label: str, get, target=None, higher=True, ci=None):
        """``ci``: the figure's 95 % interval, shown beside it (a draw's figure moves by that much)."""
        cells = []
        for r in results:
            cell, interval = _fmt(get(r), target, higher), ci(r) if ci else None
            cells.append(f"{cell} [{interval[0]:g}–{interval[1]:g}]" if interval else cell)
        table.add_row(label, *cells, *["not available" for _ in skipped])

    def kind(k: str, metric: str):
        return lambda r: r["by_kind"].get(k, {}).get(metric)

    def haisha(k: str, metric: str):
        return lambda r: r["by_form_kind"].get(f"keitax_haisha/{k}", {}).get(metric)

    row("straight-through % 廃車申告書 printed (≥90)", haisha("printed", "straight_through_pct"),
        GOALS["straight_printed"], ci=haisha("printed", "straight_through_ci"))  # fmt: skip
    row("straight-through % 廃車申告書 handwriting (≥75)", haisha("handwriting", "straight_through_pct"),
        GOALS["straight_handwriting"], ci=haisha("handwriting", "straight_through_ci"))  # fmt: skip
    row("  with the register (robot's check; printed)",
        lambda r: r["by_form_kind"].get("keitax_haisha/printed", {}).get("straight_through_register_pct"))  # fmt: skip
    row("  with the register (robot's check; handwriting)",
        lambda r: r["by_form_kind"].get("keitax_haisha/handwriting", {}).get("straight_through_register_pct"))  # fmt: skip
    row(
        "straight-through % アンケート printed",
        lambda r: r["by_form_kind"].get("shimin_anketo/printed", {}).get("straight_through_pct"),
    )
    row(
        "straight-through % アンケート handwriting",
        lambda r: r["by_form_kind"].get("shimin_anketo/handwriting", {}).get("straight_through_pct"),
    )
    row("exact % printed (≥99.5)", kind("printed", "exact_pct"), GOALS["exact_printed"], ci=kind("printed", "exact_ci"))
    row("exact % handwriting-style (≥97.5)", kind("handwriting", "exact_pct"), GOALS["exact_handwriting"],
        ci=kind("handwriting", "exact_ci"))  # fmt: skip
    row("review % printed (≤5)", kind("printed", "review_pct"), GOALS["review_printed"], False,
        ci=kind("printed", "review_ci"))  # fmt: skip
    row("review % handwriting-style (≤10)", kind("handwriting", "review_pct"), GOALS["review_handwriting"], False,
        ci=kind("handwriting", "review_ci"))  # fmt: skip
    row("wrong-but-accepted % (≤0.05)", lambda r: r["all"]["wrong_accepted_pct"], GOALS["wrong_accepted"], False)
    row("  printed", kind("printed", "wrong_accepted_pct"))
    row("  handwriting-style", kind("handwriting", "wrong_accepted_pct"))
    row("  of them keyed (the register stops the rest)", lambda r: r["all"]["wrong_keyed_pct"])
    row("fields scored", lambda r: r["all"]["fields"])
    row("page errors", lambda r: len(r["page_errors"]))
    row("pages/min (≥60)", lambda r: r["pages_per_min"], GOALS["pages_per_min"])
    row("s/page", lambda r: r["s_per_page"])
    row("peak RSS MB (≤1024)", lambda r: r["peak_rss_mb"], GOALS["rss_mb"], False)
    row("model load s", lambda r: r["model_load_s"])
    console.print(table)
    console.print("[…]: the figure's 95 % interval (bench/intervals.py) — another draw of this size lands anywhere "
                  "in it; a goal is met beyond doubt only where the whole interval is past it "
                  "(bench/levers.py pools several draws' dumps)")  # fmt: skip
    for name, why in skipped.items():
        console.print(f"{name}: not available ({why})")
    for r in results:
        groups = Table(title=f"{r['engine']}, split {split_label}: by form / template × kind of writing")
        for col in ("group", "pages", "straight-through %", "fields", "exact %", "review %", "wrong-accepted"):
            groups.add_column(col, justify="right" if col != "group" else "left")
        for label, v in [*r["by_form_kind"].items(), *(("template " + k, v) for k, v in r["by_template_kind"].items())]:
            groups.add_row(label, str(v["pages"]), str(v["straight_through_pct"]), str(v["fields"]),
                           str(v["exact_pct"]), str(v["review_pct"]), str(v["wrong_accepted"]))  # fmt: skip
        console.print(groups)
        types = Table(title=f"{r['engine']}, split {split_label}: by field type")
        for col in ("type", "fields", "exact %", "wrong-accepted %", "review %"):
            types.add_column(col, justify="right" if col != "type" else "left")
        for t, v in r["by_type"].items():
            types.add_row(t, str(v["fields"]), str(v["exact_pct"]), str(v["wrong_accepted_pct"]), str(v["review_pct"]))
        console.print(types)
        if r["wrong_accepted_examples"]:
            console.print(f"[red]{r['engine']}: wrong but accepted:[/]")
            for w in r["wrong_accepted_examples"]:
                console.print(f"  {w['file']} {w['field']}: truth={w['truth']!r} read={w['read']!r} "
                              f"conf={w['confidence']} weakest={w['weakest']}"
                              + (" (the register stops the page: not keyed)" if w.get("register_stops") else ""))  # fmt: skip
        for e in r["page_errors"][:10]:
            console.print(f"  page error {e['path']}: {e['error']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--engines", default="rapidocr,paddleocr")
    parser.add_argument("--workers", type=int, default=max(1, min(2, os.cpu_count() or 1)))
    parser.add_argument("--split", choices=sorted(SPLITS), default="heldout",
                        help="which seeds: heldout (default; never tuned on), tune, calib")  # fmt: skip
    parser.add_argument("--seed", type=int, help="first page's seed instead of a split's (labelled 'custom')")
    parser.add_argument(
        "--from",
        dest="start",
        type=int,
        default=0,
        help="read only pages from this index on (with --keep: one measurement in parts)",
    )
    parser.add_argument("--plain", action="store_true", help="no augmentations (the bench before issue 13)")
    parser.add_argument("--templates", default="a,b", help="writing templates to cycle through (a, b or a,b)")
    parser.add_argument(
        "--off",
        default="",
        help="levers to switch off, to measure what each adds: "
        "second (second opinion), reference (postal ↔ address), rescore (plate slots among their alphabet), "
        "same_value (a character's look-alikes that leave the value as read count with it), names (フリガナ ↔ 氏名 readings), calibration (YAML thresholds instead)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="write the generated pages here and keep them (a later run with "
        "the same split, pages and options reads them again instead of generating)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--dump", type=Path, help="write one JSON line per field read (for bench/calibrate.py)")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    seed_base = args.seed if args.seed is not None else SPLITS[args.split]
    split = "custom" if args.seed is not None else args.split
    split_label = (
        f"{split} (seeds {seed_base + args.start}–{seed_base + args.pages - 1}{', plain' if args.plain else ''})"
    )
    templates = tuple(t.strip() for t in args.templates.split(",") if t.strip())

    tmp = None
    out_dir = args.keep
    if out_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="daiko-bench-")
        out_dir = Path(tmp.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "items.json"
    spec = {"seed_base": seed_base, "plain": args.plain, "templates": list(templates)}
    kept = json.loads(manifest.read_text()) if args.keep and manifest.is_file() else None
    # Pages kept from earlier runs with the same spec, by seed (a later --from adds its own).
    known = {it["seed"]: it for it in kept["items"]} if kept and kept["spec"] == spec else {}
    wanted = range(seed_base + args.start, seed_base + args.pages)
    if all(seed in known for seed in wanted):
        items, gen_s = [known[seed] for seed in wanted], 0.0
    else:  # only the pages read are made: --from 7600 does not generate the 7,600 before it
        items, gen_s = build_dataset(
            args.pages, out_dir, args.workers, seed_base, not args.plain, templates, start=args.start
        )
        if args.keep:
            known.update({it["seed"]: it for it in items})
            every = [known[seed] for seed in sorted(known)]
            manifest.write_text(json.dumps({"spec": spec, "items": every}, ensure_ascii=False))

    results, skipped = [], {}
    if args.off:
        os.environ["DAIKO_READER_OFF"] = args.off  # read by the engine processes (spawned with this env)
        split_label += f", off: {args.off}"
    ctx = mp.get_context("spawn")
    for name in [e.strip() for e in args.engines.split(",") if e.strip()]:
        # Each engine in a fresh process: its peak RSS is its own, and one engine's libraries
        # (paddle's OpenCV, thread pools) cannot change another's figures.
        with ctx.Pool(1) as pool:
            out = pool.apply(_engine_process, ((name, items, str(args.dump) if args.dump else None, split),))
            pool.close()  # let the worker exit on its own (paddle prints a C++ trace when terminated)
            pool.join()
        if "skipped" in out:
            skipped[name] = out["skipped"]
        else:
            results.append(out)
    report(results, skipped, gen_s, len(items), split_label)
    if args.json:
        args.json.write_text(json.dumps({"split": split, "seed_base": seed_base, "plain": args.plain,
                                         "results": results, "skipped": skipped, "generation_s": round(gen_s, 1),
                                         "load_average": os.getloadavg()}, ensure_ascii=False, indent=1))  # fmt: skip
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
