"""The one label table: every code a person may read has Japanese words, and the form YAML wins for choices."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from daiko import labels
from daiko.labels import choice_label, label
from daiko.ledger import FileState, ItemState

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("robots", "forms", "ocr", "schedules", "console", "reports", "cli", "daiko")
ERROR_KIND_FILES = ("ocr/images.py", "forms/errors.py", "forms/result.py")  # classes with kind = "<error code>"


def _python_files():
    for folder in CODE_DIRS:
        yield from (ROOT / folder).rglob("*.py")


def _written_codes() -> dict[str, set[str]]:
    """Codes the project writes: ledger.event(kind), ledger.audit(actor, action), error_code=/code=, kind = ."""
    found: dict[str, set[str]] = {"event": set(), "audit": set(), "error": set()}
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                args = node.args
                if node.func.attr == "event" and args and isinstance(args[0], ast.Constant):
                    found["event"].add(args[0].value)
                if node.func.attr == "audit" and len(args) > 1 and isinstance(args[1], ast.Constant):
                    found["audit"].add(args[1].value)
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    value = kw.value.value if isinstance(kw.value, ast.Constant) else None
                    if kw.arg in ("error_code", "code") and isinstance(value, str) and value.isidentifier():
                        found["error"].add(value)
            # class XError: kind = "unreadable"  (ocr/images.py, forms/errors.py)
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    target = getattr(stmt, "target", None) or (getattr(stmt, "targets", None) or [None])[0]
                    value = getattr(stmt, "value", None)
                    if (
                        isinstance(target, ast.Name)
                        and target.id == "kind"
                        and isinstance(value, ast.Constant)
                        and path.relative_to(ROOT).as_posix() in ERROR_KIND_FILES
                    ):
                        found["error"].add(value.value)
    return found


def test_every_code_the_project_writes_has_a_japanese_label():
    found = _written_codes()
    assert len(found["event"]) > 30 and len(found["audit"]) > 10 and len(found["error"]) > 20  # the scan works
    for kind, codes in found.items():
        missing = sorted(c for c in codes if c not in labels.labels(kind))
        assert not missing, f"{kind}: no Japanese label for {missing}"


def test_states_files_triggers_and_the_words_the_issue_named():
    def codes(cls):
        return [v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str)]

    assert all(label("item_state", s) != s for s in codes(ItemState)) and len(codes(ItemState)) == 8
    assert all(label("file_state", s) != s for s in codes(FileState))
    assert label("item_state", ItemState.REJECTED) == "差戻し"
    assert label("error", "unreadable") == "読み取れないファイル"
    assert label("trigger", "review") == "確認後"
    assert label("event", "schedule_started") == "スケジュール開始"
    assert label("audit", "schedule_started") == "スケジュール開始"
    assert label("decision", "reject") == "差戻し" == label("outcome", "rejected")
    for trigger in ("schedule", "watch", "review", "reread", "takeover", "queue", "startup", "manual", "demo"):
        assert label("trigger", trigger) != trigger


def test_unknown_codes_come_back_as_they_are_and_empty_is_a_dash():
    assert label("error", "brand_new_code") == "brand_new_code"
    assert label("error", None) == "—" and label("error", "", empty="") == ""
    with pytest.raises(KeyError):
        label("no_such_kind", "x")


def test_choice_labels_come_from_the_form_yaml_first():
    assert choice_label("keitax_haisha", "reason", "scrap") == "解体"
    assert choice_label("keitax_haisha", "plate_return", "returned") == "返納"
    assert choice_label("keitax_haisha", "plate_return", "not_returned") == "紛失等"
    # Several marks (「3つまで」), in the order given; a form that is not there falls back to the table.
    assert choice_label(None, None, "scrap,other") == "解体・その他"
    assert choice_label("no_such_form", "reason", "theft") == "盗難"
    assert choice_label("keitax_haisha", "reason", "") == "—"


def test_a_survey_choice_uses_its_own_options():
    from daiko.forms.definition import load_definition

    form = load_definition("shimin_anketo")
    field = next(f for f in form.fields if f.type == "choice")
    option = field.options[0]
    assert choice_label("shimin_anketo", field.name, option.key) == option.label


def test_every_field_type_has_its_japanese_word():
    """The 精度 page and the weekly report name field types: a new type without a word would show raw."""
    from daiko.forms.fieldtypes import TYPES

    missing = sorted(t for t in TYPES if label("field_type", t) == t)
    assert not missing, f"no Japanese word for field types {missing}"
    assert label("field_type", "wareki_date") == "和暦日付"


def test_a_local_tasks_item_events_have_labels():
    """robots/local.py writes item_<state> for the states a local task may end in (the scan above sees no f-string)."""
    for state in (ItemState.DONE, ItemState.REVIEW, ItemState.REJECTED):
        assert label("event", f"item_{state}") != f"item_{state}"
