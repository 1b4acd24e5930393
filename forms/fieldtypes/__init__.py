"""Field types: one module per type, registered by name for the form definitions.

``get_type("wareki_date", rules={...})`` gives a configured instance; ``TYPES`` lists them all.
"""

from __future__ import annotations

from typing import Any

from daiko.forms.fieldtypes.account_kana import AccountKana
from daiko.forms.fieldtypes.address import Address
from daiko.forms.fieldtypes.bank import AccountNumber, BankCode, BranchCode
from daiko.forms.fieldtypes.base import Check, FieldType
from daiko.forms.fieldtypes.chassis_no import ChassisNo
from daiko.forms.fieldtypes.code import Code
from daiko.forms.fieldtypes.kana_name import KanaName
from daiko.forms.fieldtypes.kanji_name import KanjiName
from daiko.forms.fieldtypes.marks import Checkbox, Choice
from daiko.forms.fieldtypes.mynumber import MyNumber
from daiko.forms.fieldtypes.number import Number
from daiko.forms.fieldtypes.phone import Phone
from daiko.forms.fieldtypes.plate import Plate
from daiko.forms.fieldtypes.postal_code import PostalCode
from daiko.forms.fieldtypes.text import Text
from daiko.forms.fieldtypes.wareki_date import WarekiDate
from daiko.forms.fieldtypes.wareki_month import WarekiMonth

TYPES: dict[str, type[FieldType]] = {
    t.name: t
    for t in (
        WarekiDate,
        KanaName,
        KanjiName,
        Address,
        PostalCode,
        Phone,
        Number,
        Plate,
        ChassisNo,
        Checkbox,
        Choice,
        MyNumber,
        Code,
        Text,
        WarekiMonth,
        BankCode,
        BranchCode,
        AccountNumber,
        AccountKana,
    )
}


def get_type(name: str, rules: dict[str, Any] | None = None) -> FieldType:
    """A field type instance configured with a field's ``rules``; ValueError names the known types."""
    cls = TYPES.get(name)
    if cls is None:
        raise ValueError(f"unknown field type '{name}'; known: {', '.join(sorted(TYPES))}")
    return cls(rules=dict(rules or {}))


__all__ = ["TYPES", "Check", "FieldType", "get_type"]
