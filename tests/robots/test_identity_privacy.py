"""A declaration that names another person than the register: the reason staff read shows both
sides, but no log line or event ever carries the register's name or address (found in a CI log:
"登録: 浅見　優子" in an ERROR line while the declaration's side was masked)."""

from __future__ import annotations

from daiko.log import MASK, mask
from daiko.robots.identity import MISMATCH, Rule, compare


def test_the_registers_personal_values_are_masked_wherever_the_reason_is_logged():
    fields = {
        "owner_name": {"value": "山口 健太", "label": "氏名", "personal": True, "type": "name"},
        "owner_address": {"value": "飯能市双柳1-1", "label": "住所", "personal": True, "type": "address"},
        "car_name": {"value": "マツダ", "label": "車名", "type": "text"},
    }
    record = {"owner_name": "細田　浩二郎", "owner_address": "埼玉県飯能市美杉台4丁目27番2号", "car_name": "ヤマハ"}
    result = compare(fields, record, Rule(must_match=("owner_name", "owner_address", "car_name")), {})
    assert result.verdict == MISMATCH
    reason = result.side_by_side()
    assert "細田　浩二郎" in reason  # staff see both sides in the console
    logged = mask(f"item 1 failed after 1 attempt(s): {reason}")
    assert "細田" not in logged and "美杉台" not in logged and MASK in logged
    assert "ヤマハ" in logged  # what is not personal stays readable
