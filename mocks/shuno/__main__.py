"""``python -m daiko.mocks.shuno --db PATH [--seed 42] [--records 2000] [--fault ...]``."""

import sys

from daiko.mocks.shuno.cli import main

if __name__ == "__main__":
    sys.exit(main())
