"""One table of Japanese labels for every code a person reads (console, 突合 list, reports, CLI).

The ledger stores stable ASCII codes (``failed``, ``unreadable``, ``schedule_started``, ``scrap``);
staff, admins and managers must never meet them raw. Every screen, workbook and message that
shows a code asks this module, so one code has one word everywhere (差戻し is 差戻し in the console
and in the weekly report).

Public API::

    label(kind, code)                 # '差戻し' for label("item_state", "rejected"); the code itself if unknown
    choice_label(form, field, key)    # '解体' for ("keitax_haisha", "reason", "scrap"), from the form YAML first
    labels(kind)                      # the whole mapping of a kind (e.g. for a <select>)
    KINDS                             # the kinds there are

A code no table knows comes back unchanged (never an exception: a screen must open even when a
newer robot writes a code this table has not learnt yet); tests pin that every code the
project writes has a label.
"""

from __future__ import annotations

from collections.abc import Mapping

# -- work items and files ------------------------------------------------------------------------

ITEM_STATE = {
    "new": "読取待ち",
    "review": "確認待ち",
    "ready": "入力待ち",
    "claimed": "入力中",
    "done": "完了",
    "failed": "失敗",
    "rejected": "差戻し",
    "unknown": "結果不明",
}

FILE_STATE = {
    "processing": "処理中",
    "review": "確認待ち",
    "done": "完了",
    "failed": "失敗",
    "duplicate": "重複（受付済みのファイル）",
}

# Why an item or a file failed: ``WorkItem.error_code`` and the kinds of the read/keying errors.
ERROR = {
    # the file itself (ocr/images.py, forms/errors.py)
    "unreadable": "読み取れないファイル",
    "damaged": "壊れたファイル",
    "missing": "ファイルが見つからない",
    "empty": "空のファイル",
    "unsupported": "対応していない形式",
    "password": "パスワード付きのファイル",
    "too_large": "ファイルが大きすぎる",
    "too_small": "画像が小さすぎる（解像度不足）",
    "no_pages": "ページがない",
    "form_error": "様式として読めない",
    "form": "様式として読めない",
    "definition": "様式定義の誤り",
    "blank_page": "白紙のページ",
    "unknown_form": "どの様式か判別できない",
    "alignment": "用紙の位置を合わせられない",
    # the review
    "rejected": "差戻し",
    # proving the record before keying (robots/identity.py, register_check.py)
    "not_found": "対象データなし",
    "ambiguous": "対象を一つに絞れない",
    "already_deregistered": "登録済み・抹消済み",
    "already_registered": "登録済み",
    "identity_mismatch": "申告内容と登録内容が不一致",
    "identity_unproven": "本人・車両を確認できる項目なし",
    "chassis_mismatch": "車台番号の不一致",
    "reference_conflict": "受付番号が別の対象で登録済み",
    "duplicate_reference": "受付番号の重複",
    "duplicate": "重複（回答済み）",
    # keying into the target system (adapters, drivers)
    "business": "業務上のエラー",
    "application": "システムエラー",
    "http_500": "システムエラー（HTTP 500）",
    "timeout": "応答なし（タイムアウト）",
    "session_expired": "セッション切れ",
    "session_killed": "セッションが切断された",
    "element_missing": "画面の項目が見つからない",
    "element_disabled": "画面の項目が操作できない",
    "unexpected_screen": "想定外の画面",
    "unexpected_message": "想定外のメッセージ",
    "unexpected_dialog": "想定外のダイアログ",
    "unexpected": "想定外のエラー",
    "readback_mismatch": "入力後の読み返しが不一致",
    "locked": "ロック中",
    "connection": "接続できない",
    "not_running": "対象のプログラムが起動していない",
    "display_lost": "画面（ディスプレイ）に接続できない",
    "clipboard": "クリップボードを使えない",
    "secret_on_screen": "画面にパスワード等が表示された",
    "export_failed": "データの書き出しに失敗",
    "download_failed": "ダウンロードに失敗",
    "outcome_unknown": "結果不明（システムで確認が必要）",
    "result_unknown": "結果不明（システムで確認が必要）",
}

# 廃車事由, 標識の返納 …: used only when the form that defined the choice is not known.
# The form YAML's own option labels come first (see :func:`choice_label`).
CHOICE = {
    "scrap": "解体",
    "transfer": "譲渡",
    "theft": "盗難",
    "moved": "転出",
    "other": "その他",
    "returned": "返納",
    "not_returned": "紛失等",
}

# -- field types (forms/fieldtypes): the 精度 page, the weekly report, threshold alerts -----------

