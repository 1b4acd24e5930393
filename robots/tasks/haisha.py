"""廃車登録: key a 軽自動車 / 原付 deregistration into the 軽自動車税システム.

Input comes two ways (seed 004, lines 275-283): the AI-OCR'd 廃車申告書 (accepted fields only;
items with fields in review wait for a person) and a J-LIS style 廃車情報 CSV. Both become
the same field dictionary, so keying and 突合 do not care where an item came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daiko.robots.adapters.base import KeyingResult
from daiko.robots.tasks.base import ItemDraft, Task
from daiko.robots.tasks.scan import PERSONAL_TYPES, scan_drafts
from daiko.robots.tasks.scan import value as _value


@dataclass(frozen=True)
class Deregistration:
    """One 廃車 to key: what the 廃車申告書 or the J-LIS 廃車情報 line says."""

    reference: str  # 受付番号: unique per item, also keyed into the system (never-key-twice check)
    plate: str  # 標識番号 / 車両番号, e.g. "飯能市 あ 1234" or "所沢 480 あ 12-34"
    deregistered_on: dt.date  # 廃車年月日
    reason: str  # 廃車事由: one of REASONS
    declared_on: dt.date  # 申告日
    chassis_no: str | None = None  # 車台番号, checked against the register when given


REASONS = {
    "scrap": "解体",
    "transfer": "譲渡",
    "theft": "盗難",
    "moved": "転出",
    "other": "その他",
}

# The form's field names (forms/definitions/keitax_haisha.yaml) the robot needs.
REFERENCE, PLATE, DEREG_ON, REASON, DECLARED_ON, CHASSIS = (
    "reference",
    "plate",
    "deregistered_on",
    "reason",
    "declared_on",
    "chassis_no",
)
# The fields keyed into the system: only these send an item to a person when unsure.
KEYED_FIELDS = frozenset({REFERENCE, PLATE, DEREG_ON, REASON, DECLARED_ON, CHASSIS})

# Form field → what the 軽自動車税システム's vehicle record calls it (robots/adapters/keitax.py).
REGISTER_KEYS = {
    "owner_name": "owner_name",
    "owner_kana": "owner_kana",
    "owner_address": "owner_address",
    "car_name": "maker",
    CHASSIS: "chassis_no",
    PLATE: "plate",
}
# Compared before 登録 unless robots.yaml says otherwise (identity.must_match).
IDENTITY_FIELDS = ("owner_name", "owner_kana", "car_name", CHASSIS, "owner_address")

# What 突合 compares between an item and the system's extract, with the column names staff see.
RECONCILE_LABELS = {PLATE: "標識番号", DEREG_ON: "廃車年月日", REASON: "廃車事由", DECLARED_ON: "申告日"}


class HaishaTask(Task):
    name = "haisha"
    title_ja = "軽自動車 廃車登録（軽自動車税システムへ入力）"
    adapter = "keitax"
    forms = ("keitax_haisha",)
    register_keys = REGISTER_KEYS
    keyed_fields = KEYED_FIELDS
    locating_fields = frozenset({PLATE, REFERENCE})
    # A vehicle's 車台番号 is its own: a plate read unsure that finds the record holding the page's
    # sure 車台番号 was read right.
    proving_fields = frozenset({CHASSIS})
    identity_fields = IDENTITY_FIELDS

    @classmethod
    def handles_form(cls, form: str | None) -> bool:
        return form in cls.forms or form is None  # a robot with no form takes J-LIS CSV only

    # -- reading ------------------------------------------------------------------------------
    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        from daiko.forms.reader import iter_file

        return scan_drafts(iter_file(path, form=form or self.forms[0]), path, image_dir, KEYED_FIELDS)

    def read_csv(self, path: Path) -> list[ItemDraft]:
        """J-LIS 廃車情報: structured data, so every usable line is ready to key at once."""
        from daiko.forms.jlis import read_jlis_csv

        drafts = []
        for record in read_jlis_csv(path):
            part = record.line - 1  # data rows from 1; line 1 is the header
            if record.problems:
                drafts.append(
                    ItemDraft(part=part, error="J-LIS 廃車情報の内容に誤りがあります: " + "、".join(record.problems))
                )
                continue
            values = {
                REFERENCE: ("受付番号", record.reference),
                PLATE: ("標識番号", record.plate),
                CHASSIS: ("車台番号", record.chassis_no),
                DEREG_ON: ("廃車年月日", record.deregistered_on.isoformat() if record.deregistered_on else None),
                REASON: ("廃車事由", record.reason),
                DECLARED_ON: ("申告日", record.declared_on.isoformat() if record.declared_on else None),
            }
            fields = {
                name: {"label": label, "value": value, "confidence": 1.0, "decision": "accept", "source": "jlis"}
                for name, (label, value) in values.items()
            }
            # What J-LIS says about the owner and maker: not keyed, but compared with the register.
            for name, label, ftype, value in (
                ("owner_name", "所有者氏名", "kanji_name", record.owner_name),
                ("owner_address", "所有者住所", "address", record.owner_address),
                ("car_name", "車名", "text", record.maker),
            ):
                if value and value.strip():
                    fields[name] = {
                        "label": label, "type": ftype, "value": value.strip(), "confidence": 1.0,
                        "decision": "accept", "source": "jlis", "personal": ftype in PERSONAL_TYPES,
                    }  # fmt: skip
            fields[PLATE]["type"], fields[CHASSIS]["type"] = "plate", "chassis_no"
            drafts.append(ItemDraft(part=part, fields=fields, reference=record.reference, form="jlis_haisha_csv"))
        return drafts

    # -- keying -------------------------------------------------------------------------------
    def locator(self, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
        found = {PLATE: _value(fields, PLATE) or ""}
        chassis = fields.get(CHASSIS) or {}
        if chassis.get("decision", "accept") == "accept" and _value(fields, CHASSIS):
            found[CHASSIS] = _value(fields, CHASSIS) or ""
        return found

    def subject(self, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
        return {k: v for k, v in ((PLATE, _value(fields, PLATE)), (CHASSIS, _value(fields, CHASSIS))) if v}

    def reference_of(self, fields: dict[str, dict[str, Any]]) -> str | None:
        return _value(fields, REFERENCE)

    def request(self, fields: dict[str, dict[str, Any]]) -> Deregistration:
        reason = _value(fields, REASON) or "other"
        if reason not in REASONS:
            reason = "other"
        return Deregistration(
            reference=_value(fields, REFERENCE) or "",
            plate=_value(fields, PLATE) or "",
            deregistered_on=dt.date.fromisoformat(_value(fields, DEREG_ON) or ""),
            reason=reason,
            declared_on=dt.date.fromisoformat(_value(fields, DECLARED_ON) or ""),
            chassis_no=_value(fields, CHASSIS),
        )

    def key(self, adapter: Any, fields: dict[str, dict[str, Any]], *, dry_run: bool) -> KeyingResult:
        return adapter.key(self.request(fields), dry_run=dry_run)

    # -- 突合 ---------------------------------------------------------------------------------
    reconcile_labels = RECONCILE_LABELS

    def reconcile_fields(self, fields: dict[str, dict[str, Any]]) -> dict[str, str]:
        """What the system should hold for this item, in the adapter's parse_extract terms."""
        request = self.request(fields)
        values = {
            PLATE: request.plate,
            DEREG_ON: request.deregistered_on.isoformat(),
            REASON: request.reason,
            DECLARED_ON: request.declared_on.isoformat(),
        }
        return {name: values[name] for name in RECONCILE_LABELS}
