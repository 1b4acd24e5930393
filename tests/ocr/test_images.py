"""Loading scans: every supported format gives pages; every bad input gives its own staff-readable error."""

from __future__ import annotations

import resource
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from daiko.ocr import images
from daiko.ocr.images import (
    DamagedFileError,
    EmptyFileError,
    FileMissingError,
    ImageInputError,
    ImageTooLargeError,
    ImageTooSmallError,
    PasswordProtectedError,
    UnsupportedFormatError,
    is_blank,
    iter_pages,
    load_pages,
    load_pages_tolerant,
)
from daiko.ocr.synthetic import degrade, random_field_values, render_line, render_page


@pytest.fixture(scope="module")
def page_img() -> np.ndarray:
    return render_page(["山田 太郎", "令和6年4月1日"], size=(827, 1169), font_size=30).image  # A4 at 100 dpi


# ---- good files ----------------------------------------------------------------------------------


def test_pdf_pages_render_at_the_requested_dpi(tmp_path, page_img):
    pdf = tmp_path / "scan.pdf"
    im = PILImage.fromarray(page_img)
    im.save(pdf, save_all=True, append_images=[im.rotate(180)], resolution=100)  # A4 pages
    pages = load_pages(pdf)  # 200 dpi default
    assert [p.index for p in pages] == [0, 1]
    assert [p.number for p in pages] == [1, 2]
    for p in pages:
        assert p.image.dtype == np.uint8 and p.image.shape[2] == 3
        assert abs(p.size[0] - 1654) <= 2 and abs(p.size[1] - 2338) <= 2
        assert p.dpi == 200 and p.scale == 1.0
        assert p.label.startswith("scan.pdf p.")
    assert load_pages(pdf, dpi=300)[0].size[0] == pytest.approx(2481, abs=2)


def test_multipage_tiff_including_fax_style_1bit(tmp_path, page_img):
    tif = tmp_path / "fax.tif"
    im = PILImage.fromarray(page_img)
    im.convert("1").save(tif, save_all=True, append_images=[im.convert("L"), im], dpi=(100, 100))
    pages = load_pages(tif)
    assert len(pages) == 3
    assert all(p.image.shape == (1169, 827, 3) for p in pages)
    assert pages[0].dpi == pytest.approx(100)
    assert not is_blank(pages[0].image)


def test_jpeg_and_png_single_pages(tmp_path, page_img):
    PILImage.fromarray(page_img).save(tmp_path / "a.jpg", quality=85)
    PILImage.fromarray(page_img).save(tmp_path / "b.png")
    for name in ("a.jpg", "b.png"):
        (page,) = load_pages(tmp_path / name)
        assert page.image.shape == (1169, 827, 3)


def test_transparent_png_becomes_white_paper(tmp_path):
    rgba = np.zeros((200, 300, 4), np.uint8)  # fully transparent black
    rgba[80:120, 100:200] = (0, 0, 0, 255)  # an opaque black bar
    PILImage.fromarray(rgba, "RGBA").save(tmp_path / "t.png")
    (page,) = load_pages(tmp_path / "t.png")
    assert page.image[10, 10].tolist() == [255, 255, 255]
    assert page.image[100, 150].tolist() == [0, 0, 0]


def test_16bit_greyscale_scan_is_scaled_to_8bit(tmp_path):
    arr = np.full((300, 400), 60000, np.uint16)
    arr[100:200, 100:300] = 1000
    PILImage.fromarray(arr).save(tmp_path / "deep.png")
    (page,) = load_pages(tmp_path / "deep.png")
    assert page.image[0, 0, 0] > 240 and page.image[150, 150, 0] < 15


def test_type_is_read_from_content_not_name(tmp_path, page_img):
    misnamed = tmp_path / "really_a_png.pdf"
    PILImage.fromarray(page_img).save(misnamed, format="PNG")
    assert len(load_pages(misnamed)) == 1


