"""What each acceptance lever did on a bench run, from its field dump (no re-reading).

    .venv/bin/python bench/levers.py fields.jsonl [more.jsonl …] [--against older.jsonl]

Several dumps are counted together (the figures over several draws). ``--against`` compares a
dump with one of older code on the same pages: which fields and pages changed decision, and
whether the value was right (seeds and field names only, never values).

For every engine in the dump: the figures and, pooled over the dumps given, each goal's figure
with its 95 % interval (``bench/intervals.py``: met or missed only where the whole interval says
so); the pages whose writing the scan lost (round 8's rule) and what they
hold; what round 9's rules find in the reads (for a dump of older code: what they would have done); the fields the second opinion accepted (and how many of those were
wrong), the fields the postal code ↔ address agreement accepted, the fields it sent to review
(and how many of those had been read wrong: errors caught), the dates accepted although their
era's first character was doubtful (it is not scored where the second decides the era), the
fields held only by kana with a 濁点 twin, and calibration against the form
YAML's hand-set thresholds, re-decided from the same per-character scores: fields reviewed and
wrong values accepted either way. Levers that change the scores themselves (width variants
counted as one character, the 〒 not scored, a plate's slots scored among their alphabet) cannot
be re-decided from a dump: ``bench/ocr.py --off`` and their tests measure them.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench.…` when run as a script

# The reasons the frame repairs give (forms/fieldtypes: wareki_date, address, kanji_name): a value
# filled in for review that would otherwise have been none (or the name without its gap).
REPAIRED = re.compile(
    r"として読みました|「日」の文字が|日付のあとに余分な文字|」を「[^」]+」と読みました|と区切りました"
)
# Round 6: what a reviewer finds filled in (or a right value accepted), by the words each lever uses.
SHOWN = {
    "フリガナ as the 氏名's reading": re.compile(r"氏名の読み（辞書）に近い値"),
    "フリガナ gap from the readings": re.compile(r"姓と名の区切りを氏名の読みから"),
    "dot taken out as a speck": re.compile(r"汚れとみなして除きました"),
    "vocabulary entry one slip away": re.compile(r"一覧の「[^」]+」を入れてあります"),
    "loanword's 濁点 (dictionary)": re.compile(r"と読みました（辞書）"),
    "plate kana read again": re.compile(r"読み落とした文字を読み直して"),
    "日 read as two / 年・月 twice": re.compile(r"「日」の文字が「..」と|が2度読めています"),
    # Round 7.
    "sentence's 濁点 from the words around it": re.compile(r"（前後の言葉から、辞書）"),
    "4 read as +": re.compile(r"「\+」を「4」と読みました"),
    "date: speck, lost separator, era's 2nd character": re.compile(
        r"数字の間の点は汚れとみなして|「月」の文字が読めていません|区切りが読めていません|元号の2文字目"
    ),
    "building word one 濁点 off (round 12: or one kana short)": re.compile(r"建物名によく使われる語"),
    "番 read as another kanji": re.compile(r"地」を「番地」と読みました"),
    "plate's place one character off": re.compile(r"として入れてあります"),
    "specks or a stamp shown as nothing written": re.compile(r"文字として読み取れません"),
    "氏名 split by the dictionary, confirmed by its フリガナ": re.compile(r"姓と名の区切りをフリガナの読みで確認"),
    # Round 8.
    "date from its numbers (era or separator lost)": re.compile(r"数字から「"),
    "々 read as 口": re.compile(r"々[^」]*」と読みました（辞書）"),
    "□ in a plate's place read as 口": re.compile(r"「□」を「口」と読みました"),
    # Round 9.
    "番 read as another kanji before a 号": re.compile(r"」を「番」と読みました"),
    # Round 11.
    "gap inside an address number closed": re.compile(r"番地などの数字の間に空白があります"),
    # Round 18 (forms/README.md, "Round 18"): reference data fills in what staff would type.
    "市区町村 a character off, from the 町名 after it": re.compile(r"続く町名から「"),
    "フリガナ as the 氏名's usual reading": re.compile(r"氏名のよくある読み（辞書）"),
    "everyday form of a held kanji": re.compile(r"（よく使われる字体）として入れてあります"),
    "姓/名 from the フリガナ's reading": re.compile(r"フリガナの読みで辞書にある名前"),
    "dot where the gap between 姓 and 名 is": re.compile(r"」を区切りと読みました"),
    "q/g in a 型式 as 9": re.compile(r"数字「9」の読み違いの可能性"),
    "郵便番号 from the address's 町名": re.compile(r"住所の町名の郵便番号（日本郵便のデータ）"),
    # Round 19.
    "月 read as another character": re.compile(r"「月」の文字が「"),
    "車台番号's hyphen put back after a lettered 型式": re.compile(r"ハイフンが読み取れていないため"),
}
# Round 7: rules that send a value to review (never fill one in), by their words: fields held, and
# how many of them had been read wrong (caught).
HELD = {
    "rare フリガナ beside a common 濁点 twin": re.compile(r"の読みとしては少なく"),
    "氏名 cut short beside its フリガナ": re.compile(r"の字が足りない可能性"),
    "symbol in an address": re.compile(r"住所に使わない文字"),
    "番地 misread": re.compile(r"番地の書き方が正しくありません"),
    "kana 氏名 unlike its フリガナ": re.compile(r"とフリガナの「"),
    # Round 8.
    "empty beside 3+ unreadable fields": re.compile(r"記入が読み取れません（このページは読み取れない項目が多く"),
    # Round 9.
    "read short of 0.995 beside 3+ unreadable fields": re.compile(r"かすれて欠けた文字"),
    "フリガナ empty beside a 氏名": re.compile(r"フリガナが読み取れません"),
    "番地 of 4+ bare digits (a hyphen lost?)": re.compile(r"区切りのない長い数字"),
    "rare kanji form short of its floor (names, free text)": re.compile(r"の旧字体・異体字です"),
    # Round 11.
    "a character skipped between two read": re.compile(r"途中の文字を読み落とした"),
    "writing run on across the right-hand rule": re.compile(r"枠の外まで書かれています"),
    # Round 12 (the 4+ bare digits before a building name count with round 9's 番地 line above).
    "building word with a kana dropped, two words fit": re.compile(r"の1文字を読み落とした可能性"),
    # Round 19.
    "read under 0.9 beside a read blurred as a whole": re.compile(r"全体がかすれて読み取りにくい項目があり"),
}
MARKS = "〒テT干〶"  # the 〒 as the postal type always dropped it; any other dropped first character is new


def figures(engine: str, recs: list[dict], pages: list[dict]) -> None:
    """The bench's headline figures rebuilt from a dump (also from a run stopped part-way)."""
    groups: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for d in recs:
        g = groups[(d["form"], d["kind"])]
        g["fields"] += 1
        g["exact"] += d["exact"]
        g["review"] += d["decision"] == "review"
        g["wrong"] += d["decision"] == "accept" and not d["exact"]
        for k in ("all", d["kind"]):
            t = groups[("*", k)]
            t["fields"] += 1
            t["exact"] += d["exact"]
            t["review"] += d["decision"] == "review"
            t["wrong"] += d["decision"] == "accept" and not d["exact"]
    for p in pages:
        groups[(p["form"], p["kind"])]["pages"] += 1
        groups[(p["form"], p["kind"])]["straight"] += p["straight"]
        # A dump older than the register figure (round 10) has none: the line then leaves it out.
        groups[(p["form"], p["kind"])]["register"] += p.get("straight_register", p["straight"])
        groups[(p["form"], p["kind"])]["has_register"] += "straight_register" in p
    splits = sorted({d.get("split", "?") for d in recs})
    seeds = sorted({d["seed"] for d in recs})
    print(
        f"== {engine}: split {','.join(splits)}, {len(seeds)} pages (seeds {seeds[0]}–{seeds[-1]}), {len(recs)} fields"
    )
    for (form, kind), g in sorted(groups.items()):
        n = g["fields"] or 1
        st = f"straight-through {100 * g['straight'] / g['pages']:.1f} % of {g['pages']} pages, " if g["pages"] else ""
        if g["pages"] and g["has_register"] == g["pages"] and form == "keitax_haisha":
            st += f"with the register {100 * g['register'] / g['pages']:.1f} %, "
        print(f"  {form}/{kind}: {st}exact {100 * g['exact'] / n:.2f} %, review {100 * g['review'] / n:.2f} %, "
              f"wrong accepted {g['wrong']} ({100 * g['wrong'] / n:.3f} %) of {g['fields']} fields")  # fmt: skip
    if pages:
        secs = max(p["seconds"] for p in pages)
        print(f"  {60 * len(pages) / secs:.1f} pages/min ({secs / len(pages):.2f} s/page), peak RSS "
              f"{max(p['rss_mb'] for p in pages)} MB")  # fmt: skip


