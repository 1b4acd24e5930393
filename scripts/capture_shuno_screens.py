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
    from daiko.robots.drivers.desktop import DesktopDriver

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, start_shuno(Path(tmp), records=300) as client:
        d = DesktopDriver(timeout_s=10)
        login = d.wait_window("ログイン")
        d.click(login.x + 200, login.y + 100)
        d.type_ascii(client.user)
        d.click(login.x + 200, login.y + 142)
        d.type_ascii(client.password)
        d.press("enter")
        d.wait_window_gone(login)
        main = d.wait_window("収納管理システム")

        def shot() -> Image.Image:
            return Image.fromarray(d.grab(main, colour=True))

        def pause() -> None:  # a capture tool, not a robot: let Tk draw before cutting
            time.sleep(0.6)

        d.move_to(main.x + 500, main.y + 300)
        pause()
        crop_title(shot(), out, "title_menu")
        d.press("1")
        pause()
        crop_title(shot(), out, "title_search")
        person = client.people(1)[0]
        d.key_field(main.x + 200, main.y + 140, person.name, what="氏名")
        d.press("f2")
        pause()
        shot().crop((41, 242, 41 + 400, 242 + 18)).save(out / "results_header.png")
        d.click(main.x + 200, main.y + 274)
        d.press("f12")
        pause()
        crop_title(shot(), out, "title_register")
        box = (200, 418, 200 + 26, 418 + 32)  # the first 税目 check box, unticked then ticked
        shot().crop(box).save(out / "check_off.png")
        for x, y, text in (
            (215, 192, "R08-99999"),
            (215, 232, "0017"),
            (215, 272, "494"),
            (215, 312, "1"),
            (215, 352, "1234567"),
            (215, 392, person.kana),
            (265, 512, "9"),
            (345, 512, "4"),
        ):
            d.key_field(main.x + x, main.y + y, text, what="capture")
        d.click(main.x + 212, main.y + 434)
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
        d.key_field(main.x + 170, main.y + 100, "R08-99999", what="受付番号")
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
