"""Synthetic data: reproducible, truthful, written like a 複合機; J-LIS CSV in Shift_JIS."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from daiko.forms.definition import load_definition
from daiko.forms.synth import ScanParams, make_page, save_pages, write_dataset
from daiko.forms.synth.jlis import HEADER, generate_jlis_csv, read_jlis_csv


def test_same_seed_same_page():
    a = make_page("keitax_haisha", 5, "handwriting")
    b = make_page("keitax_haisha", 5, "handwriting")
    assert a.truth == b.truth
    assert hashlib.sha1(a.image.tobytes()).digest() == hashlib.sha1(b.image.tobytes()).digest()
    assert make_page("keitax_haisha", 6, "handwriting").truth != a.truth


def test_truth_is_what_the_field_types_accept():
    form = load_definition("keitax_haisha")
    for seed in range(8):
        page = make_page(form, seed, "printed", scan_params=ScanParams(dpi=100))
        for f in form.fields:
            value = page.truth[f.name]
            if value is None or f.kind == "mark" or f.type == "mynumber":
                continue
            result = f.field_type().check(value)
            assert result.ok and result.value == value, (f.name, value, result)
        assert page.truth["reason"] in {"scrap", "transfer", "theft", "moved", "other"}
        assert page.truth["mynumber"] in {None, "valid", "invalid"}  # never the digits


def test_scan_parameters_shape_the_image():
    page = make_page("shimin_anketo", 1, "printed", scan_params=ScanParams(dpi=300, grey=True))
    assert page.image.shape[:2] == (3508, 2480)
    assert (page.image[..., 0] == page.image[..., 2]).all()


@pytest.mark.parametrize("suffix", [".pdf", ".tif", ".jpg", ".png"])
def test_save_pages_like_a_scanner(tmp_path, suffix):
    from daiko.ocr.images import load_pages

    page = make_page("shimin_anketo", 2, "printed", scan_params=ScanParams(dpi=150))
    pages = [page.image, page.image] if suffix in (".pdf", ".tif") else [page.image]
    path = save_pages(pages, tmp_path / f"scan{suffix}", dpi=150)
    loaded = load_pages(path)
    assert len(loaded) == len(pages)
    with pytest.raises(ValueError):
        save_pages([page.image, page.image], tmp_path / "two.jpg")


def test_write_dataset(tmp_path):
    files = write_dataset(tmp_path, 2, start_seed=40)
    assert len(files) == 2 and all(f.exists() and f.with_suffix(".json").exists() for f in files)


def test_jlis_csv_round_trip(tmp_path):
    plates = ["所沢 480 あ 12-34", ("川越 580 さ 99-01", "HA36S-123456"), "飯能市 い 123"]
    path = generate_jlis_csv(tmp_path / "haisha.csv", plates, seed=3, processed_on=dt.date(2025, 4, 10), bad_rows=3)
    raw = path.read_bytes()
    text = raw.decode("cp932")
    assert text.splitlines()[0].split(",") == HEADER
    assert b"\r\n" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really Shift_JIS, as the J-LIS export is
    records = read_jlis_csv(path)
    assert [r.plate for r in records[:3]] == ["所沢 480 あ 12-34", "川越 580 さ 99-01", "飯能市 い 123"]
    assert records[1].chassis_no == "HA36S-123456" and records[0].chassis_no is None
    good, bad = records[:3], records[3:]
    assert all(not r.problems for r in good)
    assert all(r.reason in {"scrap", "transfer", "theft", "moved", "other"} for r in good)
    assert all(r.deregistered_on <= r.declared_on == dt.date(2025, 4, 10) for r in good)
    assert len({r.reference for r in records}) == len(records)
    assert len(bad) == 3 and all(r.problems for r in bad)


def test_jlis_references_do_not_collide_between_files(tmp_path):
    a = read_jlis_csv(generate_jlis_csv(tmp_path / "a.csv", ["所沢 480 あ 12-34"], first_serial=1))
    b = read_jlis_csv(generate_jlis_csv(tmp_path / "b.csv", ["所沢 480 あ 12-35"], first_serial=2))
    assert a[0].reference != b[0].reference
