"""The default engine on real models: Japanese fields read right, pages give boxes, no network, clear failures."""

from __future__ import annotations

import os
import socket

import numpy as np
import pytest

from daiko.ocr.base import OcrError, TextLine
from daiko.ocr.engines import get_engine
from daiko.ocr.engines import rapid as rapid_mod
from daiko.ocr.engines.rapid import RapidOcrEngine
from daiko.ocr.synthetic import available_fonts, degrade, render_line, render_page

# Values of the kinds on daiko's forms. Known slips of the model (稅 for 税, 惠 for 恵, ケィコ)
# are left to the validators upstream, so they are not asserted here.
FIELDS = [
    "山田 太郎",
    "ヤマダ タロウ",
    "令和6年4月1日",
    "所沢 480 あ 12-34",
    "0123456789",
    "090-1234-5678",
    "飯能市双柳1番地の1",
]


def test_get_engine_is_cached_per_process(engine):
    assert get_engine() is engine
    assert get_engine("rapidocr") is engine
    assert engine.name == "rapidocr"
    assert engine.charset_size > 18_000  # PP-OCRv6 small: kanji + kana; tiny has 6,904 and no kana


def test_unknown_engine_name_is_a_clear_error():
    with pytest.raises(OcrError, match="rapidocr"):
        get_engine("tesseract")


def test_engine_options_unset_are_dropped_unknown_are_named(engine):
    assert get_engine("rapidocr", threads=None, model_dir=None) is engine
    with pytest.raises(OcrError, match="paddle_model_dir") as err:
        get_engine("rapidocr", paddle_model_dir="/srv/models")
    assert "threads" in str(err.value)  # lists what it does accept


@pytest.mark.parametrize("font", ["sans", "seto"])
def test_recognize_reads_japanese_fields_in_one_batch(engine, norm, font):
    if font not in available_fonts():
        pytest.skip(f"font {font} not installed")
    crops = [render_line(t, font=font) for t in FIELDS]
    lines = engine.recognize(crops)
    assert [norm(x.text) for x in lines] == [norm(t) for t in FIELDS]
    assert all(isinstance(x, TextLine) and x.box is None and 0.8 < x.confidence <= 1.0 for x in lines)


def test_recognize_reads_scanned_looking_crops(engine, norm):
    crops = [degrade(render_line(t), seed=i) for i, t in enumerate(FIELDS)]
    got = [norm(x.text) for x in engine.recognize(crops)]
    assert sum(g == norm(t) for g, t in zip(got, FIELDS, strict=True)) >= len(FIELDS) - 1


def test_blank_and_degenerate_crops_give_empty_text_in_place(engine, norm):
    white = np.full((60, 300, 3), 255, np.uint8)
    grey_paper = degrade(white, seed=3)  # noise and specks, but nothing written
    tiny = np.zeros((2, 50, 3), np.uint8)
    empty = np.zeros((0, 0, 3), np.uint8)
    crops = [white, render_line("令和6年4月1日"), grey_paper, tiny, empty, render_line("12-34")]
    lines = engine.recognize(crops)
    assert len(lines) == len(crops)
    for i in (0, 2, 3, 4):
        assert lines[i] == TextLine("", 0.0)
    assert norm(lines[1].text) == "令和6年4月1日"
    assert norm(lines[5].text) == "12-34"
    assert engine.recognize([]) == []


def test_recognize_accepts_grey_and_rgba_crops(engine, norm):
    rgb = render_line("ヤマダ タロウ")
    grey = rgb[:, :, 0].copy()
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    assert [norm(x.text) for x in engine.recognize([grey, rgba])] == ["ヤマダタロウ"] * 2


def test_thin_crop_is_not_blown_up(engine, norm):
    """Pitfall 1: a long thin field must stay fast (the default detector limit made it 5,800×736)."""
    crop = render_line("飯能市双柳1番地の1 山田 太郎 令和6年4月1日 090-1234-5678", size=22, pad=4)
    assert crop.shape[1] / crop.shape[0] > 15
    (line,) = engine.recognize([crop])
    assert norm(line.text) == norm("飯能市双柳1番地の1 山田 太郎 令和6年4月1日 090-1234-5678")


