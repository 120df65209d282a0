"""Course images: where they are kept, the URL they are served at, how lessons refer to them.

Core module: standard library and course.problems only. An image is the course file
`content/images/<name>` (a revision in the database, like every course file, so it travels
with the release and every app host serves it). Lessons, pages and job aids refer to it in
Markdown with the one relative form that also works when the course is kept as files:
`![what the image shows](../images/<name>)`. The renderer turns that into the image's
content-addressed URL `/media/<sha256>.<ext>`, so a new version of an image gets a new URL and
the old one can be cached for a year.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from course.problems import N_, Problem

IMAGE_DIR = "content/images/"
LINK_PREFIX = "../images/"
MEDIA_PREFIX = "/media/"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A stored name: what course.content.image_files.image_name makes of an uploaded file's name.
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}\.(?:png|jpg|webp)$")
MEDIA_NAME = re.compile(r"^(?P<digest>[0-9a-f]{64})\.(?P<ext>png|jpg|webp)$")
# `![alt](src)`, `![alt](<src>)` and `![alt](src "title")`, one per match, on one line.
IMAGE = re.compile(r"!\[(?P<alt>(?:\\.|[^\]\\])*)\]\(\s*<?(?P<src>[^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
HTML_IMAGE = re.compile(r"<img\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ImageKind:
    ext: str  # the one extension stored and served for this type
    mime: str


PNG = ImageKind("png", "image/png")
JPEG = ImageKind("jpg", "image/jpeg")
WEBP = ImageKind("webp", "image/webp")
KINDS = {kind.ext: kind for kind in (PNG, JPEG, WEBP)}


def kind_of(data: bytes) -> ImageKind | None:
    """The type of image bytes by their signature alone (uploads are checked in full first)."""
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return None


def image_path(name: str) -> str:
    return IMAGE_DIR + name


def media_url(data: bytes, kind: ImageKind) -> str:
    """The content-addressed URL: the same bytes always, and only, have this URL."""
    return f"{MEDIA_PREFIX}{hashlib.sha256(data).hexdigest()}.{kind.ext}"


def image_urls(files: Mapping[str, bytes]) -> dict[str, str]:
    """Stored name -> served URL, for every well-formed image among a course's files."""
    urls = {}
    for path, data in files.items():
        name = path[len(IMAGE_DIR) :]
        kind = kind_of(data) if path.startswith(IMAGE_DIR) and NAME.match(name) else None
        if kind is not None and name.endswith("." + kind.ext):
            urls[name] = media_url(data, kind)
    return urls


def image_file_problems(files: Mapping[str, bytes], shown: Callable[[str], str] = str) -> list[Problem]:
    """A file under content/images/ that is not a usable image, named as `shown(path)`."""
    problems = []
    for path, data in sorted(files.items()):
        if not path.startswith(IMAGE_DIR):
            continue
        name = path[len(IMAGE_DIR) :]
        kind = kind_of(data)
        if kind is None:
            problems.append(Problem(shown(path), 1, N_("this file is not a PNG, JPEG or WebP image")))
        elif not NAME.match(name) or not name.endswith("." + kind.ext):
            message = N_(
                "an image name uses lower-case Latin letters, digits and hyphens and ends in .{ext}, not '{name}'"
            )
            problems.append(Problem(shown(path), 1, message, {"ext": kind.ext, "name": name}))
    return problems


def resolver(urls: Mapping[str, str]):
    """For the sanitiser: an `<img src>` as written in Markdown -> its URL, or None (dropped)."""

    def resolve(src: str) -> str | None:
        return urls.get(src[len(LINK_PREFIX) :]) if src.startswith(LINK_PREFIX) else None

    return resolve


def image_problems(path: str, text: str, urls: Mapping[str, str], first_line: int = 1) -> list[Problem]:
    """Every image in `text` that would not show, or would show without a description."""
    problems = []
    for offset, line in enumerate(text.split("\n")):
        number = first_line + offset
        if html := HTML_IMAGE.search(line):
            message = N_("write images in Markdown, as ![what it shows](../images/NAME.png), not as HTML <img>")
            problems.append(Problem(path, number, message, column=html.start() + 1))
        for match in IMAGE.finditer(line):
            problems.extend(_reference_problems(path, (number, match.start() + 1), match["alt"], match["src"], urls))
    return problems


def _reference_problems(
    path: str, where: tuple[int, int], alt: str, src: str, urls: Mapping[str, str]
) -> list[Problem]:
    line, column = where
    found = []
    if not alt.strip():
        message = N_(
            "the image '{src}' has no description: write what it shows between the square brackets, "
            "for learners who cannot see it"
        )
        found.append(Problem(path, line, message, {"src": src}, column))
    if not src.startswith(LINK_PREFIX):
        message = N_("the image '{src}' is not a course image: upload it and write ../images/NAME")
        found.append(Problem(path, line, message, {"src": src}, column))
    elif src[len(LINK_PREFIX) :] not in urls:
        message = N_("the image '{name}' does not exist: upload it on the Images page, or correct the name")
        found.append(Problem(path, line, message, {"name": src[len(LINK_PREFIX) :]}, column))
    return found


def image_lines(text: str) -> list[int]:
    """The lines of `text` that show an image, in Markdown or HTML (for where none may be shown)."""
    return [n for n, line in enumerate(text.split("\n"), 1) if IMAGE.search(line) or HTML_IMAGE.search(line)]
