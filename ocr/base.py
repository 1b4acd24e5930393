"""What every OCR engine offers: image in, text with confidence out. Knows nothing of forms."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Images travel as numpy arrays: H×W×3 uint8 in RGB order, or H×W uint8 greyscale.
Image = np.ndarray


@dataclass(frozen=True)
class TextLine:
    """One piece of recognised text. ``box`` is (x0, y0, x1, y1) in page pixels, if known."""

    text: str
    confidence: float  # 0.0-1.0, the model's own score (the mean over characters)
    box: tuple[int, int, int, int] | None = None
    # Each character's own score where the engine gives them (empty otherwise). A line's mean hides
    # the one doubtful character in twenty that makes a value wrong; the weakest character does not.
    char_confidences: tuple[float, ...] = ()
    # Where each written (non-space) character was read, its centre as a fraction of the crop's
    # width — empty where the engine does not say. Lets a caller see ink no character accounts for.
    char_x: tuple[float, ...] = ()
    # For each character (spaces included), the recogniser's best few readings of it with their
    # probabilities, where the engine gives them: lets a field that knows which characters may
    # stand in a slot (a plate's hiragana) read that slot again within them.
    alternatives: tuple[tuple[tuple[str, float], ...], ...] = ()

    def _ink_scores(self) -> list[float]:
        # A space's score says how sure the model is that a gap is wide enough to be a space, not
        # what was written: printed plates (所沢 480 あ 12-34) read every digit at 1.00 and their
        # spaces at 0.55. Only the written characters count.
        if len(self.char_confidences) != len(self.text):
            return list(self.char_confidences)
        return [c for ch, c in zip(self.text, self.char_confidences, strict=True) if not ch.isspace()]

    @property
    def weakest(self) -> float:
        """The lowest score of a written character, or the line's score when the engine gives none."""
        scores = self._ink_scores()
        return min(scores) if scores else self.confidence

    @property
    def ink_confidence(self) -> float:
        """The mean score of the written characters (spaces left out), else the line's score."""
        scores = self._ink_scores()
        return sum(scores) / len(scores) if scores else self.confidence


class OcrError(Exception):
    """An engine cannot run (models missing, backend not installed); the message says how to fix it."""


class OcrEngine(ABC):
    """Load models once per process; then recognise crops (no detection) or read whole pages."""

    name: str = "base"

    @abstractmethod
    def recognize(self, crops: Sequence[Image]) -> list[TextLine]:
        """Recognition only, one result per crop, in order. Crops are tight field zones."""

    @abstractmethod
    def read_page(self, page: Image) -> list[TextLine]:
        """Detection + recognition over a whole page: every text line found, with its box."""

    def detect(self, page: Image) -> list[tuple[int, int, int, int]]:
        """Text-line boxes only, in page pixels. Engines with a separate detector override this
        to skip recognition; the default reads the page and keeps the boxes."""
        return [line.box for line in self.read_page(page) if line.box is not None]
