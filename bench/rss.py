"""Peak memory of reading, page by page: the reading process's high-water mark (``ru_maxrss``)
after every ``--every`` pages of kept bench pages, read in one process as ``bench/ocr.py`` does.

    .venv/bin/python bench/rss.py /tmp/heldout --from 5200 --pages 120
    bench/at_commit.sh 53b1742 ../r7 && PYTHONPATH=../r7 .venv/bin/python bench/rss.py /tmp/heldout …
    .venv/bin/python bench/rss.py /tmp/heldout --engine paddleocr --opt mkldnn_cache_capacity=10

Reading the same pages with two versions of the code tells the code's share of the peak from the
pages' (round 8: bench/ocr.py's peak moved by ~90 MB between runs of near-identical code); with two
settings of an engine (``--opt``, as robots.yaml's ``ocr`` options), the setting's share.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages_dir", type=Path, help="a bench/ocr.py --keep folder")
    parser.add_argument("--from", dest="start", type=int, default=0, help="first page index")
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--every", type=int, default=20)
    parser.add_argument("--engine", default="rapidocr")
    parser.add_argument(
        "--opt", action="append", default=[], metavar="KEY=VALUE", help="an engine option (int if digits)"
    )
    args = parser.parse_args(argv)
    from daiko.forms import read_file
    from daiko.ocr.engines import get_engine

    opts: dict[str, object] = {}
    if args.engine == "paddleocr":
        from daiko.ocr.engines.paddle import bundled_model_dir

        opts["paddle_model_dir"] = str(bundled_model_dir())
    for opt in args.opt:
        key, _, value = opt.partition("=")
        opts[key] = int(value) if value.isdigit() else value
    engine = get_engine(args.engine, **opts)
    files = sorted(p for p in args.pages_dir.iterdir() if p.name[:5].isdigit() and int(p.name[:5]) >= args.start)
    started = time.perf_counter()
    for n, path in enumerate(files[: args.pages], start=1):
        read_file(path, None, engine)
        if n % args.every == 0 or n == min(args.pages, len(files)):
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"{n} pages: peak RSS {peak} MB, {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
