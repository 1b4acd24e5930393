"""Regenerate the screenshots of docs/walkthrough.md from a real `make demo` run.

    .venv/bin/python scripts/walkthrough_screenshots.py [--demo demo-data]

Uses the demo's data as it is (run `make demo` first): creates two console accounts in the demo's
ledger (an admin and a 税務課 clerk, random passwords never shown), starts `daiko console` on a free
port, photographs the screens with Playwright and Debian's Chromium, and prints the demo's weekly
report and 突合 list with LibreOffice. Every PNG is shrunk to at most 960 px wide with a 64-colour
palette, so the docs stay small. Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"
WIDTH = 960


def shrink(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    if image.width > WIDTH:
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_user(config: Path, name: str, role: str, section: str | None) -> str:
    password = secrets.token_urlsafe(16)
    args = [sys.executable, "-m", "daiko.cli", "console", "--config", str(config), "user", "add", name,
            "--role", role, "--password-stdin"] + (["--section", section] if section else [])  # fmt: skip
    subprocess.run(args, input=password + "\n", text=True, check=True, capture_output=True)
    return password


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # polling a server that is starting; not synchronisation in a test


def console_shots(config: Path) -> None:
    from playwright.sync_api import sync_playwright

    from daiko.robots.drivers.browser import CHROMIUM_ARGS, chromium_executable

    suffix = secrets.token_hex(3)
    admin, clerk = f"admin{suffix}", f"tanaka{suffix}"
    admin_password = add_user(config, admin, "admin", None)
    clerk_password = add_user(config, clerk, "staff", "税務課")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daiko.cli", "console", "--config", str(config), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/login")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="ja-JP")
            page.goto(f"{url}/login")
            page.screenshot(path=OUT / "console-login.png")
            page.fill("#name", clerk)
            page.fill("#password", clerk_password)
            page.click("button[type=submit]")
            page.wait_for_url(f"{url}/queue")
            page.screenshot(path=OUT / "console-queue.png", full_page=True)
            first = page.locator("a[href^='/items/']").first
            if first.count():
                first.click()
                page.wait_for_url(f"{url}/items/*")
                page.screenshot(path=OUT / "console-review.png")
            page.context.clear_cookies()
            page.goto(f"{url}/login")
            page.fill("#name", admin)
            page.fill("#password", admin_password)
            page.click("button[type=submit]")
            page.goto(f"{url}/dashboard")
            page.screenshot(path=OUT / "console-dashboard.png", full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name in ("console-login", "console-queue", "console-review", "console-dashboard"):
        if (OUT / f"{name}.png").exists():
            shrink(OUT / f"{name}.png")


def print_pages(book: Path, pages: dict[int, str]) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice がないため、印刷の画像は作りません（make test-setup）", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "book.xlsx"
        shutil.copy(book, copy)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(copy)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        pdf = pdfium.PdfDocument(Path(tmp) / "book.pdf")
        try:
            for index, name in pages.items():
                if index < len(pdf):
                    pdf[index].render(scale=1.6).to_pil().save(OUT / f"{name}.png")
                    shrink(OUT / f"{name}.png")
        finally:
            pdf.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=ROOT / "demo-data")
    args = parser.parse_args()
    config = args.demo / "robots.yaml"
    if not config.exists():
        print(f"{config} がありません。先に make demo を実行してください", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DAIKO_KEITAX_PASSWORD", "not-used-by-the-console")
    console_shots(config)
    report = max((args.demo / "data" / "reports").glob("*.xlsx"), key=lambda p: p.stat().st_mtime)
    print_pages(report, {0: "report-summary", 2: "report-trend"})
    reconcile = max((args.demo / "data" / "reconcile").glob("突合_haisha_*.xlsx"), key=lambda p: p.stat().st_mtime)
    print_pages(reconcile, {0: "reconcile-list"})
    for png in sorted(OUT.glob("*.png")):
        print(f"{png.relative_to(ROOT)}  {png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