def goals(engine: str, recs: list[dict], pages: list[dict]) -> None:
    """The issue's goals against the figures of every dump given (pooled), each with its 95 %
    interval (bench/intervals.py): met or missed only where the whole interval says so."""
    from bench.intervals import by_pages, verdict, wilson
    from bench.ocr import GOALS

    fields: dict[str, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for d in recs:
        page = fields[d["kind"]][d["seed"]]
        page["n"] += 1
        page["exact"] += d["exact"]
        page["review"] += d["decision"] == "review"
        page["wrong"] += d["decision"] == "accept" and not d["exact"]
    print(f"== {engine}: against the goals, {len({d['seed'] for d in recs})} pages (95 % intervals; "
          "met or missed only where the whole interval is on one side)")  # fmt: skip
    for kind in ("printed", "handwriting"):
        haisha = [p for p in pages if p["form"] == "keitax_haisha" and p["kind"] == kind]
        if haisha:
            k, n = sum(p["straight"] for p in haisha), len(haisha)
            ci = wilson(k, n)
            goal = GOALS[f"straight_{kind}"]
            print(f"  straight-through 廃車申告書 {kind} (≥{goal:g}): {100 * k / n:.1f} % of {n} pages "
                  f"[{ci[0]:.1f}–{ci[1]:.1f}] {verdict(ci, goal)}")  # fmt: skip
            # What staff see: the robot's register check releases a held plate or 車台番号 its vehicle's
            # record holds exactly (bench/ocr.py's "with the register" row).
            k = sum(p.get("straight_register", p["straight"]) for p in haisha)
            ci = wilson(k, n)
            print(f"    with the robot's register check: {100 * k / n:.1f} % [{ci[0]:.1f}–{ci[1]:.1f}] "
                  f"{verdict(ci, goal)}")  # fmt: skip
        per_page = fields.get(kind, {}).values()
        total = sum(p["n"] for p in per_page)
        for metric, higher in (("exact", True), ("review", False)):
            if not total:
                continue
            ci = by_pages([(p[metric], p["n"]) for p in per_page])
            goal = GOALS[f"{metric}_{kind}"]
            share = 100 * sum(p[metric] for p in per_page) / total
            print(f"  {metric} {kind} ({'≥' if higher else '≤'}{goal:g}): {share:.2f} % of {total} fields "
                  f"[{ci[0]:.2f}–{ci[1]:.2f}] {verdict(ci, goal, higher)}")  # fmt: skip
    wrong, n = sum(d["decision"] == "accept" and not d["exact"] for d in recs), len(recs)
    if n:
        ci = by_pages([(p["wrong"], p["n"]) for kind in fields.values() for p in kind.values()])
        print(f"  wrong accepted (≤{GOALS['wrong_accepted']:g}): {100 * wrong / n:.3f} % ({wrong} of {n} fields) "
              f"[{ci[0]:.3f}–{ci[1]:.3f}] {verdict(ci, GOALS['wrong_accepted'], False)}")  # fmt: skip


def lost_writing(engine: str, recs: list[dict]) -> None:
    """Round 8's figures on writing the scan lost: pages with ``LOST_WRITING_FIELDS`` or more fields
    unreadable (the reader's own rule), the handwritten errors they hold, written fields read as
    empty, and free texts holding kanji that make no word (``words.strange_kanji``)."""
    from daiko.forms.reader import LOST_WRITING_FIELDS
    from daiko.forms.reference.words import strange_kanji

    lost_pages = _lost_pages(recs)
    by_page: dict[int, list[dict]] = defaultdict(list)
    for d in recs:
        by_page[d["seed"]].append(d)
    c: Counter = Counter()
    for seed, fields in by_page.items():
        where = "lost" if seed in lost_pages else "kept"
        c[f"pages {where}"] += 1
        for d in fields:
            if d["kind"] == "handwriting":
                c[f"hw fields {where}"] += 1
                c[f"hw wrong {where}"] += not d["exact"]
            if d["pred"] is None and d["truth"] is not None and d["type"] != "mynumber":
                c[f"read empty {where}"] += 1
                c[f"read empty accepted {where}"] += d["decision"] == "accept"
            if d["type"] == "text" and d["pred"] and strange_kanji(d["pred"]):
                c["strange"] += 1
                c["strange right"] += d["exact"]
                c["strange accepted"] += d["decision"] == "accept"
    kept = c["hw fields kept"] or 1
    print(f"== {engine}: writing lost (pages with {LOST_WRITING_FIELDS}+ unreadable fields)")
    print(f"  {c['pages lost']} of {c['pages lost'] + c['pages kept']} pages; they hold {c['hw fields lost']} "
          f"handwritten fields, {c['hw wrong lost']} of them read wrong; elsewhere handwriting is "
          f"{100 * (1 - c['hw wrong kept'] / kept):.2f} % exact ({c['hw wrong kept']} of {c['hw fields kept']} wrong)")  # fmt: skip
    print(f"  written fields read as empty: {c['read empty lost'] + c['read empty kept']}, "
          f"{c['read empty lost']} of them on such pages; accepted as empty: "
          f"{c['read empty accepted lost'] + c['read empty accepted kept']}, {c['read empty accepted lost']} "
          "of them on such pages")  # fmt: skip
    print(f"  free texts with kanji that make no word: {c['strange']} ({c['strange right']} right, "
          f"{c['strange accepted']} accepted)")  # fmt: skip


def _lost_pages(recs: list[dict]) -> set[int]:
    """The pages (seeds) whose writing the scan lost, by the reader's own rule."""
    from daiko.forms.reader import LOST_WRITING_DOUBTS, LOST_WRITING_FIELDS

    unread: Counter = Counter(
        d["seed"] for d in recs if d["decision"] == "review" and d["doubt"] in LOST_WRITING_DOUBTS
    )
    return {seed for seed, n in unread.items() if n >= LOST_WRITING_FIELDS}


def round9_reads(engine: str, recs: list[dict]) -> None:
    """What round 9's rules find in a dump's reads, by the reader's own functions — for a dump of
    older code, what they would have held or accepted (forms/README.md, "Round 9"): right and
    wrong values each rule touches, and how many of them had been accepted."""
    from daiko.forms.definition import load_definition
    from daiko.forms.fieldtypes.address import _BARE_LONG_NUMBER, _STRAY_KANJI
    from daiko.forms.fieldtypes.kanji_name import NAME_VARIANT_FLOOR
    from daiko.forms.reader import LOST_WRITING_DOUBTS, LOST_WRITING_FIELDS, LOST_WRITING_SURE
    from daiko.forms.reference.variants import everyday_form

    by_page: dict[int, list[dict]] = defaultdict(list)
    for d in recs:
        by_page[d["seed"]].append(d)
    c: Counter = Counter()

    def count(label: str, d: dict) -> None:
        _count(c, label, d)

    forms: dict = {}
    for fields in by_page.values():
        unreadable = sum(d["decision"] == "review" and d["doubt"] in LOST_WRITING_DOUBTS for d in fields)
        by_name = {d["field"]: d for d in fields}
        for d in fields:
            pred, text = d["pred"], "".join(ch for ch, _, _ in d.get("chars") or ())
            notes = (d.get("reason") or "") + (d.get("confirmed_by") or "")
            if d["type"] == "wareki_date" and "元号の1文字目「" in notes:
                count("date, era's first character misread", d)
            if d["type"] == "plate" and text:
                ftype = forms.setdefault(d["form"], load_definition(d["form"])).field(d["field"]).field_type()
                specks, bare = ftype._specks(text)
                if specks and ftype.check(bare).ok and ftype.no_digit_fits(text, specks):
                    count("plate, a speck where no digit fits", d)
            if d["type"] == "address" and isinstance(pred, str):
                if _BARE_LONG_NUMBER.search(pred):
                    count("address, 4+ bare digits after the town", d)
                if _STRAY_KANJI.search(pred):
                    count("address, a stray kanji between numbers", d)
            if d["type"] == "kanji_name" and any(
                everyday_form(ch) and sc < NAME_VARIANT_FLOOR for ch, sc, _ in d.get("chars") or ()
            ):
                count(f"name, a rare kanji form under {NAME_VARIANT_FLOOR}", d)
            if (
                unreadable >= LOST_WRITING_FIELDS and d["decision"] == "accept" and pred is not None
                and d["type"] not in ("choice", "checkbox") and not d.get("confirmed_by") and d["weakest"] is not None
            ):  # fmt: skip
                count("lost-writing page, read " + ("under" if d["weakest"] < LOST_WRITING_SURE else "at or over")
                      + f" {LOST_WRITING_SURE}", d)  # fmt: skip
            name = by_name.get("owner_name")
            if d["type"] == "kana_name" and pred is None and name is not None and isinstance(name["pred"], str):
                count("フリガナ read as empty beside a 氏名", d)
    _report(f"{engine}: round 9's rules on these reads", c)


def _count(c: Counter, label: str, d: dict) -> None:
    """One field a rule touches: how many, how many right, accepted, and accepted wrong."""
    c[label] += 1
    c[f"{label} right"] += d["exact"]
    c[f"{label} accepted"] += d["decision"] == "accept"
    c[f"{label} accepted wrong"] += d["decision"] == "accept" and not d["exact"]


def _tally(recs: list[dict], said: dict) -> Counter:
    """Each rule's fields (``said``: label → whether a field's record shows the rule), counted by ``_count``."""
    c: Counter = Counter()
    for d in recs:
        for what, found in said.items():
            if found(d):
                _count(c, what, d)
    return c


def _report(title: str, c: Counter) -> None:
    print(f"== {title} (right / accepted / accepted wrong)")
    for label in sorted({k for k in c if not k.endswith(("right", "accepted", "wrong"))}):
        print(f"  {label}: {c[label]} ({c[label + ' right']} right, {c[label + ' accepted']} accepted, "
              f"{c[label + ' accepted wrong']} of them wrong)")  # fmt: skip


def round12_reads(engine: str, recs: list[dict]) -> None:
    """What round 12's rules find in a dump's reads, by the types' own functions — for a dump of
    older code, what they would have released or held (forms/README.md, "Round 12"): a one-era
    date's 和 and a 車台番号's one hyphen read under 0.9 (no longer scored), a date's dot where no
    digit fits, 4+ bare digits before a building name, a building word one kana short. A town plate's
    kana shown from a sure digit's runners-up needs the runners-up, which a dump does not keep: it is
    counted by its tiny score, so only in a dump of round 12's code."""
    from daiko.forms.definition import load_definition
    from daiko.forms.fieldtypes.address import _BARE_NUMBER_BEFORE_BUILDING
    from daiko.forms.fieldtypes.base import hyphens_at
    from daiko.forms.fieldtypes.plate import DIGIT_SLOT_MIN, PLATE_HIRAGANA
    from daiko.forms.reference.words import building_word_cut_short

    c: Counter = Counter()
    forms: dict = {}
    for d in recs:
        chars, pred = d.get("chars") or (), d["pred"]
        text = "".join(ch for ch, _, _ in chars)
        ftype = forms.setdefault(d["form"], load_definition(d["form"])).field(d["field"]).field_type()
        if d["type"] == "wareki_date" and text:
            eras, lead = ftype._eras(), len(text) - len(text.lstrip())
            one_era = len(eras) == 1 and text[lead : lead + 2] == eras[0].name
            if one_era and chars[lead + 1][1] < 0.9 and ftype.check(text).ok:
                _count(c, "one-era date, 和 under 0.9", d)
            if ftype._idle_specks(text):
                _count(c, "date: a dot where no digit fits", d)
        if d["type"] == "chassis_no" and text and ftype.check(text).ok:
            dashes = hyphens_at(text)
            if len(dashes) == 1 and chars[dashes[0]][1] < 0.9:
                _count(c, "車台番号's one hyphen under 0.9", d)
        if d["type"] == "plate" and any(ch in PLATE_HIRAGANA and sc < DIGIT_SLOT_MIN for ch, sc, _ in chars):
            _count(c, "town plate's kana from a sure digit (round 12's dumps only)", d)
        if d["type"] == "address" and isinstance(pred, str):
            if _BARE_NUMBER_BEFORE_BUILDING.search(pred):
                _count(c, "address, 4+ bare digits before a building name", d)
            if building_word_cut_short(pred):
                _count(c, "address, a building word one kana short", d)
    _report(f"{engine}: round 12's rules on these reads", c)


def round13_reads(engine: str, recs: list[dict]) -> None:
    """What round 13's rules find in a dump's reads, by the types' own functions (for a dump of older
    code: what they would have held or shown — forms/README.md, "Round 13"): a 車台番号 serial of
    other than six or seven digits, a 5 closing the 型式 under 0.99, a gap before an address's last
    one or two digits after a hyphen, a 町名 one character off those Japan Post lists, a plate's
    serial hyphen under 0.9, a フリガナ in three parts, ーー after katakana, a building word one
    shape twin off, a 車名 that is an entry with none a slip away (not scored per character), a postal
    code its address does not confirm on a page whose pen the scan lost; and, in a dump of round 13's
    code only, the values the second recogniser filled in for reads that made none."""
    from daiko.forms.definition import load_definition
    from daiko.forms.fieldtypes.address import _GAP_IN_NUMBER
    from daiko.forms.fieldtypes.base import hyphens_at
    from daiko.forms.reader import SECOND_SHOWN_JA
    from daiko.forms.reference.postal import town_slip
    from daiko.forms.reference.words import BUILDING_WORDS, _one_short_of, _one_twin_off, _unmarked

    def _twin_only(run: str) -> bool:  # as building_word_fixes tries them: 濁点, one short, then twin
        if run in BUILDING_WORDS or any(len(w) == len(run) and _unmarked(w) == _unmarked(run) for w in BUILDING_WORDS):
            return False
        return not _one_short_of(run) and len(_one_twin_off(run)) == 1

    c: Counter = Counter()
    forms: dict = {}
    lost = _lost_pages(recs)
    for d in recs:
        chars, reason = d.get("chars") or (), d.get("reason") or ""
        text = "".join(ch for ch, _, _ in chars)
        ftype = forms.setdefault(d["form"], load_definition(d["form"])).field(d["field"]).field_type()
        if d["type"] == "chassis_no" and text and (found := ftype.check(text)).ok:
            if not 6 <= len((found.value or "").rsplit("-", 1)[-1]) <= 7:
                _count(c, "車台番号, serial not of 6 or 7 digits", d)
            written = "".join(text.split())
            dashes = hyphens_at(written)
            if len(dashes) == 1 and written[dashes[0] - 1] == "5" and chars[dashes[0] - 1][1] < 0.99:
                _count(c, "車台番号, a 5 closing the 型式 under 0.99", d)
        if d["type"] == "address" and text and (read := ftype.normalise(text)):
            # From the read, not the value: the rules put the value right.
            # A dump keeps no spaces among its characters: the gap is seen in an older dump's value
            # (round 13's closes it, counted by round 11's "gap inside an address number closed").
            if isinstance(d["pred"], str) and any(m[2] for m in _GAP_IN_NUMBER.finditer(d["pred"])):
                _count(c, "address, a gap before the last digits after a hyphen", d)
            if town_slip(read):
                _count(c, "address, a 町名 one character off a listed one", d)
        if d["type"] == "plate" and text and ftype.check(text).ok:
            dashes = hyphens_at(text)
            if len(dashes) == 1 and chars[dashes[0]][1] < 0.9:
                _count(c, "plate, the serial's hyphen under 0.9", d)
        if d["type"] == "kana_name" and isinstance(d["pred"], str) and d["pred"].count("\u3000") > 1:
            _count(c, "フリガナ read in three parts", d)
        if d["type"] in ("text", "kana_name") and isinstance(d["pred"], str) and re.search("[ァ-ヶ]ーー", d["pred"]):
            _count(c, "ーー after katakana", d)
        if d["type"] == "address" and text and any(_twin_only(m[0]) for m in re.finditer("[ァ-ヶー]{3,}", text)):
            _count(c, "address, a building word one shape twin off", d)
        if reason.startswith(SECOND_SHOWN_JA[:20]):
            _count(c, f"no value read, the second recogniser's shown ({d['type']})", d)
            # Its least sure character (the second's read, as the dump keeps it since round 14's
            # mend): the basis of SECOND_SHOWN_FROM.
            sure = "at or over" if (d["weakest"] or 0) >= 0.7 else "under"
            _count(c, f"no value read, the second recogniser's shown, least sure {sure} 0.7", d)
        if d["type"] == "text" and text and not any(ftype.significant(text)):
            _count(c, "vocabulary entry with none a slip away (not scored per character)", d)
            if min(sc for _, sc, _ in chars) < 0.9:
                _count(c, "vocabulary entry with none a slip away, a character under 0.9", d)
        if d["type"] == "postal_code" and d["seed"] in lost and d["pred"] and "住所" not in (d["confirmed_by"] or ""):
            _count(c, "postal code on a lost-writing page, its address not agreeing", d)
    _report(f"{engine}: round 13's rules on these reads", c)


def _only_one_kana_off(kanji: str, read: str, role: str) -> bool:
    """Round 14's rule alone: ``read`` is no reading of ``kanji`` but one kana off one, where no 濁点,
    size or shape twin nor a dropped kana (the rules before it) explain the slip."""
    from daiko.forms.reference.names import _dropped_some, _one_kana_off, readings_as, twins

    known = readings_as(kanji, role)
    return bool(
        known and read not in known and not twins(read) & known and not any(_dropped_some(read, x) for x in known)
        and any(_one_kana_off(read, x) for x in known)
    )  # fmt: skip


def round14_reads(engine: str, recs: list[dict]) -> None:
    """What round 14's rules find in a dump's reads (forms/README.md, "Round 14"): a フリガナ one kana
    off a reading of its known 氏名, a 廃車年月日 after its 申告日, a 町名 one character short of a
    listed one, a q or i among digits, a lone katakana or a 字 without its 大 in an address, a free
    text cut short at either end; and, in a dump of round 14's code only, the values a
    runner-up made known to the dictionary (the dump keeps no runners-up to find them in older ones)."""
    from daiko.forms.fieldtypes.address import _KANA_OF_PLACE_NAMES, _LONE_KATAKANA, _ZA_WITHOUT_O
    from daiko.forms.fieldtypes.text import _CUT_ENDINGS
    from daiko.forms.reader import RUNNER_UP_JA
    from daiko.forms.reference.postal import town_slip
    from daiko.forms.reference.words import _tokens

    c: Counter = Counter()
    pages: dict[int, dict[str, dict]] = defaultdict(dict)
    for d in recs:
        pages[d["seed"]][d["field"]] = d
        chars, reason, pred = d.get("chars") or (), d.get("reason") or "", d["pred"]
        text = "".join(ch for ch, _, _ in chars)
        if d["type"] in ("postal_code", "phone", "code") and re.search(r"\d", text) and re.search("[qi]", text):
            _count(c, "q or i among digits", d)
        slip = town_slip(pred) if d["type"] == "address" and isinstance(pred, str) else None
        if slip and any(len(t) > len(slip.written) for t in slip.towns):
            _count(c, "address, a 町名 one character short of a listed one", d)
        if d["type"] == "address" and isinstance(pred, str):
            if any(m[0] not in _KANA_OF_PLACE_NAMES for m in _LONE_KATAKANA.finditer(pred)):
                _count(c, "address, a katakana standing alone", d)
            if _ZA_WITHOUT_O.search(pred):
                _count(c, "address, 字 right after the 市区町村", d)
        if d["type"] == "text" and isinstance(pred, str) and pred:
            if any(ending.search(pred) for ending in _CUT_ENDINGS.values()):
                _count(c, "free text, a request cut short at its last kana", d)
            if _tokens(pred)[0].part_of_speech.startswith("助詞"):
                _count(c, "free text beginning with a particle", d)
        if RUNNER_UP_JA.split("{")[-1][:12] in reason:
            _count(c, f"runner-up shown as a word the dictionary knows ({d['type']})", d)
    for fields in pages.values():
        name, kana = fields.get("owner_name"), fields.get("owner_kana")
        if name and kana and isinstance(name["pred"], str) and isinstance(kana["pred"], str):
            pairs = zip(name["pred"].split("\u3000"), kana["pred"].split("\u3000"), ("姓", "名"), strict=False)
            if any(_only_one_kana_off(k, r, role) for k, r, role in pairs):
                _count(c, "フリガナ one kana (no twin) off its 氏名's reading", kana)
        declared, deregistered = fields.get("declared_on"), fields.get("deregistered_on")
        dates = [x["pred"] if x and isinstance(x["pred"], str) else "" for x in (declared, deregistered)]
        if all(dates) and dates[1] > dates[0]:
            _count(c, "廃車年月日 after 申告日 (the 申告日)", declared)
            _count(c, "廃車年月日 after 申告日 (the 廃車年月日)", deregistered)
    _report(f"{engine}: round 14's rules on these reads", c)


def round19_reads(engine: str, recs: list[dict]) -> None:
    """What round 19's rules find in a dump's reads (forms/README.md, "Round 19") — for a dump of
    older code, what they would have held or changed: reads under 0.9, unconfirmed, on a page with a
    read blurred as a whole or a value read as one character; empty fields beside a required one read
    as one character; a large vowel kana where a loanword takes a small one, under 0.9 and over; a
    lone katakana shaped as its hiragana in free text; and the 郵便番号 filled in from the address's
    町名, by what its box held (the doubt it was held with)."""
    from daiko.forms.definition import load_definition
    from daiko.forms.fieldtypes.text import _LONE_KATAKANA_TWIN, _SIZE_TWIN, SIZE_TWIN_FLOOR
    from daiko.forms.reader import BESIDE_BLURRED_WEAKEST, BLURRED_JA, CODE_FROM_TOWN_JA

    c: Counter = Counter()
    pages: dict[int, list[dict]] = defaultdict(list)
    for d in recs:
        pages[d["seed"]].append(d)
        reason, chars = d.get("reason") or "", d.get("chars") or ()
        if CODE_FROM_TOWN_JA in reason:
            _count(c, f"郵便番号 from the address's 町名, its box held as {d['doubt']}", d)
        if d["type"] == "text" and chars:
            text = "".join(ch for ch, _, _ in chars)
            for m in _SIZE_TWIN.finditer(text):
                low = "under" if chars[m.start()][1] < SIZE_TWIN_FLOOR else "at or over"
                _count(c, f"free text, a large vowel after ウ, フ, テ … {low} {SIZE_TWIN_FLOOR}", d)
            if _LONE_KATAKANA_TWIN.search(text):
                _count(c, "free text, a lone katakana shaped as its hiragana", d)
    held = "このページには全体がかすれて"
    for fields in pages.values():
        form = load_definition(fields[0]["form"])
        one = [
            d for d in fields if d["doubt"] == "invalid" and len([x for x in d.get("chars") or () if x[0].strip()]) == 1
        ]
        blurred = any(BLURRED_JA in (d.get("reason") or "") for d in fields)
        for d in fields if blurred or one else ():
            weak = d["weakest"] is not None and d["weakest"] < BESIDE_BLURRED_WEAKEST and d["pred"] is not None
            if (
                d.get("chars")
                and weak
                and not d.get("confirmed_by")
                and (d["decision"] == "accept" or held in (d.get("reason") or ""))
            ):
                _count(c, "read under 0.9 beside a blurred or one-character read", d)
        if any(form.field(d["field"]).required for d in one):
            for d in fields:
                if d["type"] != "choice" and d["pred"] is None and not form.field(d["field"]).required:
                    _count(c, "empty beside a required field read as one character", d)
    _report(f"{engine}: round 19's rules on these reads", c)


def _says(template: str):
    """Whether a field's reason holds a sentence made from ``template`` (its ``{}``/``{name}`` filled in)."""
    pattern = re.compile(".+?".join(re.escape(part) for part in re.split(r"\{\w*\}", template)))
    return lambda d: bool(pattern.search(d.get("reason") or ""))


_KATAKANA_AS_HIRAGANA = re.compile(r"「[ァ-ヴ]」を「[ぁ-ゖ]」と読みました（前後の言葉から、辞書）")


def round20_reads(engine: str, recs: list[dict]) -> None:
    """What round 20's rules did in a dump's reads (forms/README.md, "Round 20"), by the words of their
    reasons: 申告日 accepted on the 受付印's agreement and held a digit short of it, the 姓/名 gap moved
    before a kana, a building word filled in or its kanji look-alike put right, a lone katakana read as
    the hiragana the sentence wants; and the values of a dump of older code those rules find — a
    katakana run one kana short of a word, a value that is none read as upright strokes."""
    from daiko.forms.fieldtypes.address import BUILDING_FILLED_JA
    from daiko.forms.fieldtypes.base import UPRIGHT_STROKES
    from daiko.forms.fieldtypes.kanji_name import GAP_MOVED_JA
    from daiko.forms.reference.words import _KATAKANA_RUN, _is_word, _one_kana_lost
    from daiko.forms.stamp import STAMP_CONFIRMED_JA, STAMP_DIGIT_SHORT_JA

    said = {
        "申告日 accepted, the 受付印 giving the same day": lambda d: d.get("confirmed_by") == STAMP_CONFIRMED_JA,
        "申告日 held, a digit short of the 受付印's": _says(STAMP_DIGIT_SHORT_JA),
        "氏名, the gap moved before a kana": _says(GAP_MOVED_JA),
        "住所, a building word cut short filled in": _says(BUILDING_FILLED_JA),
        "住所, 八イツ read as ハイツ": lambda d: "「八イツ」を「ハイツ」" in (d.get("reason") or ""),
        "free text, a lone katakana as its hiragana": lambda d: bool(_KATAKANA_AS_HIRAGANA.search(d.get("reason") or "")),
    }  # fmt: skip
    c = _tally(recs, said)
    for d in recs:
        if d["type"] == "text" and isinstance(d["pred"], str):
            for m in _KATAKANA_RUN.finditer(d["pred"]):
                if not _is_word(m[0]) and len(_one_kana_lost(m[0])) == 1:
                    _count(c, "free text, a katakana run one kana short of a word", d)
        chars = "".join(ch for ch, _, _ in d.get("chars") or () if ch.strip())
        if d["doubt"] == "invalid" and len(chars) > 1 and set(chars) <= UPRIGHT_STROKES:
            _count(c, "a value that is none read as upright strokes", d)
    _report(f"{engine}: round 20's rules on these reads", c)


def round21_reads(engine: str, recs: list[dict]) -> None:
    """What round 21's rules did in a dump's reads (forms/README.md, "Round 21"), by the words of their
    reasons: a 申告日 shown as the 受付印's day (no date read; a digit short of it), a 氏名 no dictionary
    knows beside a name a character off it, a 名 short of its フリガナ, a 旧字体 held by its floor in a
    short line, a mark between Japanese characters held as a speck in free text, an upright stroke
    before its first Japanese character; and dates read with 日 twice after a one-digit day."""
    from daiko.forms.fieldtypes.base import SPECK_JA
    from daiko.forms.fieldtypes.text import STROKE_FIRST_JA
    from daiko.forms.reader import BLURRED_JA, NAME_SHORT_JA, NAME_UNKNOWN_JA
    from daiko.forms.stamp import STAMP_DIGIT_PUT_BACK_JA, STAMP_OFFERED_JA

    said = {
        "申告日 with no date read, shown as the 受付印's day": _says(STAMP_OFFERED_JA),
        "申告日 a digit short of the 受付印's, shown as its day": _says(STAMP_DIGIT_PUT_BACK_JA),
        "氏名 no dictionary knows, a character off its フリガナ's name": _says(NAME_UNKNOWN_JA),
        "氏名 short of its フリガナ": _says(NAME_SHORT_JA),
        "a 旧字体 under its floor in a short line": lambda d: d["doubt"] == "floor" and BLURRED_JA in (d.get("reason") or ""),
        "free text, a mark between Japanese characters as a speck": lambda d: d["type"] == "text"
        and (d.get("reason") or "").startswith(SPECK_JA) and any(ch in "'`:;" for ch, _, _ in d.get("chars") or ()),
        "free text, a stroke before the first Japanese character": _says(STROKE_FIRST_JA),
        "date, 日 twice after a one-digit day": lambda d: d["type"] == "wareki_date"
        and bool(re.search(r"月\d日日$", "".join(ch for ch, _, _ in d.get("chars") or ()))),
    }  # fmt: skip
    _report(f"{engine}: round 21's rules on these reads", _tally(recs, said))


def round22_reads(engine: str, recs: list[dict]) -> None:
    """What round 22's rules do in a dump's reads (forms/README.md, "Round 22"): a q beside an
    address's number shown as 9, by its reason's words; and, by the reader's own functions — for a
    dump of older code, what it would have let stand — the empty fields of a page
    whose one sign of writing lost was a required field's read its type makes a valid value of
    (``reader._one_slip``; 番地 read 香地). The read is the record's ``raw`` or, in older dumps, its
    characters joined (no spaces). Pages with three unreadable fields are held as before."""
    from types import SimpleNamespace

    from daiko.forms.definition import load_definition
    from daiko.forms.reader import (
        EMPTY_PAGE_LOST_JA,
        EMPTY_REQUIRED_LOST_JA,
        LOST_WRITING_DOUBTS,
        LOST_WRITING_FIELDS,
        LOST_WRITING_UNCHECKED_JA,
        LOST_WRITING_UNSURE_JA,
        _garbled,
        _lost,
        _one_slip,
    )

    held_for_the_page = {EMPTY_REQUIRED_LOST_JA, EMPTY_PAGE_LOST_JA, LOST_WRITING_UNSURE_JA, LOST_WRITING_UNCHECKED_JA}
    by_page: dict[int, list[dict]] = defaultdict(list)
    for d in recs:
        by_page[d["seed"]].append(d)
    c: Counter = Counter()
    for fields in by_page.values():
        defs = {f.name: f for f in load_definition(fields[0]["form"]).fields}
        fields = [d for d in fields if d["field"] in defs]  # (a hand-made dump may mix forms' fields)
        # The page as the reader judged it, before the empties beside were held.
        before = [d for d in fields if d["decision"] == "review" and d.get("reason") not in held_for_the_page]
        if sum(d["doubt"] in LOST_WRITING_DOUBTS for d in before) >= LOST_WRITING_FIELDS:
            continue
        signs = []
        for d in before:
            if not defs[d["field"]].required:
                continue
            r = SimpleNamespace(doubt=d["doubt"], weakest=d["weakest"], raw=_raw(d) or None)
            ftype = defs[d["field"]].field_type()
            signs.append((_lost(r, ftype), _garbled(r) and _one_slip(r, ftype)))
        if any(lost for lost, _ in signs) or not any(slip for _, slip in signs):
            continue
        for d in fields:
            empty = d["pred"] is None and defs[d["field"]].kind == "text"
            if empty and (d["decision"] == "accept" or d.get("reason") == EMPTY_REQUIRED_LOST_JA):
                _count(c, "empty beside a required read its type made a value of (stands)", d)
    from daiko.forms.fieldtypes.address import Q_FOR_NINE_JA

    said = {
        "住所, a q beside a number shown as 9": _says(Q_FOR_NINE_JA.split("。")[0]),
        "date with slashes, a dot between digits as a speck": lambda d: d["type"] == "wareki_date"
        and "/" in _raw(d) and bool(re.search(r"\d[.,:·・]\d", _raw(d))),
        "plate, a q among its digits": lambda d: d["type"] == "plate" and "q" in _raw(d),
    }  # fmt: skip
    c.update(_tally(recs, said))
    _report(f"{engine}: round 22's rules on these reads", c)


def round23_reads(engine: str, recs: list[dict]) -> None:
    """What round 23's rules find in a dump's reads (forms/README.md, "Round 23"), by the types' own
    patterns on the raw read — for a dump of older code, what they would have held: a colon, semicolon
    or apostrophe after a free text's last Japanese character, a slash beside a name's character in a
    住所, a は/ほ the sentence wants the other of (by the reason's words, or, in older code's dump,
    by ``words.voicing_by_grammar`` on the value), and a date's day ending in 1 where no 日 was read.
    The marks ``bench/marks.py`` found are not counted here: they were put in, not read."""
    from daiko.forms.fieldtypes.address import _SLASH_SPECK, _width
    from daiko.forms.fieldtypes.text import _MARK_AT_END, GRAMMAR_END_JA, GRAMMAR_JA
    from daiko.forms.fieldtypes.wareki_date import _DAY_MARK_READ_AS_ONE, _normalised
    from daiko.forms.reference.words import voicing_by_grammar

    def ha_ho(d: dict) -> bool:
        if d["type"] != "text" or not d["pred"]:
            return False
        if re.search(GRAMMAR_JA.format("[はほ]", "[はほ]") + re.escape(GRAMMAR_END_JA[:6]), d.get("reason") or ""):
            return True
        fixed = voicing_by_grammar(d["pred"])
        return fixed is not None and any(a + b in ("はほ", "ほは") for a, b in zip(d["pred"], fixed, strict=True))

    said = {
        "free text, a mark after its last Japanese character": lambda d: d["type"] == "text"
        and bool(_MARK_AT_END.search(_raw(d))),
        "住所, a slash beside a name's character": lambda d: d["type"] == "address"
        and bool(_SLASH_SPECK.search(_width(_raw(d)))),
        "free text, は/ほ the sentence wants the other of": ha_ho,
        "date, a day ending in 1 where no 日 was read": lambda d: d["type"] == "wareki_date"
        and bool(_DAY_MARK_READ_AS_ONE.match(_normalised(_raw(d)))),
    }  # fmt: skip
    _report(f"{engine}: round 23's rules on these reads", _tally(recs, said))


def round24_reads(engine: str, recs: list[dict]) -> None:
    """What round 24's rules find in a dump's reads (forms/README.md, "Round 24") — for a dump of
    older code, what they would have held: a code with more characters under ``reader.UNSURE`` than
    its type allows, a free text's katakana run a shape twin away from one of the several words a kana
    away from it, and a page whose 廃車年月日 falls further before its 申告日 than the form's
    ``date_order`` check's ``within_days`` (counted on the 廃車年月日's record)."""
    from daiko.forms.checks import get_check
    from daiko.forms.definition import load_definition
    from daiko.forms.fieldtypes.code import Code
    from daiko.forms.reader import UNSURE, _too_many_unsure
    from daiko.forms.reference.words import _KATAKANA_RUN, _is_word, word_a_shape_twin_makes

    form = load_definition("keitax_haisha")
    (order,) = [c for c in form.checks if c.kind == "date_order"]
    earlier, later, within = order.fields["earlier"], order.fields["later"], order.params["within_days"]
    dates: dict[int, dict[str, str]] = defaultdict(dict)
    for d in recs:
        if d["form"] == form.name and d["field"] in (earlier, later) and d["pred"]:
            dates[d["seed"]][d["field"]] = d["pred"]

    check = get_check(order.kind)(order.fields, order.params)

    def far_apart(d: dict) -> bool:
        """The form's own date_order check finds the pair out of its bound (not out of order)."""
        pair = dates.get(d["seed"], {})
        if d["form"] != form.name or d["field"] != earlier or len(pair) != 2 or pair[earlier] > pair[later]:
            return False
        return bool(check.run({"earlier": pair[earlier], "later": pair[later]}))

    def unsure_code(d: dict) -> bool:
        """The reader's own rule (``reader._too_many_unsure``) on the read's scored characters."""
        scored = [(ch, sc, counted) for ch, sc, counted in d.get("chars") or () if not ch.isspace()]
        return d["type"] == Code.name and bool(_too_many_unsure(Code(), scored))

    def shape_twin_word(d: dict) -> bool:
        """A katakana run of a free text the product's rule (``words.word_a_shape_twin_makes``) changes."""
        if d["type"] != "text" or not d["pred"]:
            return False
        runs = (m[0] for m in _KATAKANA_RUN.finditer(d["pred"]))
        return any(not _is_word(run) and word_a_shape_twin_makes(run) is not None for run in runs)

    said = {
        f"code, more than {Code.unsure_allowed} character under {UNSURE}": unsure_code,
        "free text, a katakana run several words are a kana away from, one a shape twin's": shape_twin_word,
        f"廃車年月日 more than {within} days before its 申告日": far_apart,
    }
    _report(f"{engine}: round 24's rules on these reads", _tally(recs, said))


def round25_reads(engine: str, recs: list[dict]) -> None:
    """What round 25's rule finds in a dump's reads (forms/README.md, "Round 25"): a value of a type
    nothing vouches for (``FieldType.confirm_under``) accepted with a character under that bar —
    the second recogniser confirmed it, or (a dump of older code) would have been asked — and those
    held because the two differ."""
    from daiko.forms.fieldtypes import TYPES
    from daiko.forms.reader import SECOND_CONFIRMED_JA, UNCONFIRMED_JA

    def asked(d: dict) -> bool:
        bar = getattr(TYPES.get(d["type"]), "confirm_under", None)  # a choice (marks) is no field type
        weak = bar is not None and any(counted and sc < bar for _, sc, counted in d.get("chars") or ())
        return weak and d["decision"] == "accept" and d.get("confirmed_by") in (None, SECOND_CONFIRMED_JA)

    said = {
        "accepted with a character under its bar (confirmed, or to be asked)": asked,
        "held: the second recogniser reads otherwise": lambda d: (d.get("reason") or "").startswith(UNCONFIRMED_JA),
    }
    _report(f"{engine}: round 25's rule on these reads", _tally(recs, said))


def round27_reads(engine: str, recs: list[dict]) -> None:
    """What round 27's rules find in a dump's reads (forms/README.md, "Round 27"): a 姓 of one kanji
    IPADIC does not file as one, a 車台番号 with a mark in its hyphen's place, and — for the figure its
    re-read of a plate's kana rests on — handwritten plates read wrong by the kana written (the truth
    says which: ぬ against the others)."""
    from daiko.forms.fieldtypes.base import nfkc, squash_spaces
    from daiko.forms.fieldtypes.chassis_no import mark_for_hyphen
    from daiko.forms.fieldtypes.kanji_name import one_kanji_surname_unknown

    said = {
        "a 姓 of one kanji the dictionary does not file as one": lambda d: (
            d["type"] == "kanji_name" and isinstance(d["pred"], str) and one_kanji_surname_unknown(d["pred"])
        ),
        "車台番号 with a mark in its hyphen's place": lambda d: (
            d["type"] == "chassis_no" and mark_for_hyphen(nfkc(squash_spaces(_raw(d))).upper()) is not None
        ),
    }
    _report(f"{engine}: round 27's rules on these reads", _tally(recs, said))
    c: Counter = Counter()
    for d in recs:
        kana = [p for p in (d["truth"] or "").split() if len(p) == 1 and "ぁ" <= p <= "ゖ"]
        if d["type"] == "plate" and d["kind"] == "handwriting" and kana:
            which = "ぬ" if kana[0] == "ぬ" else "other kana"
            c[which] += 1
            c[f"{which} wrong"] += not d["exact"]
    print(f"  handwritten plates written with ぬ: {c['ぬ']}, {c['ぬ wrong']} read wrong; with another kana: "
          f"{c['other kana']}, {c['other kana wrong']} read wrong")  # fmt: skip


def round28_reads(engine: str, recs: list[dict]) -> None:
    """What round 28's rules find in a dump's reads (forms/README.md, "Round 28"): a date whose year
    or one of its numbers was lost (shown empty, no longer spelled from the numbers left), and a kana
    姓 or 名 one 濁点 from the only name IPADIC knows (みとり → みどり)."""
    from daiko.forms.definition import load_definition
    from daiko.forms.fieldtypes.kana_name import voicing_fixes
    from daiko.forms.fieldtypes.wareki_date import number_lost

    def lost(d: dict) -> bool:
        """The rule's own case: the type reads no date (a + read as a 4 between two separators is one)."""
        raw = _raw(d)
        if d["type"] != "wareki_date" or not number_lost(raw):
            return False
        return load_definition(d["form"]).field(d["field"]).field_type().check_read(raw).value is None

    said = {
        "a date with its year or a number lost, shown empty (a 受付印 may fill it)": lost,
        "a kana 姓/名 one 濁点 from a name the dictionary knows": lambda d: (
            d["type"] in ("kanji_name", "kana_name") and isinstance(d["pred"], str) and bool(voicing_fixes(d["pred"]))
        ),
    }
    _report(f"{engine}: round 28's rules on these reads", _tally(recs, said))


def _raw(d: dict) -> str:
    """The read as the recogniser gave it: the record's ``raw``, or (older dumps) its characters joined."""
    return d.get("raw") or "".join(ch for ch, _, _ in d.get("chars") or ())


def _load(paths: list[str]) -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    fields, pages = {}, {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d.get("record") == "page":
                pages[(d["engine"], d["seed"])] = d
            else:
                fields[(d["engine"], d["seed"], d["field"])] = d
    return fields, pages


def against(new_paths: list[str], old_paths: list[str]) -> None:
    """Same pages, two versions of the code: what changed, field by field and page by page."""
    new, new_pages = _load(new_paths)
    old, old_pages = _load(old_paths)
    c: Counter = Counter()
    changed = []
    for key in sorted(new.keys() & old.keys()):
        a, b = old[key], new[key]
        if (a["decision"], a["exact"]) == (b["decision"], b["exact"]):
            continue
        right = "right" if b["exact"] else "wrong"
        c[f"{a['decision']}→{b['decision']} {right}"] += 1
        changed.append(f"{key[1]} {key[2]}: {a['decision']}→{b['decision']} ({right})")
    for key in sorted(new_pages.keys() & old_pages.keys()):
        was, now = old_pages[key]["straight"], new_pages[key]["straight"]
        if was != now:
            c["pages now straight-through" if now else "pages no longer straight-through"] += 1
    shared = len(new.keys() & old.keys())
    print(f"== against {', '.join(old_paths)}: {shared} fields on the same pages")
    for label, n in sorted(c.items()):
        print(f"  {label}: {n}")
    for line in changed:
        print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    if not args or {"-h", "--help"} & set(args):
        print(__doc__)
        return 0 if args else 2
    if "--against" in args:
        at = args.index("--against")
        old = args[at + 1 :]
        args = args[:at]
        if not old or not args:
            print(__doc__)
            return 2
        against(args, old)
    if not args:
        print(__doc__)
        return 2
    from daiko.forms.acceptance import Thresholds, char_class, thresholds
    from daiko.forms.definition import load_definition

    rows: dict[str, list[dict]] = defaultdict(list)
    pages: dict[str, list[dict]] = defaultdict(list)
    for path in args:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            (pages if d.get("record") == "page" else rows)[d["engine"]].append(d)
    for engine, recs in rows.items():
        figures(engine, recs, pages.get(engine, []))
        goals(engine, recs, pages.get(engine, []))
        lost_writing(engine, recs)
        round9_reads(engine, recs)
        round12_reads(engine, recs)
        round13_reads(engine, recs)
        round14_reads(engine, recs)
        round19_reads(engine, recs)
        round20_reads(engine, recs)
        round21_reads(engine, recs)
        round22_reads(engine, recs)
        round23_reads(engine, recs)
        round24_reads(engine, recs)
        round25_reads(engine, recs)
        round27_reads(engine, recs)
        round28_reads(engine, recs)
        c: Counter = Counter()
        for d in recs:
            by, reason = d.get("confirmed_by") or "", d.get("reason") or ""
            if "2つ目" in by:
                c["second_accepted"] += 1
                c["second_wrong"] += not d["exact"]
            elif "日本郵便" in by and d["decision"] == "accept":
                c["reference_confirmed"] += 1
                c["reference_confirmed_wrong"] += not d["exact"]
            elif "辞書" in by and d["decision"] == "accept":
                c["names_confirmed"] += 1
                c["names_confirmed_wrong"] += not d["exact"]
            if d["doubt"] == "disagree":
                names = ("フリガナが氏名", "読みとしては少なく", "の字が足りない", "とフリガナの「")
                kind = "names" if any(x in reason for x in names) else ("veto" if "2つ目" in reason else "reference")
                c[f"{kind}_review"] += 1
                c[f"{kind}_caught"] += not d["exact"]
            if d["doubt"] == "faint":
                c["faint_review"] += 1
                c["faint_caught"] += not d["exact"]
            if d["doubt"] == "floor":  # a 旧字体, kanji that make no word, a name unknown to IPADIC
                c["floor_review"] += 1
                c["floor_caught"] += not d["exact"]
            for label, pattern in HELD.items():
                if pattern.search(reason) and d["decision"] == "review":
                    c[f"held {label}"] += 1
                    c[f"held {label} caught"] += not d["exact"]
            if "かすれて欠けた文字" in reason and REPAIRED.search(by):  # round 11: a repair vouches for nothing there
                c["repaired_lost"] += 1
                c["repaired_lost_caught"] += not d["exact"]
            if REPAIRED.search(reason) or REPAIRED.search(by):
                c["repaired"] += 1
                c["repaired_right"] += d["exact"]
                c[f"repaired_right_{d['kind']}"] += d["exact"]
                c["repaired_accepted"] += d["decision"] == "accept"
                c["repaired_accepted_wrong"] += d["decision"] == "accept" and not d["exact"]
            for label, pattern in SHOWN.items():
                if pattern.search(reason) or pattern.search(by):
                    c[f"shown {label}"] += 1
                    c[f"shown {label} right"] += d["exact"]
                    c[f"shown {label} accepted"] += d["decision"] == "accept"
                    c[f"shown {label} wrong"] += d["decision"] == "accept" and not d["exact"]
                    if not REPAIRED.search(reason) and not REPAIRED.search(by):
                        c[f"repaired_right_{d['kind']}"] += d["exact"]  # counted with the repairs below
            if "フリガナの濁点が読み取れていません" in reason:
                c["name_voicing_review"] += 1
                c["name_voicing_caught"] += not d["exact"]
            chars = d.get("chars") or []
            if d["type"] == "postal_code" and chars and chars[0][2] is False and chars[0][0] not in MARKS + " ":
                c["mark_dropped"] += 1
                c["mark_dropped_accepted"] += d["decision"] == "accept"
                c["mark_dropped_wrong"] += d["decision"] == "accept" and not d["exact"]
        # Calibration vs the YAML's thresholds, on the fields the thresholds decide.
        forms = {}
        for d in recs:
            if d["doubt"] not in (None, "threshold", "faint") or not d.get("chars") or d["confidence"] is None:
                continue
            if "日本郵便" in (d.get("confirmed_by") or ""):
                continue
            form = forms.setdefault(d["form"], load_definition(d["form"]))
            f = form.field(d["field"])
            calibrated = thresholds(form, f, engine)
            weak = [(ch, keep) for ch, sc, keep in d["chars"] if sc < calibrated.for_char(ch)]
            if d["type"] == "wareki_date" and d["decision"] == "accept" and weak and not any(k for _, k in weak):
                c["era_unscored"] += 1  # only the era's first character was doubtful, and it did not count
                c["era_unscored_wrong"] += not d["exact"]
            kept = [ch for ch, keep in weak if keep]
            if d["doubt"] == "threshold" and kept and all(char_class(ch) == "voiced" for ch in kept):
                c["voiced_review"] += 1  # held only by kana with a 濁点 twin
                c["voiced_caught"] += not d["exact"]
            for label, need in (("yaml", thresholds(form, f, None)), ("calibrated", calibrated)):
                assert isinstance(need, Thresholds)
                ok = d["confidence"] >= need.line and all(
                    sc >= need.for_char(ch) for ch, sc, keep in d["chars"] if keep
                )
                c[f"{label}_fields"] += 1
                c[f"{label}_review"] += not ok
                c[f"{label}_wrong"] += ok and not d["exact"]
        n = len(recs)
        print(f"== {engine}: {n} fields")
        print(f"  second opinion accepted {c['second_accepted']} ({c['second_wrong']} wrong)")
        print(
            f"  postal ↔ address: confirmed {c['reference_confirmed']} ({c['reference_confirmed_wrong']} wrong); "
            f"contradictions sent {c['reference_review']} to review (of which read wrong: {c['reference_caught']})"
        )
        print(
            f"  フリガナ ↔ 氏名 readings: confirmed {c['names_confirmed']} ({c['names_confirmed_wrong']} wrong); "
            f"contradictions sent {c['names_review']} to review (of which read wrong: {c['names_caught']})"
        )
        if c["veto_review"]:  # the second recogniser's veto, in dumps of code before its removal
            print(f"  second recogniser's veto sent {c['veto_review']} to review (read wrong: {c['veto_caught']})")
        print(f"  frame repairs filled in {c['repaired']} values ({c['repaired_right']} right), "
              f"{c['repaired_accepted']} of them dates accepted on their digits ({c['repaired_accepted_wrong']} wrong); "
              f"〒 read as another character: {c['mark_dropped']} codes, {c['mark_dropped_accepted']} accepted "
              f"({c['mark_dropped_wrong']} wrong)")  # fmt: skip
        for kind in sorted({d["kind"] for d in recs}):
            of_kind = [d for d in recs if d["kind"] == kind]
            exact = sum(d["exact"] for d in of_kind)
            without = exact - c[f"repaired_right_{kind}"]
            print(f"  exact {kind}: {100 * exact / len(of_kind):.2f} %, "
                  f"without the repaired and filled-in values {100 * without / len(of_kind):.2f} %")  # fmt: skip
        for label in SHOWN:
            if c[f"shown {label}"]:
                print(f"  {label}: {c[f'shown {label}']} values ({c[f'shown {label} right']} right), "
                      f"{c[f'shown {label} accepted']} accepted ({c[f'shown {label} wrong']} wrong)")  # fmt: skip
        if c["name_voicing_review"]:
            print(f"  kana 氏名 held where the フリガナ lost a 濁点: {c['name_voicing_review']} "
                  f"(of which read wrong: {c['name_voicing_caught']})")  # fmt: skip
        print(f"  pale writing sent {c['faint_review']} to review (of which read wrong: {c['faint_caught']})")  # fmt: skip
        print(f"  the types' floors held {c['floor_review']} (of which read wrong: {c['floor_caught']})")
        for label in HELD:
            if c[f"held {label}"]:
                print(f"  {label}: {c[f'held {label}']} held (of which read wrong: {c[f'held {label} caught']})")
        print(f"  repaired frame held beside 3+ unreadable fields: {c['repaired_lost']} "
              f"(of which read wrong: {c['repaired_lost_caught']})")  # fmt: skip
        print(f"  era's first character not scored: {c['era_unscored']} dates accepted with it doubtful "
              f"({c['era_unscored_wrong']} wrong)")  # fmt: skip
        print(f"  kana with a 濁点 twin: {c['voiced_review']} fields held by them alone "
              f"(of which read wrong: {c['voiced_caught']})")  # fmt: skip
        for label in ("yaml", "calibrated"):
            print(f"  thresholds {label:10}: {c[f'{label}_review']} of {c[f'{label}_fields']} threshold-decided "
                  f"fields to review, {c[f'{label}_wrong']} wrong accepted (before second opinion)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
