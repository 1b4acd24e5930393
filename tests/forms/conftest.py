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
