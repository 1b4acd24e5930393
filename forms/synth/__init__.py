"""Synthetic filled-in forms and J-LIS data: realistic, reproducible, with ground truth.

Nothing here is used when reading real paper; it feeds the tests, the OCR benchmark and demos.
"""

from daiko.forms.synth.dataset import SyntheticPage, make_page, write_dataset
from daiko.forms.synth.export import save_pages
from daiko.forms.synth.scan import ScanParams, scan

__all__ = ["ScanParams", "SyntheticPage", "make_page", "save_pages", "scan", "write_dataset"]
