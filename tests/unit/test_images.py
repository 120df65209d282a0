"""OUT-8: an uploaded image is accepted by its content, whole, or refused saying why; its name is
made safe; lessons refer to it as `../images/NAME` and every wrong reference is a problem with
its line. Pure code: no app, no database (Pillow only makes the sample images)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from course.content.image_files import MAX_SIDE, ImageRefused, check_image, image_name
from course.content.images import JPEG, PNG, WEBP, image_file_problems, image_problems, image_urls, media_url
from course.markdown import render_markdown

LIMIT = 2 * 1024 * 1024
POLYGLOT_SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)


def sample(fmt: str, size: tuple[int, int] = (40, 30), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "options", "kind"),
    [
        ("PNG", {}, PNG),
        ("PNG", {"interlace": 1}, PNG),
        ("JPEG", {}, JPEG),
        ("JPEG", {"progressive": True}, JPEG),
        ("WEBP", {}, WEBP),
        ("WEBP", {"lossless": True}, WEBP),
    ],
)
def test_png_jpeg_and_webp_are_accepted_with_their_size_OUT_8(fmt, options, kind):
    image = check_image(sample(fmt, **options), LIMIT)
    assert (image.kind, image.width, image.height) == (kind, 40, 30)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_truncated_image_is_refused_as_incomplete_OUT_8(fmt):
    data = sample(fmt)
    for cut in (len(data) // 2, len(data) - 1):
        with pytest.raises(ImageRefused) as refused:
            check_image(data[:cut], LIMIT)
        assert "incomplete" in refused.value.message


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_an_image_with_a_script_after_its_end_is_refused_OUT_8(fmt):
    """A polyglot: a real image with HTML (or an archive) after its last byte."""
    with pytest.raises(ImageRefused) as refused:
        check_image(sample(fmt) + b"<script>alert(1)</script>", LIMIT)
    assert "extra data" in refused.value.message


def test_svg_is_refused_whatever_its_name_with_the_reason_OUT_8():
    for data in (POLYGLOT_SVG, b"\xef\xbb\xbf  <svg><script>alert(1)</script></svg>"):
        with pytest.raises(ImageRefused) as refused:
            check_image(data, LIMIT)
        assert refused.value.message.startswith("SVG drawings are not accepted: they can contain scripts")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"<html><script>alert(1)</script></html>", "not a PNG, JPEG or WebP"),
        (b"GIF89a" + b"\x00" * 20, "GIF"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 20, "HEIC"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "damaged"),
    ],
)
def test_other_files_are_refused_saying_what_they_are_OUT_8(data, words):
    with pytest.raises(ImageRefused) as refused:
        check_image(data, LIMIT)
    assert words in refused.value.message


def test_the_size_limit_is_the_setting_OUT_8():
    data = sample("PNG")
    assert check_image(data, len(data)).kind == PNG
    with pytest.raises(ImageRefused) as refused:
        check_image(data, len(data) - 1)
    assert "larger than" in refused.value.message


def test_a_huge_canvas_is_refused_before_its_pixels_are_inflated_OUT_8():
    with pytest.raises(ImageRefused) as refused:
        check_image(sample("PNG", (MAX_SIDE + 1, 1)), LIMIT)
    assert refused.value.params == {"width": MAX_SIDE + 1, "height": 1}


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\olena\\Мапа Мар’янівки.PNG", "mapa-marianivky.png"),
        ("photo.html", "photo.png"),
        (".htaccess", "htaccess.png"),
        ("diagram.v2.final.png", "diagram-v2-final.png"),
        ("%00<script>.png", "00-script.png"),
        ("", "image.png"),
    ],
)
def test_names_are_made_safe_and_take_the_real_types_extension_OUT_8(uploaded, stored):
    assert image_name(uploaded, PNG) == stored


def test_lessons_refer_to_images_as_dot_dot_images_and_get_the_content_addressed_url_OUT_8():
    data = sample("PNG")
    files = {"content/images/map.png": data, "content/modules/01-a.uk.md": b"x"}
    urls = image_urls(files)
    assert urls == {"map.png": media_url(data, PNG)}
    assert urls["map.png"].startswith("/media/") and len(urls["map.png"]) == len("/media/") + 64 + 4
    html = render_markdown("![Map of the regions](../images/map.png)", resolve_image=lambda src: urls.get(src[10:]))
    assert f'src="{urls["map.png"]}"' in html and 'alt="Map of the regions"' in html
    changed = image_urls({"content/images/map.png": sample("PNG", (41, 30))})
    assert changed["map.png"] != urls["map.png"]  # a new version, a new URL


def test_every_wrong_image_reference_is_a_problem_at_its_line_OUT_8():
    urls = {"map.png": "/media/x.png"}
    text = "\n".join(
        [
            "Intro",
            "![Map of the regions](../images/map.png)",
            "![](../images/map.png)",
            "![Missing](../images/nowhere.png)",
            "![Remote](https://example.org/x.png)",
            '<img src="../images/map.png">',
        ]
    )
    problems = image_problems("content/modules/01-a.uk.md", text, urls, first_line=10)
    assert [(p.line, p.message.split(" ")[1]) for p in problems] == [
        (12, "image"),
        (13, "image"),
        (14, "image"),
        (15, "images"),
    ]
    assert "no description" in problems[0].message and "does not exist" in problems[1].message
    assert "not a course image" in problems[2].message and "not as HTML" in problems[3].message
    assert str(problems[1]) == "content/modules/01-a.uk.md:13:1: the image 'nowhere.png' does not exist: " + (
        "upload it on the Images page, or correct the name"
    )


def test_a_file_in_the_images_folder_that_is_no_image_is_a_problem_OUT_8():
    files = {
        "content/images/ok.png": sample("PNG"),
        "content/images/drawing.svg": POLYGLOT_SVG,
        "content/images/Photo.JPG": sample("JPEG"),
    }
    problems = image_file_problems(files)
    assert [p.path for p in problems] == ["content/images/Photo.JPG", "content/images/drawing.svg"]
    assert set(image_urls(files)) == {"ok.png"}


def _course_with(line: bytes, quiz_line: bytes = b"") -> dict[str, bytes]:
    from course.content.files import read_course_files
    from tests.conftest import TEST_COURSE

    files = read_course_files(TEST_COURSE, TEST_COURSE / "quizzes")
    for lang in ("uk", "en"):
        path = f"content/modules/01-basics.{lang}.md"
        files[path] = files[path].replace(b"{#first}\n", b"{#first}\n\n" + line + b"\n", 1)
    if quiz_line:
        files["quizzes/basics.en.md"] += quiz_line + b"\n"
    return files


def test_the_catalog_renders_course_images_and_reports_wrong_ones_OUT_8():
    from course.content.catalog import build_catalog_from_files

    files = _course_with(b"![Map of the regions](../images/map.png)")
    files["content/images/map.png"] = sample("PNG")
    catalog = build_catalog_from_files(files)
    assert catalog.problems == ()
    lesson = catalog.module("basics").lessons[0]
    url = media_url(files["content/images/map.png"], PNG)
    assert f'<img alt="Map of the regions" src="{url}">' in lesson.html["en"]
    del files["content/images/map.png"]
    broken = build_catalog_from_files(files)
    assert catalog.module("basics") is not None and broken.module("basics") is None  # hidden from learners
    found = {(p.path, p.line) for p in broken.problems if p.path.startswith("content/")}
    assert found == {("content/modules/01-basics.uk.md", 13), ("content/modules/01-basics.en.md", 13)}


def test_an_image_in_a_quiz_is_a_problem_rather_than_silently_dropped_OUT_8():
    from course.content.catalog import build_catalog_from_files

    files = _course_with(b"Plain text.", b"> ![Map](../images/map.png)")  # in the general feedback
    problems = build_catalog_from_files(files).problems
    assert [p.path for p in problems] == ["quizzes/basics.en.md"]
    assert "quizzes cannot show images yet" in problems[0].message
