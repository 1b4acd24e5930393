"""Which answers a survey allows, and what happens to the others (the survey definition's ``rules``).

One function, :func:`check_response`, for every source and every moment: a page just read (marks
scored by ink), an 電子申請 row, and an item coming back from the console. Per question:

- ``ambiguous`` — a mark that cannot be told from a smudge (the reader's ink score between
  ``off`` and ``on``);
- ``over_limit`` — more marks than allowed (two in a 単一回答, four in 「3つまで」);
- ``duplicate_rank`` — the same choice at two ranks of a 優先順位;
- ``condition_unmet`` — an answer to 「問3で1・2と答えた方に」 from someone who did not;
- ``unsure_text`` — free text the reader is unsure of.

Each resolves to ``review`` (the fields go to a person, with a reason in Japanese) or ``invalid``
(無効: the answer is dropped and counted as 無回答 — or, for a condition not met, left out).
A field a person already checked is never sent back: what they confirmed stands, and a violation
left in it is 無効.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from daiko.forms.survey import Question, SurveyDefinition

REASONS_JA = {
    "ambiguous": "無効（印か汚れか判定できない）",
    "over_limit": "無効（選べる数を超えた回答）",
    "duplicate_rank": "無効（同じ選択肢に複数の順位）",
    "condition_unmet": "条件外の回答（集計から除外）",
}


@dataclass
class Checked:
    fields: dict[str, dict[str, Any]]  # the specs, updated (無効 → value None, ``invalid`` code)
    review: list[str] = field(default_factory=list)  # fields a person must check, in form order
    invalid: dict[str, str] = field(default_factory=dict)  # question id → code (see REASONS_JA)


def keys_of(value: Any) -> list[str]:
    """A mark field's value as a list of option keys (None → [])."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [k for k in str(value).split(",") if k]


def mark_problem(survey: SurveyDefinition, spec: dict[str, Any], limit: int | None) -> str | None:
    """'ambiguous' / 'over_limit' for a mark field the reader sent to review, from its ink scores
    (or the problem an 電子申請 row names); None when review was for another reason."""
    if spec.get("problem"):
        return str(spec["problem"])
    scores = spec.get("scores")
    if not isinstance(scores, dict):
        return "over_limit" if limit is not None and len(keys_of(spec.get("value"))) > limit else None
    form = next((f for f in survey.forms if f.name == spec.get("form")), survey.forms[0])
    on, off = form.marks.on, form.marks.off
    if any(off < float(s) < on for s in scores.values()):
        return "ambiguous"
    marked = [k for k, s in scores.items() if float(s) >= on]
    if limit is not None and len(marked) > limit:
        return "over_limit"
    return None


def _problem_text(survey: SurveyDefinition, q: Question, code: str, spec: dict[str, Any]) -> str:
    if code == "ambiguous":
        return "印があるか判定できません。原本のとおり入力してください（空欄で確定すると無回答）"
    limit = survey.limit(q)
    n = len([k for k, s in (spec.get("scores") or {}).items() if float(s) > 0]) or len(keys_of(spec.get("value")))
    if q.type == "multi":
        return f"「{limit}つまで」の設問に{n}つ印があります。正しい回答を入力してください（空欄で確定すると無回答）"
    return f"1つだけ選ぶ設問に{n}つ印があります。正しい回答を入力してください（空欄で確定すると無回答）"


def _set_invalid(spec: dict[str, Any], code: str) -> None:
    spec.update(value=None, decision="accept", reason=None, invalid=code)


def _answered(q: Question, fields: dict[str, dict[str, Any]]) -> bool:
    for name in q.fields:
        value = (fields.get(name) or {}).get("value")
        if keys_of(value) if q.type != "text" else (value not in (None, "")):
            return True
    return False


