"""Uploaded lesson images: which files are accepted (OUT-8).

Core module: standard library only. The type is decided by the bytes, never by the file name
or the browser's Content-Type: PNG, JPEG and WebP are recognised by their signature and then
walked to their end (PNG chunks with their CRCs and the compressed pixels inflated, JPEG
segments up to the end-of-image marker, the WebP RIFF container), so a truncated file, a
polyglot (an image with a script or an archive after its end) or a file that only starts like
an image is refused. Nothing here decodes pixels beyond inflating PNG data: no image library
parses an untrusted upload.

SVG is refused rather than sanitised: it is XML that can carry scripts, event handlers,
`<foreignObject>` HTML, external references and CSS, and served from the course's own origin a
single missed vector is stored XSS for every learner. A sanitiser would need an XML parser, an
allow-list and browser quirks kept up to date; lesson diagrams export as PNG or WebP just as well.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from course.content.images import JPEG, PNG, PNG_SIGNATURE, WEBP, ImageKind
from course.problems import N_
from course.quizzes.gift_convert import slug

MAX_SIDE = 10_000  # pixels, either side
MAX_PIXELS = 25_000_000  # a 5,000 x 5,000 image; larger is never needed on a lesson page


@dataclass(frozen=True, slots=True)
class CheckedImage:
    kind: ImageKind
    width: int
    height: int


class ImageRefused(ValueError):
    """Why an upload is not accepted: an `N_` message for the admin, with its parameters."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message, self.params = message, params


TRUNCATED = N_("the image is incomplete (the file ends too early): upload the whole file again")
DAMAGED = N_("the image is damaged and cannot be read: open it in an image editor and save it again")
TRAILING = N_("the file has extra data after the end of the image: open it in an image editor and save it again")


