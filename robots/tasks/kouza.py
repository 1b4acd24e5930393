"""口座振替登録: key a 市税等口座振替依頼書 into the 収納管理システム (a desktop client).

Input comes two ways, both ending as the same field dictionary (so keying and 突合 do not care
where an item came from):

- the AI-OCR'd 口座振替依頼書 (forms/definitions/kouza_furikae.yaml): accepted fields only; an item
  with a keyed field in review (a 口座番号 read unsurely, a 支店コード that does not exist or does
  not match the written 支店名 in the 全銀 data) waits for a person before anything is keyed;
- the 口座振替受付データ CSV that a bank's Web/ペイジー口座振替受付サービス delivers (UTF-8 or
  Shift_JIS, one row per application): every value goes through the form's own field types and
  checks, so a 金融機関コード the 全銀 data does not know goes to review just like on paper.

Identity: the 宛名 the system finds must carry the form's 氏名 and 住所 (robots.yaml
``identity.must_match``, default below) before the robot opens 口座振替登録 — the adapter shows
what it found to the runner's check (:mod:`daiko.robots.identity`), which decides.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daiko.robots.adapters.base import KeyingResult
from daiko.robots.tasks.base import ItemDraft, Task
from daiko.robots.tasks.scan import PERSONAL_TYPES, scan_drafts, value

FORM = "kouza_furikae"

# 振替税目: the form's option keys (forms/definitions/kouza_furikae.yaml) and their names.
TAXES = {
    "shikenmin": "市県民税（普通徴収）",
    "kotei": "固定資産税・都市計画税",
    "keijidosha": "軽自動車税（種別割）",
    "kokuho": "国民健康保険税",
}
DEPOSIT_TYPES = {"futsu": "普通", "toza": "当座"}


@dataclass(frozen=True)
class DirectDebitRequest:
    """One 口座振替依頼書 to register: who pays, from which account, for which 税目, from when."""

    reference: str  # 受付番号: unique per form, keyed into the system (never-key-twice check)
    name: str  # 納税義務者 氏名, 姓　名 (one 全角スペース)
    address: str  # 住所 as written on the form
    bank_code: str  # 金融機関コード, 4 digits
    branch_code: str  # 支店コード, 3 digits
    deposit_type: str  # a DEPOSIT_TYPES key: futsu / toza
    account_no: str  # 口座番号, 7 digits
    holder_kana: str  # 口座名義（カナ）
    taxes: tuple[str, ...]  # TAXES keys
    start_month: str  # 振替開始月, YYYY-MM
    kana: str | None = None  # フリガナ of the taxpayer, checked against the register when given
    atena_no: str | None = None  # 宛名番号 when the form carries one: searched by it, still identity-checked


# The fields keyed into the system, or used to find the taxpayer: only these hold an item back.
KEYED_FIELDS = frozenset(
    {"reference", "name", "address", "atena_no", "bank_code", "branch_code", "deposit_type", "account_no",
     "holder_kana", "taxes", "start_month", "bank_name", "branch_name"}
)  # fmt: skip
# Form field → what the system's 宛名 record calls it (the adapter's record keys).
REGISTER_KEYS = {"name": "owner_name", "kana": "owner_kana", "address": "owner_address", "atena_no": "atena_no"}
IDENTITY_FIELDS = ("name", "address")  # the default of robots.yaml identity.must_match

# 口座振替受付データ CSV: column → form field.
CSV_COLUMNS = {
    "受付番号": "reference", "申込日": "declared_on", "宛名番号": "atena_no", "氏名": "name", "フリガナ": "kana",
    "住所": "address", "電話番号": "phone", "金融機関コード": "bank_code", "金融機関名": "bank_name",
    "支店コード": "branch_code", "支店名": "branch_name", "預金種目": "deposit_type", "口座番号": "account_no",
    "口座名義": "holder_kana", "振替税目": "taxes", "振替開始月": "start_month",
}  # fmt: skip

# What 突合 compares between an item and the system's extract, with the column names staff see.
RECONCILE_LABELS = {
    "bank_code": "金融機関コード", "branch_code": "支店コード", "deposit_type": "預金種目",
    "account_no": "口座番号", "holder_kana": "口座名義", "taxes": "振替税目", "start_month": "振替開始月",
}  # fmt: skip


class KouzaTask(Task):
    name = "kouza"
    title_ja = "市税等 口座振替登録（収納管理システムへ入力）"
    document_ja = "依頼書"
    adapter = "shuno"
    forms = (FORM,)
    register_keys = REGISTER_KEYS
    # Every field the record is compared on also finds it (by 宛名番号 or 氏名 + 住所): the register
    # can prove the person, never "confirm" an unsure reading of what found them.
    locating_fields = frozenset(REGISTER_KEYS) | {"reference"}
    identity_fields = IDENTITY_FIELDS
    reconcile_labels = RECONCILE_LABELS
    keyed_fields = KEYED_FIELDS  # what audit samples may pick (values the robot keys)

    # -- reading ------------------------------------------------------------------------------
    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        from daiko.forms.reader import iter_file

        return scan_drafts(iter_file(path, form=form or FORM), path, image_dir, KEYED_FIELDS)

    def read_csv(self, path: Path) -> list[ItemDraft]:
        """口座振替受付データ: each value checked by the form's field type, then the form's checks."""
        from daiko.forms.definition import load_definition

        definition = load_definition(FORM)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp932")  # as the banks' services write it
        reader = csv.DictReader(io.StringIO(text))
        unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
        missing = [
            c for c, f in CSV_COLUMNS.items() if definition.field(f).required and c not in (reader.fieldnames or [])
        ]
        if missing:
            raise ValueError(f"口座振替受付データの列がありません: {'、'.join(missing)}")
        drafts = []
        for line, row in enumerate(reader, start=1):
            fields = {
                name: _checked(definition, name, (row.get(column) or "").strip())
                for column, name in CSV_COLUMNS.items()
                if column in row
            }
            _cross_checks(definition, fields)
            review = [n for n, spec in fields.items() if spec["decision"] == "review" and n in KEYED_FIELDS]
            drafts.append(
                ItemDraft(
                    part=line,
                    fields=fields,
                    review_fields=review,
                    reference=value(fields, "reference")
                    if fields.get("reference", {}).get("decision") == "accept"
                    else None,
                    form="kouza_furikae_csv",
                )
            )
        if unknown:
            from daiko.log import logger

            logger.info("kouza: columns not used: {}", unknown)
        return drafts

    # -- keying -------------------------------------------------------------------------------
    def reference_of(self, fields: dict[str, dict[str, Any]]) -> str | None:
        return value(fields, "reference")

    def subject(self, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
        atena = value(fields, "atena_no")
        return {"atena_no": atena} if atena else {}

    def request(self, fields: dict[str, dict[str, Any]]) -> DirectDebitRequest:
        taxes = (fields.get("taxes") or {}).get("value") or []
        if isinstance(taxes, str):
            taxes = [t for t in re.split(r"[,、・\s]+", taxes) if t]
        return DirectDebitRequest(
            reference=value(fields, "reference") or "",
            name=value(fields, "name") or "",
            address=value(fields, "address") or "",
            bank_code=value(fields, "bank_code") or "",
            branch_code=value(fields, "branch_code") or "",
            deposit_type=value(fields, "deposit_type") or "",
            account_no=value(fields, "account_no") or "",
            holder_kana=value(fields, "holder_kana") or "",
            taxes=tuple(t for t in TAXES if t in taxes),
            start_month=value(fields, "start_month") or "",
            kana=value(fields, "kana"),
            atena_no=value(fields, "atena_no"),
        )

    def key(self, adapter: Any, fields: dict[str, dict[str, Any]], *, dry_run: bool) -> KeyingResult:
        return adapter.key(self.request(fields), dry_run=dry_run)

    # -- 突合 ---------------------------------------------------------------------------------
    def reconcile_fields(self, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
        """What the system should hold for this item, in the adapter's parse_extract terms."""
        request = self.request(fields)
        values = {
            "bank_code": request.bank_code,
            "branch_code": request.branch_code,
            "deposit_type": request.deposit_type,
            "account_no": request.account_no,
            "holder_kana": request.holder_kana,
            "taxes": ",".join(request.taxes),
            "start_month": request.start_month,
        }
        return {name: values[name] for name in RECONCILE_LABELS}


