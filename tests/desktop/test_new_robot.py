"""A framework, not one robot: a robot made of new files only — a task module and an adapter module
kept beside robots.yaml (here: tmp_path), named by module path in robots.yaml — is run by the
ordinary `daiko run`, with nothing in daiko edited, registered or patched for it.

The throw-away robot is a 口座登録確認 robot: for each 受付番号 of a CSV it asks the running
収納管理システム (the existing mock) whether an account was registered under it, records the
処理番号 and keeps a screenshot of the 照会 screen; an unknown 受付番号 is a business exception.
It runs in its own process, as robots do, so its task never enters this test session's registry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from daiko.ledger import ItemState, Ledger, WorkItem
from daiko.mocks.shuno import truth

pytestmark = [pytest.mark.slow]

TASK = '''\
"""口座登録確認: is an account registered under each 受付番号? (a city's own task module)"""

import csv

from daiko.robots.tasks.base import ItemDraft, Task


class KakuninTask(Task):
    name = "hanno_kouza_kakunin"
    title_ja = "口座登録確認"
    unique_references = True

    def read_scan(self, path, form, image_dir):
        raise ValueError("この業務はスキャンを受け付けません（CSV のみ）")

    def read_csv(self, path):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        return [
            ItemDraft(
                part=n,
                fields={"uketsuke": {"label": "受付番号", "value": row["受付番号"], "decision": "accept",
                                     "confidence": 1.0}},
                reference=row["受付番号"],
            )
            for n, row in enumerate(rows, start=1)
        ]

    def key(self, adapter, fields, *, dry_run):
        return adapter.key(fields["uketsuke"]["value"], dry_run=dry_run)
'''

ADAPTER = '''\
"""The 収納管理システム's 照会 screen, for the 口座登録確認 robot (a city's own adapter module)."""

from daiko.robots.adapters.base import KeyingResult
from daiko.robots.adapters.shuno import ShunoAdapter
from daiko.robots.errors import BusinessError


class KakuninAdapter(ShunoAdapter):
    def key(self, reference, *, dry_run=False):
        record = self.find_record(reference)
        if record is None:
            raise BusinessError(f"受付番号 {reference} の口座登録はありません", code="not_found")
        shot = self._evidence(f"kakunin_{reference}")
        return KeyingResult(reference, record.system_record_id, evidence=[shot])
'''

CONFIG = """\
version: 1
defaults:
  data_dir: data
targets:
  shuno:
    name: 収納管理システム
    kind: desktop
    adapter: hanno_robots.kakunin_adapter
    login: {user}
    password_env: DAIKO_TEST_KAKUNIN_PASSWORD
robots:
  - id: kakunin
    name: 口座登録確認ロボット
    section: 収納課
    task: hanno_robots.kakunin_task
    accepts_csv: true
    target: shuno
    inbox: inbox/kakunin
    baseline_minutes: 1
    intake: {{settle_seconds: 0}}
"""


def test_a_robot_of_new_files_only_runs_under_the_ordinary_runner(shuno, tmp_path: Path):
    client = shuno()
    package = tmp_path / "hanno_robots"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "kakunin_task.py").write_text(TASK, encoding="utf-8")
    (package / "kakunin_adapter.py").write_text(ADAPTER, encoding="utf-8")
    (tmp_path / "robots.yaml").write_text(CONFIG.format(user=client.user), encoding="utf-8")
    registered = [truth.account(client.db_path, p.atena_no) for p in truth.people(client.db_path, 2, has_account=True)]
    inbox = tmp_path / "data" / "inbox" / "kakunin"
    inbox.mkdir(parents=True)
    references = [a["reference"] for a in registered] + ["R08-99999"]
    (inbox / "kakunin.csv").write_text("受付番号\n" + "\n".join(references) + "\n", encoding="utf-8")

    env = {**os.environ, "DAIKO_TEST_KAKUNIN_PASSWORD": client.password}
    env.pop("PYTHONPATH", None)  # found only because the modules sit beside robots.yaml
    # `daiko run` checks robots.yaml first (as `daiko validate` does): the dotted task must resolve.
    done = subprocess.run(
        [sys.executable, "-m", "daiko.cli", "run", "kakunin", "--json", "--config", "robots.yaml"], cwd=tmp_path,
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    summary = json.loads(done.stdout[done.stdout.index("{") :])
    assert (summary["done"], summary["failed"]) == (2, 1), done.stdout + done.stderr

    with Ledger(f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite3'}").session() as s:
        items = {i.reference: i for i in s.scalars(select(WorkItem))}
    for account in registered:
        item = items[account["reference"]]
        assert (item.state, item.system_record_id) == (ItemState.DONE, account["shori_no"])
        assert item.evidence and Path(item.evidence[0]).is_file()
    unknown = items["R08-99999"]
    assert unknown.state == ItemState.FAILED and "口座登録はありません" in unknown.reason
