"""抜き取り確認 simulated: does the estimate find a known error rate, and how fast is a doubling seen?

    .venv/bin/python bench/audit_sim.py [--rate 0.01] [--share 0.02] [--min-per-week 5] [--weeks 26]
                                        [--forms-per-month 430] [--seed 7] [--part 1|2|3|all]

Part 1 runs daiko's own code on a real (temporary, SQLite) ledger: a synthetic stream of items
the 廃車 robot keyed, shaped like the bench's field mix (the form's keyed fields, each accepted
without review at the rate the calibration split measured, forms/calibration/rapidocr.yaml), at
``--forms-per-month``; a known share ``--rate`` of the accepted values is made wrong. Each week
``daiko.robots.sampling.sample_keyed`` draws the samples (robots.yaml ``audit:``), a "person"
records the truth with ``record_verdict``, and the robot's estimate (``daiko.robots.accuracy``,
Wilson 95 %) is printed as it converges on the injected rate.

Part 3 (many simulated years, no ledger): how often the 95 % interval holds the injected rate
after 13, 26 and 52 weeks, and how wide it is — the convergence, beyond one run.

Part 2 (exact binomial arithmetic with the same Wilson function, no ledger): after the error rate
doubles, how many weeks of samples (taken since then) are needed for their Wilson lower bound to
be above the old rate with 80 % probability — with the false-alarm chance of that rule when
nothing changed — for several old rates and sampling shares; and the median weeks until the
first wrong value is found (which, under a 0.1 % budget, is what tightens the thresholds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench.…` when run as a script

from bench.robots_yaml import HAISHA, keitax_target, robots_yaml

WEEKS_PER_MONTH = 52 / 12
# The 廃車 robot's keyed fields and their types (forms/definitions/keitax_haisha.yaml, KEYED_FIELDS).
KEYED = {"reference": "code", "plate": "plate", "chassis_no": "chassis_no", "deregistered_on": "wareki_date",
         "declared_on": "wareki_date", "reason": "choice"}  # fmt: skip


def acceptance_by_type() -> dict[str, float]:
    """Share of each field type accepted without review on the calibration split (marks: 0.99)."""
    path = Path(__file__).resolve().parents[1] / "forms" / "calibration" / "rapidocr.yaml"
    types = (YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}).get("types") or {}
    out = {t: 1 - v["held_for_review"] / v["fields"] for t, v in types.items() if v.get("fields")}
    out.setdefault("choice", 0.99)
    return out


def part1(args: argparse.Namespace) -> None:
    from sqlalchemy import func, select

    from daiko.config.loader import parse_config
    from daiko.ledger import AuditCheck, AuditSample, AuditSeed, IntakeFile, ItemState, Ledger, Run, WorkItem
    from daiko.log import logger
    from daiko.robots import accuracy, sampling

    logger.remove()  # one line per sample and verdict would bury the figures
    rng = random.Random(args.seed)
    accept = acceptance_by_type()
    per_week = args.forms_per_month / WEEKS_PER_MONTH
    tmp = Path(tempfile.mkdtemp(prefix="audit_sim_"))
    text = robots_yaml(
        data=tmp / "data",
        target_id="keitax",
        target=keitax_target("http://127.0.0.1:9", "rpa01", password_env="DAIKO_SIM_PASSWORD"),
        robot=HAISHA | {"audit": {"share": args.share, "min_per_week": args.min_per_week, "budget": 0.001}},
    )
    cfg = parse_config(text, base_dir=tmp)
    robot = cfg.robot("haisha")
    ledger = Ledger(cfg.ledger_url)
    with ledger.session() as s:  # the sampling seed from --seed, so the figures can be reproduced
        s.add(AuditSeed(robot_id="haisha", seed=f"audit-sim-{args.seed}"))
    start = dt.datetime(2026, 4, 6, 1, 0, tzinfo=dt.UTC)  # a Monday, 10:00 JST
    truth: dict[tuple[int, str], bool] = {}  # (item, field) → keyed right
    accepted_total = wrong_total = 0
    print(f"== part 1: daiko's sampling on a real ledger — {args.forms_per_month} forms/month "
          f"(~{per_week:.0f}/week), injected error rate {args.rate:.2%} of accepted values, "
          f"share {args.share:.0%}, at least {args.min_per_week}/week")  # fmt: skip
    print("  week  items/wk  sampled items  checked values  wrong  estimate   95 % interval       injected inside?")
    print("        (this wk)    (cumulative)    (cumulative)")
    started = time.perf_counter()
    for week in range(args.weeks):
        monday = start + dt.timedelta(weeks=week)
        n_items = _poisson(rng, per_week)
        with ledger.session() as s:
            run = Run(robot_id="haisha", trigger="schedule", mode="live", host="sim", pid=1, status="finished")
            f = IntakeFile(robot_id="haisha", sha256=f"sim{week:06d}".ljust(64, "0"), original_name=f"week{week}.pdf",
                           current_path="/sim", kind="scan", state="done")  # fmt: skip
            s.add_all([run, f])
            s.flush()
            for part in range(1, n_items + 1):
                fields = {}
                for name, ftype in KEYED.items():
                    ok = rng.random() < accept.get(ftype, 0.97)
                    fields[name] = {"label": name, "type": ftype, "value": "v", "box": [0, 0, 1, 1],
                                    "decision": "accept" if ok else "review"}  # fmt: skip
                finished = monday + dt.timedelta(hours=rng.uniform(0, 4 * 24 + 8))
                item = WorkItem(robot_id="haisha", file_id=f.id, part=part, form="keitax_haisha",
                                state=ItemState.DONE, fields=fields, run_id=run.id, finished_at=finished)  # fmt: skip
                s.add(item)
                s.flush()
                for name, spec in fields.items():
                    if spec["decision"] == "accept":
                        right = rng.random() >= args.rate
                        truth[(item.id, name)] = right
                        accepted_total += 1
                        wrong_total += not right
        end = monday + dt.timedelta(days=5)
        sampling.sample_keyed(ledger, cfg, robot, now=end)  # the week's runs: its share
        sampling.sample_keyed(ledger, cfg, robot, now=monday + dt.timedelta(days=7, hours=1))  # then its minimum
        with ledger.session() as s:
            pending = s.scalars(select(AuditSample).where(AuditSample.state == "pending")).all()
            checks = {x.id: s.scalars(select(AuditCheck).where(AuditCheck.sample_id == x.id)).all() for x in pending}
        for sample in pending:
            wrong = {c.field: "w" for c in checks[sample.id] if not truth[(sample.item_id, c.field)]}
            sampling.record_verdict(ledger, cfg, sample.id, "sim", wrong)
        with ledger.session() as s:
            for c in s.scalars(select(AuditCheck).where(AuditCheck.at > end)):
                c.at = end  # checked that Friday (the simulation runs faster than weeks)
            items = s.scalar(select(func.count(AuditSample.id)))
        e = accuracy.robot_estimate(ledger, "haisha")
        inside = e.low <= args.rate <= e.high
        if week + 1 in (1, 2, 4, 8, 13, 26, 39, 52) or week + 1 == args.weeks:
            print(f"  {week + 1:>4}  {n_items:>8}  {items:>13}  {e.n:>14}  {e.k:>5}  {e.percent(e.rate):>6} %  "
                  f"{e.percent(e.low):>6}–{e.percent(e.high):>6} %   {'yes' if inside else 'NO'}")  # fmt: skip
    true_rate = wrong_total / accepted_total if accepted_total else 0.0
    print(f"  accepted values keyed: {accepted_total:,}, wrong among them: {wrong_total:,} ({true_rate:.3%}); "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method (means here are ~100: fine)."""
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def values_per_week(per_week: float, share: float, minimum: int, fields_per_item: float) -> float:
    """Accepted keyed values checked a week on average: max(share × items, the week's minimum)."""
    return max(share * per_week, min(minimum, per_week)) * fields_per_item


