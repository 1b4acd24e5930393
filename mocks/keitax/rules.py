"""The 廃車登録 checks the system makes before it accepts an entry.

Kept apart from the screens so the same rules run at 確認 and again inside the 登録 transaction
(another terminal may have keyed the same 受付番号 in between).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass, field

from daiko.mocks.keitax import store
from daiko.mocks.keitax.messages import Message, msg
from daiko.mocks.keitax.wareki import format_wareki, parse_wareki

REASONS = ["解体", "譲渡", "盗難", "転出", "その他"]
REFERENCE_MAX = 30
REFERENCE_RE = re.compile(rf"^[A-Za-z0-9_-]{{1,{REFERENCE_MAX}}}$")


@dataclass
class HaishaInput:
    """The 廃車登録入力 form as keyed (strings, so a bad entry can be shown back unchanged)."""

    haisha_era: str = "R"
    haisha_year: str = ""
    haisha_month: str = ""
    haisha_day: str = ""
    reason: str = ""
    shinkoku_era: str = "R"
    shinkoku_year: str = ""
    shinkoku_month: str = ""
    shinkoku_day: str = ""
    reference: str = ""

    @property
    def deregistered_on(self) -> dt.date | None:
        return parse_wareki(self.haisha_era, self.haisha_year, self.haisha_month, self.haisha_day)

    @property
    def declared_on(self) -> dt.date | None:
        return parse_wareki(self.shinkoku_era, self.shinkoku_year, self.shinkoku_month, self.shinkoku_day)


@dataclass
class Checked:
    messages: list[Message] = field(default_factory=list)
    bad_fields: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.messages

    def add(self, message: Message, *fields: str) -> None:
        self.messages.append(message)
        self.bad_fields.update(fields)


def _check_date(result: Checked, label: str, parts: list[str], value: dt.date | None, today: dt.date, name: str):
    if not any(p.strip() for p in parts[1:]):
        result.add(msg("E0501", field=label), name)
        return None
    if value is None:
        result.add(msg("E0502", field=label), name)
        return None
    if value > today:
        result.add(msg("E0503", field=label), name)
        return None
    return value


def check(conn: sqlite3.Connection, vehicle: sqlite3.Row, form: HaishaInput, today: dt.date) -> Checked:
    """Every rule, in screen order, so staff see all problems at once."""
    result = Checked()
    if vehicle["status"] != "課税中":
        result.add(msg("E0402", date=format_wareki(dt.date.fromisoformat(vehicle["deregistered_on"]))))
        return result
    haisha = _check_date(
        result, "廃車年月日", [form.haisha_era, form.haisha_year, form.haisha_month, form.haisha_day],
        form.deregistered_on, today, "haisha",
    )  # fmt: skip
    registered_on = dt.date.fromisoformat(vehicle["registered_on"])
    if haisha and haisha < registered_on:
        result.add(msg("E0504", date=format_wareki(registered_on)), "haisha")
    if form.reason not in REASONS:
        result.add(msg("E0506"), "reason")
    shinkoku = _check_date(
        result, "申告日", [form.shinkoku_era, form.shinkoku_year, form.shinkoku_month, form.shinkoku_day],
        form.declared_on, today, "shinkoku",
    )  # fmt: skip
    if haisha and shinkoku and shinkoku < haisha:
        result.add(msg("E0505"), "shinkoku")
    reference = form.reference.strip()
    if not reference:
        result.add(msg("E0501", field="受付番号"), "reference")
    elif not REFERENCE_RE.match(reference):
        result.add(msg("E0507", max=REFERENCE_MAX), "reference")
    else:
        used = store.processed_by_reference(conn, reference)
        if used is not None:
            result.add(msg("E0508", no=reference, shori=used["shori_no"]), "reference")
    return result
