"""The counter's 受付印 (日付印) as a second witness of the date the applicant wrote.

A 廃車申告書 兼 標識返納書 is handed in at the counter with the plate, and the counter stamps the
day it came in (``6.10.8`` between the stamp's two bars: 令和6年10月8日). The applicant's 申告日 is
that day. Where the form names the date field the stamp vouches for (``stamp_confirms`` in its
YAML), the stamp is read on its own — its box searched by the detector (the only place the reader
runs one: where the stamp lands in its box is the clerk's hand), the line in the middle of the
stamp's three recognised — and:

- a date held for a short score (a ``/`` at 0.93, an era's first stroke unread) that is the stamp's
  day exactly is accepted: two independent reads, one of them printed, agree to the day;
- an accepted date one digit short of the stamp's (5月1日 beside a stamp of 5.14) is held: the
  recogniser dropped a digit, which is how a written 14日 turns into 1日 at 0.85.

Where the date itself could not be read — the pen lost in the scan, the box read as no date, or
left empty — the stamp's day is shown in it, still for a person to confirm (a 申告日 is the day
handed in on almost every form; staff now compare one date instead of typing it), and so is it
in place of a date one digit short of it.

A stamp that reads as no date, or none at all (10 % of pages carry none, a red stamp fades in a
grey scan), changes nothing: a date that differs in any other way is left to its own scores, as a
form sent by post is stamped days after it was written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import cv2
import numpy as np

from daiko.forms.definition import TEMPLATE_DPI, Box
from daiko.forms.fieldtypes.wareki_date import to_wareki
from daiko.forms.result import FieldResult, also
from daiko.ocr.base import OcrEngine
from daiko.wareki import era_year

# The stamp's ring may overhang its printed box by a little: the box is read with this much around it.
STAMP_MARGIN_MM = 2.0
# Held-for-a-score doubts an exact agreement settles; "empty" has no value, "disagree" is another
# field's or the register's word against this one.
RELEASED_DOUBTS = ("threshold", "floor", "faint", "unread", "invalid")
STAMP_CONFIRMED_JA = "受付印の日付と一致"
STAMP_DIGIT_SHORT_JA = (
    "受付印の日付（{stamp}）より数字が1つ少なく読めました。数字を読み落としていないか原本と見比べてください"
)
STAMP_DIGIT_PUT_BACK_JA = (
    "記入は「{read}」と、受付印の日付（{stamp}）より数字が1つ少なく読めたため、受付印の日付を入れてあります。"
    "原本と見比べてください"
)
STAMP_OFFERED_JA = "受付印の日付（{stamp}）を入れてあります。原本と見比べてください"

_STAMP_DATE = re.compile(r"(\d{1,2})\s*[.．,・]\s*(\d{1,2})\s*[.．,・]\s*(\d{1,2})")


class StampDate(NamedTuple):
    """The stamp's date as pressed: era year (the era of the day it is compared with), month, day."""

    year: int
    month: int
    day: int

    def text(self) -> str:
        return f"{self.year}.{self.month}.{self.day}"


def parse_stamp(text: str) -> StampDate | None:
    """``6.10.8`` → StampDate(6, 10, 8); None for anything that is no such date."""
    m = _STAMP_DATE.fullmatch(text.strip())
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= year <= 99 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return StampDate(year, month, day)


def read_stamp(page: np.ndarray, homography: np.ndarray, zone: Box, engine: OcrEngine) -> StampDate | None:
    """The date on the 受付印 in ``zone``; ``page`` is the scan as it came (colour: a red stamp is
    kept, where the reading grey drops it out), ``homography`` maps it onto the template."""
    grown = Box(x=zone.x - STAMP_MARGIN_MM, y=zone.y - STAMP_MARGIN_MM,
                w=zone.w + 2 * STAMP_MARGIN_MM, h=zone.h + 2 * STAMP_MARGIN_MM)  # fmt: skip
    x0, y0, x1, y1 = grown.px(TEMPLATE_DPI)
    # Only the box is warped (the whole page would take ten times as long).
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64)
    crop = cv2.warpPerspective(
        page, shift @ homography, (x1 - x0, y1 - y0), flags=cv2.INTER_AREA,
        borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255),
    )  # fmt: skip
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    rgb = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
    # Detection finds the stamp's lines; the date is the middle of its three (飯能市 / 6.10.8 / 税務課),
    # and only it is recognised where there are three (the box's printed label 受付印 above, touching
    # the crop's top edge, is no line of the stamp). Otherwise each line found is read.
    boxes = sorted(
        ((x0, y0, x1, y1) for x0, y0, x1, y1 in engine.detect(rgb) if x1 > x0 and y1 > y0 and y0 > 1),
        key=lambda b: b[1] + b[3],
    )
    if len(boxes) == 3:
        boxes = boxes[1:2]
    dates = {
        d for line in engine.recognize([rgb[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes]) if (d := parse_stamp(line.text))
    }
    return dates.pop() if len(dates) == 1 else None


def _as_stamped(iso: str) -> StampDate | None:
    """``iso`` as a stamp gives it; None for no date, or a day before 明治 — a misread year no era
    names (1101-11-14 took the whole of held-back page 933790 down with it)."""
    try:
        day = dt.date.fromisoformat(iso)
        return StampDate(era_year(day)[1], day.month, day.day)
    except (TypeError, ValueError):
        return None


def _one_digit_short(read: str, stamp: str) -> bool:
    """``read`` is ``stamp`` with one digit left out (6.5.1 of 6.5.14, 6.1.27 of 6.11.27)."""
    return len(stamp) == len(read) + 1 and any(
        stamp[i].isdigit() and stamp[:i] + stamp[i + 1 :] == read for i in range(len(stamp))
    )


def weigh_against_stamp(r: FieldResult, stamp: StampDate, day: dt.date | None) -> None:
    """Accept ``r`` where the stamp gives its day exactly; hold it where it is one digit short of it;
    show the stamp's ``day`` (its date within the field's rules, None where no one date is) where
    ``r`` holds no date or one a digit short."""
    read = _as_stamped(r.value) if isinstance(r.value, str) else None
    if read is None:
        if r.decision == "review" and day is not None:
            r.value, r.reason = day.isoformat(), also(r.reason, STAMP_OFFERED_JA.format(stamp=to_wareki(day)))
    elif r.decision == "review" and r.doubt in RELEASED_DOUBTS and read == stamp:
        r.decision, r.doubt, r.reason, r.confirmed_by = "accept", None, None, STAMP_CONFIRMED_JA
    elif r.decision == "accept" and _one_digit_short(read.text(), stamp.text()):
        written = dt.date.fromisoformat(r.value)
        r.decision, r.doubt = "review", "disagree"
        if day is None:
            r.reason = STAMP_DIGIT_SHORT_JA.format(
                stamp=f"{era_year(written)[0]}{stamp.year}年{stamp.month}月{stamp.day}日"
            )
        else:
            r.value = day.isoformat()
            r.reason = STAMP_DIGIT_PUT_BACK_JA.format(read=to_wareki(written), stamp=to_wareki(day))