def _checked(definition: Any, name: str, raw: str) -> dict[str, Any]:
    """One CSV value as a field spec, decided by the form's field type (choices by their label)."""
    fdef = definition.field(name)
    spec: dict[str, Any] = {
        "label": fdef.label_ja, "type": fdef.type, "raw": raw, "confidence": 1.0, "source": "csv",
        "personal": fdef.type in PERSONAL_TYPES,
    }  # fmt: skip
    if fdef.type == "choice":
        by_label = {o.label: o.key for o in fdef.options} | {o.key: o.key for o in fdef.options}
        parts = [p for p in re.split(r"[,、;／/\s]+", raw) if p] if fdef.select == "many" else ([raw] if raw else [])
        keys = [by_label.get(p) for p in parts]
        ok = (bool(keys) and None not in keys) or (not parts and not fdef.required)
        spec["value"] = (keys if fdef.select == "many" else (keys[0] if keys else None)) if ok else None
        spec["decision"] = "accept" if ok else "review"
        if not ok:
            spec["reason"] = f"「{raw}」は選択肢（{'・'.join(o.label for o in fdef.options)}）にありません"
        return spec
    if not raw:
        spec["value"] = None
        spec["decision"] = "review" if fdef.required else "accept"
        if fdef.required:
            spec["reason"] = "必須項目が空欄です"
        return spec
    check = fdef.field_type().check(raw)
    spec["value"] = check.value
    spec["decision"] = "accept" if check.ok else "review"
    if not check.ok:
        spec["reason"] = check.reason
    return spec


def _cross_checks(definition: Any, fields: dict[str, dict[str, Any]]) -> None:
    """The form's checks across fields (the 全銀 bank/branch check), as the reader runs them."""
    from daiko.forms.checks import get_check

    for check_def in definition.checks:
        check = get_check(check_def.kind)(check_def.fields)
        values = {role: (fields.get(name) or {}).get("value") for role, name in check_def.fields.items()}
        for finding in check.run({k: v if isinstance(v, str) else None for k, v in values.items()}):
            for name in finding.fields:
                spec = fields.get(name)
                if spec is not None and spec["decision"] == "accept":
                    spec["decision"], spec["reason"] = "review", finding.reason
