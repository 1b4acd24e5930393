"""``python -m daiko.mocks.keitax --db PATH [--port N] [--fault ...]``.

Importable too (``from daiko.mocks.keitax.__main__ import main``): it only runs under ``-m``.
"""

import sys

from daiko.mocks.keitax.server import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