FIELD_TYPE = {
    "code": "番号・記号", "wareki_date": "和暦日付", "wareki_month": "和暦年月", "plate": "標識番号",
    "chassis_no": "車台番号", "kanji_name": "氏名（漢字）", "kana_name": "氏名（カナ）", "address": "住所",
    "postal_code": "郵便番号", "phone": "電話番号", "text": "文字", "number": "数値", "choice": "選択",
    "checkbox": "チェック", "bank_code": "金融機関コード", "branch_code": "支店コード",
    "account_number": "口座番号", "account_kana": "口座名義（カナ）", "mynumber": "個人番号",
}  # fmt: skip

# -- runs and schedules --------------------------------------------------------------------------

TRIGGER = {
    "schedule": "定時",
    "manual": "手動",
    "console": "コンソールから実行",
    "demo": "デモ",
    "watch": "到着時",
    "startup": "起動時",
    "review": "確認後",
    "reread": "再読取",
    "takeover": "引継ぎ",
    "queue": "他PCの読取分",
}
RUN_STATUS = {"running": "実行中", "finished": "完了", "failed": "失敗", "interrupted": "中断"}
RUN_MODE = {"live": "本番", "trial": "試行"}

# -- what people did (audit trail) and what happened (events) ------------------------------------

AUDIT = {
    "login": "ログイン",
    "logout": "ログアウト",
    "login_failed": "ログイン失敗",
    "login_refused_locked": "ロック中のログイン",
    "account_locked": "アカウントロック",
    "user_added": "利用者追加",
    "user_unlocked": "ロック解除",
    "user_disabled": "利用者無効化",
    "user_enabled": "利用者有効化",
    "user_password_reset": "パスワード再設定",
    "password_reset": "パスワード再設定",
    "item_accepted": "確定（ロボットへ）",
    "item_rejected": "差戻し",
    "item_reopened": "処理済みの案件を再確認へ",
    "item_retried": "再試行",
    "item_unknown_resolved": "結果不明の解決",
    "access_denied": "権限なしのアクセス",
    "csrf_refused": "不正な送信を拒否",
    "evidence_viewed": "証跡の表示",
    "fields_confirmed_by_register": "登録内容で確認（ロボット）",
    "config_changed": "設定（robots.yaml）の変更",
    "retention_purged": "保存期間を過ぎたデータの削除",
    "schedule_started": "スケジュール開始",
    "system_error": "システムエラー",
    "robot_run_requested": "ロボットの今すぐ実行",
    "schedule_paused": "スケジュールの一時停止",
    "schedule_resumed": "スケジュールの再開",
    "audit_sample_checked": "抜き取り確認",
    "correction_done": "訂正を記録",
    "threshold_tightened": "確認基準を厳しく（自動）",
    "threshold_loosened": "確認基準を緩める（管理者）",
    "threshold_offer_declined": "確認基準の緩和を見送り",
}

EVENT = {
    "accuracy_breach": "誤り率が目標を超過",
    "after_items_failed": "後処理の失敗",
    "audit_sampled": "抜き取り確認の対象を選定",
    "correction_done": "訂正を記録",
    "config_applied": "設定を反映",
    "config_rejected": "設定の誤りで反映せず",
    "file_duplicate": "受付済みのファイル",
    "file_failed": "ファイルの処理に失敗",
    "file_intake_failed": "ファイルの受付に失敗",
    "file_missing": "ファイルが見つからない",
    "file_move_failed": "ファイルを移動できない",
    "file_read": "ファイルを読取",
    "file_read_later": "ファイルを後で読取",
    "file_received": "ファイルを受付",
    "file_refused": "ファイルを受け付けず",
    "file_sync_failed": "フォルダの移動に失敗",
    "host_back": "ロボットPCが復帰",
    "host_silent": "ロボットPCの応答なし",
    "inbox_unavailable": "受付フォルダを使えない",
    "item_already_keyed": "入力済みを確認",
    "item_back_to_review": "確認待ちへ戻す",
    "item_confirmed_by_register": "登録内容で確認",
    "item_done": "入力完了",
    "item_handed_back": "入力待ちへ戻す",
    "item_orphaned": "処理中断の案件を引継ぎ",
    "item_rejected": "差戻し",
    "item_reopened": "処理済みの案件を再確認へ",
    "item_retried": "再試行",
    "item_retry": "再試行を予定",
    "item_review": "確認待ちへ",
    "item_reviewed": "確認済み",
    "item_unknown": "結果不明",
    "item_unknown_resolved": "結果不明の解決",
    "keying_deferred": "入力を延期",
    "missed_run": "未実行のスケジュール",
    "reconciled": "突合",
    "report_failed": "報告書の作成に失敗",
    "report_unavailable": "報告書を作成できない",
    "report_written": "報告書を作成",
    "retention_failed": "保存期間の処理に失敗",
    "retention_purged": "保存期間を過ぎたデータを削除",
    "run_error": "実行中のエラー",
    "run_finished": "実行終了",
    "run_interrupted": "実行が中断",
    "run_overlap": "前回の実行が継続中",
    "run_requested": "今すぐ実行の依頼",
    "run_skipped": "実行を見送り",
    "run_started": "実行開始",
    "run_stopped_login": "ログインできず停止",
    "run_stopped_systemic": "システム障害で停止",
    "run_timeout": "実行時間の超過",
    "runs_stopping": "実行を停止中",
    "schedule_never_fires": "実行されないスケジュール",
    "schedule_paused": "スケジュールを一時停止",
    "schedule_resumed": "スケジュールを再開",
    "schedule_started": "スケジュール開始",
    "schedule_stopped": "スケジュール停止",
    "survey_tallied": "アンケートを集計",
    "survey_tally_locked": "集計ファイルが使用中",
    "threshold_offer": "確認基準の緩和を提案",
}

