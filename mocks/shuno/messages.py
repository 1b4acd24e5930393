"""Every message the client shows, by ID, as the vendor's manual would list them.

IDs, not wording, are what a robot should rely on: E = error (the operation did not happen),
I = information, W = warning asking for a decision. SNK-E9xxx are system errors.
"""

LOGIN_FAILED = "SNK-E0001 利用者IDまたはパスワードが正しくありません。"
NO_CONDITION = "SNK-E0200 検索条件を入力してください。"
NOT_FOUND = "SNK-E0201 該当する宛名がありません。"
TOO_MANY = "SNK-W0202 該当件数が多すぎます（{n}件）。条件を追加してください。"
NO_SELECTION = "SNK-E0203 宛名を選択してください。"
ALREADY_REGISTERED = "SNK-E0302 既に口座が登録されています。"
REFERENCE_FORMAT = "SNK-E0303 受付番号の形式が正しくありません（例：R07-00123）。"
BANK_UNKNOWN = "SNK-E0304 金融機関コードが存在しません。"
BRANCH_UNKNOWN = "SNK-E0305 支店コードが存在しません。"
DEPOSIT_TYPE = "SNK-E0306 預金種目は 1（普通）または 2（当座）を入力してください。"
ACCOUNT_NO = "SNK-E0307 口座番号は7桁の数字で入力してください。"
REFERENCE_USED = "SNK-E0308 この受付番号は既に登録に使用されています。"
HOLDER_KANA = "SNK-E0309 口座名義は全角カタカナで入力してください。"
NO_TAX = "SNK-E0310 振替する税目を1つ以上選択してください。"
START_MONTH = "SNK-E0311 振替開始年月が正しくありません（当月以降の年月を入力してください）。"
CONFIRM_REGISTER = "SNK-W0312 口座情報を登録します。よろしいですか？"
CONFIRM_DISCARD = "SNK-W0313 入力内容を破棄して戻ります。よろしいですか？"
REFERENCE_NOT_FOUND = "SNK-I0401 該当するデータがありません。"
EXTRACT_DATES = "SNK-E0501 抽出期間が正しくありません（YYYYMMDD）。"
EXTRACT_PATH = "SNK-E0502 出力ファイルに書き込めません。"
EXTRACT_DONE = "SNK-I0503 {n}件のデータを出力しました。"
SYSTEM_ERROR = "SNK-E9001 データベースとの通信でエラーが発生しました。処理を中断しました。"
NOTICE = "【お知らせ】本日17時15分よりシステムメンテナンスのため停止します。作業中のデータは保存してください。"
