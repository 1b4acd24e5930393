"""The system's message catalogue. Like real vendor systems, every message carries an ID
(E = error, W = warning, I = information) so operators — and robots — can tell them apart
without depending on the wording.
"""

from __future__ import annotations

from dataclasses import dataclass

CATALOGUE: dict[str, str] = {
    # ログイン・セッション
    "E0001": "利用者IDまたはパスワードが正しくありません。",
    "E0002": "セッションの有効期限が切れました。再度ログインしてください。",
    "E0003": "他の端末でログインされたため、セッションが無効になりました。",
    "E0004": "ログインしていません。ログインしてください。",
    "E0005": "不正な画面遷移です。最初から操作をやり直してください。",
    "I0001": "ログアウトしました。",
    # 車両検索
    "E0301": "検索条件を1つ以上入力してください。",
    "I0301": "該当する車両が見つかりません。",
    "W0302": "検索結果が{limit}件を超えました。先頭{limit}件を表示しています。条件を絞り込んでください。",
    "E0303": "指定された車両は存在しません。",
    "E0304": "一覧から車両を選択してください。",
    # 廃車登録
    "E0401": "他の端末で更新中です。（更新中の利用者：{holder}）しばらくしてから再度操作してください。",
    "E0402": "この車両は既に廃車済です。（廃車年月日：{date}）",
    "E0501": "{field}を入力してください。",
    "E0502": "{field}が正しい日付ではありません。",
    "E0503": "{field}に未来の日付は入力できません。",
    "E0504": "廃車年月日が登録年月日（{date}）より前です。",
    "E0505": "申告日が廃車年月日より前です。",
    "E0506": "廃車事由を選択してください。",
    "E0507": "受付番号の形式が正しくありません。（半角英数字・ハイフン・アンダーバー、{max}文字以内）",
    "E0508": "受付番号 {no} は既に使用されています。（処理番号：{shori}）",
    "I0601": "廃車登録が完了しました。処理番号：{shori}",
    # 受付番号検索・抽出
    "E0411": "受付番号を入力してください。",
    "I0411": "該当する処理はありません。",
    "E0701": "抽出期間（開始日・終了日）を正しく入力してください。",
    "E0702": "抽出期間の開始日が終了日より後です。",
    # システム
    "E9000": "システムエラーが発生しました。しばらくしてから再度操作してください。",
}


@dataclass(frozen=True)
class Message:
    id: str
    text: str

    @property
    def level(self) -> str:
        return {"E": "error", "W": "warning", "I": "info"}[self.id[0]]


def msg(message_id: str, **values: object) -> Message:
    return Message(message_id, CATALOGUE[message_id].format(**values))
