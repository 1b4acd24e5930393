"""Capture the template images the shuno adapter recognises screens by.

    DISPLAY=:99 .venv/bin/python scripts/capture_shuno_screens.py [--out robots/adapters/shuno_screens]

What an RPA developer does with WinActor's 画像マッチング: open each screen of the client and cut
out a part a person recognises it by (its title in the header, the result list's column heads,
a ticked and an unticked check box). Run it again when the client's look changes (a new font
package, a new release); the crops are cut automatically around the ink, so they do not depend
on hand-picked pixels. Needs an X display (Xvfb is fine) and the mock client.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
HEADER_BG = (0x1F, 0x3A, 0x68)


def ink_box(img: np.ndarray, background: tuple[int, int, int], tolerance: int = 40) -> tuple[int, int, int, int]:
    diff = np.abs(img.astype(int) - np.array(background)).sum(axis=2) > tolerance
    ys, xs = np.nonzero(diff)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def crop_title(shot: Image.Image, out: Path, name: str, margin: int = 8) -> None:
    """The screen title in the header, with a margin of header background round it: so that a
    title which begins another (口座振替登録 / 口座振替登録完了) does not match inside the longer one."""
    band = np.asarray(shot.convert("RGB"))[6:58, 260:764]
    x0, y0, x1, y1 = ink_box(band, HEADER_BG)
    box = (260 + x0 - margin, 6 + y0 - 4, 260 + x1 + margin, 6 + y1 + 4)
    shot.crop(box).save(out / f"{name}.png")
    print(f"{name}: {box}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "robots/adapters/shuno_screens")
    args = parser.parse_args()
    from daiko.mocks.shuno.process import start_shuno
    from daiko.robots.adapters.shuno import AT, CHECKS
    from daiko.robots.drivers.desktop import DesktopDriver

    def at(window, key: str) -> tuple[int, int]:  # the adapter's own click points: one table
        return window.x + AT[key][0], window.y + AT[key][1]

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, start_shuno(Path(tmp), records=300) as client:
        d = DesktopDriver(timeout_s=10)
        login = d.wait_window("ログイン")
        d.click(*at(login, "login.user"))
        d.type_ascii(client.user)
        d.click(*at(login, "login.password"))
        d.type_ascii(client.password)
        d.press("enter")
        d.wait_window_gone(login)
        main = d.wait_window("収納管理システム")

        def shot() -> Image.Image:
            return Image.fromarray(d.grab(main, colour=True))

        def pause() -> None:
            """Wait until the client has drawn what the last key did: the screen stops changing
            for a moment (a capture tool: it knows no templates yet, those are what it makes)."""
            before = d.grab(main)

            def settled():
                now = d.grab(main)
                if np.array_equal(now, before):
                    return None
                time.sleep(0.3)
                return True if np.array_equal(now, d.grab(main)) else None

            d.wait_until("画面の変化", settled, timeout=30)

        d.move_to(main.x + 500, main.y + 300)
        d.wait_until("業務メニュー", lambda: True if d.grab(main, (260, 6, 504, 52)).std() > 20 else None, timeout=30)
        crop_title(shot(), out, "title_menu")
        d.press("1")
        pause()
        crop_title(shot(), out, "title_search")
        person = client.people(1)[0]
        d.key_field(*at(main, "search.name"), person.name, what="氏名")
        d.press("f2")
        pause()
        shot().crop((41, 242, 41 + 400, 242 + 18)).save(out / "results_header.png")
        d.click(*at(main, "search.first_row"))
        d.press("f12")
        pause()
        crop_title(shot(), out, "title_register")
        cx, cy = CHECKS["shikenmin"]
        box = (cx, cy, cx + 26, cy + 32)  # the first 税目 check box, unticked then ticked
        shot().crop(box).save(out / "check_off.png")
        values = {
            "register.reference": "R08-99999", "register.bank": "0017", "register.branch": "494",
            "register.deposit": "1", "register.account": "1234567", "register.holder": person.kana,
            "register.year": "9", "register.month": "4",
        }  # fmt: skip
        for key, text in values.items():
            d.key_field(*at(main, key), text, what=key)
        d.click(main.x + cx + 12, main.y + cy + 16)
        pause()
        shot().crop(box).save(out / "check_on.png")
        d.press("f12")
        pause()
        d.press("y")
        pause()
        crop_title(shot(), out, "title_done")
        d.press("f1")
        pause()
        d.press("2")
        pause()
        crop_title(shot(), out, "title_inquiry")
        d.key_field(*at(main, "inquiry.reference"), "R08-99999", what="受付番号")
        d.press("f2")
        pause()
        shot().crop((34, 143, 100, 164)).save(out / "inquiry_result.png")
        d.press("f1")
        pause()
        d.press("3")
        pause()
        crop_title(shot(), out, "title_extract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
