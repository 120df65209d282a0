"""OUT-1: rendered Markdown never carries script, handlers or dangerous URLs."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.markdown import render_markdown

XSS_CORPUS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "<svg onload=alert(1)>",
    "<iframe src=//evil></iframe>",
    "<object data=//evil></object>",
    "<embed src=//evil>",
    "<form action=//evil><button>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=//evil">',
    "<base href=//evil/>",
    "<style>@import url(//evil)</style>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    "![x](file:///etc/passwd)",
    "![x](http://169.254.169.254/latest/meta-data/)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '# Title {: onclick="alert(1)" }',
    "[a][ref]\n\n[ref]: javascript:alert(1)",
    "<!-- unclosed comment <script>alert(1)</script>",
    "*a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a**a*",
]
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "meta", "base", "style", "svg", "math"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def assert_safe(html: str) -> None:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        assert tag.split("}")[-1] not in DANGEROUS_TAGS, html
        if tag == "img":  # OUT-8: only an uploaded course image, at its /media/ URL, ever has a src
            assert element.attrib.get("src", "/media/").startswith("/media/"), html
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), html
            compact = "".join(value.split()).lower()
            assert not compact.startswith(DANGEROUS_SCHEMES), html


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_xss_corpus_is_neutralised_OUT_1(payload):
    assert_safe(render_markdown(payload))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(XSS_CORPUS) | st.text(max_size=40), max_size=6))
def test_random_markdown_with_payloads_stays_safe_OUT_1(parts):
    assert_safe(render_markdown("\n\n".join(parts)))


def test_outbound_links_get_noopener_OUT_1():
    html = render_markdown("[site](https://example.org)")
    assert 'rel="noopener noreferrer"' in html


def test_images_keep_a_src_only_when_it_names_an_uploaded_image_OUT_1_OUT_8():
    def resolve(src):
        return "/media/" + "0" * 64 + ".png" if src == "../images/map.png" else None

    html = render_markdown(
        '![Map of Ukraine](../images/map.png "Regions") ![x](../images/missing.png) <img src=https://evil/x.gif>',
        resolve_image=resolve,
    )
    assert f'<img alt="Map of Ukraine" src="/media/{"0" * 64}.png" title="Regions">' in html
    assert html.count("src=") == 1 and "evil" not in html and "missing" not in html
    assert_safe(html)


PLAIN_LOOKING = [
    "The right answer 12",
    "Ні, згода не має значення",
    "Right: see the lesson.",
    "Question 3 about the lesson?",
    "a  b",
    'It\'s "quoted" here',
    "Прізвище з апострофом: Мар'яна, Мар’яна, Марʼяна",
    "1. not a list",
    "- not a list",
    "# not a heading",
    ": not a definition",
    "a: b (c) - d.",
    "100% sure",
    "e-mail someone@example.org or http://example.org",
    "x  ",
    " leading",
    "tab\there",
    "==",
    "a -- b --- c",
    "10) ordered",
]


@pytest.mark.parametrize("text", PLAIN_LOOKING)
def test_the_plain_paragraph_shortcut_renders_as_markdown_does(text):
    """course/markdown.py skips the parser for plain one-line texts: same HTML either way."""
    import markdown as md

    from course.markdown import EXTENSIONS, to_html

    assert to_html(text) == md.markdown(text, extensions=EXTENSIONS, output_format="html")


def test_every_text_of_the_bundled_course_renders_as_markdown_does():
    import markdown as md

    from course.content.files import read_course_files
    from course.markdown import EXTENSIONS, to_html

    root = Path(__file__).parents[2]
    files = read_course_files(root / "content", root / "quizzes").values()
    lines = {line for data in files for line in data.decode("utf-8-sig").split("\n")}  # each once
    for line in sorted(lines):
        expected = md.markdown(line, extensions=EXTENSIONS, output_format="html")
        assert to_html(line) == expected, line


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("aZяЇ'’ʼ.,:;?()-—%/0 1#\"=+@")), min_size=1, max_size=30))
def test_any_plain_looking_line_renders_as_markdown_does(text):
    import markdown as md

    from course.markdown import EXTENSIONS, to_html

    assert to_html(text) == md.markdown(text, extensions=EXTENSIONS, output_format="html")
