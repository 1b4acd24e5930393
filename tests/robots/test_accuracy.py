"""抜き取り確認 on the real ledger: the Wilson interval against hand-computed values, the sampling
rules, a breach tightening the thresholds the reader applies (and the admin told), and a looser
threshold only ever offered — active only after an admin's 適用. (The screen: tests/console/
test_sampling_browser.py.)"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from sqlalchemy import select

from daiko.config import ConfigError
from daiko.config.loader import parse_config
from daiko.forms.acceptance import ReadingPolicy, reading_policy, thresholds
from daiko.forms.definition import load_definition
from daiko.forms.reader import POLICY_ALWAYS_JA, _apply_review_policy
from daiko.forms.result import FieldResult
from daiko.ledger import (
    Audit,
    AuditCheck,
    AuditSample,
    AuditSeed,
    Correction,
    Event,
    FieldReview,
    IntakeFile,
    ItemState,
    Ledger,
    Run,
    ThresholdOverride,
    WorkItem,
    utcnow,
)
from daiko.reports.build import build_report
from daiko.reports.period import Period
from daiko.robots import accuracy, sampling
from daiko.robots.config import form_fields
from daiko.stats import estimate, wilson_interval

from .conftest import make_config

pytestmark = pytest.mark.both_ledgers  # one sampling decision per item even on a shared PostgreSQL

AUDIT = """\
    audit: {{share: {share}, min_per_week: {minimum}, budget: {budget}, minutes_per_item: 1.5, offer_after_weeks: 3}}
