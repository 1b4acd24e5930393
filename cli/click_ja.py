"""Typer's own words in Japanese: the help frame around our texts and its usage errors.

An IT admin typing ``daiko`` reads these; left alone they are English ("Show this message and
exit.", "No such command 'x'."). Typer keeps most of them in module constants, but its vendored
Click writes the help option's text and its usage errors as literal English, so those are put
into Japanese where they are shown: the help option once it is made, an error when its box is
printed. A message not matched below stays as Typer wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

HELP_OPTION_TEXT = "このヘルプを表示して終了します。"

# Typer's help frame: module constants read when help or an error box is printed.
RICH_UTILS = {
    "ARGUMENTS_PANEL_TITLE": "引数",
    "OPTIONS_PANEL_TITLE": "オプション",
    "COMMANDS_PANEL_TITLE": "コマンド",
    "ERRORS_PANEL_TITLE": "エラー",
    "ABORTED_TEXT": "中止しました。",
    "RICH_HELP": "使い方は [blue]'{command_path} {help_option}'[/] で表示されます。",
    "DEFAULT_STRING": "[既定: {}]",
    "ENVVAR_STRING": "[環境変数: {}]",
    "REQUIRED_LONG_STRING": "[必須]",
    "DEPRECATED_STRING": "（廃止予定） ",
}

# Usage errors as Typer words them → as staff read them. First match wins; groups carry over.
ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), japanese)
    for pattern, japanese in (
        (r"^No such command '(?P<a>[^']*)'\.(?: Did you mean (?P<b>.*)\?)?$", "コマンド '{a}' はありません。"),
        (r"^No such option: (?P<a>\S+)(?: \(Possible options: (?P<b>.*)\))?$", "オプション {a} はありません。"),
        (r"^Missing command\.$", "コマンドを指定してください。"),
        (r"^Missing argument (?P<a>'[^']*')\.(?: (?P<b>.*))?$", "引数 {a} を指定してください。"),
        (r"^Missing option (?P<a>'[^']*'(?: / '[^']*')*)\.(?: (?P<b>.*))?$", "オプション {a} を指定してください。"),
        (r"^Missing parameter: (?P<a>.*)$", "{a} を指定してください。"),
        (r"^Got unexpected extra argument\(s\) \((?P<a>.*)\)$", "余分な引数があります: {a}"),
        (r"^Option '(?P<a>[^']*)' does not take a value\.$", "オプション {a} は値をとりません。"),
        (r"^Option '(?P<a>[^']*)' requires an argument\.$", "オプション {a} には値が必要です。"),
        (r"^Invalid value for (?P<a>'[^']*'(?: / '[^']*')*): (?P<b>.*)$", "{a} の値が正しくありません: {b}"),
        (r"^Invalid value: (?P<a>.*)$", "値が正しくありません: {a}"),
    )
)
# Possible names Click suggests, kept after the translated line.
SUGGESTION = {"No such command": "もしかして: {b}", "No such option": "候補: {b}"}

# The reason inside "Invalid value for …: <reason>".
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), japanese)
    for pattern, japanese in (
        (r"^Value (?P<a>.*) is not a valid (?P<b>\w+)\.$", "{a} は {b} として読めません。"),
        (r"^(?P<a>.*) is not one of (?P<b>.*)\.$", "{a} は選べません（{b} のいずれか）。"),
        (r"^(?P<b>\w+) (?P<a>'.*') does not exist\.$", "{a} がありません。"),
        (r"^Input should be a valid integer.*$", "整数で指定してください。"),
        (r"^Input should be a valid number.*$", "数値で指定してください。"),
        (r"^Input should be a valid boolean.*$", "true か false で指定してください。"),
    )
)


def translate(message: str) -> str:
    """A usage error in Japanese, or as it was when no pattern knows it."""
    for pattern, japanese in ERRORS:
        m = pattern.match(message)
        if m is None:
            continue
        parts = {k: v or "" for k, v in m.groupdict().items()}
        if "b" in parts and pattern.pattern.startswith("^Invalid value for"):
            parts["b"] = _reason(parts["b"])
        out = japanese.format(**parts)
        for head, extra in SUGGESTION.items():
            if message.startswith(head) and parts.get("b"):
                out += " " + extra.format(**parts)
        if pattern.pattern.startswith("^Missing") and parts.get("b"):
            out += " " + parts["b"]
        return out
    return message


def _reason(reason: str) -> str:
    for pattern, japanese in REASONS:
        m = pattern.match(reason)
        if m is not None:
            return japanese.format(**m.groupdict())
    return reason


def install() -> None:
    """Typer speaks Japanese from here on (in this process)."""
    from typer import rich_utils
    from typer._click import decorators

    for constant, text in RICH_UTILS.items():
        setattr(rich_utils, constant, text)

    make_help_option = decorators.help_option
    if not getattr(make_help_option, "daiko_ja", False):

        def help_option(param_decls: list[str]) -> Callable[[Any], Any]:
            add = make_help_option(param_decls)

            def apply(command: Any) -> Any:
                add(command)
                command.params[-1].help = HELP_OPTION_TEXT  # the option just added
                return command

            return apply

        help_option.daiko_ja = True  # type: ignore[attr-defined]
        decorators.help_option = help_option

    show_error = rich_utils.rich_format_error
    if not getattr(show_error, "daiko_ja", False):

        def rich_format_error(error: Any) -> None:
            original = error.format_message
            error.format_message = lambda: translate(original())
            show_error(error)

        rich_format_error.daiko_ja = True  # type: ignore[attr-defined]
        rich_utils.rich_format_error = rich_format_error
