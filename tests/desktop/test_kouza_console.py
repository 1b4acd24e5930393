"""A 口座振替依頼書 scan whose 金融機関コード is not in the 全銀 data waits for a person, and the review
console shows that form's own crops: the framework's console is not the 廃車 form's (issue 11)."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from daiko.config import DaikoConfig
from daiko.console.app import create_app
from daiko.console.users import add_user
from daiko.forms.synth import make_page, save_pages
from daiko.forms.synth.fakes import Fake
from daiko.ledger import IntakeFile, ItemState, Ledger, WorkItem
from daiko.ledger.db import upgrade_database
from daiko.robots.tasks.kouza import KouzaTask

PASSWORD = "correct-horse-42"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_an_unknown_bank_code_waits_in_review_with_the_kouza_forms_crop(tmp_path: Path):
    cfg = DaikoConfig.model_validate(
        {
            "targets": {
                "shuno": {"name": "収納管理システム", "kind": "desktop", "adapter": "shuno", "login": "rpa01",
                          "password_env": "DAIKO_SHUNO_PASSWORD"},
            },
            "robots": [
                {"id": "kouza", "name": "口座振替登録ロボット", "section": "収納課", "task": "kouza",
                 "form": "kouza_furikae", "target": "shuno", "inbox": "inbox/kouza", "baseline_minutes": 5},
            ],
        }
    ).model_copy(update={"base_dir": tmp_path})  # fmt: skip
    page = make_page("kouza_furikae", 11, "printed", values={"bank_code": Fake("0999", "0999")})
    scan = tmp_path / "data" / "inbox" / "kouza" / "review" / "kouza_0001.pdf"
    scan.parent.mkdir(parents=True)
    save_pages([page.image], scan, dpi=page.dpi)
    (draft,) = KouzaTask().read_scan(scan, "kouza_furikae", tmp_path / "data" / "pages" / "kouza")
    assert "bank_code" in draft.review_fields and "存在しません" in draft.fields["bank_code"]["reason"]

    upgrade_database(cfg.ledger_url)
    ledger = Ledger(cfg.ledger_url)
    with ledger.session() as s:
        f = IntakeFile(robot_id="kouza", section="収納課", sha256="k" * 64, original_name=scan.name,
                       current_path=str(scan), kind="scan", state="review", size_bytes=scan.stat().st_size)  # fmt: skip
        s.add(f)
        s.flush()
        item = WorkItem(robot_id="kouza", file_id=f.id, part=1, form=draft.form, state=ItemState.REVIEW,
                        fields=draft.fields, review_fields=draft.review_fields, reference=draft.reference,
                        page_image=draft.page_image)  # fmt: skip
        s.add(item)
        s.flush()
        item_id = item.id
    add_user(
        ledger, name="shuno1", role="staff", section="収納課", display_name="収納 一郎", password=PASSWORD, actor="t"
    )
    with TestClient(create_app(cfg, ledger)) as web:
        login = web.get("/login")
        web.post("/login", data={"name": "shuno1", "password": PASSWORD, "csrf_token": _csrf(login.text), "next": ""})
        screen = web.get(f"/items/{item_id}")
        assert screen.status_code == 200
        assert "金融機関コード" in screen.text and f"/items/{item_id}/fields/bank_code/crop.png" in screen.text
        crop = web.get(f"/items/{item_id}/fields/bank_code/crop.png")
        assert crop.status_code == 200 and crop.headers["content-type"] == "image/png"
        assert Image.open(BytesIO(crop.content)).width > 100
