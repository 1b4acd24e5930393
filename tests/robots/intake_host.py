"""One "robot PC" for the shared-inbox test: takes the inbox in (and recovers) until told to stop.

Run as ``python intake_host.py robots.yaml STOP_FILE`` with ``DAIKO_HOST`` naming the PC; prints
the intake ids it registered, as JSON, when the stop file exists and the inbox is empty.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from daiko.config import load_config
from daiko.ledger import Ledger
from daiko.robots import intake


def main(config: str, stop_file: str) -> None:
    cfg = load_config(Path(config))
    robot = cfg.robots[0]
    ledger = Ledger(cfg.ledger_url)
    inbox, stop = intake.inbox_for(cfg, robot), Path(stop_file)
    taken: list[int] = []
    while True:
        intake.recover(ledger, cfg, robot)
        taken += [row.id for row in intake.take_in(ledger, cfg, robot, settle_seconds=0)]
        if stop.exists() and not intake.waiting_files(inbox):
            break
        time.sleep(0.02)  # a watcher's poll, not a wait for anything in particular
    print(json.dumps(taken))


if __name__ == "__main__":
    main(*sys.argv[1:3])
