"""Who may do what in the console. One table here, so an auditor reads the rules in one place.

- 職員 (staff): review the items of their own 課, nothing else.
- 管理者 (admin): everything — every 課's items, the robots' dashboard, accounts, the audit trail.
- 管理職 (manager): dashboards and reports, read only, and never personal data (no item screens).

マイナンバー: the number itself is never stored; only the pixels of the scanned page show it.
Those pixels are shown only to roles in :data:`MYNUMBER_ROLES` — the 課's staff who handle the
application under the law — and blacked out for everybody else.
"""

from __future__ import annotations

from dataclasses import dataclass

STAFF, ADMIN, MANAGER = "staff", "admin", "manager"
ROLES: dict[str, str] = {STAFF: "職員", ADMIN: "管理者", MANAGER: "管理職"}
# Accepted on the command line too, so an admin can type the Japanese word.
ROLE_ALIASES: dict[str, str] = {**{k: k for k in ROLES}, **{v: k for k, v in ROLES.items()}}
MYNUMBER_ROLES = frozenset({STAFF})


@dataclass(frozen=True)
class Principal:
    """The signed-in person as the request handlers see it (no password hash, no ORM object)."""

    id: int
    name: str
    display_name: str
    role: str
    section: str | None

    @property
    def role_ja(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def can_review(self) -> bool:
        return self.role in (STAFF, ADMIN)

    def can_review_section(self, section: str | None) -> bool:
        """Staff see only their own 課's items; an item with no 課 is the admins' to route."""
        if self.role == ADMIN:
            return True
        return self.role == STAFF and section is not None and section == self.section

    @property
    def can_see_dashboard(self) -> bool:
        return self.role in (ADMIN, MANAGER)

    @property
    def can_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def can_see_personal(self) -> bool:
        """Names, addresses, screenshots of the target system: not for 管理職."""
        return self.role in (STAFF, ADMIN)

    @property
    def can_see_mynumber_image(self) -> bool:
        return self.role in MYNUMBER_ROLES


def normalise_role(value: str) -> str:
    """'staff', '職員' … → 'staff'; ValueError lists what is accepted."""
    role = ROLE_ALIASES.get(value.strip())
    if role is None:
        accepted = ", ".join(f"{k} ({v})" for k, v in ROLES.items())
        raise ValueError(f"役割「{value}」はありません。次のいずれかを指定してください: {accepted}")
    return role