def test_pages_come_lazily(tmp_path, page_img):
    pdf = tmp_path / "many.pdf"
    im = PILImage.fromarray(page_img)
    im.save(pdf, save_all=True, append_images=[im] * 4, resolution=100)
    it = iter_pages(pdf, dpi=100)
    assert next(it).index == 0  # the other four are not rendered yet


# ---- bad files: one specific error each, never a crash ---------------------------------------------


def _only_error(path: Path) -> ImageInputError:
    pages, errors = load_pages_tolerant(path)
    assert pages == [] and len(errors) == 1
    with pytest.raises(ImageInputError):
        load_pages(path)
    err = errors[0]
    assert err.message_ja and err.message_en and err.path == path
    return err


def test_missing_file_and_folder(tmp_path):
    assert isinstance(_only_error(tmp_path / "nothing.pdf"), FileMissingError)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    err = _only_error(folder)
    assert isinstance(err, FileMissingError) and "フォルダー" in err.message_ja


def test_zero_byte_file(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    err = _only_error(tmp_path / "empty.pdf")
    assert isinstance(err, EmptyFileError) and err.kind == "empty" and "0バイト" in err.message_ja


def test_word_file_renamed_pdf(tmp_path):
    fake = tmp_path / "申請書.pdf"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    err = _only_error(fake)
    assert isinstance(err, UnsupportedFormatError) and "Word" in err.message_ja and "office" in err.message_en


def test_text_file_renamed_png(tmp_path):
    (tmp_path / "memo.png").write_text("これは画像ではありません", encoding="utf-8")
    err = _only_error(tmp_path / "memo.png")
    assert isinstance(err, UnsupportedFormatError) and "PDF" in err.message_ja


def test_password_protected_pdf(encrypted_pdf):
    err = _only_error(encrypted_pdf)
    assert isinstance(err, PasswordProtectedError) and err.kind == "password"
    assert (
        err.message_ja
        == "PDFにパスワードが設定されているため読み取れません。パスワードを外して再スキャンしてください。"
    )
    assert "encrypted" in err.message_en
    assert encrypted_pdf.name in str(err)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "PDF"])
def test_truncated_files(tmp_path, page_img, fmt):
    whole = tmp_path / f"whole.{fmt.lower()}"
    PILImage.fromarray(page_img).save(whole, format=fmt)
    cut = tmp_path / f"cut.{fmt.lower()}"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    err = _only_error(cut)
    assert isinstance(err, DamagedFileError) and "途中で切れて" in err.message_ja


def test_truncated_multipage_tiff_keeps_the_good_pages(tmp_path, page_img):
    whole = tmp_path / "whole.tif"
    im = PILImage.fromarray(page_img)
    im.save(whole, save_all=True, append_images=[im.convert("1"), im.convert("L")], compression="tiff_deflate")
    cut = tmp_path / "cut.tif"
    cut.write_bytes(whole.read_bytes()[: int(whole.stat().st_size * 0.9)])
    pages, errors = load_pages_tolerant(cut)
    assert [p.number for p in pages] == [1, 2]
    assert len(errors) == 1 and isinstance(errors[0], DamagedFileError) and errors[0].page == 3
    assert "p.3" in str(errors[0])
    with pytest.raises(DamagedFileError):
        load_pages(cut)


def test_huge_image_is_refused_by_its_header_without_decoding(png_header_only):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for w, h in ((20_000, 20_000), (11_000, 10_000)):  # Pillow's bomb guard; then our own limit
        err = _only_error(png_header_only(w, h))
        assert isinstance(err, ImageTooLargeError) and "dpi" in err.message_ja
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # decoding 400 Mpx would have taken 400 MB-1.2 GB


