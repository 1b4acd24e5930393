"""What staff type is checked by the very same field types the reader uses (daiko.forms).

No validator lives in the console: a 和暦 date or a 標識番号 is valid here exactly when it is
valid for the reader and the robot. The field's rules come from its form definition; an item
whose definition is gone (renamed form, CSV rows) is checked by its type with default rules.
"""

from __future__ import annotations

from typing import Any

from daiko.forms.fieldtypes import Check, FieldType, get_type
from daiko.log import logger


def _form_of(form: str | None, spec: dict[str, Any]) -> str | None:
    """The form a field belongs to: its own ``form`` when the item spans several pages of different
    forms (a survey booklet), else the item's."""
    own = spec.get("form") if isinstance(spec, dict) else None
    return str(own) if own else form


def _definition_field(form: str | None, name: str) -> Any | None:
    if not form:
        return None
    try:
        from daiko.forms.definition import load_definition
        from daiko.forms.errors import FormDefinitionError
    except ImportError:  # forms layer without definitions in this build
        return None
    try:
        return load_definition(form).field(name)
    except (FormDefinitionError, KeyError):
        return None


def field_type_for(form: str | None, name: str, spec: dict[str, Any]) -> FieldType:
    """The configured type of field ``name`` of ``form`` (``spec`` is the item's field JSON)."""
    form = _form_of(form, spec)
    definition = _definition_field(form, name)
    if definition is not None:
        return definition.field_type()
    type_name = str(spec.get("type") or "text")
    try:
        return get_type(type_name)
    except ValueError:
        logger.warning("field {} of form {} has unknown type {}; checked as text", name, form, type_name)
        return get_type("text")


def check_value(form: str | None, name: str, spec: dict[str, Any], typed: str) -> Check:
    """normalise + validate what a person typed. For 個人番号 the value returned is the mask.

    Blank is a valid answer only for a field its definition marks optional: an empty required
    field must go back to the applicant (reject), not on to the robot.
    """
    form = _form_of(form, spec)
    definition = _definition_field(form, name)
    if not typed.strip() and definition is not None and not definition.required and definition.kind == "text":
        return Check(None, True, None)
    return field_type_for(form, name, spec).check(typed)


def is_sensitive(form: str | None, name: str, spec: dict[str, Any]) -> bool:
    return bool(field_type_for(form, name, spec).sensitive)


def input_hint(form: str | None, name: str, spec: dict[str, Any]) -> str | None:
    """A one-line reminder of what to type for marks (option keys), shown under the input."""
    form = _form_of(form, spec)
    ftype = field_type_for(form, name, spec)
    if ftype.name == "checkbox":
        return "1 = 印あり、0 = 印なし"
    if ftype.name == "choice":
        definition = _definition_field(form, name)
        options = [(o.key, o.label) for o in definition.options] if definition is not None else []
        if not options:
            options = [(str(k), str(k)) for k in ftype.rules.get("options", [])]
        if options:
            joined = "、".join(f"{k} = {label}" if k != label else k for k, label in options)
            many = "（複数はカンマ区切り）" if ftype.rules.get("select") == "many" else ""
            return f"{joined}{many}"
    return None


def as_text(value: Any) -> str:
    """A stored value as staff type it: marks are stored as bool / option keys (list), typed as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def stored_value(form: str | None, name: str, spec: dict[str, Any], checked: str | None) -> Any:
    """The checked text back in the shape the reader gives this type, so robots see one shape only:
    a check box as bool, a 'many' choice as a list of keys, a 'one' choice as a key."""
    form = _form_of(form, spec)
    ftype = field_type_for(form, name, spec)
    if ftype.name == "checkbox":
        return checked == "1"
    if ftype.name == "choice":
        keys = [k for k in (checked or "").split(",") if k]
        if ftype.rules.get("select") == "many":
            return keys or None
        return keys[0] if len(keys) == 1 else (keys or None)
    return checked


def choice_options(form: str | None, name: str, spec: dict[str, Any]) -> tuple[str, list[tuple[str, str]]] | None:
    """How a mark field is edited on screen: ("one" | "many" | "check", [(key, Japanese label)]), or None
    for a field typed as text. The labels are the form YAML's own option labels (daiko.labels falls
    back to its table for a form that is gone)."""
    from daiko.labels import choice_label

    form = _form_of(form, spec)
    ftype = field_type_for(form, name, spec)
    if ftype.name == "checkbox":
        return "check", [("1", "印あり"), ("0", "印なし")]
    if ftype.name != "choice":
        return None
    definition = _definition_field(form, name)
    if definition is not None and definition.options:
        circled = definition.style == "circle"
        options = [(o.key, f"{o.number or o.key} {o.label}" if circled else o.label) for o in definition.options]
    else:
        options = [(str(k), choice_label(None, None, str(k))) for k in ftype.rules.get("options", [])]
    if not options:
        return None
    select = "many" if ftype.rules.get("select") == "many" else "one"
    if select == "one" and definition is not None and not definition.required:
        options.append(("", "印なし"))  # a radio button cannot be un-ticked: an optional one gets "none"
    return select, options