"""


def config(tmp_path: Path, share: float = 0.2, minimum: int = 3, budget: float = 0.001, extra: str = ""):
    return make_config(tmp_path, extra=AUDIT.format(share=share, minimum=minimum, budget=budget) + extra)


# ---- Wilson ---------------------------------------------------------------------------------------


@pytest.mark.both_ledgers(backends=("sqlite",))  # arithmetic only
def test_wilson_interval_matches_values_computed_by_hand():
    # 0 of 40: low 0, high z²/(n+z²) = 3.8415/43.8415
    assert wilson_interval(0, 40) == (0.0, pytest.approx(3.841459 / 43.841459, abs=1e-6))
    # 1 of 100: centre (0.01 + 0.019207)/1.038415 = 0.028127, half 1.96·√(0.000099 + 0.000096)/1.038415 = 0.026360
    low, high = wilson_interval(1, 100)
    assert low == pytest.approx(0.001767, abs=2e-6) and high == pytest.approx(0.054486, abs=2e-6)
    # 5 of 50 (the published example): 4.35 %–21.36 %
    low, high = wilson_interval(5, 50)
    assert (round(low, 4), round(high, 4)) == (0.0435, 0.2136)
    assert wilson_interval(3, 3)[1] == 1.0 and wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson_interval(4, 3)
    e = estimate(1, 100)
    assert e.rate == 0.01
    assert e.describe_ja() == "精度: 抜き取り 100 件中 誤り 1 件, 推定誤り率 1.00 %（95 % 信頼区間 0.18–5.45 %）"
    assert math.isclose(e.high, wilson_interval(1, 100)[1])


# ---- a ledger of keyed items ----------------------------------------------------------------------

BOX = [10, 10, 200, 60]


def fields(**extra: dict) -> dict:
    out = {
        "reference": {"label": "受付番号", "type": "code", "value": "R07-000123", "decision": "accept", "box": BOX,
                      "confidence": 0.99},
        "plate": {"label": "標識番号", "type": "plate", "value": "飯能市 あ 1234", "decision": "accept", "box": BOX,
                  "confidence": 0.98},
        "deregistered_on": {"label": "廃車年月日", "type": "wareki_date", "value": "2026-11-02", "decision": "accept",
                            "box": BOX, "confidence": 0.97},
        "owner_phone": {"label": "電話番号", "type": "phone", "value": "049-507-2606", "decision": "accept", "box": BOX},
        "mynumber": {"label": "個人番号", "type": "mynumber", "value": "************", "decision": "accept", "box": BOX},
    }  # fmt: skip
    for name, spec in extra.items():
        out[name] = {**out.get(name, {}), **spec}
    return out


def keyed(ledger: Ledger, n: int, *, finished: dt.datetime | None = None, mode: str = "live", **kw) -> list[int]:
    """``n`` items the robot keyed (done), from one scan file, in one run."""
    finished = finished or utcnow()
    ids = []
    with ledger.session() as s:
        run = Run(robot_id="haisha", trigger="manual", mode=mode, host="pc", pid=1, status="finished")
        f = IntakeFile(robot_id="haisha", sha256=f"{utcnow().timestamp()}{n}{mode}".ljust(64, "0")[:64],
                       original_name="scan.pdf", current_path="/nowhere/scan.pdf", kind="scan", state="done")  # fmt: skip
        s.add_all([run, f])
        s.flush()
        for part in range(1, n + 1):
            item = WorkItem(robot_id="haisha", file_id=f.id, part=part, form="keitax_haisha", state=ItemState.DONE,
                            fields=kw.get("fields") or fields(), run_id=run.id, finished_at=finished)  # fmt: skip
            s.add(item)
            s.flush()
            ids.append(item.id)
    return ids


# ---- sampling --------------------------------------------------------------------------------------


def test_sampling_draws_the_share_tops_up_the_week_records_the_seed_and_never_twice(tmp_path: Path):
    cfg = config(tmp_path, share=0.2, minimum=3)
    robot = cfg.robot("haisha")
    ledger = Ledger(cfg.ledger_url)
    ids = keyed(ledger, 40)
    reviewed = ids[0]
    with ledger.session() as s:  # a person checked this item's plate in review: not the robot's alone
        s.add(FieldReview(item_id=reviewed, field="plate", reviewer="tanaka", before="x", after="y"))
    trial = keyed(ledger, 5, mode="trial")  # a 試行 registered nothing
    jlis = keyed(ledger, 3, fields={k: {**v, "source": "jlis"} for k, v in fields().items()})  # data, not a reading
    # The seed a robot's first sampling writes is random; 40 items at 0.2 drew only 2 under one (CI of
    # b8548d1). A seed whose share alone meets the minimum keeps this test on the share, every run.
    chosen = next(f"seed-{k}" for k in range(1000) if sum(sampling.draw(f"seed-{k}", i) < 0.2 for i in ids) >= 3)
    with ledger.session() as s:
        s.add(AuditSeed(robot_id="haisha", seed=chosen))

    picked = sampling.sample_keyed(ledger, cfg, robot)

    with ledger.session() as s:
        seed = s.get(AuditSeed, "haisha").seed
        samples = {x.item_id: x for x in s.scalars(select(AuditSample))}
        checks = s.scalars(select(AuditCheck)).all()
    expected = {i for i in ids if sampling.draw(seed, i) < 0.2}
    assert len(expected) >= 3  # this seed's share alone meets the week's minimum of 3
    assert set(picked) == set(samples) == expected
    assert not set(picked) & set(trial + jlis)
    for item_id, sample in samples.items():  # an auditor can recompute every draw
        assert sample.seed == seed and sample.why == "share" and sample.draw == sampling.draw(seed, item_id)
    by_item: dict[int, set[str]] = {}
    for c in checks:
        by_item.setdefault(c.item_id, set()).add(c.field)
    for item_id, names in by_item.items():  # keyed fields only: no phone, never the 個人番号
        assert names == (
            {"reference", "deregistered_on"} if item_id == reviewed else {"reference", "plate", "deregistered_on"}
        )

    assert sampling.sample_keyed(ledger, cfg, robot) == []  # decided once: a second run (or PC) adds nothing


def test_a_quiet_week_is_topped_up_to_its_minimum_once_it_has_ended_with_the_lowest_draws(tmp_path: Path):
    cfg = config(tmp_path, share=0.0, minimum=5)
    ledger = Ledger(cfg.ledger_url)
    ids = keyed(ledger, 12, finished=utcnow() - dt.timedelta(days=7))  # last week
    keyed(ledger, 3)  # this week, under way: not topped up yet (its first items are not the week)
    picked = sampling.sample_keyed(ledger, cfg, cfg.robot("haisha"))
    seed = sampling.seed_for(ledger, "haisha")
    assert picked == sorted(sorted(ids, key=lambda i: sampling.draw(seed, i))[:5])
    with ledger.session() as s:
        assert {x.why for x in s.scalars(select(AuditSample))} == {"minimum"}


# ---- feedback --------------------------------------------------------------------------------------


def check_all(
    ledger: Ledger, cfg, actor: str = "tanaka", wrong: dict[str, str] | None = None
) -> list[sampling.Verdict]:
    with ledger.session() as s:
        pending = s.scalars(select(AuditSample.id).where(AuditSample.state == "pending").order_by(AuditSample.id)).all()
    return [
        sampling.record_verdict(ledger, cfg, sid, actor, (wrong or {}) if i == 0 else {})
        for i, sid in enumerate(pending)
    ]


def test_a_wrong_value_makes_a_correction_tightens_its_type_for_the_reader_and_tells_the_admin(tmp_path: Path):
    cfg = config(tmp_path, share=0.0, minimum=4)
    robot = cfg.robot("haisha")
    ledger = Ledger(cfg.ledger_url)
    keyed(ledger, 4, finished=utcnow() - dt.timedelta(days=7))
    sampling.sample_keyed(ledger, cfg, robot)
    verdicts = check_all(ledger, cfg, wrong={"plate": "飯能市 あ 1284"})

    first = verdicts[0]
    assert first.wrong == ["plate"] and len(first.corrections) == 1
    with ledger.session() as s:
        correction = s.get(Correction, first.corrections[0])
        audit = s.scalars(select(Audit).where(Audit.action == "audit_sample_checked")).all()
    assert (correction.keyed_value, correction.correct_value, correction.state) == (
        "飯能市 あ 1234",
        "飯能市 あ 1284",
        "open",
    )
    assert len(audit) == 4 and audit[0].actor == "tanaka" and audit[0].after["wrong"] == ["plate"]

    assert accuracy.estimates(ledger)[("haisha", "plate")].k == 1
    actions = accuracy.evaluate(ledger, cfg, robot)
    assert [(a.kind, a.field_type) for a in actions] == [("tighten", "plate")]
    assert accuracy.active_factors(ledger, "haisha") == {"plate": 0.5}
    with ledger.session() as s:
        alert = s.scalars(select(Event).where(Event.kind == "accuracy_breach")).one()
        tightened = s.scalars(select(Audit).where(Audit.action == "threshold_tightened")).one()
    assert alert.level == "WARNING" and "標識番号" in alert.message and "厳しく" in alert.message
    assert "1284" not in alert.message and "1234" not in alert.message  # no values in events
    assert tightened.actor == "system" and tightened.after == {"factor": 0.5}

    # The same errors do not tighten it again and again.
    assert accuracy.evaluate(ledger, cfg, robot) == []

    # The reader reads the robot's next pages with the tighter thresholds (and without: the files').
    form = load_definition("keitax_haisha")
    plate = form.field("plate")
    base = thresholds(form, plate, "rapidocr")
    with reading_policy(accuracy.reading_policy(ledger, robot)):
        tighter = thresholds(form, plate, "rapidocr")
        other = thresholds(form, form.field("reference"), "rapidocr")
    assert tighter.line == pytest.approx(1 - (1 - base.line) * 0.5, abs=1e-4) and tighter.line > base.line
    assert other == thresholds(form, form.field("reference"), "rapidocr")  # other types untouched

    sampling.resolve_correction(ledger, correction.id, "tanaka")
    with ledger.session() as s:
        assert s.get(Correction, correction.id).state == "done"
        assert s.scalars(select(Audit).where(Audit.action == "correction_done")).one().actor == "tanaka"
    with pytest.raises(sampling.AuditRefused):
        sampling.resolve_correction(ledger, correction.id, "tanaka")


def test_a_looser_threshold_is_only_offered_and_active_only_after_an_admin_applies_it(tmp_path: Path):
    cfg = config(tmp_path, share=1.0, minimum=0, budget=0.2)
    robot = cfg.robot("haisha")
    ledger = Ledger(cfg.ledger_url)
    now = utcnow()
    # Five weeks of clean samples: the upper bound is under half the budget at each of the last 3 week-ends.
    for weeks_ago in range(5, 0, -1):
        when = now - dt.timedelta(weeks=weeks_ago)
        keyed(ledger, 15, finished=when)
        sampling.sample_keyed(ledger, cfg, robot, now=when)
        check_all(ledger, cfg)
        with ledger.session() as s:  # checked that week
            for c in s.scalars(select(AuditCheck).where(AuditCheck.at > now - dt.timedelta(minutes=5))):
                c.at = when

    actions = accuracy.evaluate(ledger, cfg, robot, now=now)
    assert {a.kind for a in actions} == {"offer"} and {a.field_type for a in actions} == {
        "code", "plate", "wareki_date",
    }  # fmt: skip
    assert accuracy.active_factors(ledger, "haisha") == {}  # offered, not applied
    with ledger.session() as s:
        offers = {o.field_type: o for o in s.scalars(select(ThresholdOverride))}
        events = s.scalars(select(Event).where(Event.kind == "threshold_offer")).all()
    assert {o.state for o in offers.values()} == {"offered"} and offers["plate"].factor == 2.0
    assert len(events) == 3 and "自動では緩めません" in events[0].message
    assert accuracy.evaluate(ledger, cfg, robot, now=now) == []  # one offer at a time, never applied by daiko

    accuracy.accept_offer(ledger, offers["plate"].id, "admin1")
    accuracy.decline_offer(ledger, offers["code"].id, "admin1")
    assert accuracy.active_factors(ledger, "haisha") == {"plate": 2.0}
    with ledger.session() as s:
        decided = {a.action: a for a in s.scalars(select(Audit).where(Audit.actor == "admin1"))}
    assert decided["threshold_loosened"].after == {"factor": 2.0}
    assert decided["threshold_offer_declined"].target == "robot:haisha:code"
    with pytest.raises(sampling.AuditRefused):
        accuracy.accept_offer(ledger, offers["code"].id, "admin1")  # declined stays declined


# ---- review policy, robots.yaml, the report ---------------------------------------------------------


def result(name: str, decision: str) -> FieldResult:
    return FieldResult(name=name, label_ja=name, type="text", value="x", raw="x", confidence=0.5, decision=decision,
                       reason=None if decision == "accept" else "低い", box=(0, 0, 1, 1))  # fmt: skip


@pytest.mark.both_ledgers(backends=("sqlite",))  # no ledger work
def test_review_policy_always_holds_a_sure_value_and_never_releases_an_unsure_one(tmp_path: Path):
    form = load_definition("keitax_haisha")
    results = [result("plate", "accept"), result("owner_phone", "review"), result("reference", "accept")]
    with reading_policy(ReadingPolicy(review={"plate": "always", "owner_phone": "never"})):
        _apply_review_policy(form, results)
    plate, phone, reference = results
    assert (plate.decision, plate.reason, plate.policy) == ("review", POLICY_ALWAYS_JA, "always")
    assert (phone.decision, phone.policy) == ("accept", "never")
    assert (reference.decision, reference.policy) == ("accept", None)

    cfg = config(tmp_path, extra="    review: {owner_phone: never, plate: always}\n")
    assert cfg.robot("haisha").review == {"owner_phone": "never", "plate": "always"}
    with pytest.raises(ConfigError) as bad:
        config(tmp_path, extra="    review: {plate: sometimes}\n")
    assert "review" in str(bad.value)
    text = (tmp_path / "robots.yaml").read_text(encoding="utf-8").replace("plate: sometimes", "plates: always")
    with pytest.raises(ConfigError) as typo:  # `daiko validate`: a misspelt field would silently change nothing
        parse_config(text, base_dir=tmp_path, form_fields=form_fields())
    assert "'plates'" in str(typo.value) and "'plate'" in str(typo.value)


def test_the_report_subtracts_sampling_time_and_states_the_accuracy(tmp_path: Path):
    cfg = config(tmp_path, share=0.0, minimum=2)
    ledger = Ledger(cfg.ledger_url)
    keyed(ledger, 6, finished=utcnow() - dt.timedelta(days=7))
    sampling.sample_keyed(ledger, cfg, cfg.robot("haisha"))
    check_all(ledger, cfg, wrong={"reference": "R07-000124"})
    with ledger.session() as s:  # checked in that week too (the report counts checks up to its end)
        for c in s.scalars(select(AuditCheck)):
            c.at = utcnow() - dt.timedelta(days=7)
    today = utcnow().astimezone(dt.timezone(dt.timedelta(hours=9))).date()
    report = build_report(cfg, ledger, Period.week_of(today - dt.timedelta(days=7)))
    t = report.totals
    assert t.items == 6 and t.sampled == 2
    assert t.audit_minutes == pytest.approx(3.0)  # 2 × minutes_per_item 1.5
    assert t.net_minutes == pytest.approx(6 * 6 - 3.0)
    figures = report.figures()
    assert figures["audit_hours"] == pytest.approx(0.05)
    robot_line = figures["accuracy"][0]
    assert (robot_line["n"], robot_line["k"]) == (6, 1)
    assert robot_line["text"].startswith(
        "精度: 抜き取り 6 件中 誤り 1 件, 推定誤り率 16.67 %（95 % 信頼区間 3.01–56.35 %）"
    )
