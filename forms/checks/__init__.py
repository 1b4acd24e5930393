"""Checks across fields: rules no single field can judge (a 支店コード is valid only for its bank,
and only if it is the branch whose name is written beside it).

A form definition lists them under ``checks``, each with the fields that play its roles::

    checks:
      - kind: bank_branch
        fields: {bank_code: bank_code, branch_code: branch_code, bank_name: bank_name, branch_name: branch_name}

A check may take settings besides its fields (``params: {option: other}``; see its ``params``).
A check runs after every field was read and decided. It sees the values (None when a field is
empty or was unreadable) and returns findings: which fields must go to review, and why (in
Japanese, for the member of staff who looks). It never changes a value: a guess there would be
silently wrong. One module per check kind, registered by name in ``CHECKS``.
"""

from __future__ import annotations

from daiko.forms.checks.bank_branch import BankBranch
from daiko.forms.checks.base import CrossCheck, Finding
from daiko.forms.checks.date_order import DateOrder
from daiko.forms.checks.other_detail import OtherDetail

CHECKS: dict[str, type[CrossCheck]] = {c.kind: c for c in (BankBranch, DateOrder, OtherDetail)}


def get_check(kind: str) -> type[CrossCheck]:
    if kind not in CHECKS:
        raise ValueError(f"unknown check '{kind}'; known: {', '.join(sorted(CHECKS))}")
    return CHECKS[kind]


__all__ = ["CHECKS", "CrossCheck", "Finding", "get_check"]
