"""Desktop keying benchmark: the 収納管理システム adapter against the real Tk client, under X.

    .venv/bin/python bench/keying_desktop.py [--records 120] [--trial] [--faults SPEC] [--json out.json]

Starts the mock client (a register of 2,000 taxpayers) under ``$DISPLAY``, or under an Xvfb of
its own when there is none, picks ``--records`` taxpayers without an account (同姓同名 included:
the identity check must pick the right one by address), and registers each one's account through
:class:`~daiko.robots.adapters.shuno.ShunoAdapter` — adapter level, no runner or ledger (phase 2
puts the desktop robot behind the runner; then ``bench/keying.py --robot shuno`` will measure the
same through it). Reported:

- median / p90 s per record   宛名検索 → identity check → 口座振替登録 (every field read back through
                              the clipboard, 税目 check boxes by image) → 登録 → 処理番号 read →
                              screenshot of 登録完了 saved (the evidence)
- records/hour                over the whole loop
- read-back                   how many fields had to be keyed again (focus lost, a slow client …)

Target (issue 11, not asserted): median ≤ 2 s per record on 2 cores. The client's audit table is
checked afterwards: every account registered exactly once (live) or not at all (試行).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

TARGET_MEDIAN_S = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def next_month() -> str:
    from daiko.mocks.shuno.store import now_jst

    today = now_jst().date()
    return f"{today.year + (today.month == 12)}-{today.month % 12 + 1:02d}"


def request_for(person, i: int):
    from daiko.robots.adapters.shuno import DirectDebitRequest

    banks = [("0017", "494"), ("0133", "016"), ("1253", "001"), ("4735", "080"), ("0001", "303")]
    bank, branch = banks[i % len(banks)]
    taxes = [("shikenmin",), ("shikenmin", "kotei"), ("kotei", "keijidosha", "kokuho"), ("kokuho",)][i % 4]
    address = person.address.replace("埼玉県", "")
    return DirectDebitRequest(
        reference=f"R08-{50000 + i:05d}", name=person.name, address=address, bank_code=bank, branch_code=branch,
        deposit_type="futsu" if i % 9 else "toza", account_no=f"{(i * 7919) % 10_000_000:07d}",
        holder_kana=person.kana, taxes=taxes, start_month=next_month(), kana=person.kana,
        atena_no=person.atena_no if i % 3 == 0 else None,
    )  # fmt: skip


def run(args: argparse.Namespace) -> dict:
    from daiko.log import setup_logging

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="daiko-bench-desktop-"))
    workdir.mkdir(parents=True, exist_ok=True)
    setup_logging(level="WARNING", log_dir=workdir / "logs")
    load_before = os.getloadavg()
    with ExitStack() as stack:
        display = os.environ.get("DISPLAY")
        if not display:
            from pyvirtualdisplay import Display

            virtual = stack.enter_context(Display(backend="xvfb", size=(1280, 800), color_depth=24, use_xauth=True))
            display = virtual.new_display_var
            print(f"no DISPLAY: started Xvfb {display}", flush=True)
        from daiko.mocks.shuno import truth
        from daiko.mocks.shuno.process import start_shuno
        from daiko.robots.adapters.shuno import ShunoAdapter
        from daiko.robots.drivers.desktop import DesktopDriver

        print(f"mock 収納管理システム: 2000 taxpayers, faults: {args.faults or 'none'} …", flush=True)
        client = stack.enter_context(start_shuno(workdir / "shuno", display=display, faults=args.faults or None))
        people = truth.people(client.db_path, args.records, seed=args.seed, unique_name=False)
        if len(people) < args.records:
            raise SystemExit(f"only {len(people)} taxpayers without an account")
        driver = DesktopDriver(display, timeout_s=10.0)
        stack.callback(driver.close)
        adapter = ShunoAdapter(driver, client.user, client.password, workdir / "evidence", export_dir=workdir)
        login_started = time.monotonic()
        adapter.ensure_logged_in()
        login_seconds = time.monotonic() - login_started
        print(f"{args.records} records, {'試行 (trial)' if args.trial else '本番 (live)'} …", flush=True)
        seconds, problems, evidence = [], [], 0
        loop_started = time.monotonic()
        for i, person in enumerate(people):
            item = request_for(person, i)
            started = time.monotonic()
            try:
                result = adapter.register(item, dry_run=args.trial)
            except Exception as exc:
                problems.append((item.reference, type(exc).__name__, getattr(exc, "code", ""), str(exc)[:120]))
                continue
            seconds.append(time.monotonic() - started)
            evidence += bool(result.receipt_pdf and Path(result.receipt_pdf).is_file())
        loop_seconds = time.monotonic() - loop_started
        fields_keyed_again = driver.fields_keyed_again
        references = {request_for(p, i).reference for i, p in enumerate(people)}
        audit = [a for a in client.audit_rows("register") if a["reference"] in references]
    per_reference: dict[str, int] = {}
    for a in audit:
        per_reference[a["reference"]] = per_reference.get(a["reference"], 0) + 1
    return {
        "mode": "trial" if args.trial else "live",
        "records": args.records,
        "keyed": len(seconds),
        "problems": problems,
        "median_s": statistics.median(seconds) if seconds else None,
        "p90_s": percentile(seconds, 90) if seconds else None,
        "mean_s": statistics.fmean(seconds) if seconds else None,
        "max_s": max(seconds) if seconds else None,
        "target_median_s": TARGET_MEDIAN_S,
        "records_per_hour": len(seconds) / loop_seconds * 3600 if loop_seconds else None,
        "login_seconds": login_seconds,
        "fields_keyed_again": fields_keyed_again,
        "evidence_files": evidence,
        "audit_registrations": len(audit),
        "registered_twice": sorted(r for r, n in per_reference.items() if n > 1),
        "cores": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "faults": args.faults,
        "workdir": str(workdir),
    }


def report(r: dict) -> None:
    def mark(ok: bool) -> str:
        return "✓" if ok else "✗"

    print()
    print(f"desktop keying benchmark (収納管理システム, adapter level) — {r['mode']}, {r['records']} records, "
          f"{r['cores']} cores, load {r['load_average_before'][0]:.2f} → {r['load_average_after'][0]:.2f}, "
          f"faults: {r['faults'] or 'none'}")  # fmt: skip
    print(f"  keyed                {r['keyed']} / {r['records']}  (problems: {len(r['problems'])})")
    if r["median_s"] is not None:
        print(f"  median s/record      {r['median_s']:6.2f}   target ≤ {r['target_median_s']:.1f} s  "
              f"{mark(r['median_s'] <= r['target_median_s'])}")  # fmt: skip
        print(f"  p90 s/record         {r['p90_s']:6.2f}")
        print(f"  mean / max s/record  {r['mean_s']:6.2f} / {r['max_s']:.2f}")
        print(f"  records/hour         {r['records_per_hour']:8.0f}")
    print(f"  login                {r['login_seconds']:6.2f} s")
    print(f"  fields keyed again   {r['fields_keyed_again']}  (read-back found them wrong or empty)")
    print(f"  evidence PNGs        {r['evidence_files']} / {r['keyed']}")
    expected = 0 if r["mode"] == "trial" else r["keyed"]
    print(f"  client audit         {r['audit_registrations']} 登録, twice: {len(r['registered_twice'])}  "
          f"{mark(r['audit_registrations'] == expected and not r['registered_twice'])}")  # fmt: skip
    for reference, kind, code, text in r["problems"][:5]:
        print(f"  ! {reference}: {kind} {code} — {text}")
    print(f"  files: {r['workdir']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=120, help="records to key (default 120)")
    parser.add_argument("--trial", action="store_true", help="試行: stop before 登録 (nothing is registered)")
    parser.add_argument("--faults", default="", help="client fault spec, e.g. 'popup=0.05,focus=0.05'")
    parser.add_argument("--seed", type=int, default=2024, help="which taxpayers are picked")
    parser.add_argument("--workdir", help="keep everything here (default: a temporary folder, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (screenshots, client DB)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.records < 1:
        parser.error("--records must be at least 1")
    result = run(args)
    if not args.workdir and not args.keep:
        shutil.rmtree(result["workdir"], ignore_errors=True)
        result["workdir"] += " (removed; --keep keeps it)"
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    expected = 0 if args.trial else result["keyed"]
    healthy = result["keyed"] == result["records"] and result["audit_registrations"] == expected
    return 0 if healthy and not result["registered_twice"] else 1


if __name__ == "__main__":
    sys.exit(main())
