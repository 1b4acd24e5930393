"""The contract of a check across fields (see :mod:`daiko.forms.checks`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Finding:
    """These fields go to review, for this reason (Japanese)."""

    fields: tuple[str, ...]
    reason: str


class CrossCheck(ABC):
    kind: ClassVar[str]
    #: role names the definition must map to fields; optional ones may be left out
    roles: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]] = ()

    #: settings the definition may give besides the fields (``params:``), with their defaults
    params: ClassVar[dict[str, str]] = {}

    def __init__(self, fields: dict[str, str], params: dict[str, str | int] | None = None):
        given = {key: str(value) for key, value in (params or {}).items()}  # a number in YAML is a setting too
        if set(given) - set(self.params):
            raise ValueError(
                f"check '{self.kind}' takes params {sorted(self.params)}; unknown {sorted(set(given) - set(self.params))}"
            )
        self.settings = {**self.params, **given}
        missing = set(self.roles) - set(self.optional) - set(fields)
        unknown = set(fields) - set(self.roles)
        if missing or unknown:
            raise ValueError(
                f"check '{self.kind}' takes roles {list(self.roles)}"
                + (f"; missing {sorted(missing)}" if missing else "")
                + (f"; unknown {sorted(unknown)}" if unknown else "")
            )
        self.fields = dict(fields)  # role → field name

    @abstractmethod
    def run(self, values: dict[str, str | None]) -> list[Finding]:
        """``values``: role → the field's canonical value (None: empty or unreadable; a choice of
        several: its keys comma-joined)."""
