"""Japan's bank and branch codes (全銀協 codes) as reference data, from the ``zengin-code`` package.

The package ships the whole master (≈1,150 institutions, their branches) inside its wheel, so
nothing is fetched at run time. It is loaded once, on first use (~0.3 s). Refresh it by pinning a
newer ``zengin-code`` release: banks merge and branches close every year.

OCR'd codes are never trusted on their own: a code must exist, a branch must exist *in that
bank*, and the names written beside them must be that bank's and that branch's names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Institution:
    code: str
    name: str  # as the master holds it: 埼玉りそな, 飯能信金, いるま野農協


@functools.cache
def _master():
    import zengin_code

    return zengin_code.Bank.all


def bank(code: str) -> Institution | None:
    """The institution with this 4-digit 金融機関コード, or None."""
    found = _master().get(code)
    return Institution(found.code, found.name) if found else None


def branch(bank_code: str, branch_code: str) -> Institution | None:
    """The branch with this 3-digit 支店コード of that bank, or None (also when the bank is unknown)."""
    found = _master().get(bank_code)
    if found is None:
        return None
    b = found.branches.get(branch_code)
    return Institution(b.code, b.name) if b else None


# What people write → how the master abbreviates it (longest first).
_BANK_FORMS = [
    ("信用農業協同組合連合会", "信連"), ("農業協同組合", "農協"), ("信用金庫", "信金"), ("信用組合", "信組"),
    ("労働金庫", "労金"), ("漁業協同組合", "漁協"),
]  # fmt: skip


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def bank_name_key(text: str) -> str:
    """A bank's name however written → the master's short form: 飯能信用金庫 → 飯能信金,
    埼玉りそな銀行 → 埼玉りそな, JAいるま野 → いるま野農協, ㈱ and 株式会社 dropped."""
    text = _plain(text).replace("株式会社", "").replace("(株)", "")
    for long, short in _BANK_FORMS:
        text = text.replace(long, short)
    if text.upper().startswith("JA"):
        text = text[2:] + "農協"
    return re.sub(r"銀行$", "", text)


def branch_name_key(text: str) -> str:
    """A branch name however written → comparable: 飯能支店 → 飯能; 本店 and 本店営業部 alike."""
    text = _plain(text)
    text = re.sub(r"(支店|支所)$", "", text)
    return re.sub(r"営業部$", "", text)


def same_bank(written: str, code: str) -> bool:
    found = bank(code)
    return found is not None and bank_name_key(written) == bank_name_key(found.name)


def same_branch(written: str, bank_code: str, branch_code: str) -> bool:
    found = branch(bank_code, branch_code)
    return found is not None and branch_name_key(written) == branch_name_key(found.name)
