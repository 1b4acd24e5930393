"""Is the record the system found the one the declaration is about? Compare before acting.

A robot locates a record by what the paper says (a 標識番号, a 受付番号…), and one misread
character there finds somebody else's record. So before the final button the robot compares
what the system shows for the record with what the declaration says: the owner's name (kanji
and kana), the maker, the 車台番号, the address — the fields robots.yaml lists under
``identity.must_match`` (the form's field names). Each is compared as people compare them:
widths, spaces, 旧字体/異体字 (髙橋 = 高橋), small kana (キョウコ = キヨウコ), 丁目/番地 notation.

Verdicts:

- ``match``: every listed field the declaration carries agrees (and at least ``min_present`` were
  carried) — the robot may go on; fields that were only unsure and agree exactly are thereby
  *confirmed by the register*;
- ``mismatch``: a field read with confidence (or checked by a person) disagrees — a business
  exception for a person, both sides stored and shown side by side, never keyed;
- ``unsure``: only fields the OCR was unsure of disagree — the item goes back to review with
  those fields, so a person reads the paper;
- ``unproven``: the declaration carries none of the fields — nothing to prove it with.

Adapters speak a small vocabulary for what a record holds (``owner_name``, ``owner_kana``,
``owner_address``, ``maker``, ``model``, ``chassis_no``, ``plate``…); a task maps its form's field
names onto it (:attr:`daiko.robots.tasks.base.Task.register_keys`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

import jaconv

from daiko.forms.fieldtypes.kana_name import large_kana
from daiko.forms.reference.variants import same_text
from daiko.log import register_personal
from daiko.robots.errors import BusinessError

MATCH, MISMATCH, UNSURE, UNPROVEN = "match", "mismatch", "unsure", "unproven"

SPACES = re.compile(r"[\s\u3000・･]+")
PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
ADDRESS_SEPARATORS = re.compile(r"(丁目|番地|番|号|(?<=\d)の(?=\d)|[-‐－―ー−])")


def fold_kanji_name(text: str) -> str:
    """Widths and spaces ignored; 旧字体・異体字 are compared by :func:`agree` (髙橋 = 高橋)."""
    return SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def fold_kana_name(text: str) -> str:
    text = jaconv.hira2kata(unicodedata.normalize("NFKC", text or ""))
    return large_kana(SPACES.sub("", text))


def fold_code(text: str) -> str:
    """Plates and 車台番号 as typed: widths, case, spaces and dashes ignored."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-‐－―ー・.")


def fold_address(text: str) -> str:
    """'埼玉県飯能市美杉台三丁目5番2号 ハイツ飯能102号室' → '飯能市美杉台3-5-2' (the building dropped:
    people leave it off a form, and the register does not always hold it)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = PREFECTURE.sub("", SPACES.sub("", text)).replace("大字", "")
    text = re.sub(r"[〇一二三四五六七八九]+(?=丁目|番|号)", lambda m: m.group(0).translate(KANJI_DIGITS), text)
    text = ADDRESS_SEPARATORS.sub("-", text)
    text = re.sub(r"(?<=-)の(?=\d)", "", text)  # 123番地の4
    core = re.match(r"^(.*?\d+(?:-+\d+)*)", text)
    text = core.group(1) if core else text
    return re.sub(r"-+", "-", text).strip("-")


def fold_text(text: str) -> str:
    return SPACES.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


FOLDERS = {
    "kanji_name": fold_kanji_name,
    "kana_name": fold_kana_name,
    "plate": fold_code,
    "chassis_no": fold_code,
    "code": fold_code,
    "address": fold_address,
}


def agree(ftype: str, declared: str, register: str, *, partial_min_chars: int = 4) -> bool:
    """Does the declared value name the same thing as the register's (by field type)?"""
    fold = FOLDERS.get(ftype, fold_text)
    a, b = fold(declared), fold(register)
    if not a or not b:
        return False
    if a == b:
        return True
    if ftype == "kanji_name":
        # 旧字体・異体字 as registers and people write names: the variant families forms/reference uses.
        return same_text(a, b)
    if ftype == "chassis_no":
        # Only the last digits given (some returns carry no more): they must end the register's.
        return len(a) >= partial_min_chars and b.endswith(a)
    if ftype == "address":
        # The city left off one side: the rest must be the whole of the other's end, numbers included.
        short, long_ = sorted((a, b), key=len)
        return len(short) >= 4 and any(c.isdigit() for c in short) and long_.endswith(short)
    if ftype not in FOLDERS:
        # Free text such as 車名: 'トヨタ' on the paper, 'トヨタ車体' in the register.
        return len(a) >= 2 and b.startswith(a)
    return False


