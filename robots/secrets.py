"""Where a robot's password for a target system comes from: never robots.yaml, never the repo."""

from __future__ import annotations

import os

from daiko.config import TargetSystem


class MissingSecret(RuntimeError):
    pass


def password_for(target: TargetSystem) -> str:
    if target.password_env:
        value = os.environ.get(target.password_env)
        if not value:
            raise MissingSecret(
                f"{target.name}: environment variable {target.password_env} is not set; "
                f"set it in the robot account's environment (e.g. a systemd EnvironmentFile readable only by it)"
            )
        return value
    assert target.password_file is not None
    try:
        return target.password_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise MissingSecret(
            f"{target.name}: cannot read password file {target.password_file}: {exc.strerror}"
        ) from None