def test_read_page_finds_lines_with_boxes(engine, norm):
    lines = ["山田 太郎", "令和6年4月1日", "所沢 480 あ 12-34", "0123456789"]
    page = render_page(lines, size=(1000, 700), font_size=36, top=80, line_gap=130)
    found = engine.read_page(page.image)
    assert [norm(x.text) for x in found] == [norm(t) for t in lines]  # top-to-bottom order
    for got, (x0, y0, x1, y1) in zip(found, page.boxes, strict=True):
        assert got.box is not None
        gx0, gy0, gx1, gy1 = got.box
        # The detector's box contains the ink box, give or take a few pixels.
        assert gx0 <= x0 + 4 and gy0 <= y0 + 4 and gx1 >= x1 - 4 and gy1 >= y1 - 4
        assert gx1 - gx0 < (x1 - x0) + 60 and gy1 - gy0 < (y1 - y0) + 40
    assert engine.detect(page.image) == [x.box for x in found]


def test_read_page_of_a_blank_page_is_empty(engine):
    assert engine.read_page(np.full((800, 600, 3), 255, np.uint8)) == []


def test_flags_do_not_stick_between_calls(engine, norm):
    """Pitfall 2: after a recognition-only call, a page call must still detect (and vice versa)."""
    page = render_page(["令和6年4月1日", "山田 太郎"], size=(800, 400), top=60, line_gap=150)
    engine.recognize([render_line("0123")])
    assert len(engine.read_page(page.image)) == 2
    assert norm(engine.recognize([render_line("0123")])[0].text) == "0123"
    assert len(engine.detect(page.image)) == 2
    assert len(engine.read_page(page.image)) == 2


def test_engine_loads_and_reads_with_the_network_cut(monkeypatch, norm):
    def no_network(*args, **kwargs):
        raise AssertionError("the OCR layer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    eng = RapidOcrEngine(threads=1)
    assert norm(eng.recognize([render_line("令和6年4月1日")])[0].text) == "令和6年4月1日"


def test_missing_models_are_a_clear_error_not_a_download(tmp_path):
    with pytest.raises(OcrError) as err:
        RapidOcrEngine(model_dir=tmp_path)
    msg = str(err.value)
    assert "PP-OCRv6_rec_small.onnx" in msg and "rapidocr==3.10.0" in msg and "never" in msg


def test_a_dictionary_without_kana_is_refused(monkeypatch):
    monkeypatch.setattr(rapid_mod, "REQUIRED_CHARS", "あ\ue000")  # a private-use character: in no dictionary
    with pytest.raises(OcrError, match="cannot read Japanese kana"):
        RapidOcrEngine()


def test_downloader_is_blocked_while_models_load():
    from rapidocr.utils.download_file import DownloadFile, DownloadFileInput

    original = DownloadFile.__dict__["run"]
    with rapid_mod._downloads_blocked(), pytest.raises(rapid_mod._DownloadBlockedError):
        DownloadFile.run(
            DownloadFileInput(file_url="https://example.invalid/x.onnx", save_path="/nonexistent", logger=None)
        )
    assert DownloadFile.__dict__["run"] is original


def test_threads_are_capped(monkeypatch):
    monkeypatch.delenv("DAIKO_OCR_THREADS", raising=False)
    assert rapid_mod._default_threads(cpu_count=64) == 2  # a big server still leaves cores to the rest
    assert rapid_mod._default_threads(cpu_count=1) == 1
    assert rapid_mod._default_threads(cpu_count=None) == min(2, os.cpu_count() or 1)
    monkeypatch.setenv("DAIKO_OCR_THREADS", "6")
    assert rapid_mod._default_threads(cpu_count=64) == 6  # an admin's explicit choice wins


def test_a_flat_sliver_is_padded_not_stretched(engine):
    """A 4 px rule remnant 900 px wide would be scaled to 11,000 px (≈1 GB); it is padded instead."""
    from daiko.ocr.arrays import MAX_LINE_ASPECT, bound_aspect

    sliver = np.full((4, 918, 3), 255, np.uint8)
    sliver[1:3, 10:900] = 0
    padded = bound_aspect(sliver)
    assert padded.shape[1] == 918 and padded.shape[1] / padded.shape[0] <= MAX_LINE_ASPECT
    line = np.full((40, 400, 3), 255, np.uint8)
    assert bound_aspect(line) is line  # ordinary lines are untouched
    (result,) = engine.recognize([sliver])
    assert result.confidence < 0.9 or result.text == ""  # read as what it is: no confident text
