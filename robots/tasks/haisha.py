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
# What 突合 compares between an item and the system's extract, with the column names staff see.
RECONCILE_LABELS = {PLATE: "標識番号", DEREG_ON: "廃車年月日", REASON: "廃車事由", DECLARED_ON: "申告日"}


def _value(fields: dict[str, dict[str, Any]], name: str) -> str | None:
    entry = fields.get(name) or {}
    value = entry.get("value")
    return None if value in (None, "") else str(value)


class HaishaTask(Task):
    name = "haisha"
    adapter = "keitax"
    forms = ("keitax_haisha",)

    # -- reading ------------------------------------------------------------------------------
    def read_scan(self, path: Path, form: str | None, image_dir: Path) -> list[ItemDraft]:
        from daiko.forms.reader import read_file

        started = time.monotonic()
        pages = read_file(path, form=form or self.forms[0])
        seconds = (time.monotonic() - started) / max(len(pages), 1)
        drafts = []
        for number, page in enumerate(pages, start=1):
            if page.error:
                drafts.append(ItemDraft(part=number, error=page.error, ocr_seconds=seconds))
                continue
            result = page.result
            fields = result.fields_json()
            image = None
            if page.image is not None:
                image_dir.mkdir(parents=True, exist_ok=True)
                image = image_dir / f"{path.stem}_p{number}_{int(time.time() * 1000)}.png"
                page.save_image(image)
            review = [name for name, f in fields.items() if f.get("decision") == "review"]
            confidences = [f["confidence"] for f in fields.values() if f.get("confidence") is not None]
            drafts.append(
                ItemDraft(
                    part=number,
                    fields=fields,
                    review_fields=review,
                    reference=_value(fields, REFERENCE),
                    form=result.form,
                    min_confidence=min(confidences) if confidences else None,
                    page_image=str(image) if image else None,
                    ocr_seconds=seconds,
                )
            )
        return drafts

    def read_csv(self, path: Path) -> list[ItemDraft]:
        from daiko.forms.jlis import read_jlis_csv

        drafts = []
        for row in read_jlis_csv(path):
            if row.error:
                drafts.append(ItemDraft(part=row.number, error=row.error))
                continue
            review = [name for name, f in row.fields.items() if f.get("decision") == "review"]
            drafts.append(
                ItemDraft(
                    part=row.number,
                    fields=row.fields,
                    review_fields=review,
                    reference=_value(row.fields, REFERENCE),
                    form="jlis_haisha_csv",
                )
            )
        return drafts

    # -- keying -------------------------------------------------------------------------------
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