def same_code(declared: str | None, register: str | None, *, partial_min_chars: int = 4) -> bool:
    """One 車台番号 / plate comparison for every place that locates a record by it."""
    return agree("chassis_no", declared or "", register or "", partial_min_chars=partial_min_chars)


@dataclass
class FieldCheck:
    name: str
    label: str
    declared: str
    register: str
    agree: bool
    unsure: bool  # the OCR was unsure of the declared value (a person has not checked it)


@dataclass
class Comparison:
    verdict: str
    checks: list[FieldCheck] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # listed fields the declaration does not carry

    @property
    def disagreeing(self) -> list[FieldCheck]:
        return [c for c in self.checks if not c.agree]

    def side_by_side(self, document: str = "申告書") -> str:
        """'氏名 申告書: 山口 健太 / 登録: 細田 浩' for each disagreeing field (Japanese, for staff);
        ``document`` is what the paper is called (申告書, 依頼書 …: the task's ``document_ja``)."""
        return "、".join(
            f"{c.label} {document}: {c.declared} / 登録: {c.register or '（なし）'}" for c in self.disagreeing
        )

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "fields": [asdict(c) for c in self.checks], "missing": self.missing}


@dataclass(frozen=True)
class Rule:
    """robots.yaml ``identity`` for one robot, with its task's defaults filled in."""

    must_match: tuple[str, ...]
    min_present: int = 1
    partial_min_chars: int = 4
    confirm_from_register: bool = True


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value).strip()


def compare(
    fields: dict[str, dict[str, Any]], record: dict[str, str], rule: Rule, register_keys: dict[str, str]
) -> Comparison:
    """The declaration's fields against the system's record, by the rule (none listed: nothing to prove)."""
    if not rule.must_match:
        return Comparison(MATCH)
    checks: list[FieldCheck] = []
    missing: list[str] = []
    for name in rule.must_match:
        spec = fields.get(name) or {}
        declared = _text(spec.get("value"))
        if not declared:
            missing.append(name)
            continue
        key = register_keys.get(name, name)
        register = _text(record.get(key))
        if spec.get("personal"):
            # The system's value is as personal as the paper's (a stranger's name, when they
            # disagree): masked in every log line and event the side-by-side reason reaches.
            register_personal(register)
        ftype = str(spec.get("type") or "text")
        checks.append(
            FieldCheck(
                name=name,
                label=str(spec.get("label") or name),
                declared=declared,
                register=register,
                agree=agree(ftype, declared, register, partial_min_chars=rule.partial_min_chars),
                unsure=spec.get("decision") == "review",
            )
        )
    disagreeing = [c for c in checks if not c.agree]
    if any(not c.unsure for c in disagreeing):
        verdict = MISMATCH
    elif disagreeing:
        verdict = UNSURE
    elif len(checks) < max(1, rule.min_present):
        verdict = UNPROVEN
    else:
        verdict = MATCH
    return Comparison(verdict, checks, missing)


class IdentityMismatch(BusinessError):
    """The record found is not the declaration's: never keyed, both sides shown to staff."""

    def __init__(self, comparison: Comparison, what: str, document: str = "申告書"):
        super().__init__(
            f"{what}が{document}の内容と一致しないため入力していません（{comparison.side_by_side(document)}）。"
            f"{document}と基幹システムの登録内容を確認してください。",
            code="identity_mismatch",
        )
        self.comparison = comparison


class IdentityUnproven(BusinessError):
    def __init__(self, comparison: Comparison, labels: list[str], document: str = "申告書"):
        super().__init__(
            f"{document}に本人・対象を確かめられる項目（{'、'.join(labels)}）がないため入力していません。"
            f"{document}を確認してください。",
            code="identity_unproven",
        )
        self.comparison = comparison


class NeedsReview(Exception):
    """Fields the OCR was unsure of disagree with the record: a person reads the paper."""

    def __init__(self, comparison: Comparison, document: str = "申告書"):
        super().__init__(comparison.side_by_side(document))
        self.comparison = comparison
        self.fields = [c.name for c in comparison.disagreeing]
        self.reason = (
            f"読み取りが不確かな項目が基幹システムの登録内容と異なります。{document}の記載を確認してください"
            f"（{comparison.side_by_side(document)}）"
        )


def exact(ftype: str, declared: str, register: str) -> bool:
    """The same value, only written differently (width, spaces, dashes) — no partial matches:
    what the register may *confirm* an unsure reading with."""
    fold = FOLDERS.get(ftype, fold_text)
    a, b = fold(declared), fold(register)
    return bool(a) and a == b
