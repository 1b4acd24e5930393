"""Peak memory of reading, page by page: the reading process's high-water mark (``ru_maxrss``)
after every ``--every`` pages of kept bench pages, read in one process as ``bench/ocr.py`` does.

    .venv/bin/python bench/rss.py /tmp/heldout --from 5200 --pages 120
    bench/at_commit.sh 53b1742 ../r7 && PYTHONPATH=../r7 .venv/bin/python bench/rss.py /tmp/heldout …

Reading the same pages with two versions of the code tells the code's share of the peak from the
pages' (round 8: bench/ocr.py's peak moved by ~90 MB between runs of near-identical code).
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages_dir", type=Path, help="a bench/ocr.py --keep folder")
    parser.add_argument("--from", dest="start", type=int, default=0, help="first page index")
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--every", type=int, default=20)
    args = parser.parse_args(argv)
    from daiko.forms import read_file

    files = sorted(p for p in args.pages_dir.iterdir() if p.name[:5].isdigit() and int(p.name[:5]) >= args.start)
    for n, path in enumerate(files[: args.pages], start=1):
        read_file(path, None)
        if n % args.every == 0 or n == min(args.pages, len(files)):
            print(f"{n} pages: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
