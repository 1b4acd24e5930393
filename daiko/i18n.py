"""Which language daiko speaks to the people who run it: Japanese, unless a developer asks for English.

daiko's users are a city hall's staff, IT admins (情報政策課) and managers, so everything they read
on the command line — help texts, ``daiko validate``'s problems, log lines — is Japanese first.
A developer who wants English sets one variable::

    DAIKO_LANG=en daiko validate robots.yaml

Only ``DAIKO_LANG``, never LANG/LC_ALL: a server's locale says little about who reads it (Debian
servers often run under en_US.UTF-8 or C.UTF-8 for the admins of a Japanese city hall), and one
switch is simpler to document and to test than a chain of them.

Each message is written once, both languages side by side, where it is used::

    logger.info(tr("{} の受付フォルダを監視します: {}", "watching the inbox of {}: {}"), robot_id, root)

so a message cannot exist in one language only, and nothing is looked up by key far from its use.
Typer's help strings are chosen when the CLI module is imported, which is when the variable is read.
"""

from __future__ import annotations

import os

ENV = "DAIKO_LANG"


def language() -> str:
    """'en' when DAIKO_LANG starts with "en" (en, en_US, english), otherwise 'ja'."""
    return "en" if os.environ.get(ENV, "").strip().lower().startswith("en") else "ja"


def tr(ja: str, en: str) -> str:
    """The Japanese text, or the English one for developers (DAIKO_LANG=en)."""
    return en if language() == "en" else ja


__all__ = ["ENV", "language", "tr"]
