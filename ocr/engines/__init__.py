"""Pick an OCR engine by name and keep one instance per process.

Loading models costs 0.2-7 s and hundreds of MB, so callers never construct engines themselves:
``get_engine()`` builds the engine on first use and hands the same object to everyone after,
whatever layer (forms, bench, console) asks for it.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import Any

from daiko.ocr.base import OcrEngine, OcrError

__all__ = ["DEFAULT_ENGINE", "ENGINE_NAMES", "clear_engine_cache", "get_engine"]

DEFAULT_ENGINE = "rapidocr"

_cache: dict[tuple[str, tuple[tuple[str, str], ...]], OcrEngine] = {}
_lock = threading.Lock()


def _rapid_class() -> type[OcrEngine]:
    from daiko.ocr.engines.rapid import RapidOcrEngine

    return RapidOcrEngine


def _paddle_class() -> type[OcrEngine]:
    from daiko.ocr.engines.paddle import PaddleOcrEngine

    return PaddleOcrEngine


def _ppocrv5_class() -> type[OcrEngine]:
    from daiko.ocr.engines.second import PpOcrV5Engine

    return PpOcrV5Engine


# Engine classes are imported on demand: paddle's module must not load unless asked for.
_FACTORIES: dict[str, Callable[[], type[OcrEngine]]] = {
    "rapidocr": _rapid_class,
    "paddleocr": _paddle_class,
    "ppocrv5": _ppocrv5_class,  # recognition only: the second opinion (daiko.ocr.engines.second)
}
ENGINE_NAMES = tuple(_FACTORIES)


def get_engine(name: str = DEFAULT_ENGINE, **opts: Any) -> OcrEngine:
    """The process-wide engine called ``name`` built with ``opts`` (built on first call, then reused).

    ``opts`` go to the engine's constructor (e.g. ``threads=2`` or ``paddle_model_dir=...``);
    options set to None are dropped (unset configuration keys), unknown ones are an ``OcrError``.
    Different opts give a different instance, the same opts always the same one.
    """
    factory = _FACTORIES.get(name)
    if factory is None:
        raise OcrError(
            f"Unknown OCR engine {name!r}; choose one of {', '.join(ENGINE_NAMES)} "
            "(check the `ocr.engine` setting in the configuration)."
        )
    opts = {k: v for k, v in opts.items() if v is not None}
    key = (name, tuple(sorted((k, repr(v)) for k, v in opts.items())))
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            cls = factory()
            accepted = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
            unknown = sorted(set(opts) - set(accepted))
            if unknown:
                raise OcrError(
                    f"OCR engine {name!r} does not take the option(s) {', '.join(unknown)}; "
                    f"it accepts {', '.join(accepted)} (check the `ocr` section of the configuration)."
                )
            engine = cls(**opts)
            _cache[key] = engine
        return engine


def clear_engine_cache() -> None:
    """Forget the cached engines (tests; or after changing models on disk)."""
    with _lock:
        _cache.clear()