def condition_met(survey: SurveyDefinition, q: Question, values: dict[str, Any]) -> bool | None:
    """Whether the respondent meets ``q``'s condition given field values; None when not known here."""
    if q.condition is None:
        return True
    cond = survey.question(q.condition.question)
    assert cond.field is not None
    if cond.field not in values:
        return None
    return bool(set(keys_of(values[cond.field])) & set(q.condition.choices))


def check_response(
    survey: SurveyDefinition, fields: dict[str, dict[str, Any]], *, reviewed: set[str] = frozenset()
) -> Checked:
    """Apply the survey's rules to the fields of one item (one booklet, one page or one web answer)."""
    fields = copy.deepcopy(fields)
    review: set[str] = set()
    for name in reviewed:  # a person's answer replaces whatever the rules made of the reading
        if name in fields:
            fields[name].pop("invalid", None)
            fields[name].pop("problem", None)
    for q in survey.questions:
        present = [n for n in q.fields if n in fields]
        if not present:
            continue
        rules = survey.rules_for(q)
        for name in present:
            spec = fields[name]
            if name in reviewed or spec.get("decision") != "review":
                continue
            if q.type == "text":
                if rules.unsure_text == "keep":
                    spec.update(decision="accept", reason=None)
                else:
                    review.add(name)
                continue
            code = mark_problem(survey, spec, survey.limit(q))
            if code is None:
                review.add(name)  # the reader's own reason stands
            elif getattr(rules, code) == "invalid":
                _set_invalid(spec, code)
            else:
                spec["reason"] = _problem_text(survey, q, code, spec)
                review.add(name)
        if q.type == "ranking":
            _check_ranks(survey, q, fields, present, rules.duplicate_rank, reviewed, review)
        if q.condition is not None and _answered(q, fields):
            values = {n: s.get("value") for n, s in fields.items() if s.get("decision") == "accept"}
            if condition_met(survey, q, values) is False:
                cond = survey.question(q.condition.question)
                if rules.condition_unmet == "review" and not (set(present) & reviewed):
                    for name in present:
                        fields[name]["decision"] = "review"
                        fields[name]["reason"] = (
                            f"{cond.title.split()[0]}で「{'・'.join(q.condition.choices)}」と答えた方だけの設問です。"
                            "原本を確認してください（そのまま確定すると集計から除外）"
                        )
                        review.add(name)
    invalid: dict[str, str] = {}
    for q in survey.questions:
        for name in q.fields:
            code = (fields.get(name) or {}).get("invalid")
            if code:
                invalid.setdefault(q.id, str(code))
    sheet = fields.get(survey.sheet_no_field)
    if sheet is not None and sheet.get("decision") == "review":
        review.add(survey.sheet_no_field)
    order = [survey.sheet_no_field] + [n for q in survey.questions for n in q.fields]
    return Checked(fields=fields, review=[n for n in order if n in review], invalid=invalid)


def _check_ranks(
    survey: SurveyDefinition,
    q: Question,
    fields: dict[str, dict[str, Any]],
    present: list[str],
    rule: str,
    reviewed: set[str],
    review: set[str],
) -> None:
    """The same choice at two ranks (before any 「わからない」): 無効 for the whole ranking, or review."""
    seen: dict[str, str] = {}
    clash: set[str] = set()
    for name in q.ranks:
        spec = fields.get(name)
        if spec is None or name in review:
            continue
        keys = keys_of(spec.get("value"))
        if len(keys) != 1:
            continue
        if keys[0] == q.dont_know:
            break
        if keys[0] in seen:
            clash |= {seen[keys[0]], name}
        seen.setdefault(keys[0], name)
    if not clash:
        return
    if rule == "review" and not (clash & reviewed):
        ranks = "・".join(f"{q.ranks.index(n) + 1}位" for n in q.ranks if n in clash)
        for name in clash:
            fields[name]["decision"] = "review"
            fields[name]["reason"] = f"同じ選択肢に複数の順位が付いています（{ranks}）。原本のとおり入力してください"
            review.add(name)
        return
    for name in present:
        _set_invalid(fields[name], "duplicate_rank")
