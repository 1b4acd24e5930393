"""The key that signs session cookies: made on first start, kept in the data dir, mode 0600.

Never in the repository or in robots.yaml (both get copied around); per installation, so a
cookie from one city hall's console is worthless at another's.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from daiko.i18n import tr
from daiko.log import logger

SECRET_NAME = "console-secret.key"


def load_or_create_secret(data_dir: Path) -> str:
    """The installation's signing key; created atomically with 0600 so it is never world-readable."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_existing(path)
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    logger.info(tr("確認コンソールの署名鍵 {} を作成しました", "created the console's signing key {}"), path)
    return key


def _read_existing(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        logger.warning(
            tr(
                "{} を他の利用者が読める状態でした（mode {:o}）。0600 にしました",
                "{} was readable by others (mode {:o}); set to 0600",
            ),
            path,
            mode,
        )
        path.chmod(0o600)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} is too short to be a signing key; delete it and restart the console")
    return key
