"""Read robots.yaml and report *every* problem with its line, column and a plain fix.

Pydantic knows what is wrong; ruamel.yaml knows where each key stands in the file. This
module joins the two so an admin sees ``robots.yaml:14:5 robots[1].schedule.cron: ...``.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError

from daiko.config.schema import DaikoConfig, looks_secret

SECRET_KEYS = {"password", "passwd", "pass", "pwd", "secret", "token", "パスワード", "api_key"}
# Keys whose value is never repeated in a message: what lands there by mistake is a secret.
SECRET_VALUED = {"password_env", "password_file", "ledger_password_env", "ledger_password_file", "ledger_url"}
HIDDEN = "（入力された値は表示しません）"


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, with a value that cannot be built reported where it stands.

    ruamel resolves ``2026-02-30`` (unquoted) as a date and ``!!int abc`` as an int, then lets
    Python's ValueError escape with no position; the admin would get a traceback. Here every such
    failure becomes a ConstructorError carrying the node's line and column.
    """

    def construct_non_recursive_object(self, node, tag=None):  # type: ignore[no-untyped-def]
        try:
            return super().construct_non_recursive_object(node, tag)
        except MarkedYAMLError:
            raise
        except (ValueError, TypeError, OverflowError, ArithmeticError) as exc:
            raise ConstructorError(None, None, _construct_message(node, exc), node.start_mark) from None


def _construct_message(node, exc: Exception) -> str:  # type: ignore[no-untyped-def]
    value = str(getattr(node, "value", ""))
    if str(node.tag).endswith(":timestamp"):
        return (
            f"'{value}' は実在しない日付・時刻です（{exc}）。"
            "YYYY-MM-DD で実在する日付を書いてください（例: 2026-11-30）"
        )
    return f"'{value}' を値として読み取れません（{exc}）"


@dataclass(frozen=True)
class ConfigProblem:
    path: str  # e.g. robots[1].schedule.cron
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def render(self, filename: str) -> str:
        where = f"{filename}:{self.line}:{self.column}" if self.line else filename
        field = f"{self.path}: " if self.path else ""
        return f"{where}: {field}{self.message}"


class ConfigError(Exception):
    """robots.yaml is not usable; ``problems`` lists every reason, in file order."""

    def __init__(self, filename: str, problems: list[ConfigProblem]):
        self.filename = filename
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path))
        super().__init__("\n".join(p.render(filename) for p in self.problems))


def config_hash(text: str | bytes) -> str:
    """The hash recorded in the audit trail whenever robots.yaml changes."""
    data = text.encode() if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class TaskCatalog:
    """The robot tasks installed, as the robots layer tells the kernel (which does not know them):
    name → whether it keys into a target system, and form → the task that reads it."""

    needs_target: dict[str, bool]
    by_form: dict[str, str]

    def resolve(self, task: str | None, form: str | None) -> str | None:
        if task:
            return task if task in self.needs_target else None
        return self.by_form.get(form or "")

    def describe(self) -> str:
        return ", ".join(
            f"{name} ({'keys into a target system' if keys else 'no target system'})"
            for name, keys in sorted(self.needs_target.items())
        )


