"""A small city hall for the console's tests: two 課, four people, a few scanned pages.

Everything is real — a migrated SQLite ledger, PNG pages drawn with a CJK font, the inbox
folders intake moves files between — only the OCR is replaced by field results written here.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from daiko.config import DaikoConfig
from daiko.console.app import create_app
from daiko.console.users import add_user
from daiko.ledger import Event, Host, IntakeFile, ItemState, Ledger, Run, WorkItem, utcnow

PASSWORD = "correct-horse-42"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
TAX, PENSION = "税務課", "保険年金課"


def make_config(base: Path) -> DaikoConfig:
    return DaikoConfig.model_validate(
        {
            "targets": {
                "keitax": {
                    "name": "軽自動車税システム",
                    "adapter": "keitax",
                    "base_url": "http://127.0.0.1:9",
                    "login": "rpa01",
                    "password_env": "DAIKO_KEITAX_PASSWORD",
                }
            },
            "robots": [
                {
                    "id": "haisha",
                    "name": "軽自動車 廃車登録ロボット",
                    "section": TAX,
                    "target": "keitax",
                    "inbox": "inbox/haisha",
                    "baseline_minutes": 6,
                },
                {
                    "id": "kokuho",
                    "name": "国保 加入届ロボット",
                    "section": PENSION,
                    "target": "keitax",
                    "inbox": "inbox/kokuho",
                    "baseline_minutes": 8,
                },
            ],
        }
    ).model_copy(update={"base_dir": base})


# ---- a scanned page --------------------------------------------------------------------------------

ROWS = [  # (name, label, type, written text)
    ("owner_name", "氏名", "kanji_name", "山田 太郎"),
    ("address", "住所", "text", "飯能市双柳1番地の1"),
    ("plate", "標識番号", "text", "飯能 あ 12-34"),
    ("haisha_date", "廃車日", "wareki_date", "令和6年4月1日"),
    ("mynumber", "個人番号", "mynumber", "1234 5678 9018"),
]


def draw_page(path: Path) -> dict[str, list[int]]:
    """A 1000×700 form with a caption and a value cell per row; returns each value cell's box."""
    img = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(img)
    title = ImageFont.truetype(FONT, 34)
    label = ImageFont.truetype(FONT, 22)
    hand = ImageFont.truetype(FONT, 30)
    draw.text((300, 40), "軽自動車 廃車申告書", font=title, fill="black")
    boxes = {}
    for i, (name, caption, _type, text) in enumerate(ROWS):
        y = 130 + i * 100
        draw.rectangle((60, y, 250, y + 70), outline="black", width=2, fill=(235, 235, 235))
        draw.text((80, y + 20), caption, font=label, fill="black")
        draw.rectangle((250, y, 940, y + 70), outline="black", width=2)
        draw.text((275, y + 15), text, font=hand, fill=(20, 30, 120))
        boxes[name] = [255, y + 5, 935, y + 65]
    img.save(path)
    return boxes


def fields_for(boxes: dict[str, list[int]], **overrides: dict) -> dict[str, dict]:
    fields = {}
    for name, caption, type_, text in ROWS:
        value = "2024-04-01" if type_ == "wareki_date" else text
        spec = {
            "label": caption,
            "type": type_,
            "value": value,
            "raw": text,
            "confidence": 0.97,
            "decision": "accept",
            "reason": None,
            "box": boxes[name],
        }
        if type_ == "mynumber":
            spec.update(value="*" * 12, raw=None)
        spec.update(overrides.get(name, {}))
        fields[name] = spec
    return fields


# ---- the city hall ---------------------------------------------------------------------------------


@dataclass
class Hall:
    cfg: DaikoConfig
    ledger: Ledger
    items: dict[str, int]
    files: dict[str, Path]


def _add_item(
    ledger: Ledger, cfg: DaikoConfig, robot: str, key: str, fields: dict, review: list[str], **kw
) -> tuple[int, Path]:
    data = cfg.data_dir
    inbox = data / "inbox" / robot / "review"
    inbox.mkdir(parents=True, exist_ok=True)
    scan = inbox / f"{key}.pdf"
    scan.write_bytes(b"%PDF-1.4 " + key.encode())
    pages = data / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    with ledger.session() as s:
        f = IntakeFile(
            robot_id=robot,
            section=kw.pop("file_section", None),
            sha256=key.ljust(64, "0"),
            original_name=scan.name,
            current_path=str(scan),
            kind="scan",
            state="review",
            size_bytes=scan.stat().st_size,
        )
        s.add(f)
        s.flush()
        item = WorkItem(
            robot_id=robot,
            file_id=f.id,
            part=1,
            form="keitax_haisha_test",
            state=kw.pop("state", ItemState.REVIEW),
            fields=fields,
            review_fields=review,
            page_image=str(pages / f"{key}.png"),
            **kw,
        )
        s.add(item)
        s.flush()
        return item.id, scan


