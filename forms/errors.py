"""Errors of the forms layer. Each carries a Japanese message for staff (``message_ja``).

They are per page: the batch reader turns them into a page error and moves on to the next page.
"""

from __future__ import annotations


class FormError(Exception):
    """Base class; ``kind`` is a stable code for reports and tests."""

    kind = "form_error"

    def __init__(self, message_ja: str, detail: str = "") -> None:
        self.message_ja = message_ja
        self.detail = detail
        super().__init__(message_ja + (f" [{detail}]" if detail else ""))


class FormDefinitionError(FormError):
    """A definition file is missing or wrong (a configuration problem, not a bad scan)."""

    kind = "definition"


class BlankPageError(FormError):
    """The page holds nothing (the back of a duplex scan, a separator sheet)."""

    kind = "blank_page"

    def __init__(self, detail: str = "") -> None:
        super().__init__("白紙のページです（両面スキャンの裏面などは読み取りません）", detail)


class UnknownFormError(FormError):
    """The page is not one of the known forms (or not the form that was asked for)."""

    kind = "unknown_form"


class AlignmentError(FormError):
    """The page could not be registered to the form's template, so zones cannot be trusted."""

    kind = "alignment"

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "テンプレートと位置合わせできません（用紙の四隅の■印が写るように、まっすぐ再スキャンしてください）", detail
        )
