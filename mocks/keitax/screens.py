"""Screen IDs and the element ids of each screen revision.

The ``v2`` revision stands for the 標準準拠システム release a vendor ships: same flow, renamed
fields and a 登録 button now called 確定. Switching it on (``--fault layout=v2``) is how tests
show a robot notices a changed screen instead of keying into the wrong box.
"""

from __future__ import annotations

SCREENS = {
    "KTX-0001": "ログイン",
    "KTX-0002": "セッションエラー",
    "KTX-0100": "業務メニュー",
    "KTX-0310": "車両検索",
    "KTX-0320": "検索結果一覧",
    "KTX-0330": "車両詳細",
    "KTX-0340": "廃車登録入力",
    "KTX-0350": "入力内容確認",
    "KTX-0360": "登録完了",
    "KTX-0370": "廃車申告受付確認票",
    "KTX-0410": "受付番号検索",
    "KTX-0510": "EUCデータ抽出",
    "KTX-9000": "システムエラー",
}

UI = {
    "v1": {
        "version": "Ver.3.2.1",
        "haisha_era": "haishaEra",
        "haisha_year": "haishaYear",
        "haisha_month": "haishaMonth",
        "haisha_day": "haishaDay",
        "reason": "haishaReason",
        "shinkoku_era": "shinkokuEra",
        "shinkoku_year": "shinkokuYear",
        "shinkoku_month": "shinkokuMonth",
        "shinkoku_day": "shinkokuDay",
        "reference": "uketsukeNo",
        "btn_confirm": "btnConfirm",
        "btn_register": "btnRegister",
        "register_label": "登録",
    },
    "v2": {
        "version": "標準準拠版 Ver.1.0.0",
        "haisha_era": "txtHaishaGengo",
        "haisha_year": "txtHaishaNen",
        "haisha_month": "txtHaishaTsuki",
        "haisha_day": "txtHaishaHi",
        "reason": "selHaishaJiyu",
        "shinkoku_era": "txtShinkokuGengo",
        "shinkoku_year": "txtShinkokuNen",
        "shinkoku_month": "txtShinkokuTsuki",
        "shinkoku_day": "txtShinkokuHi",
        "reference": "txtUketsukeBango",
        "btn_confirm": "btnKakunin",
        "btn_register": "btnKakutei",
        "register_label": "確定",
    },
}
