"""Shared, session-scoped fixtures for the forms tests: one real OCR engine, pages generated once."""

from __future__ import annotations

import functools

import pytest


@pytest.fixture(scope="session")
def engine():
    """The real rapidocr engine, loaded once for the whole session (it takes seconds and ~0.5 GB)."""
    from daiko.ocr.engines import get_engine

    return get_engine()


@functools.cache
def synthetic(form: str, seed: int, kind: str, severity: str = "normal"):
    """A synthetic page, generated once per (form, seed, kind, severity) in the session."""
    from daiko.forms.synth import make_page

    return make_page(form, seed, kind, severity=severity)


@pytest.fixture(scope="session")
def page_of():
    return synthetic


def bench_page(tmp_path, index: int, form: str, kind: str, template: str):
    """Held-back page ``index`` (seed 900000 + index) regenerated as ``bench/ocr.py`` made it, read with
    the default engine: (its fields as read, its truth)."""
    from bench.ocr import _make_one
    from daiko.forms.reader import read_file

    item = _make_one((index, form, kind, template, str(tmp_path), 900000, True))
    (page,) = read_file(item["path"])
    return page, item["truth"]
