"""廃車登録: key a 軽自動車 / 原付 deregistration into the 軽自動車税システム.

Input comes two ways (seed 004, lines 275-283): the AI-OCR'd 廃車申告書 (accepted fields only;
items with fields in review wait for a person) and a J-LIS style 廃車情報 CSV. Both become
the same field dictionary, so keying and 突合 do not care where an item came from.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from daiko.robots.adapters.base import REASONS, Deregistration, KeyingResult
from daiko.robots.tasks.base import ItemDraft, Task

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

# Field types whose values are personal data: registered with the log filter when read.
PERSONAL_TYPES = {"kanji_name", "kana_name", "address", "phone", "postal_code"}

# What 突合 compares between an item and the system's extract, with the column names staff see.
RECONCILE_LABELS = {PLATE: "標識番号", DEREG_ON: "廃車年月日", REASON: "廃車事由", DECLARED_ON: "申告日"}


def scan_drafts(reads, path: Path, image_dir: Path, keyed: frozenset[str]) -> list[ItemDraft]:
    """Pages as read by the form reader → drafts; the aligned page is kept for the review screen.

    Only fields the robot keys can hold an item back: an unsure telephone number costs staff a
    look for nothing when the core system never receives it (it stays marked in the fields).
    """
    from PIL import Image

    from daiko.forms.definition import load_definition
    from daiko.forms.result import PageError

    drafts = []
    started = time.monotonic()
    for number, read in enumerate(reads, start=1):
        seconds, started = time.monotonic() - started, time.monotonic()
        result = read.result
        part = result.page or number
        if isinstance(result, PageError):
            drafts.append(ItemDraft(part=part, error=result.message_ja, error_code=result.kind, ocr_seconds=seconds))
            continue
        fields = {
            f.name: {
                "label": f.label_ja,
                "type": f.type,
                "value": f.value,
                "raw": f.raw,
                "confidence": f.confidence,
                "decision": f.decision,
                "reason": f.reason,
                "box": list(f.box),
                "personal": f.type in PERSONAL_TYPES,
            }
            for f in result.fields
        }
        definition = load_definition(result.form)
        for f in result.fields:
            if _unsure_only(definition, f):
                fields[f.name]["cause"] = "low_confidence"
        image = None
        if read.alignment is not None and read.image is not None:
            image_dir.mkdir(parents=True, exist_ok=True)
            image = image_dir / f"{path.stem}_p{part}_{time.time_ns()}.png"
            Image.fromarray(read.alignment.warp(read.image)).save(image)
        confidences = [f.confidence for f in result.fields if f.confidence is not None]
        drafts.append(
            ItemDraft(
                part=part,
                fields=fields,
                review_fields=[f.name for f in result.fields if f.decision == "review" and f.name in keyed],
                reference=_value(fields, REFERENCE),
                form=result.form,
                min_confidence=min(confidences) if confidences else None,
                page_image=str(image) if image else None,
                ocr_seconds=seconds,
            )
        )
    return drafts


def _unsure_only(definition: Any, f: Any) -> bool:
    """In review only because the reading's confidence is low: a valid value was read whole.

    Such a value may be confirmed by the register (an exact match); one that failed its check,
    was empty, or may be missing characters (faint or unread ink) never is.
    """
    if f.decision != "review" or f.value in (None, "", []) or f.confidence is None or f.raw is None:
        return False
    if not definition.field(f.name).field_type().check(f.raw).ok:
        return False
    fdef = definition.field(f.name)
    weakest = f.weakest if f.weakest is not None else 1.0
    return f.confidence < definition.threshold(fdef) or weakest < definition.char_threshold(fdef)


def _value(fields: dict[str, dict[str, Any]], name: str) -> str | None:
    entry = fields.get(name) or {}
    value = entry.get("value")
    return None if value in (None, "") else str(value)


class HaishaTask(Task):
    name = "haisha"
    title_ja = "軽自動車 廃車登録（軽自動車税システムへ入力）"
    adapter = "keitax"
    forms = ("keitax_haisha",)
    register_keys = REGISTER_KEYS
    locating_fields = frozenset({PLATE, REFERENCE})
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
        return adapter.deregister(self.request(fields), dry_run=dry_run)

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