def _binom_tail(n: int, p: float, k: int) -> float:
    """P(K >= k) for K ~ Binomial(n, p), summed in log space (n reaches tens of thousands)."""
    if k <= 0:
        return 1.0
    below = 0.0
    for j in range(k):
        below += math.exp(
            math.lgamma(n + 1)
            - math.lgamma(j + 1)
            - math.lgamma(n - j + 1)
            + j * math.log(p)
            + (n - j) * math.log1p(-p)
        )
    return max(0.0, 1.0 - below)


def detection(n: int, p0: float, p1: float) -> tuple[float, float]:
    """(power, false alarm): the chance that n checked values put the Wilson lower bound above
    p0 when the true rate is p1 (a doubling) — and when it is still p0."""
    from daiko.stats import wilson_interval

    k = 0
    while k <= n and wilson_interval(k, n)[0] <= p0:
        k += 1
    return _binom_tail(n, p1, k), _binom_tail(n, p0, k)


def part2(args: argparse.Namespace) -> None:
    accept = acceptance_by_type()
    fields_per_item = sum(accept.get(t, 0.97) for t in KEYED.values())
    per_week = args.forms_per_month / WEEKS_PER_MONTH
    print(f"\n== part 2: weeks of samples needed to see a doubling of the error rate — {args.forms_per_month} "
          f"forms/month, ~{fields_per_item:.1f} accepted keyed values per form, at least {args.min_per_week} "
          f"forms/week; 'shown' = the Wilson 95 % lower bound of the values checked since the change is above "
          f"the old rate, with 80 % probability (one look at that week; false alarm when nothing changed in brackets); "
          f"'first wrong' = median weeks until a wrong value is found (under a 0.1 % budget that tightens the thresholds)")  # fmt: skip
    print("  old → new rate   share   values/week   weeks to show the doubling (false alarm)   first wrong (median)")
    for p0 in (0.001, 0.005, 0.01, 0.02):
        for share in (0.02, 0.05, 0.10, 0.20):
            v = values_per_week(per_week, share, args.min_per_week, fields_per_item)
            weeks, power, alarm = None, 0.0, 0.0
            for w in range(1, 521):
                power, alarm = detection(round(w * v), p0, 2 * p0)
                if power >= 0.8:
                    weeks = w
                    break
            first = math.log(0.5) / (v * math.log1p(-2 * p0))
            shown = f"{weeks:>4} weeks ({alarm:.1%})" if weeks else ">520 weeks"
            first_text = "< 1" if first < 1 else f"{first:.1f}"
            print(f"  {p0:.1%} → {2 * p0:.1%}      {share:>4.0%}   {v:>10.0f}   {shown:>41}   {first_text:>10} weeks")


