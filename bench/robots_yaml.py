"""robots.yaml for the benches and the tests that start a mock target system: one builder.

Every bench and several tests write the same robots.yaml (the 廃車 robot keying into the mock
軽自動車税システム, the 口座振替 robot into the mock 収納管理システム) with a key or two changed.
Built here, a key the schema renames or adds is changed in one place. The text keeps the layout
an admin writes (block style, a robot's keys indented four spaces), so a caller may still append
lines to the robot (tests/robots/conftest.py's ``extra``).

    robots_yaml(data=..., target_id="keitax", target=keitax_target(url, "rpa01", password_env="X"),
                robot=HAISHA | {"accepts_csv": True})
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HAISHA: dict[str, Any] = {
    "id": "haisha",
    "name": "廃車登録ロボット",
    "section": "税務課",
    "form": "keitax_haisha",
    "target": "keitax",
    "inbox": "inbox/haisha",
    "baseline_minutes": 6,
}
KOUZA: dict[str, Any] = {
    "id": "kouza",
    "name": "口座振替登録ロボット",
    "section": "収納課",
    "form": "kouza_furikae",
    "accepts_csv": True,
    "target": "shuno",
    "inbox": "inbox/kouza",
    "baseline_minutes": 5,
}


def keitax_target(url: str, login: str, **keys: Any) -> dict[str, Any]:
    """The mock 軽自動車税システム (web); ``keys``: password_env / password_file, timeouts …"""
    return {"name": "軽自動車税システム", "adapter": "keitax", "base_url": url, "login": login, **keys}


def shuno_target(login: str, **keys: Any) -> dict[str, Any]:
    """The mock 収納管理システム (desktop client)."""
    return {"name": "収納管理システム", "kind": "desktop", "adapter": "shuno", "login": login, **keys}


def survey_robot(form: str, **keys: Any) -> dict[str, Any]:
    """A 集計 robot (task survey): no target system, CSV answers from the web form accepted."""
    return {"id": "anketo", "task": "survey", "form": form, "accepts_csv": True, "inbox": "inbox/anketo", **keys}


def robots_yaml(
    *,
    data: Path | str,
    robot: Mapping[str, Any],
    target_id: str | None = None,
    target: Mapping[str, Any] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> str:
    """One robot and the target it keys into (none for a 集計 robot); ``data`` is ``defaults.data_dir``."""
    lines = ["version: 1", "defaults:", f"  data_dir: {_value(data)}"]
    lines += [f"  {key}: {_value(value)}" for key, value in (defaults or {}).items()]
    if target_id is not None:
        lines += ["targets:", f"  {target_id}:"]
        lines += [f"    {key}: {_value(value)}" for key, value in (target or {}).items()]
    lines += ["robots:"]
    lines += [f"  {'-' if i == 0 else ' '} {key}: {_value(value)}" for i, (key, value) in enumerate(robot.items())]
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    """A YAML scalar, or a flow list/mapping (JSON is YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
