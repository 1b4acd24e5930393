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


def _compiled(pairs: tuple[tuple[str, ...], ...]) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, Japanese, what follows when the optional ``more`` group matched)."""
    return tuple((re.compile(p, re.S), japanese, rest[0] if rest else "") for p, japanese, *rest in pairs)


# Usage errors as Typer words them → as staff read them. First match wins. A ``reason`` group is
# itself put into Japanese (REASONS); a ``more`` group (Click's suggestion, Typer's extra words)
# follows the sentence in the third column's words.
ERRORS = _compiled((
    (r"^No such command '(?P<a>[^']*)'\.(?: Did you mean (?P<more>.*)\?)?$", "コマンド '{a}' はありません。", "もしかして: {more}"),
    (r"^No such option: (?P<a>\S+)(?: \(Possible options: (?P<more>.*)\))?$", "オプション {a} はありません。", "候補: {more}"),
    (r"^Missing command\.$", "コマンドを指定してください。"),
    (r"^Missing argument (?P<a>'[^']*')\.(?: (?P<more>.*))?$", "引数 {a} を指定してください。", "{more}"),
    (r"^Missing option (?P<a>'[^']*'(?: / '[^']*')*)\.(?: (?P<more>.*))?$", "オプション {a} を指定してください。", "{more}"),
    (r"^Missing parameter: (?P<a>.*)$", "{a} を指定してください。"),
    (r"^Got unexpected extra argument\(s\) \((?P<a>.*)\)$", "余分な引数があります: {a}"),
    (r"^Option '(?P<a>[^']*)' does not take a value\.$", "オプション {a} は値をとりません。"),
    (r"^Option '(?P<a>[^']*)' requires an argument\.$", "オプション {a} には値が必要です。"),
    (r"^Invalid value for (?P<a>'[^']*'(?: / '[^']*')*): (?P<reason>.*)$", "{a} の値が正しくありません: {reason}"),
    (r"^Invalid value: (?P<reason>.*)$", "値が正しくありません: {reason}"),
))  # fmt: skip

# The reason inside "Invalid value for …: <reason>".
REASONS = _compiled((
    (r"^Value (?P<a>.*) is not a valid (?P<b>\w+)\.$", "{a} は {b} として読めません。"),
    (r"^(?P<a>.*) is not one of (?P<b>.*)\.$", "{a} は選べません（{b} のいずれか）。"),
    (r"^(?P<b>\w+) (?P<a>'.*') does not exist\.$", "{a} がありません。"),
    (r"^Input should be a valid integer.*$", "整数で指定してください。"),
    (r"^Input should be a valid number.*$", "数値で指定してください。"),
    (r"^Input should be a valid boolean.*$", "true か false で指定してください。"),
))  # fmt: skip


def translate(message: str, table: tuple[tuple[re.Pattern[str], str, str], ...] = ERRORS) -> str:
    """A usage error (or, with REASONS, its reason) in Japanese; as it was when no pattern knows it."""
    for pattern, japanese, more in table:
        m = pattern.match(message)
        if m is None:
            continue
        parts = {k: v or "" for k, v in m.groupdict().items()}
        if parts.get("reason"):
            parts["reason"] = translate(parts["reason"], REASONS)
        out = japanese.format(**parts)
        return f"{out} {more.format(**parts)}" if more and parts.get("more") else out
    return message


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