def build_hall(base: Path) -> Hall:
    cfg = make_config(base)
    ledger = Ledger(cfg.ledger_url)
    (cfg.data_dir / "pages").mkdir(parents=True, exist_ok=True)
    boxes = draw_page(cfg.data_dir / "pages" / "page.png")
    items: dict[str, int] = {}
    files: dict[str, Path] = {}

    def page_for(key: str) -> None:
        (cfg.data_dir / "pages" / f"{key}.png").write_bytes((cfg.data_dir / "pages" / "page.png").read_bytes())

    low = {"confidence": 0.41, "decision": "review", "reason": "確信度が低い（41%）"}
    # The OCR misread 太 as 大 and a 4 as 13: both are sent to a person.
    wrong = fields_for(
        boxes,
        owner_name={"value": "山田 大郎", "raw": "山田 大郎", **low},
        haisha_date={
            "value": None,
            "raw": "令和6年13月1日",
            "decision": "review",
            "reason": "存在しない日付です",
            "confidence": 0.62,
        },
    )
    for key, fields, review in [
        ("a_wrong", wrong, ["owner_name", "haisha_date"]),
        ("b_reject", fields_for(boxes, plate={"value": "飯能 あ 12-3?", **low}), ["plate"]),
        (
            "c_mynumber",
            fields_for(
                boxes,
                mynumber={
                    "decision": "review",
                    "reason": "個人番号の検査用数字が一致しません（原本で確認してください）",
                    "confidence": 0.9,
                },
            ),
            ["mynumber"],
        ),
    ]:
        page_for(key)
        items[key], files[key] = _add_item(ledger, cfg, "haisha", key, fields, review)
    page_for("d_other")
    items["d_other"], files["d_other"] = _add_item(
        ledger, cfg, "kokuho", "d_other", fields_for(boxes, address={"value": "飯能市?", **low}), ["address"]
    )
    # A failure with evidence, a run and a missed schedule for the dashboard.
    shots = cfg.data_dir / "evidence"
    shots.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (320, 200), (200, 220, 255)).save(shots / "fail_1.png")
    (shots / "fail_1.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    page_for("e_failed")
    items["e_failed"], _ = _add_item(
        ledger,
        cfg,
        "haisha",
        "e_failed",
        fields_for(boxes),
        [],
        state=ItemState.FAILED,
        reason="軽自動車税システムに該当する車両がありません（標識番号 飯能 あ 12-34）",
        error_code="not_found",
        attempts=1,
        evidence=[str(shots / "fail_1.png"), str(shots / "fail_1.zip"), "/etc/passwd"],
    )
    with ledger.session() as s:
        s.add(
            Run(
                robot_id="haisha",
                trigger="schedule",
                mode="live",
                host="pc1",
                pid=1,
                status="finished",
                ended_at=utcnow(),
                done=12,
                review=3,
                failed=1,
            )
        )
        s.add(
            Event(
                kind="missed_run",
                level="WARNING",
                robot_id="kokuho",
                message="9:00 の定時実行は PC が停止していたため実行されませんでした",
                data={},
                at=utcnow() - dt.timedelta(hours=2),
            )
        )
    # Three robot PCs: one running, one that fell silent (its work taken over), one stopped.
    now = utcnow()
    with ledger.session() as s:
        for name, state, seen, released in [
            ("robot-pc-01", "running", now, None),
            ("robot-pc-02", "silent", now - dt.timedelta(minutes=12), now - dt.timedelta(minutes=10)),
            ("robot-pc-03", "stopped", now - dt.timedelta(days=1), None),
        ]:
            s.add(
                Host(
                    name=name, pid=4100, version="0.1.0", state=state, robots=["haisha", "kokuho"],
                    heartbeat_seconds=3600 if state == "running" else 30,
                    started_at=seen - dt.timedelta(hours=1), last_seen_at=seen, released_at=released,
                )
            )  # fmt: skip
    for name, role, section, display in [
        ("tanaka", "staff", TAX, "田中 一郎"),
        ("suzuki", "staff", PENSION, "鈴木 花子"),
        ("admin1", "admin", None, "情報政策課 管理者"),
        ("boss", "manager", None, "佐藤 課長"),
    ]:
        add_user(ledger, name=name, role=role, section=section, display_name=display, password=PASSWORD, actor="test")
    return Hall(cfg, ledger, items, files)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2 at its production cost (64 MiB, 3 passes) is most of a sign-in's time on a busy
    2-core PC; the tests check what is done with hashes, not argon2's cost, so they use a light one."""
    from argon2 import PasswordHasher

    from daiko.console import auth

    saved = auth._hasher
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    auth._hasher = saved


@pytest.fixture(scope="module")
def hall(module_ledger_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Hall:
    """One hall per module and ledger backend (a module may run on both)."""
    return build_hall(tmp_path_factory.mktemp("hall"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def console_url(hall: Hall) -> Iterator[str]:
    """The console served by uvicorn in a thread on a free port of 127.0.0.1."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(hall.cfg, hall.ledger), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the console did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def fresh_hall(fresh_ledger_url: str | None, tmp_path: Path) -> Hall:
    """A hall of one's own, for tests that change items."""
    return build_hall(tmp_path)


def sign_in(browser, url: str, name: str, password: str = PASSWORD, *, timeout_ms: int = 10_000, **options):
    """A page of a fresh browser context, signed in as ``name`` through the login form (the console
    first sends a visitor without a session to /login). ``options``: more new_context options."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ja-JP", **options)
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    page.goto(f"{url}/")
    assert "/login" in page.url
    page.fill("#name", name)
    page.fill("#password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/login" not in u)
    return page


def item(hall: Hall, key: str) -> WorkItem:
    """The hall's item ``key`` as the ledger holds it now."""
    with hall.ledger.session() as s:
        return s.get(WorkItem, hall.items[key])