# What a person decided on an item or a field (FieldReview, forms' per-field decision).
DECISION = {
    "accept": "確定",
    "accepted": "確定",
    "review": "要確認",
    "reject": "差戻し",
    "rejected": "差戻し",
    "keyed": "登録されていた",
    "not_keyed": "登録されていなかった",
}

# How an item counts in the weekly report (reports/savings.py Outcome).
OUTCOME = {"robot": "ロボット完了", "manual": "手作業（失敗）", "rejected": "差戻し"}

# The keys of the audit trail's before/after records, as the 監査ログ screen names them.
AUDIT_KEY = {
    "state": "状態",
    "reason": "理由",
    "error_code": "エラー",
    "attempts": "試行回数",
    "fields": "項目",
    "review_fields": "確認する項目",
    "system_record_id": "処理番号",
    "paused": "一時停止",
    "request": "依頼No.",
    "role": "役割",
    "section": "課",
    "active": "有効",
    "locked_until": "ロック解除予定",
    "display_name": "表示名",
    "failed_logins": "ログイン失敗回数",
    "retention_days": "保存期間（日）",
    "scans": "削除したスキャン",
    "pages": "削除したページ画像",
}

KINDS: dict[str, Mapping[str, str]] = {
    "item_state": ITEM_STATE,
    "file_state": FILE_STATE,
    "error": ERROR,
    "choice": CHOICE,
    "field_type": FIELD_TYPE,
    "trigger": TRIGGER,
    "run_status": RUN_STATUS,
    "run_mode": RUN_MODE,
    "audit": AUDIT,
    "event": EVENT,
    "decision": DECISION,
    "outcome": OUTCOME,
    "audit_key": AUDIT_KEY,
}


def labels(kind: str) -> Mapping[str, str]:
    """Every code of a kind and its label. KeyError for a kind that does not exist (a typo in code)."""
    return KINDS[kind]


def label(kind: str, code: str | None, *, empty: str = "—") -> str:
    """The Japanese label of ``code``; ``code`` itself when the table does not know it; ``empty`` for None/''."""
    if code is None or code == "":
        return empty
    return KINDS[kind].get(code, code)


def choice_label(form: str | None, field: str | None, value: str | None, *, empty: str = "—") -> str:
    """The label(s) of a choice field's value: the form YAML's option labels first, then :data:`CHOICE`.

    ``value`` may hold several keys comma-joined (a 「3つまで」 question): '解体' or 'テレビ・新聞'.
    """
    if value is None or str(value).strip() == "":
        return empty
    options = form_options(form, field)
    keys = [k.strip() for k in str(value).split(",") if k.strip()]
    return "・".join(options.get(k) or CHOICE.get(k, k) for k in keys)


def form_options(form: str | None, field: str | None) -> dict[str, str]:
    """{key: label} of a form's choice field as its YAML defines them; {} when unknown.

    Imported late: the form definitions live in ``daiko.forms``, a layer above this kernel; the
    kernel only falls back to its own table when that layer or the form is missing.
    """
    if not form or not field:
        return {}
    try:
        from daiko.forms.definition import load_definition

        return {o.key: o.label for o in load_definition(form).field(field).options}
    except Exception:  # no such form/field, or a definition that does not load: the fallback table answers
        return {}
