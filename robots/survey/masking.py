"""Personal data in free-text answers, masked before a comment is listed in the 集計.

Respondents write things like 「双柳1番地の山田太郎です。090-1234-5678 に連絡ください」. A report
that a 課 publishes must not carry them. Found here:
- 氏名 — words the morphological analyser (Janome, IPADIC inside the wheel: offline) tags as
  人名 (姓, 名), with the space between them;
- 住所 — a place name (地域) followed by 番地/丁目/号/1-2-3 style numbers, with what joins them;
- 電話番号, 郵便番号, メールアドレス — by their shape (全角 digits too).
Each is replaced by a tag such as 〔氏名〕 so the comment still reads, and counted. It errs on the
side of masking: a surname that is also a place (市川) is masked as a name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

NAME, ADDRESS, PHONE, POSTAL, EMAIL = "氏名", "住所", "電話番号", "郵便番号", "メールアドレス"
KINDS = (NAME, ADDRESS, PHONE, POSTAL, EMAIL)

_PATTERNS = [
    (EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (POSTAL, re.compile(r"〒\s*\d{3}-?\d{4}|\b\d{3}-\d{4}\b(?!-)")),
    (PHONE, re.compile(r"(?<!\d)0\d{1,4}[-(（ ]\d{1,4}[-)） ]\d{3,4}(?!\d)|(?<!\d)0\d{9,10}(?!\d)")),
]
_NUMBER = re.compile(r"^\d+$")
_ADDRESS_UNIT = {"丁目", "番地", "番", "号", "の", "-", "‐", "－", "ー"}
_PLACE_SUFFIX = {"都", "道", "府", "県", "市", "区", "町", "村", "大字", "字"}


@dataclass(frozen=True)
class Masked:
    text: str
    counts: Counter[str]


@functools.cache
def _tokenizer():
    from janome.tokenizer import Tokenizer

    return Tokenizer()


def _spans_by_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of names and addresses, from the analyser's tags."""
    tokens = []
    pos = 0
    for tok in _tokenizer().tokenize(text):
        start = text.find(tok.surface, pos)
        if start < 0:
            continue
        pos = start + len(tok.surface)
        tokens.append((start, pos, tok.surface, tok.part_of_speech.split(",")))
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        start, _end, surface, tags = tokens[i]
        is_name, is_place = tags[:3] == ["名詞", "固有名詞", "人名"], tags[:3] == ["名詞", "固有名詞", "地域"]
        if is_name or is_place or surface in ("大字", "字"):
            # 住所 first: a place (a surname can be a place too: 中山2丁目) followed by numbers.
            j = i + 1
            while j < len(tokens) and (
                tokens[j][3][:3] in (["名詞", "固有名詞", "地域"], ["名詞", "固有名詞", "人名"])
                or tokens[j][2] in _PLACE_SUFFIX
            ):
                j += 1
            k, numbers = j, 0
            while k < len(tokens) and (_NUMBER.match(tokens[k][2]) or tokens[k][2] in _ADDRESS_UNIT):
                numbers += bool(_NUMBER.match(tokens[k][2]))
                k += 1
            while (
                k > j and not _NUMBER.match(tokens[k - 1][2]) and tokens[k - 1][2] not in ("丁目", "番地", "番", "号")
            ):
                k -= 1
            if numbers:
                spans.append((start, tokens[k - 1][1], ADDRESS))
                i = k
                continue
        if is_name:
            j = i + 1
            while j < len(tokens):
                if tokens[j][3][:3] == ["名詞", "固有名詞", "人名"]:
                    j += 1
                elif (
                    tokens[j][2].isspace()
                    and j + 1 < len(tokens)
                    and tokens[j + 1][3][:3] == ["名詞", "固有名詞", "人名"]
                ):
                    j += 2
                else:
                    break
            spans.append((start, tokens[j - 1][1], NAME))
            i = j
            continue
        i += 1
    return spans


def mask_personal(text: str) -> Masked:
    """The comment with personal data replaced by 〔種類〕 tags, and how many of each."""
    text = unicodedata.normalize("NFKC", text)
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS:
        spans += [(m.start(), m.end(), kind) for m in pattern.finditer(text)]
    taken = [(s, e) for s, e, _ in spans]
    for s, e, kind in _spans_by_tokens(text):
        if not any(s < te and ts < e for ts, te in taken):
            spans.append((s, e, kind))
    counts: Counter[str] = Counter()
    out, last = [], 0
    for s, e, kind in sorted(spans):
        if s < last:
            continue
        out.append(text[last:s])
        out.append(f"〔{kind}〕")
        counts[kind] += 1
        last = e
    out.append(text[last:])
    return Masked("".join(out), counts)
