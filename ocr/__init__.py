"""Image → text with confidence. The lowest layer: knows nothing of forms, robots or schedules.

- ``base``: the ``OcrEngine`` interface, ``TextLine``, ``OcrError``, ``Image``.
- ``engines``: ``get_engine(name="rapidocr", **opts)`` — one cached engine per process
  (``rapid``: the default, rapidocr 3.10.0 + PP-OCRv6 small; ``paddle``: optional PaddleOCR).
- ``images``: ``load_pages``/``iter_pages``/``load_pages_tolerant`` for PDF/TIFF/JPEG/PNG,
  ``ImageInputError`` and its kinds (Japanese message for staff, English detail for logs), ``is_blank``.
- ``preprocess``: orientation, deskew, contrast, denoise — separate, measured steps.
- ``arrays``: RGB/grey/BGR conversions; ``synthetic``: test images; ``measure_*``: measurements.
"""
