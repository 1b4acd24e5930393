"""金融機関コード + 支店コード against the 全銀 master and the names written beside them.

OCR can read 0017 as 0011 and still give a code that exists; the written 金融機関名 and 支店名 are
the paper's own check digits. So: the bank must exist (the field type says so already), the
branch must exist *in that bank*, and the written names must be those of the coded bank and
branch. Any doubt sends the fields involved to review; nothing is corrected automatically.
"""

from __future__ import annotations

from typing import ClassVar

from daiko.forms import zengin
from daiko.forms.checks.base import CrossCheck, Finding


class BankBranch(CrossCheck):
    kind: ClassVar[str] = "bank_branch"
    roles: ClassVar[tuple[str, ...]] = ("bank_code", "branch_code", "bank_name", "branch_name")
    optional: ClassVar[tuple[str, ...]] = ("bank_name", "branch_name")

    def run(self, values: dict[str, str | None]) -> list[Finding]:
        f = self.fields
        code, branch_code = values.get("bank_code"), values.get("branch_code")
        bank_name, branch_name = values.get("bank_name"), values.get("branch_name")
        if not code:
            return []
        bank = zengin.bank(code)
        if bank is None:
            return []  # the bank_code field type has said so already
        findings = []
        if bank_name and not zengin.same_bank(bank_name, code):
            findings.append(
                Finding(
                    (f["bank_code"], f["bank_name"]),
                    f"金融機関コード {code}（{bank.name}）と記入された金融機関名「{bank_name}」が一致しません",
                )
            )
        if branch_code:
            branch = zengin.branch(code, branch_code)
            if branch is None:
                findings.append(
                    Finding(
                        (f["bank_code"], f["branch_code"]),
                        f"支店コード {branch_code} は {bank.name} にありません（金融機関コード・支店コードを確認してください）",
                    )
                )
            elif branch_name and not zengin.same_branch(branch_name, code, branch_code):
                findings.append(
                    Finding(
                        (f["branch_code"], f["branch_name"]),
                        f"支店コード {branch_code}（{branch.name}）と記入された支店名「{branch_name}」が一致しません",
                    )
                )
        return findings
