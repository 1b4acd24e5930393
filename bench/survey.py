"""Survey benchmark: scanned questionnaires in, the 集計 workbook out — pages per minute, end to end.

    .venv/bin/python bench/survey.py [--survey shimin_ict] [--booklets 40] [--web 0] [--json out.json]

Generates ``--booklets`` filled-in questionnaires of the survey (printed/handwriting-style
alternating, normal scan quality) as batch PDFs of 10 booklets each (as a 複合機 scans a stack),
optionally an 電子申請 CSV of ``--web`` answers, drops them into a fresh inbox and runs the survey
robot once (``run_robot``, settle 0): intake → OCR → rules → review queue / responses in the
ledger → the 集計 workbook and CSVs. Generating the pages is not timed. Reported:

- pages/min         scanned pages over the robot run's wall time (reading, storing and writing
                    the tally included) — target ≥ 60 pages/min on 2 cores (not asserted)
- s/page OCR        the ledger's ocr_seconds per page
- tally s           writing the workbook and CSVs at the end of the run
- review share      items waiting for a person after the run (ambiguous marks, 「3つまで」 over the
                    limit where the survey says review, unsure free text)
- load average      the machine is shared: read the figures against it
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench.…` when run as a script

from bench.robots_yaml import robots_yaml, survey_robot

TARGET_PAGES_PER_MIN = 60


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--survey", default="shimin_ict")
    ap.add_argument("--booklets", type=int, default=40)
    ap.add_argument("--web", type=int, default=0, help="電子申請 answers added as one CSV")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    from sqlalchemy import func, select

    from daiko.config.loader import parse_config
    from daiko.forms.survey import load_survey
    from daiko.forms.synth.export import save_pages
    from daiko.forms.synth.survey import make_respondent, respondent_pages, write_web_csv
    from daiko.ledger import ItemState, Ledger, WorkItem
    from daiko.robots.runner import run_robot

    survey = load_survey(args.survey)
    work = Path(tempfile.mkdtemp(prefix="daiko-bench-survey-"))
    robot = survey_robot(survey.name, name="集計ロボット", section="企画課", baseline_minutes=5)
    cfg = parse_config(robots_yaml(data=work / "data", robot=robot), base_dir=work)
    inbox = cfg.data_dir / "inbox" / "anketo"
    inbox.mkdir(parents=True)
    started = time.monotonic()
    pages = 0
    batch: list = []
    for n in range(1, args.booklets + 1):
        kind = "handwriting" if n % 2 == 0 else "printed"
        batch += [p.image for p in respondent_pages(survey, make_respondent(survey, n), kind=kind, severity="normal")]
        if n % 10 == 0 or n == args.booklets:
            save_pages(batch, inbox / f"stack_{n:04d}.pdf")
            pages += len(batch)
            batch = []
    if args.web:
        people = [make_respondent(survey, n) for n in range(args.booklets + 1, args.booklets + args.web + 1)]
        write_web_csv(survey, people, inbox / "denshi.csv")
    generated = time.monotonic() - started
    print(f"generated {pages} pages ({args.booklets} booklets) and {args.web} web answers in {generated:.0f} s")

    load_before = os.getloadavg()
    t0 = time.monotonic()
    summary = run_robot(cfg, "anketo", settle_seconds=0)
    wall = time.monotonic() - t0
    load_after = os.getloadavg()
    ledger = Ledger(cfg.ledger_url)
    with ledger.session() as s:
        ocr = s.scalar(select(func.sum(WorkItem.ocr_seconds)).where(WorkItem.form.is_not(None))) or 0.0
        states = dict(s.execute(select(WorkItem.state, func.count()).group_by(WorkItem.state)).all())
    t1 = time.monotonic()
    from daiko.robots.survey.export import write_outputs

    written = write_outputs(cfg, ledger, survey)
    tally_s = time.monotonic() - t1
    items = sum(states.values())
    figures = {
        "survey": survey.name,
        "pages": pages,
        "web_answers": args.web,
        "run_seconds": round(wall, 1),
        "pages_per_min": round(pages / wall * 60, 1),
        "ocr_seconds_per_page": round(ocr / max(pages, 1), 3),
        "tally_seconds": round(tally_s, 2),
        "items": items,
        "done": states.get(ItemState.DONE, 0),
        "review": states.get(ItemState.REVIEW, 0),
        "failed": states.get(ItemState.FAILED, 0),
        "review_share": round(states.get(ItemState.REVIEW, 0) / max(items, 1), 3),
        "returned_in_tally": written.tally.returned,
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "run": summary.describe(),
    }
    print(
        f"pages/min end to end   {figures['pages_per_min']}  (target ≥ {TARGET_PAGES_PER_MIN}; {pages} pages in {wall:.1f} s)"
    )
    print(f"OCR s/page             {figures['ocr_seconds_per_page']}")
    print(f"tally (workbook+CSV)   {figures['tally_seconds']} s for {written.tally.returned} responses")
    print(
        f"items                  {items}: done {figures['done']}, review {figures['review']} ({figures['review_share']:.1%}), failed {figures['failed']}"
    )
    print(
        f"load average           {figures['load_average_before']} → {figures['load_average_after']} on {os.cpu_count()} CPUs"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
