"""Fixtures for the OCR layer: one real engine per session, and builders for awkward input files."""

from __future__ import annotations

import hashlib
import struct
import unicodedata
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from daiko.ocr.base import OcrEngine


@pytest.fixture(scope="session")
def engine() -> OcrEngine:
    """The real default engine, loaded once (0.8 s, ~170 MB)."""
    from daiko.ocr.engines import get_engine

    return get_engine()


@pytest.fixture(scope="session")
def norm() -> Callable[[str], str]:
    """Compare OCR text the way the forms layer will: NFKC, no whitespace."""

    def _norm(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).split())

    return _norm


# ---- an encrypted PDF, built by hand (no PDF writer with encryption is installed) -------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    i = j = 0
    out = bytearray()
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def write_encrypted_pdf(path: Path, user_password: bytes = b"secret", owner_password: bytes = b"owner") -> Path:
    """A one-page PDF with the standard security handler (RC4 40-bit, revision 2) and a user password."""
    perms = -44
    file_id = b"daiko-test-id-01"
    o_key = hashlib.md5((owner_password + _PAD)[:32]).digest()[:5]
    o_val = _rc4(o_key, (user_password + _PAD)[:32])
    key = hashlib.md5((user_password + _PAD)[:32] + o_val + struct.pack("<i", perms) + file_id).digest()[:5]
    u_val = _rc4(key, _PAD)
    content = b"BT /F1 24 Tf 72 720 Td (Hello) Tj ET"
    obj_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
    stream = _rc4(obj_key, content)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <"
        + o_val.hex().encode()
        + b"> /U <"
        + u_val.hex().encode()
        + b"> /P "
        + str(perms).encode()
        + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    hex_id = file_id.hex().encode()
    out += (
        b"trailer\n<< /Size "
        + str(len(objs) + 1).encode()
        + b" /Root 1 0 R /Encrypt 6 0 R /ID [<"
        + hex_id
        + b"><"
        + hex_id
        + b">] >>\nstartxref\n"
        + str(xref).encode()
        + b"\n%%EOF\n"
    )
    path.write_bytes(bytes(out))
    return path


def write_png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that *declares* width×height (8-bit grey) but holds one row: tests size guards without the memory."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\xff" * width)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def encrypted_pdf(tmp_path: Path) -> Path:
    return write_encrypted_pdf(tmp_path / "申請書_保護.pdf")


@pytest.fixture
def png_header_only(tmp_path: Path) -> Callable[[int, int], Path]:
    return lambda w, h: write_png_header_only(tmp_path / f"huge_{w}x{h}.png", w, h)
