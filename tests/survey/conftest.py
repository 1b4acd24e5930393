"""A 企画課 running a survey: a robots.yaml with the survey robot, and independent expected figures.

``expected_tables`` recomputes what a correct 集計 must show from the generator's respondents and
the survey's rules as the YAML states them — with its own arithmetic (fractions, half-up by hand),
not the tally module's, so a wrong tally cannot agree with itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from bench.robots_yaml import robots_yaml, survey_robot
from daiko.config.loader import parse_config
from daiko.forms.survey import SurveyDefinition
from daiko.forms.synth.survey import Respondent


def survey_config(tmp_path: Path, survey: str = "shimin_ict"):
    robot = survey_robot(survey, name="ICT市民意識調査 集計ロボット", section="情報政策課", baseline_minutes=5,
                         csv_baseline_minutes=0.5)  # fmt: skip
    text = robots_yaml(data=tmp_path / "data", robot=robot)
    (tmp_path / "robots.yaml").write_text(text, encoding="utf-8")
    return parse_config(text, base_dir=tmp_path)


def half_up(count: int, base: int) -> str | None:
    """count/base in percent to one decimal, 四捨五入, with exact fractions: '42.9'."""
    if base == 0:
        return None
    tenths = Fraction(count * 1000, base)  # percent × 10
    rounded = int(tenths + Fraction(1, 2))  # floor(x + 0.5): half-up for non-negative x
    return f"{rounded // 10}.{rounded % 10}"


def half_even(count: int, base: int) -> str | None:
    if base == 0:
        return None
    value = round(Fraction(count * 1000, base))  # Python rounds a Fraction half to even
    return f"{value // 10}.{value % 10}"


@dataclass
class Final:
    """One response as a correct tally counts it."""

    method: str  # 郵送 / 電子申請
    values: dict[str, list[str]]  # field → keys (after the rules and the person's checks)


def keys(text: str | None) -> list[str]:
    return [k for k in (text or "").split(",") if k]


def final_answers(survey: SurveyDefinition, r: Respondent) -> dict[str, list[str]]:
    """What the tally must count for this respondent, from what they wrote and the YAML's rules.

    The person at the console (see ``person_types``) types the answer as meant for 「3つまで」
    over the limit, and blanks the later of two equal ranks.
    """
    out: dict[str, list[str]] = {}
    for q in survey.questions:
        rules = survey.rules_for(q)
        broken = r.broken.get(q.id)
        for name in q.fields:
            written = keys(r.written.get(name))
            if broken == "over_limit":
                out[name] = keys(r.meant.get(name)) if rules.over_limit == "review" else []
            elif broken == "duplicate_rank":
                seen, kept = set(), []
                for rank in q.ranks:
                    k = keys(r.written.get(rank))
                    kept.append(rank if k and k[0] not in seen else None)
                    seen |= set(k)
                out[name] = written if name in kept else []
            else:
                out[name] = written
        if q.type == "text" or q.other_text:
            for name in [q.field] if q.type == "text" else [q.other_text]:
                out[name] = [r.written[name]] if r.written.get(name) else []
    return out


def person_types(survey: SurveyDefinition, r: Respondent, name: str) -> str:
    """What a member of staff types for a field under review, looking at the paper."""
    if name == survey.sheet_no_field:
        return r.sheet_no
    return ",".join(final_answers(survey, r)[name])


def expected_rows(
    survey: SurveyDefinition, finals: list[Final]
) -> dict[tuple[str, str, str, str], tuple[int, int, str]]:
    """(question id, table title, 区分, choice label) → (件数, n, %), as the 集計 CSV must list them."""
    out = {}
    for q in survey.questions:
        if q.type == "text":
            continue
        choices = survey.choices(q)

        def eligible(f: Final, q=q) -> bool:
            if q.condition is None:
                return True
            cond = survey.question(q.condition.question)
            return bool(set(f.values[cond.field]) & set(q.condition.choices))

        asked = [f for f in finals if eligible(f)]
        if q.type in ("single", "multi"):
            tables = [(q.title, q.field, asked)]
        elif q.type == "matrix":
            tables = [(f"{q.title}　{i.label}", i.field, asked) for i in q.items]
        else:
            tables = []
            for n, rank in enumerate(q.ranks, start=1):
                later = [f for f in asked if not any(f.values[x] == [q.dont_know] for x in q.ranks[: n - 1])]
                tables.append((f"{q.title}　{n}位", rank, later))
        for title, name, people in tables:
            blocks = [("全体", people), ("郵送", [f for f in people if f.method == "郵送"])]
            blocks.append(("電子申請", [f for f in people if f.method == "電子申請"]))
            if q.crosstab:
                for g in survey.groups:
                    age = survey.question(g.question).field
                    for b in g.buckets:
                        inside = [f for f in people if len(f.values[age]) == 1 and f.values[age][0] in b.choices]
                        blocks.append((f"{g.title}:{b.label}", inside))
                    blank = [f for f in people if not f.values[age]]
                    blocks.append((f"{g.title}:無回答（{g.title}）", blank))
            for label, group in blocks:
                base = len(group)
                for key, choice in choices:
                    n = sum(1 for f in group if key in f.values[name])
                    out[(q.id, title, label, choice)] = (n, base, half_up(n, base) or "")
                blank_n = sum(1 for f in group if not f.values[name])
                out[(q.id, title, label, "無回答")] = (blank_n, base, half_up(blank_n, base) or "")
    return out
