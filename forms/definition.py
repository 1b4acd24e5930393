"""Form definitions: one YAML file per paper form (forms/definitions/*.yaml), loaded into pydantic models.

A definition holds everything the rest of the layer needs, so nothing else hard-codes a form:
- identity (the printed title the classifier looks for, and where it is),
- page size and the registration marks (shared scheme, see :class:`Registration`),
- the printed layout (text, rules, shaded cells) that :mod:`daiko.forms.render` draws as the
  blank template — no binary template to keep in sync with the zones,
- the fields: zone, type, rules, required, and confidence thresholds tuned on data
  (``bench/ocr.py``), stated in the file where an auditor can see them.

Coordinates are millimetres from the top-left corner of the sheet unless ``units: px``
(pixels at 200 dpi). Boxes are ``[x, y, width, height]``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from daiko.forms.errors import FormDefinitionError
from daiko.forms.fieldtypes import TYPES, FieldType, get_type

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
TEMPLATE_DPI = 200  # the reference resolution: ``units: px`` and the aligned page use it
MM_PER_INCH = 25.4


class Strict(BaseModel):
    """Unknown keys are mistakes: a misspelt ``requried`` must not silently make a field optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Point = tuple[float, float]


class Box(Strict):
    """A rectangle in millimetres (x, y of the top-left corner, width, height)."""

    x: float
    y: float
    w: Annotated[float, Field(gt=0)]
    h: Annotated[float, Field(gt=0)]

    def px(self, dpi: float = TEMPLATE_DPI) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in pixels at ``dpi``."""
        f = dpi / MM_PER_INCH
        return round(self.x * f), round(self.y * f), round((self.x + self.w) * f), round((self.y + self.h) * f)

    def inset(self, mm: float) -> Box:
        return Box(x=self.x + mm, y=self.y + mm, w=max(0.1, self.w - 2 * mm), h=max(0.1, self.h - 2 * mm))

    def split(self, n: int) -> list[Box]:
        """``n`` equal cells side by side (個人番号の12マス)."""
        return [Box(x=self.x + i * self.w / n, y=self.y, w=self.w / n, h=self.h) for i in range(n)]


def _box(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if len(value) != 4:
            raise ValueError(f"a box is [x, y, width, height], got {value!r}")
        return {"x": value[0], "y": value[1], "w": value[2], "h": value[3]}
    return value


BoxIn = Annotated[Box, Field(description="[x, y, width, height] in mm (or px at 200 dpi with units: px)")]

Font = Literal["serif", "serif-bold", "sans", "sans-bold", "mono"]


class TextItem(Strict):
    kind: Literal["text"] = "text"
    at: Point
    text: str
    size: float = Field(default=10.5, description="Point size as printed.")
    font: Font = "serif"
    align: Literal["left", "center", "right"] = "left"
    vertical: bool = Field(default=False, description="Write top to bottom (縦書き), e.g. a block header.")


class BoxItem(Strict):
    kind: Literal["box"] = "box"
    zone: BoxIn
    width: float = Field(default=0.25, description="Line width in mm; 0.6 or more for the 太枠.")
    fill: int | None = Field(default=None, ge=0, le=255, description="Grey level to shade the cell, e.g. 235.")
    dashed: bool = False

    _zone = field_validator("zone", mode="before")(_box)


class LineItem(Strict):
    kind: Literal["line"] = "line"
    start: Point
    end: Point
    width: float = 0.25
    dashed: bool = False


class CircleItem(Strict):
    kind: Literal["circle"] = "circle"
    center: Point
    radius: float
    width: float = 0.25
    dashed: bool = False


LayoutItem = Annotated[TextItem | BoxItem | LineItem | CircleItem, Field(discriminator="kind")]


class Label(Strict):
    """The printed caption cell of a field (shaded, text centred), drawn by the renderer."""

    zone: BoxIn
    text: str
    sub: str | None = Field(default=None, description="A smaller second line, e.g. （法人は名称）.")
    size: float = 10.0
    fill: int | None = 238

    _zone = field_validator("zone", mode="before")(_box)


class Option(Strict):
    """One choice of a check-box or circled-number field."""

    key: str = Field(description="Stable value returned for this option, e.g. scrap or 3.")
    label: str = Field(description="Text printed next to the mark, e.g. 解体.")
    at: Point = Field(description="Centre of the box / of the printed number (mm).")
    number: str | None = Field(default=None, description="Printed number to circle (circle style); default: key.")


class FieldDef(Strict):
    """One value to read."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="ASCII id used by robots, e.g. plate.")
    label_ja: str
    type: str
    zone: BoxIn | None = Field(default=None, description="Where the value is written: the inside of its cell.")
    required: bool = False
    rules: dict[str, Any] = Field(default_factory=dict)
    threshold: float | None = Field(default=None, ge=0, le=1, description="Overrides the form's per-type threshold.")
    cells: int | None = Field(default=None, ge=2, le=40, description="Zone split into this many one-character cells.")
    review: Literal["always", "never", "auto"] = Field(
        default="auto",
        description="always: a person checks it every time (an amount, a field the law wants confirmed); "
        "never: not keyed, never holds the page for a person; auto: the thresholds decide.",
    )
    label: Label | None = None
    border: bool = Field(default=True, description="Draw the zone's cell border in the template.")
    # Mark fields (checkbox / choice)
    options: list[Option] = Field(default_factory=list)
    style: Literal["box", "circle"] = "box"
    mark_mm: float = Field(default=4.5, description="Side of the check box / of the area round a circled number.")
    select: Literal["one", "many"] = "one"
    max_marks: int | None = Field(default=None, ge=1, description="「3つまで」: at most this many marks.")

    _zone = field_validator("zone", mode="before")(_box)

    @model_validator(mode="after")
    def _consistent(self) -> FieldDef:
        if self.type not in TYPES:
            raise ValueError(f"field '{self.name}': unknown type '{self.type}'; known: {', '.join(sorted(TYPES))}")
        kind = TYPES[self.type].kind
        if kind == "text" and self.zone is None:
            raise ValueError(f"field '{self.name}' ({self.type}) needs a zone")
        if self.type == "choice" and not self.options:
            raise ValueError(f"field '{self.name}' is a choice without options")
        if self.type == "checkbox" and len(self.options) != 1:
            raise ValueError(f"field '{self.name}' is a checkbox: give exactly one option (where the box is)")
        if self.options and kind != "mark":
            raise ValueError(f"field '{self.name}': only checkbox/choice fields have options")
        keys = [o.key for o in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError(f"field '{self.name}': option keys repeat")
        try:
            self.field_type()
        except ValueError as exc:
            raise ValueError(f"field '{self.name}': {exc}") from None
        return self

    @property
    def kind(self) -> str:
        return TYPES[self.type].kind

    def field_type(self) -> FieldType:
        """The type instance, with the options and limits of a choice passed on as rules."""
        rules = dict(self.rules)
        if self.type == "choice":
            rules.setdefault("options", [o.key for o in self.options])
            rules.setdefault("select", self.select)
            if self.max_marks is not None:
                rules.setdefault("max", self.max_marks)
            if not self.required:
                rules.setdefault("min", 0)
        return get_type(self.type, rules)

    def mark_box(self, option: Option) -> Box:
        """The square scored for ink: the check box, or the area round a printed number."""
        s = self.mark_mm
        return Box(x=option.at[0] - s / 2, y=option.at[1] - s / 2, w=s, h=s)

    def extent(self) -> Box:
        """A box covering the zone and every option (for the annotated image)."""
        boxes = [self.zone] if self.zone else []
        boxes += [self.mark_box(o) for o in self.options]
        x0 = min(b.x for b in boxes)
        y0 = min(b.y for b in boxes)
        x1 = max(b.x + b.w for b in boxes)
        y1 = max(b.y + b.h for b in boxes)
        return Box(x=x0, y=y0, w=x1 - x0, h=y1 - y0)


class CheckDef(Strict):
    """A check across fields (:mod:`daiko.forms.checks`): its kind and which field plays each role."""

    kind: str
    fields: dict[str, str] = Field(description="role → field name, e.g. {bank_code: bank_code}")
    # A number is a setting too (within_days: 60): YAML gives it as an int, the check reads it as text.
    params: dict[str, str | int] = Field(
        default_factory=dict, description="the check's settings, e.g. {option: other} or {within_days: 60}"
    )

    @model_validator(mode="after")
    def _known(self) -> CheckDef:
        from daiko.forms.checks import get_check

        get_check(self.kind)(self.fields, self.params)  # unknown kind, roles or params: ValueError naming the known
        return self


class Identity(Strict):
    """How a page is recognised as this form: the printed title, read in its zone."""

    title: str = Field(description="Text expected in the zone (compared after removing spaces).")
    zone: BoxIn
    min_similarity: float = Field(default=0.6, ge=0.3, le=1.0)

    _zone = field_validator("zone", mode="before")(_box)


class Registration(Strict):
    """Registration marks: filled squares near the four corners, plus a small one beside the top-left.

    The small square tells up from down (a sheet fed upside-down is found by where it lies), and
    the four corners give the homography. Every form uses the same scheme so the page can be
    registered before it is known which form it is.
    """

    size_mm: float = 6.0
    center_inset_mm: float = 12.0  # distance from each sheet edge to a corner mark's centre
    orientation_mm: float = 3.0
    orientation_offset_mm: float = 8.0  # orientation square sits this far right of the top-left mark

    def corners(self, width_mm: float, height_mm: float) -> list[Point]:
        """Centres of the corner marks, clockwise from top-left."""
        c = self.center_inset_mm
        return [(c, c), (width_mm - c, c), (width_mm - c, height_mm - c), (c, height_mm - c)]

    def orientation_center(self) -> Point:
        c = self.center_inset_mm
        return (c + self.orientation_offset_mm, c)


class Page(Strict):
    width_mm: float = 210.0
    height_mm: float = 297.0

    def px(self, dpi: float = TEMPLATE_DPI) -> tuple[int, int]:
        f = dpi / MM_PER_INCH
        return round(self.width_mm * f), round(self.height_mm * f)


class MarkThresholds(Strict):
    """Ink fraction in a box: ≥ on is marked, ≤ off is empty, between is "cannot tell" (review)."""

    on: float = Field(default=0.06, gt=0, lt=1)
    off: float = Field(default=0.025, ge=0, lt=1)

    @model_validator(mode="after")
    def _order(self) -> MarkThresholds:
        if self.off >= self.on:
            raise ValueError("mark threshold 'off' must be below 'on'")
        return self


class PostalAgreement(Strict):
    """A postal code field and the address field it must belong to (checked against Japan Post's data)."""

    postal_code: str
    address: str


class NameReading(Strict):
    """A 氏名 field and the フリガナ field that reads it (checked against a dictionary's readings)."""

    name: str
    kana: str


class FormDefinition(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title_ja: str
    description: str = ""
    units: Literal["mm", "px"] = "mm"
    page: Page = Field(default_factory=Page)
    identity: Identity
    registration: Registration = Field(default_factory=Registration)
    thresholds: dict[str, float] = Field(
        default_factory=dict, description="Minimum recogniser confidence to accept, per field type; 'default' too."
    )
    char_thresholds: dict[str, float] = Field(
        default_factory=dict,
        description="Minimum score of the least sure character to accept, per field type; 'default' too.",
    )
    marks: MarkThresholds = Field(default_factory=MarkThresholds)
    stamp_zone: BoxIn | None = Field(default=None, description="Where the counter presses the 受付印.")
    stamp_confirms: str | None = Field(
        default=None,
        description="The date field the 受付印's date vouches for (a form handed in at the counter: its 申告日 is "
        "the day stamped): where the two agree the date is accepted; a date read one digit short of the stamp's is "
        "held (forms/stamp.py). Needs stamp_zone.",
    )
    seal_zone: BoxIn | None = Field(
        default=None, description="Where the applicant presses a personal seal (届出印, never read)."
    )
    layout: list[LayoutItem] = Field(default_factory=list)
    fields: list[FieldDef]
    agreements: list[PostalAgreement | NameReading] = Field(
        default_factory=list, description="Fields checked against each other with reference data."
    )
    checks: list[CheckDef] = Field(default_factory=list, description="Checks across fields, run after reading.")

    _stamp = field_validator("stamp_zone", "seal_zone", mode="before")(_box)

    @model_validator(mode="before")
    @classmethod
    def _px_to_mm(cls, data: Any) -> Any:
        """``units: px`` (pixels at 200 dpi) → mm once, so the rest of the code speaks mm only."""
        if isinstance(data, dict) and data.get("units") == "px":
            f = MM_PER_INCH / TEMPLATE_DPI
            data = _scale(data, f)
            data["units"] = "mm"
        return data

    @model_validator(mode="after")
    def _checks(self) -> FormDefinition:
        names = [f.name for f in self.fields]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"field names repeat: {dupes}")
        for section in ("thresholds", "char_thresholds"):
            table: dict[str, float] = getattr(self, section)
            unknown = set(table) - set(TYPES) - {"default"}
            if unknown:
                raise ValueError(f"{section} for unknown field types: {sorted(unknown)}")
            for key, value in table.items():
                if not 0 <= value <= 1:
                    raise ValueError(f"{section} '{key}' must be between 0 and 1, got {value}")
        types = {f.name: f.type for f in self.fields}
        for a in self.agreements:
            if isinstance(a, NameReading):
                if types.get(a.name) != "kanji_name" or types.get(a.kana) != "kana_name":
                    raise ValueError(f"agreement {a.name} ↔ {a.kana}: needs a kanji_name field and a kana_name field")
            elif types.get(a.postal_code) != "postal_code" or types.get(a.address) != "address":
                raise ValueError(
                    f"agreement {a.postal_code} ↔ {a.address}: needs a postal_code field and an address field"
                )
        if self.stamp_confirms is not None and (
            self.stamp_zone is None or types.get(self.stamp_confirms) != "wareki_date"
        ):
            raise ValueError(
                f"stamp_confirms '{self.stamp_confirms}': needs stamp_zone and a wareki_date field of that name"
            )
        for check in self.checks:
            unknown = sorted(set(check.fields.values()) - set(names))
            if unknown:
                raise ValueError(f"check '{check.kind}' names fields the form does not have: {unknown}")
        for f in self.fields:
            for b in [f.zone, *(f.mark_box(o) for o in f.options)]:
                if b and (b.x < 0 or b.y < 0 or b.x + b.w > self.page.width_mm or b.y + b.h > self.page.height_mm):
                    raise ValueError(f"field '{f.name}' lies outside the page")
        return self

    def field(self, name: str) -> FieldDef:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def threshold(self, f: FieldDef) -> float:
        """The confidence a text field needs to be accepted without review."""
        if f.threshold is not None:
            return f.threshold
        return float(self.thresholds.get(f.type, self.thresholds.get("default", 0.9)))

    def char_threshold(self, f: FieldDef) -> float:
        """The score the least sure character of a text field needs (0 = no such check).

        A line's score is a mean: one doubtful character in twenty (端末 read as 端天) hardly moves
        it. Values read character by character with their own check (the 個人番号's check digit)
        may set 0 here.
        """
        return float(self.char_thresholds.get(f.type, self.char_thresholds.get("default", 0.0)))


# Keys holding positions/lengths; names ending in _mm, line widths and point sizes stay as they are.
_LENGTH_KEYS = {"x", "y", "w", "h", "at", "start", "end", "center", "radius", "zone"}


def _scale(node: Any, f: float, key: str | None = None) -> Any:
    if isinstance(node, dict):
        return {k: _scale(v, f, k) for k, v in node.items()}
    if isinstance(node, list):
        if key in _LENGTH_KEYS and all(isinstance(v, int | float) for v in node):
            return [v * f for v in node]
        return [_scale(v, f, key) for v in node]
    if key in _LENGTH_KEYS and isinstance(node, int | float):
        return node * f
    return node


# ---- loading ----------------------------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML, YAMLError

    try:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise FormDefinitionError(f"様式定義 {path.name} を読み込めません: {exc}") from exc


def load_definition_file(path: str | Path) -> FormDefinition:
    """Load and check one definition file; FormDefinitionError says what is wrong and where."""
    path = Path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise FormDefinitionError(f"様式定義 {path.name} が空か、形式が違います")
    try:
        form = FormDefinition.model_validate(data)
    except ValueError as exc:
        raise FormDefinitionError(f"様式定義 {path.name} に誤りがあります:\n{exc}") from exc
    if form.name != path.stem:
        raise FormDefinitionError(f"様式定義 {path.name} の name は '{path.stem}' にしてください（今は '{form.name}'）")
    return form


@functools.cache
def _cached(path: str, mtime: float) -> FormDefinition:
    return load_definition_file(path)


def form_names(directory: Path = DEFINITIONS_DIR) -> list[str]:
    """The names of the bundled forms (file stems), sorted."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_definition(name: str, directory: Path = DEFINITIONS_DIR) -> FormDefinition:
    """The form called ``name`` (cached until its file changes)."""
    path = directory / f"{name}.yaml"
    if not path.is_file():
        raise FormDefinitionError(
            f"様式「{name}」の定義がありません（登録済み: {', '.join(form_names(directory)) or 'なし'}）"
        )
    return _cached(str(path), path.stat().st_mtime)


def load_all(directory: Path = DEFINITIONS_DIR) -> list[FormDefinition]:
    return [load_definition(n, directory) for n in form_names(directory)]
