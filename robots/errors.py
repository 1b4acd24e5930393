"""The two kinds of trouble a robot meets, which decide what happens to a work item.

Business exceptions go to staff with the reason and are never retried: retrying cannot make
a vehicle exist. Application exceptions (the system or the network misbehaving) are retried
with back-off, then fail with evidence.
"""

from __future__ import annotations


class BusinessError(Exception):
    """The target system says no for a reason a person must look at (shown to staff in Japanese)."""

    def __init__(self, reason: str, *, code: str = "business"):
        super().__init__(reason)
        self.reason = reason
        self.code = code  # e.g. not_found, already_deregistered, rejected


class ApplicationError(Exception):
    """The system or connection failed (HTTP 500, timeout, session lost, element missing): retry."""

    def __init__(self, reason: str, *, code: str = "application"):
        super().__init__(reason)
        self.reason = reason
        self.code = code  # e.g. http_500, timeout, session_expired, element_missing, locked


class LoginRejected(ApplicationError):
    """The system refused the robot's ID or password.

    Not an item's fault and not transient: retrying item after item would only lock the robot's
    account in the core system (most lock after a few failures). The runner stops the run, hands
    the item back untouched and says what to fix.
    """

    def __init__(self, reason: str, *, code: str = "login_failed"):
        super().__init__(reason, code=code)


class OutcomeUnknown(ApplicationError):
    """The final button (登録) was pressed, no clear answer came, and the system could not be asked
    afterwards. Retrying starts by asking; when no attempt is left the item becomes 結果不明."""

    def __init__(self, reason: str, *, code: str = "outcome_unknown"):
        super().__init__(reason, code=code)
