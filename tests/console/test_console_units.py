"""The console's rules without a browser: accounts, lock-out, sessions, secret, decisions, timing."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, update

from daiko.console import auth, review
from daiko.console.images import safe_path
from daiko.console.models import ConsoleSession, ConsoleUser
from daiko.console.roles import Principal
from daiko.console.secret import SECRET_NAME, load_or_create_secret
from daiko.console.users import UserError, add_user_command, set_active
from daiko.ledger import Audit, FieldReview, ItemState, Ledger, WorkItem, utcnow

pytestmark = pytest.mark.both_ledgers(scope="module")

PASSWORD = "correct-horse-42"


def test_signing_key_is_made_once_with_0600(tmp_path: Path):
    key = load_or_create_secret(tmp_path)
    path = tmp_path / SECRET_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(tmp_path) == key
    path.chmod(0o644)  # someone copied it carelessly
    assert load_or_create_secret(tmp_path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_migration_creates_the_console_tables(fresh_ledger_url, tmp_path: Path):
    ledger = Ledger(fresh_ledger_url or f"sqlite:///{tmp_path / 'l.sqlite3'}")
    assert {"console_users", "console_sessions"} <= set(inspect(ledger.engine).get_table_names())


def test_user_add_command_reads_the_password_from_stdin(fresh_hall, capsys):
    cfg, ledger = fresh_hall.cfg, fresh_hall.ledger
    code = add_user_command(cfg, "yamada.h", "職員", "税務課", "山田 花子", True, stdin=io.StringIO(PASSWORD + "\n"))
    assert code == 0 and "山田 花子" in capsys.readouterr().out
    with ledger.session() as s:
        user = s.scalars(select(ConsoleUser).where(ConsoleUser.name == "yamada.h")).one()
        assert user.role == "staff" and user.password_hash.startswith("$argon2")
        assert PASSWORD not in user.password_hash
        assert s.scalars(select(Audit).where(Audit.action == "user_added", Audit.actor == "cli")).first()
    assert auth.authenticate(ledger, "yamada.h", PASSWORD).principal is not None
    for args, stdin in [
        (("x", "staff", "税務課", None), PASSWORD),  # name too short
        (("kato", "staff", None, None), PASSWORD),  # staff without a 課
        (("kato", "boss", None, None), PASSWORD),  # no such role
        (("kato", "admin", None, None), "short"),  # password too short
        (("yamada.h", "admin", None, None), PASSWORD),  # taken
    ]:
        assert add_user_command(cfg, *args, True, stdin=io.StringIO(stdin + "\n")) == 1
    assert "エラー" in capsys.readouterr().err


def test_cli_console_user_add(fresh_ledger_url, tmp_path: Path):
    from typer.testing import CliRunner

    from daiko.cli.app import app

    config = tmp_path / "robots.yaml"
    config.write_text(
        "version: 1\n"
        "targets:\n  keitax: {name: 軽自動車税システム, adapter: keitax, base_url: 'http://127.0.0.1:8765',"
        " login: rpa01, password_env: DAIKO_KEITAX_PASSWORD}\n"
        "robots:\n  - {id: haisha, name: 廃車, section: 税務課, target: keitax, inbox: inbox/haisha,"
        " baseline_minutes: 6}\n",
        encoding="utf-8",
    )
    args = ["console", "--config", str(config), "user", "add", "admin1", "--role", "admin", "--password-stdin"]
    result = CliRunner().invoke(app, args, input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    ledger = Ledger(fresh_ledger_url or f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite3'}")
    assert auth.authenticate(ledger, "admin1", PASSWORD).principal.role == "admin"


def test_lock_out_lasts_15_minutes_and_success_resets_the_count(fresh_hall):
    ledger = fresh_hall.ledger
    for _ in range(auth.MAX_FAILURES - 1):
        assert auth.authenticate(ledger, "tanaka", "nope").principal is None
    assert auth.authenticate(ledger, "tanaka", PASSWORD).principal is not None  # count back to 0
    for _ in range(auth.MAX_FAILURES):
        result = auth.authenticate(ledger, "tanaka", "nope")
    assert "ロック" in result.message
    assert auth.authenticate(ledger, "tanaka", PASSWORD).principal is None
    with ledger.session() as s:
        s.execute(update(ConsoleUser).where(ConsoleUser.name == "tanaka").values(locked_until=utcnow()))
    assert auth.authenticate(ledger, "tanaka", PASSWORD).principal is not None
    # an unknown name is refused with the same words, and audited without the name typed
    assert auth.authenticate(ledger, "nobody", "x").message == auth.authenticate(ledger, "tanaka", "x").message


def test_sessions_end_when_idle_signed_out_or_disabled(fresh_hall):
    ledger = fresh_hall.ledger
    tanaka = auth.authenticate(ledger, "tanaka", PASSWORD).principal
    token = auth.open_session(ledger, tanaka.id)
    assert auth.resolve_session(ledger, token) == tanaka
    with ledger.session() as s:
        s.execute(update(ConsoleSession).values(last_seen_at=utcnow() - auth.IDLE_TIMEOUT - dt.timedelta(seconds=1)))
    assert auth.resolve_session(ledger, token) is None
    token = auth.open_session(ledger, tanaka.id)
    auth.close_session(ledger, token)
    assert auth.resolve_session(ledger, token) is None
    token = auth.open_session(ledger, tanaka.id)
    set_active(ledger, tanaka.id, False, actor="admin1")
    assert auth.resolve_session(ledger, token) is None
    with pytest.raises(UserError):
        set_active(ledger, tanaka.id, False, actor="tanaka")  # nobody disables themself


def _principal(ledger: Ledger, name: str) -> Principal:
    return auth.authenticate(ledger, name, PASSWORD).principal


def test_accept_checks_every_field_and_happens_once(fresh_hall):
    cfg, ledger = fresh_hall.cfg, fresh_hall.ledger
    tanaka, suzuki = _principal(ledger, "tanaka"), _principal(ledger, "suzuki")
    a = fresh_hall.items["a_wrong"]
    with pytest.raises(review.ReviewError) as info:
        review.accept(ledger, cfg, suzuki, a, {"owner_name": "山田 太郎", "haisha_date": "令和6年4月1日"})
    assert info.value.status == 403
    with pytest.raises(review.ReviewError) as info:
        review.accept(ledger, cfg, tanaka, a, {"owner_name": "山田 太郎"})
    assert "haisha_date" in info.value.fields  # a field under review was not answered
    with pytest.raises(review.ReviewError) as info:
        review.accept(ledger, cfg, tanaka, a, {"owner_name": "Yamada 1", "haisha_date": "R6.2.30"})
    assert set(info.value.fields) == {"owner_name", "haisha_date"}
    decision = review.accept(
        ledger,
        cfg,
        tanaka,
        a,
        {"owner_name": "山田 太郎", "haisha_date": "R6.4.1", "plate": "飯能 あ 12-35"},  # plate corrected too
        elapsed=30.0,
    )
    assert decision.state == ItemState.READY and set(decision.changed) == {"owner_name", "haisha_date", "plate"}
    with ledger.session() as s:
        item = s.get(WorkItem, a)
        reviews = s.scalars(select(FieldReview).where(FieldReview.item_id == a)).all()
    assert item.fields["plate"]["value"] == "飯能 あ 12-35" and item.review_seconds == pytest.approx(30.0)
    assert sorted(r.field for r in reviews) == ["haisha_date", "owner_name", "plate"]
    assert all(r.seconds == pytest.approx(10.0) for r in reviews)  # no browser timings: split evenly
    with pytest.raises(review.ReviewError) as info:
        review.accept(ledger, cfg, tanaka, a, {"owner_name": "山田 太郎", "haisha_date": "R6.4.1"})
    assert info.value.status == 409


def test_reject_needs_a_reason_and_fails_the_file(fresh_hall):
    cfg, ledger = fresh_hall.cfg, fresh_hall.ledger
    admin = _principal(ledger, "admin1")
    b = fresh_hall.items["b_reject"]
    with pytest.raises(review.ReviewError):
        review.reject(ledger, cfg, admin, b, "   ")
    review.reject(ledger, cfg, admin, b, "記入漏れがあります", elapsed=5000)
    with ledger.session() as s:
        item = s.get(WorkItem, b)
    assert item.state == ItemState.REJECTED and item.review_seconds == review.MAX_ITEM_SECONDS
    failed = cfg.data_dir / "inbox" / "haisha" / "failed" / "b_reject.pdf"
    assert failed.exists() and "記入漏れ" in (failed.parent / "b_reject.pdf.reason.txt").read_text(encoding="utf-8")


def test_seconds_per_field():
    assert review.attribute_seconds(["a", "b"], {}, 10) == {"a": 5.0, "b": 5.0}
    assert review.attribute_seconds(["a", "b"], {"a": 3, "b": 1, "zz": 99}, 10) == {"a": 3.0, "b": 1.0}
    assert review.attribute_seconds(["a", "b"], {"a": 30, "b": 10}, 20) == {"a": 15.0, "b": 5.0}
    assert sum(review.attribute_seconds(["a"], {}, 3 * 3600).values()) == review.MAX_ITEM_SECONDS
    assert review.attribute_seconds([], {"a": 1}, 5) == {}


def test_only_files_under_the_data_dir_are_served(tmp_path: Path):
    data = tmp_path / "data"
    (data / "evidence").mkdir(parents=True)
    (data / "evidence" / "x.png").write_bytes(b"x")
    (tmp_path / "secret.txt").write_text("no")
    assert safe_path(data, str(data / "evidence" / "x.png")) == data / "evidence" / "x.png"
    assert safe_path(data, "evidence/x.png") == data / "evidence" / "x.png"
    assert safe_path(data, str(data / "evidence" / ".." / ".." / "secret.txt")) is None
    assert safe_path(data, "/etc/passwd") is None
    os.symlink(tmp_path / "secret.txt", data / "link.txt")
    assert safe_path(data, str(data / "link.txt")) is None
    assert safe_path(data, None) is None


def test_marks_are_typed_as_keys_and_stored_in_the_readers_shape(fresh_hall):
    """A 'many' choice of a real form definition: typed 2,5 → stored ['2', '5']; 4 marks for 「3つまで」 refused."""
    from daiko.console import validation
    from daiko.forms.definition import load_definition

    assert load_definition("shimin_anketo").field("q3")  # a shipped form: a failure to load it is a failure
    cfg, ledger = fresh_hall.cfg, fresh_hall.ledger
    spec = {"label_ja": "問3", "type": "choice", "value": ["2"], "raw": None, "confidence": 0.3, "decision": "review"}
    assert validation.as_text(spec["value"]) == "2"
    refused = validation.check_value("shimin_anketo", "q3", spec, "1,2,3,4")
    assert not refused.ok and "3つまで" in refused.reason
    assert validation.stored_value("shimin_anketo", "q3", spec, "2,5") == ["2", "5"]
    assert validation.stored_value("shimin_anketo", "q1", spec, "1") == "1"
    with ledger.session() as s:
        item = s.get(WorkItem, fresh_hall.items["d_other"])
        item.form = "shimin_anketo"
        item.fields = {"q3": spec}
        item.review_fields = ["q3"]
    admin = _principal(ledger, "admin1")
    with pytest.raises(review.ReviewError):
        review.accept(ledger, cfg, admin, item.id, {"q3": "1,2,3,4"})
    review.accept(ledger, cfg, admin, item.id, {"q3": "5,2"})
    with ledger.session() as s:
        assert s.get(WorkItem, item.id).fields["q3"]["value"] == ["2", "5"]


def test_dashboard_takes_the_weeks_savings_from_the_report(fresh_hall):
    from daiko.console import dashboard
    from daiko.reports.build import build_report
    from daiko.reports.period import Period

    now = dt.datetime.now(dt.UTC)
    data = dashboard.build(fresh_hall.ledger, fresh_hall.cfg, now=now)
    assert data.savings.source == "reports"  # the reports layer is installed: never the placeholder here
    today = now.astimezone(dashboard.tz_of(fresh_hall.cfg)).date()
    report = build_report(fresh_hall.cfg, fresh_hall.ledger, Period.week_to_date(today), now=now)
    assert data.savings.hours == round(report.totals.net_hours, 1)  # the report's own figure, not another
    assert [e.kind for e in data.failures[0].evidence] == ["screenshot", "trace", "file"]
    assert [e.available for e in data.failures[0].evidence] == [True, True, False]