def part3(args: argparse.Namespace) -> None:
    """Does the 95 % interval hold the injected rate 95 % of the time? Many simulated years with the
    same sampling rule (share, weekly minimum) and the same Wilson function."""
    from daiko.stats import wilson_interval

    rng = random.Random(args.seed + 2)
    accept = acceptance_by_type()
    per_week = args.forms_per_month / WEEKS_PER_MONTH
    years = 400
    print(f"\n== part 3: coverage of the 95 % interval — {years} simulated years per rate, share {args.share:.0%}, "
          f"at least {args.min_per_week} forms/week, {args.forms_per_month} forms/month")  # fmt: skip
    print("  injected   week   values checked (median)   interval holds the injected rate   median interval")
    for p in (0.005, 0.01, 0.02):
        at = {13: [], 26: [], 52: []}
        for _ in range(years):
            n = k = 0
            for week in range(1, 53):
                items = _poisson(rng, per_week)
                sampled = min(items, max(sum(rng.random() < args.share for _ in range(items)), args.min_per_week))
                m = sum(rng.random() < accept.get(t, 0.97) for _ in range(sampled) for t in KEYED.values())
                n += m
                k += sum(rng.random() < p for _ in range(m))
                if week in at:
                    at[week].append((n, wilson_interval(k, n)))
        for week, rows in at.items():
            covered = sum(lo <= p <= hi for _, (lo, hi) in rows) / len(rows)
            ns = sorted(n for n, _ in rows)
            widths = sorted(hi - lo for _, (lo, hi) in rows)
            mid = len(rows) // 2
            lows = sorted(lo for _, (lo, _hi) in rows)
            highs = sorted(hi for _, (_lo, hi) in rows)
            print(f"  {p:>7.1%}   {week:>4}   {ns[mid]:>22}   {covered:>32.1%}   "
                  f"{lows[mid]:.2%}–{highs[mid]:.2%} (width {widths[mid]:.2%})")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=0.01, help="injected wrong share of accepted values")
    parser.add_argument("--share", type=float, default=0.02)
    parser.add_argument("--min-per-week", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--forms-per-month", type=float, default=430)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--part", choices=("1", "2", "3", "all"), default="all")
    args = parser.parse_args(argv)
    if args.part in ("1", "all"):
        part1(args)
    if args.part in ("2", "all"):
        part2(args)
    if args.part in ("3", "all"):
        part3(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