def load_config(path: str | Path, known_forms: set[str] | None = None, tasks: TaskCatalog | None = None) -> DaikoConfig:
    """Load and validate robots.yaml; raise :class:`ConfigError` with all problems found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            str(path), [ConfigProblem("", "file not found; copy robots.yaml from the daiko folder")]
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), [ConfigProblem("", "file is not UTF-8; save it as UTF-8 (BOM なし)")]) from None
    return parse_config(text, path.name, base_dir=path.resolve().parent, known_forms=known_forms, tasks=tasks)


def parse_config(
    text: str,
    filename: str = "robots.yaml",
    base_dir: Path | None = None,
    known_forms: set[str] | None = None,
    tasks: TaskCatalog | None = None,
) -> DaikoConfig:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ConfigError(
            filename, [ConfigProblem("", f"not valid YAML: {exc.problem or exc.context}", line, col)]
        ) from None
    except Exception as exc:  # anything else ruamel lets escape: a message, never a traceback
        raise ConfigError(
            filename, [ConfigProblem("", f"YAML として読めません（{type(exc).__name__}: {exc}）")]
        ) from None
    if tree is None or (isinstance(tree, CommentedMap) and not tree):
        # An empty file is a save that went wrong (or a copy cut short), not "no robots":
        # applying it would stop every robot.
        raise ConfigError(
            filename,
            [
                ConfigProblem(
                    "",
                    "robots.yaml が空です（コメントだけ、または 0 バイト）。保存に失敗したか途中で切れた可能性があります。"
                    "版管理やバックアップから元に戻してください（動いているサービスは前の設定のまま動き続けます）",
                    1,
                    1,
                )
            ],
        )
    if not isinstance(tree, CommentedMap):
        raise ConfigError(
            filename,
            [ConfigProblem("", "the file must be a mapping of sections (defaults:, targets:, robots:, …)", 1, 1)],
        )

    problems: list[ConfigProblem] = []
    if "robots" not in tree:
        problems.append(
            ConfigProblem(
                "robots",
                "robots: がありません。ロボットを 1 つ以上書いてください（止めたいロボットは削除せず enabled: false に）",
                1,
                1,
            )
        )
    config: DaikoConfig | None = None
    try:
        config = DaikoConfig.model_validate(_plain(tree))
    except ValidationError as exc:
        problems.extend(_explain(exc, tree))
    problems.extend(_cross_check(tree, known_forms))
    problems.extend(_check_targets(tree, tasks))
    if problems:
        raise ConfigError(filename, problems)
    assert config is not None
    return config.model_copy(update={"base_dir": base_dir or Path.cwd()})


def _plain(node: Any) -> Any:
    """ruamel's commented containers → plain dicts/lists pydantic is happy with."""
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _position(tree: Any, loc: tuple[Any, ...]) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the deepest node of ``loc`` that exists in the file."""
    node, line, col = tree, getattr(tree.lc, "line", 0), getattr(tree.lc, "col", 0)
    for part in loc:
        try:
            if isinstance(node, CommentedMap) and part in node:
                line, col = node.lc.key(part)
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line, col = node.lc.item(part)
                node = node[part]
            else:
                break
        except (KeyError, AttributeError, TypeError):
            break
    return line + 1, col + 1


def _fields_of(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """Known keys at ``loc`` (for 'did you mean'), walking the schema as the loc walks the data."""
    from typing import get_args, get_origin

    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", {})
        if part not in fields:
            return []
        annotation = fields[part].annotation
        # unwrap Optional / list / dict to the model inside
        for _ in range(3):
            origin = get_origin(annotation)
            if origin is None:
                break
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[-1] if args else None
        current = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return list(getattr(current, "model_fields", {}))


def _shown(loc: tuple[Any, ...], value: Any) -> str:
    """A value as it may appear in a message: hidden for secret-valued keys and secret-looking text."""
    key = str(loc[-1]) if loc else ""
    if key in SECRET_VALUED or key.lower() in SECRET_KEYS or looks_secret(value):
        return HIDDEN
    return f"'{value}'"


def _explain(exc: ValidationError, tree: CommentedMap) -> list[ConfigProblem]:
    problems: list[tuple[tuple[Any, ...], str, ConfigProblem]] = []
    suggested: set[tuple[Any, ...]] = set()  # a typo'd key explains the 'missing' error of the right one
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))  # drop union tags
        kind, message = err["type"], err["msg"]
        key = loc[-1] if loc else ""
        if kind == "extra_forbidden":
            if str(key).lower() in SECRET_KEYS:
                message = (
                    "passwords must never be written in robots.yaml (it is in version control and "
                    "backups); put it in an environment variable and write "
                    "'password_env: DAIKO_<SYSTEM>_PASSWORD', or 'password_file: /path/to/secret'"
                )
            else:
                known = _fields_of(DaikoConfig, loc[:-1])
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = (
                    f"; did you mean '{close[0]}'?" if close else (f"; known keys: {', '.join(known)}" if known else "")
                )
                message = f"unknown key '{key}'{hint}"
                if close:
                    suggested.add((*loc[:-1], close[0]))
        elif kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
            ctx = err.get("ctx", {})
            words = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
            limit = next((f"{words[k]} {v}" for k, v in ctx.items() if k in words), "in range")
            message = f"{_shown(loc, err.get('input'))} is out of range; it must be {limit}"
        elif kind == "missing":
            message = f"'{key}' is required here"
        elif kind in {"value_error", "assertion_error"}:
            message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        elif kind == "literal_error":
            message = f"{_shown(loc, err.get('input'))} is not allowed; {message[0].lower()}{message[1:]}"
        elif kind.endswith("_parsing") or kind.endswith("_type"):
            message = f"{_shown(loc, err.get('input'))} is not valid here: {message[0].lower()}{message[1:]}"
        line, col = _position(tree, loc)
        problems.append((loc, kind, ConfigProblem(_dotted(loc), message, line, col)))
    return [p for loc, kind, p in problems if not (kind == "missing" and loc in suggested)]


def _cross_check(tree: CommentedMap, known_forms: set[str] | None) -> list[ConfigProblem]:
    """Checks across sections: references to targets and forms, duplicate ids."""
    problems = []
    targets = tree.get("targets") or {}
    robots = tree.get("robots") or []
    if not isinstance(robots, list):
        return problems
    seen: dict[str, int] = {}
    for i, robot in enumerate(robots):
        if not isinstance(robot, CommentedMap):
            continue
        rid = robot.get("id")
        if isinstance(rid, str):
            if rid in seen:
                line, col = _position(tree, ("robots", i, "id"))
                problems.append(
                    ConfigProblem(
                        f"robots[{i}].id",
                        f"'{rid}' is already used by robots[{seen[rid]}]; ids must be unique",
                        line,
                        col,
                    )
                )
            seen.setdefault(rid, i)
        target = robot.get("target")
        if isinstance(target, str) and isinstance(targets, dict) and target not in targets:
            line, col = _position(tree, ("robots", i, "target"))
            known = ", ".join(targets) or "none defined"
            problems.append(
                ConfigProblem(
                    f"robots[{i}].target", f"no target system '{target}' under 'targets:' (defined: {known})", line, col
                )
            )
        form = robot.get("form")
        if known_forms is not None and isinstance(form, str) and form not in known_forms:
            line, col = _position(tree, ("robots", i, "form"))
            close = difflib.get_close_matches(form, sorted(known_forms), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (forms: {', '.join(sorted(known_forms))})"
            problems.append(ConfigProblem(f"robots[{i}].form", f"no form definition '{form}'{hint}", line, col))
    return problems


def _check_targets(tree: CommentedMap, tasks: TaskCatalog | None) -> list[ConfigProblem]:
    """A robot that keys into a core system names its target; one whose task keys into none does not.

    Without the robots layer's catalogue (``tasks`` None) only the plain rule is checked: a robot
    with neither ``task`` nor ``target`` cannot be run.
    """
    problems: list[ConfigProblem] = []
    robots = tree.get("robots") or []
    if not isinstance(robots, list):
        return problems
    targets = tree.get("targets") or {}
    defined = ", ".join(targets) if isinstance(targets, dict) and targets else "none defined yet"
    for i, robot in enumerate(robots):
        if not isinstance(robot, CommentedMap):
            continue
        task, form, target = robot.get("task"), robot.get("form"), robot.get("target")
        task = task if isinstance(task, str) else None
        form = form if isinstance(form, str) else None
        rid = robot.get("id") if isinstance(robot.get("id"), str) else f"robots[{i}]"
        if tasks is None:
            name, needs = task, (None if task else True)
        else:
            name = tasks.resolve(task, form)
            if name is None:
                key = "task" if task else ("form" if form else "")
                line, col = _position(tree, ("robots", i, key) if key else ("robots", i))
                what = f"no robot task '{task}'" if task else f"no robot task reads form '{form}'"
                problems.append(
                    ConfigProblem(
                        f"robots[{i}].{key}" if key else f"robots[{i}]",
                        f"{what}; set 'task:' to one of: {tasks.describe()}",
                        line,
                        col,
                    )
                )
                continue
            needs = tasks.needs_target[name]
        if needs and target is None:
            line, col = _position(tree, ("robots", i))
            problems.append(
                ConfigProblem(
                    f"robots[{i}]",
                    f"robot '{rid}' keys into a core system (task {name or 'for form ' + str(form)}): "
                    f"add 'target:' naming one of the systems under 'targets:' ({defined})",
                    line,
                    col,
                )
            )
        elif needs is False and target is not None:
            line, col = _position(tree, ("robots", i, "target"))
            problems.append(
                ConfigProblem(
                    f"robots[{i}].target",
                    f"task '{name}' keys into no core system (its work stays in daiko); remove 'target'",
                    line,
                    col,
                )
            )
    return problems
