"""Supporting documents checked by what they contain, never by their names: PDF, JPEG, PNG and OFD only (no Django)."""
from __future__ import annotations

import hashlib
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import puremagic

SNIFF_BYTES = 8192
# an OFD (GB/T 33190) is a zip package; these bound what its directory may claim before anything is inflated
OFD_MAX_ENTRIES = 5000
OFD_MAX_UNCOMPRESSED = 500 * 1024 * 1024
OFD_MAX_RATIO = 100
IMAGE_MAX_PIXELS = 100_000_000


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    size: int
    sha256: str


class UploadRefused(ValueError):
    """Why a file is not accepted; `code` lets the form say it in the user's language, `params` fill it in."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def _read_head(stream: BinaryIO) -> bytes:
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return head


def _digest(stream: BinaryIO) -> tuple[int, str]:
    stream.seek(0)
    sha, size = hashlib.sha256(), 0
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        sha.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return size, sha.hexdigest()


def _tail(stream: BinaryIO, size: int, count: int = 2048) -> bytes:
    stream.seek(max(size - count, 0))
    tail = stream.read(count)
    stream.seek(0)
    return tail


def _guess(head: bytes) -> str:
    try:
        return puremagic.from_string(head, mime=True) or ""
    except puremagic.PureError:
        return ""


def _check_png(head: bytes) -> None:
    # IHDR follows the 8-byte signature: length, type, width, height
    if len(head) < 24 or head[12:16] != b"IHDR":
        raise UploadRefused("corrupt", kind="PNG")
    width, height = struct.unpack(">II", head[16:24])
    if width == 0 or height == 0 or width * height > IMAGE_MAX_PIXELS:
        raise UploadRefused("image_too_large", width=width, height=height)


def _check_ofd(stream: BinaryIO) -> None:
    try:
        with zipfile.ZipFile(stream) as package:
            entries = package.infolist()
            if len(entries) > OFD_MAX_ENTRIES:
                raise UploadRefused("archive_bomb")
            names = {entry.filename for entry in entries}
            if "OFD.xml" not in names:
                raise UploadRefused("zip_not_ofd")
            inflated = sum(entry.file_size for entry in entries)
            packed = sum(entry.compress_size for entry in entries) or 1
            if inflated > OFD_MAX_UNCOMPRESSED or inflated / packed > OFD_MAX_RATIO:
                raise UploadRefused("archive_bomb")
    except zipfile.BadZipFile:
        raise UploadRefused("corrupt", kind="OFD") from None
    finally:
        stream.seek(0)


def sniff(stream: BinaryIO, *, max_bytes: int) -> Sniffed:
    """Identify an upload by its content; raise UploadRefused if it is empty, too large or not an accepted type."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadRefused("empty")
    if size > max_bytes:
        raise UploadRefused("too_large", size=size, limit=max_bytes)
    head = _read_head(stream)
    if head.startswith(b"%PDF-"):
        if b"%%EOF" not in _tail(stream, size):
            raise UploadRefused("corrupt", kind="PDF")
        content_type, extension = "application/pdf", "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_png(head)
        content_type, extension = "image/png", "png"
    elif head.startswith(b"\xff\xd8\xff"):
        content_type, extension = "image/jpeg", "jpg"
    elif head.startswith(b"PK\x03\x04"):
        _check_ofd(stream)
        content_type, extension = "application/ofd", "ofd"
    else:
        raise UploadRefused("type", detected=_guess(head) or "unknown")
    # the library's verdict must agree for the binary types it knows (a PNG header glued to HTML is not a PNG)
    guessed = _guess(head)
    if extension in {"pdf", "png", "jpg"} and guessed and guessed != content_type:
        raise UploadRefused("type", detected=guessed)
    size, sha256 = _digest(stream)
    return Sniffed(content_type=content_type, extension=extension, size=size, sha256=sha256)