def test_oversized_jpeg_is_decoded_at_reduced_scale(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_DECODE_PIXELS", 1_000_000)
    monkeypatch.setattr(images, "MAX_SIDE", 1000)
    img = np.full((1500, 2000, 3), 255, np.uint8)
    img[700:800, 500:1500] = 0
    PILImage.fromarray(img).save(tmp_path / "big.jpg", quality=90, dpi=(400, 400))
    (page,) = load_pages(tmp_path / "big.jpg")
    assert max(page.size) <= 1000 and page.scale == pytest.approx(max(page.size) / 2000)
    assert page.dpi == pytest.approx(400 * page.scale)
    # A PNG of the same size cannot be decoded partially: refused.
    PILImage.fromarray(img).save(tmp_path / "big.png")
    assert isinstance(_only_error(tmp_path / "big.png"), ImageTooLargeError)


def test_tiny_image_is_refused(tmp_path):
    PILImage.new("RGB", (20, 10), "white").save(tmp_path / "thumb.png")
    assert isinstance(_only_error(tmp_path / "thumb.png"), ImageTooSmallError)


def test_error_text_carries_both_languages(tmp_path):
    (tmp_path / "e.jpg").write_bytes(b"")
    err = _only_error(tmp_path / "e.jpg")
    assert str(err).startswith("e.jpg: ") and "[zero-byte file]" in str(err)


# ---- blank pages and crops -----------------------------------------------------------------------------


def test_is_blank_on_pages():
    white = np.full((2339, 1654, 3), 255, np.uint8)
    assert is_blank(white)
    scanned_blank = degrade(white, seed=1, specks=0.001)  # grey paper, noise, dust, JPEG
    assert is_blank(scanned_blank)
    edge_shadow = scanned_blank.copy()
    edge_shadow[:, :25] = 40  # dark scanner edge inside the ignored margin
    assert is_blank(edge_shadow)
    one_digit = white.copy()
    digit = render_line("7", size=40, pad=0)
    one_digit[1200 : 1200 + digit.shape[0], 800 : 800 + digit.shape[1]] = digit
    assert not is_blank(one_digit)
    assert not is_blank(degrade(render_page(["山田 太郎"]).image, seed=2))


def test_is_blank_on_crops():
    cell = np.full((70, 400, 3), 255, np.uint8)
    cell[:3, :] = 0  # the cell's own ruling lines at the crop edges
    cell[:, -2:] = 0
    assert is_blank(cell, margin=0.0)
    tilted = np.full((70, 400, 3), 255, np.uint8)
    for x in range(400):  # a bottom ruling 1.5° off, as left in a crop of a tilted scan
        y = 62 - int(x * 0.026)
        tilted[y : y + 2, x] = 0
    assert is_blank(tilted, margin=0.0)
    one = cell.copy()
    ch = render_line("一", size=28, pad=0)  # a single kanji "one" is a thin horizontal stroke
    one[30 : 30 + ch.shape[0], 50 : 50 + ch.shape[1]] = ch
    assert not is_blank(one, margin=0.0)
    assert is_blank(np.zeros((0, 0), np.uint8))


@pytest.mark.parametrize("pad", [0, 1, 6])
def test_text_filling_a_tight_crop_is_never_blank(pad):
    """Dense text must not pass for paper noise (a blank verdict would silently empty the field)."""
    values = random_field_values(28, seed=4)
    conditions = [{}, {"paper": 205, "ink": 140, "noise": 6.0}, {"noise": 22.0, "specks": 0.01, "jpeg_quality": 35}]
    for kw in conditions:
        for i, v in enumerate(values):
            crop = degrade(render_line(v, font=("sans", "seto")[i % 2], pad=pad), seed=i, **kw)
            assert not is_blank(crop, margin=0.0), (v, kw)


def test_grainy_blank_crops_are_blank():
    white = np.full((60, 300, 3), 255, np.uint8)
    verdicts = [is_blank(degrade(white, seed=s, noise=n), margin=0.0) for s in range(10) for n in (8.0, 15.0)]
    assert all(verdicts)
