"""What the privacy tests take for a 個人番号 in stored values: twelve digits in a row (``daiko.log``'s
pattern), except inside a hex digest — a file's SHA-256, whole or its first 16 characters after
"sha256 ", or a sampling seed. Random hex holds twelve digits in a row often enough to fail a run in
about fifteen (audit_seeds cb63c6d3e5df60c067253529620be9e2, audit "sha256 d458642722697a01")."""

from __future__ import annotations

import re

from daiko.log import MYNUMBER_RE

_HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[a-f])[0-9a-f]{16,}(?![0-9A-Za-z])")


def looks_like_mynumber(value: object) -> bool:
    """Whether ``value`` as text holds twelve digits in a row outside a hex digest."""
    return bool(MYNUMBER_RE.search(_HEX_DIGEST.sub(" ", str(value))))
