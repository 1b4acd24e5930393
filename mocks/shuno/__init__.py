"""模擬 収納管理システム ("shuno"): the desktop system under automation for the 口座振替 robot.

A Tk program in the style of a 2000s Japanese client-server system — fixed-size window, login
dialog, 業務メニュー, 宛名検索 with a result list, 口座振替登録 with a tab order and function keys,
modal error dialogs — with its own SQLite database (register, accounts, audit), a Shift_JIS CSV
extract for 突合, and switchable faults (:mod:`daiko.mocks.shuno.faults`).

- ``python -m daiko.mocks.shuno --db PATH [--seed 42] [--records 2000] [--fault ...]`` (needs DISPLAY)
- :func:`start_shuno` runs it as a subprocess under a given display and waits for its window.
- :mod:`daiko.mocks.shuno.truth` reads what was really registered — the truth tests check against.

It imports nothing from daiko outside ``daiko.mocks``: it stands for another vendor's product.
"""

from daiko.mocks.shuno.faults import FaultConfig
from daiko.mocks.shuno.process import RunningShuno, prepare_shuno, start_shuno
from daiko.mocks.shuno.truth import Person, account, audit_rows, demo_password, people, registrations

__all__ = [
    "FaultConfig",
    "Person",
    "RunningShuno",
    "account",
    "audit_rows",
    "demo_password",
    "people",
    "prepare_shuno",
    "registrations",
    "start_shuno",
]
