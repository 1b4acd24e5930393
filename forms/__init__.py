"""Form definitions and turning a scanned page into validated fields.

Layer: uses ``daiko.ocr`` (image → text) and the kernel; used by robots. Public API:

- :func:`read_form` (one page image) and :func:`read_file` (every page of a PDF/TIFF/JPEG/PNG),
  giving :class:`FormResult` (per field: value, raw, confidence, accept/review + reason) or
  :class:`PageError`;
- :func:`load_definition` / :func:`form_names` for the YAML definitions in forms/definitions/;
- :func:`render_template` to draw a blank form; :func:`align` to register a scan to it;
- errors: :class:`BlankPageError`, :class:`UnknownFormError`, :class:`AlignmentError`.
"""

from daiko.forms.align import Alignment, align
from daiko.forms.definition import FormDefinition, form_names, load_definition
from daiko.forms.errors import AlignmentError, BlankPageError, FormDefinitionError, FormError, UnknownFormError
from daiko.forms.reader import read_file, read_form, read_page
from daiko.forms.render import render_template
from daiko.forms.result import FieldResult, FormResult, PageError, PageResult

__all__ = [
    "Alignment",
    "AlignmentError",
    "BlankPageError",
    "FieldResult",
    "FormDefinition",
    "FormDefinitionError",
    "FormError",
    "FormResult",
    "PageError",
    "PageResult",
    "UnknownFormError",
    "align",
    "form_names",
    "load_definition",
    "read_file",
    "read_form",
    "read_page",
    "render_template",
]