def check_image(data: bytes, max_bytes: int) -> CheckedImage:
    """The type and size of an uploaded image, or ImageRefused saying why it is not accepted."""
    if not data:
        raise ImageRefused(N_("the file is empty"))
    if len(data) > max_bytes:
        raise ImageRefused(N_("the file is larger than {limit} MB"), limit=megabytes(max_bytes))
    if data.startswith(PNG_SIGNATURE):
        image = CheckedImage(PNG, *_png_size(data))
    elif data.startswith(b"\xff\xd8\xff"):
        image = CheckedImage(JPEG, *_jpeg_size(data))
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        image = CheckedImage(WEBP, *_webp_size(data))
    else:
        raise ImageRefused(_unknown_type(data))
    if not (0 < image.width <= MAX_SIDE and 0 < image.height <= MAX_SIDE) or image.width * image.height > MAX_PIXELS:
        message = N_("the image is {width} x {height} pixels: make it smaller (at most 5,000 x 5,000)")
        raise ImageRefused(message, width=image.width, height=image.height)
    return image


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _unknown_type(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in head or head.startswith(b"<?xml") and b"svg" in head:
        return N_(
            "SVG drawings are not accepted: they can contain scripts. Export the drawing as PNG or WebP and upload that"
        )
    if head.startswith(b"gif8"):
        return N_("GIF images are not accepted: save the image as PNG and upload that")
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return N_("HEIC photos (from an iPhone) are not accepted: export the photo as JPEG and upload that")
    return N_("this file is not a PNG, JPEG or WebP image (whatever its name says)")


def _png_size(data: bytes) -> tuple[int, int]:
    """Walk every chunk (length, type, CRC) to IEND at the very end; inflate the pixel data."""
    pos, size, compressed = len(PNG_SIGNATURE), (0, 0), []
    while True:
        if pos + 12 > len(data):
            raise ImageRefused(TRUNCATED)
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise ImageRefused(TRUNCATED)
        body = data[pos + 8 : pos + 8 + length]
        if zlib.crc32(data[pos + 4 : pos + 8 + length]) != struct.unpack(">I", data[end - 4 : end])[0]:
            raise ImageRefused(DAMAGED)
        if (pos == len(PNG_SIGNATURE)) != (kind == b"IHDR") or (kind == b"IHDR" and length != 13):
            raise ImageRefused(DAMAGED)
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            compressed.append(body)
        pos = end
        if kind == b"IEND":
            break
    if pos != len(data):
        raise ImageRefused(TRAILING)
    if not (0 < size[0] <= MAX_SIDE and 0 < size[1] <= MAX_SIDE) or size[0] * size[1] > MAX_PIXELS:
        return size  # refused by the caller, before anything is inflated
    _inflate(b"".join(compressed), size[1] * (1 + size[0] * 8) * 2)
    return size


def _inflate(compressed: bytes, bound: int) -> None:
    """Inflate in steps, keeping nothing: the stream must end, within what the size allows."""
    stream, produced, rest = zlib.decompressobj(), 0, compressed
    try:
        while not stream.eof:
            chunk = stream.decompress(rest, 1 << 20)
            produced, rest = produced + len(chunk), stream.unconsumed_tail
            if produced > bound:
                raise ImageRefused(DAMAGED)
            if not chunk and not rest:
                raise ImageRefused(TRUNCATED)
    except zlib.error as error:
        raise ImageRefused(DAMAGED) from error


SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Walk the segments (and the entropy-coded scans) to the end-of-image marker at the end."""
    pos, size, scanned = 2, (0, 0), False
    while True:
        if pos + 2 > len(data):
            raise ImageRefused(TRUNCATED)
        if data[pos] != 0xFF:
            raise ImageRefused(DAMAGED)
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            break
        if marker in STANDALONE:
            pos += 2
            continue
        if pos + 4 > len(data):
            raise ImageRefused(TRUNCATED)
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if length < 2 or pos + 2 + length > len(data):
            raise ImageRefused(TRUNCATED if length >= 2 else DAMAGED)
        if marker in SOF_MARKERS and length >= 7:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        pos += 2 + length
        if marker == 0xDA:
            scanned, pos = True, _end_of_scan(data, pos)
    if not scanned or size == (0, 0):
        raise ImageRefused(DAMAGED)
    if pos + 2 != len(data):
        raise ImageRefused(TRAILING)
    return size


def _end_of_scan(data: bytes, pos: int) -> int:
    """Where the entropy-coded data after a start-of-scan ends: the next real marker."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise ImageRefused(TRUNCATED)
        follower = data[pos + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7 or follower == 0xFF:
            pos += 1 if follower == 0xFF else 2  # stuffed byte, restart marker, or fill
            continue
        return pos


def _webp_size(data: bytes) -> tuple[int, int]:
    """The RIFF length must be the file's; every chunk must fit; the first one gives the size."""
    declared = struct.unpack("<I", data[4:8])[0] + 8
    if declared > len(data):
        raise ImageRefused(TRUNCATED)
    if declared != len(data):
        raise ImageRefused(TRAILING)
    pos, chunks = 12, []
    while pos < len(data):
        if pos + 8 > len(data):
            raise ImageRefused(TRUNCATED)
        kind, length = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if pos + 8 + length > len(data):
            raise ImageRefused(TRUNCATED)
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length + (length & 1)
    if not chunks:
        raise ImageRefused(TRUNCATED)
    return _webp_first_chunk(*chunks[0], {kind for kind, _ in chunks})


def _webp_first_chunk(kind: bytes, body: bytes, kinds: set[bytes]) -> tuple[int, int]:
    if kind == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", body[6:10])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
        bits = struct.unpack("<I", body[1:5])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X" and len(body) >= 10 and kinds & {b"VP8 ", b"VP8L", b"ANMF"}:
        width = int.from_bytes(body[4:7], "little") + 1
        return width, int.from_bytes(body[7:10], "little") + 1
    raise ImageRefused(DAMAGED)


def image_name(filename: str, kind: ImageKind) -> str:
    """A safe stored name from an uploaded file's name: its last path part only (no traversal),
    transliterated to lower-case Latin letters, digits and hyphens, with the real type's
    extension (a PNG called `photo.html` is stored as `photo.png`)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return f"{slug(stem) or 'image'}.{kind.ext}"
