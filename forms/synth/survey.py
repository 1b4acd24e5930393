"""Synthetic survey respondents, their filled-in pages and an 電子申請 export — from a survey definition.

Generic: the questions, choices, limits, conditions and ranks come from forms/surveys/<name>.yaml,
so any survey defined there gets data. Each :class:`Respondent` keeps what was *written* (which may
break the rules on purpose: four marks in 「3つまで」, an answer to a question the respondent was
not asked, the same choice at two ranks) and the answers as the respondent meant them; the tests
derive what a correct tally must show from these, on their own.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

from daiko.forms.survey import Question, SurveyDefinition
from daiko.forms.synth.dataset import SyntheticPage, make_page
from daiko.forms.synth.fakes import Fake

COMMENTS = [
    "手続きをもっとオンラインでできるようにしてほしい",
    "高齢者向けのスマホ教室を増やしてください",
    "市のホームページが見づらいです",
    "コンビニで証明書が取れるのは便利です",
    "防災メールを充実させてほしい",
    "イベントの情報をもっと知りたい",
    "特にありません",
]
# Comments that carry personal data: the tally must mask them (kind → how many in each).
PERSONAL_COMMENTS = [
    ("山田太郎です。電話090-1234-5678まで", {"氏名": 1, "電話番号": 1}),
    ("中山2丁目5番3号の佐藤です", {"住所": 1, "氏名": 1}),
    ("窓口の鈴木さんが親切でした", {"氏名": 1}),
]
OTHER_TEXTS = ["スマートウォッチ", "カーナビ", "図書館の端末"]


@dataclass
class Respondent:
    number: int
    sheet_no: str
    written: dict[str, str | None]  # field → what is on the paper / in the CSV ("1,3" for marks)
    meant: dict[str, str | None] = field(default_factory=dict)  # field → the answer as meant (rules aside)
    broken: dict[str, str] = field(default_factory=dict)  # question id → rule broken on purpose
    comment_masks: dict[str, int] = field(default_factory=dict)


def _choice_keys(survey: SurveyDefinition, q: Question) -> list[str]:
    return [k for k, _ in survey.choices(q)]


def make_respondent(survey: SurveyDefinition, number: int, *, rule_breaking: float = 0.06) -> Respondent:
    """One respondent of ``survey`` (deterministic per number)."""
    rng = random.Random(f"{survey.name}:respondent:{number}")
    r = Respondent(number=number, sheet_no=f"{number:04d}", written={})
    for q in survey.questions:
        keys = _choice_keys(survey, q)
        asked = True
        if q.condition is not None:
            cond = survey.question(q.condition.question)
            chosen = set((r.written.get(cond.field or "") or "").split(","))
            asked = bool(chosen & set(q.condition.choices)) and cond.id not in r.broken
        if q.type == "single":
            assert q.field is not None
            value = None if rng.random() < 0.04 or not asked else rng.choice(keys)
            written = value
            if value is not None and rng.random() < rule_breaking:
                written = ",".join(sorted({value, rng.choice([k for k in keys if k != value])}, key=keys.index))
                r.broken[q.id] = "over_limit"
            r.written[q.field], r.meant[q.field] = written, value
        elif q.type == "multi":
            assert q.field is not None
            limit = survey.limit(q) or len(keys)
            value = None
            if asked and rng.random() > 0.03:
                value = ",".join(sorted(rng.sample(keys, rng.randint(1, min(limit, 4))), key=keys.index))
            written = value
            if not asked and rng.random() < rule_breaking * 2:
                written = ",".join(sorted(rng.sample(keys, 2), key=keys.index))
                r.broken[q.id] = "condition_unmet"
            elif value is not None and survey.limit(q) and rng.random() < rule_breaking:
                written = ",".join(sorted(rng.sample(keys, limit + 1), key=keys.index))
                r.broken[q.id] = "over_limit"
            r.written[q.field], r.meant[q.field] = written, value
            if q.other_text:
                other = keys[-1]
                text = rng.choice(OTHER_TEXTS) if written and other in written.split(",") else None
                r.written[q.other_text] = r.meant[q.other_text] = text
        elif q.type == "ranking":
            items = [k for k in keys if k != q.dont_know]
            order = rng.sample(items, len(items))
            filled = len(q.ranks) if rng.random() < 0.75 else rng.randint(1, len(q.ranks))
            ranks: list[str | None] = [order[i] if i < min(filled, len(order)) else None for i in range(len(q.ranks))]
            if q.dont_know and rng.random() < 0.12:
                stop = 0 if rng.random() < 0.7 else rng.randint(1, 2)
                ranks = [*ranks[:stop], q.dont_know] + [None] * (len(q.ranks) - stop - 1)
            elif rng.random() < rule_breaking and ranks[1] is not None:
                ranks[len(q.ranks) - 1] = ranks[0]
                r.broken[q.id] = "duplicate_rank"
            for name, key in zip(q.ranks, ranks, strict=True):
                r.written[name] = r.meant[name] = key
        elif q.type == "matrix":
            for item in q.items:
                value = None if rng.random() < 0.05 else rng.choice(keys)
                r.written[item.field] = r.meant[item.field] = value
        elif q.type == "text":
            assert q.field is not None
            text = None
            roll = rng.random()
            if roll < 0.08:
                text, masks = rng.choice(PERSONAL_COMMENTS)
                r.comment_masks = dict(masks)
            elif roll < 0.35:
                text = rng.choice(COMMENTS)
            r.written[q.field] = r.meant[q.field] = text
    return r


def respondent_pages(
    survey: SurveyDefinition, r: Respondent, *, kind: str = "printed", severity: str = "clean"
) -> list[SyntheticPage]:
    """The respondent's booklet as scanned pages (page 1 first)."""
    pages = []
    for page_no, form in enumerate(survey.forms, start=1):
        values = {f.name: Fake(None, None) for f in form.fields}
        values[survey.sheet_no_field] = Fake(r.sheet_no, r.sheet_no)
        for f in form.fields:
            if f.name in r.written and f.name != survey.sheet_no_field:
                text = r.written[f.name]
                values[f.name] = Fake(text, text)
        pages.append(make_page(form, r.number * 10 + page_no, kind, severity=severity, values=values))
    return pages


def write_web_csv(
    survey: SurveyDefinition,
    respondents: list[Respondent],
    path: Path,
    *,
    encoding: str = "cp932",
    id_start: int = 1,
    with_sheet_no: bool = True,
) -> Path:
    """The 電子申請 system's export: labels in the cells, 申込番号 / 申込日時 first."""
    web = survey.web
    names = [n for q in survey.questions for n in [*q.fields, *([q.other_text] if q.other_text else [])]]
    header = [web.id_column, *([web.received_column] if web.received_column else [])]
    if with_sheet_no and web.sheet_no_column:
        header.append(web.sheet_no_column)
    header += [survey.web_column(n) for n in names]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="", errors="strict") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i, r in enumerate(respondents):
            start = survey.period.start
            line = [f"W{id_start + i:06d}"]
            if web.received_column:
                line.append(f"{start:%Y/%m/%d} {9 + i % 8:02d}:{(i * 7) % 60:02d}")
            if with_sheet_no and web.sheet_no_column:
                line.append(r.sheet_no)
            for name in names:
                line.append(_cell(survey, name, r.written.get(name)))
            w.writerow(line)
    return path


def _cell(survey: SurveyDefinition, name: str, written: str | None) -> str:
    if not written:
        return ""
    _, fdef = survey.field(name)
    if fdef.type != "choice":
        return written
    labels = {o.key: o.label for o in fdef.options}
    return survey.web.separator.join(labels[k] for k in written.split(","))
