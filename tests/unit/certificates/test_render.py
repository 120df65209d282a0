"""The certificate PDF read back with poppler and zbar (docs/security.md CERT-2, CERT-6, OUT-3)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from course.certificates.codes import format_code
from course.certificates.render import render_html, render_pdf
from course.certificates.types import translate_labels
from tests.unit.certificates.pdfcheck import (
    BASE_URL,
    make_context,
    pdf_attachments,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    qr_payloads,
    write_pdf,
)

BUNDLED_FONT = re.compile(r"^[A-Z]{6}\+Cert-(Sans|Sans-Bold|Serif-Bold)$")


@pytest.mark.parametrize("name", ["Олена Петренко", "Ґудзь-Їжакевич Олександра", "John O'Neill"])
def test_pdftotext_shows_name_titles_code_and_url_CERT6(tmp_path, name):
    context = make_context(holder_name=name)
    text = pdf_text(write_pdf(tmp_path, render_pdf(context)))
    assert name in text
    assert "Протидія торгівлі людьми: основи" in text
    assert "Countering human trafficking: the basics" in text
    assert format_code(context.code) in text
    assert context.verify_url in text
    assert "3fa9c2d1e0b4" in text
    assert "12 березня 2026" in text and "March 12, 2026" in text
    assert "Сертифікат про проходження курсу" in text


def test_nfd_name_is_printed_as_nfc_OUT3(tmp_path):
    """The certificate and the verification page must agree on й typed as и + U+0306."""
    nfd = unicodedata.normalize("NFD", "Андрій Кий")
    assert "\u0306" in nfd
    text = pdf_text(write_pdf(tmp_path, render_pdf(make_context(holder_name=nfd))))
    assert "Андрій Кий" in text and "\u0306" not in text


def test_pdffonts_lists_only_embedded_bundled_fonts_CERT6(tmp_path):
    """Even a name with glyphs the bundled fonts lack must not pull in a system font."""
    name = "Олена 😀👩‍👩‍👧 Петренко 中文 Ελένη"
    fonts = pdf_fonts(write_pdf(tmp_path, render_pdf(make_context(holder_name=name))))
    assert fonts, "no fonts listed"
    for font in fonts:
        assert BUNDLED_FONT.match(font["name"]), font
        assert font["emb"] == "yes" and font["sub"] == "yes" and font["uni"] == "yes", font


def test_qr_decodes_to_the_verification_url_CERT6(tmp_path):
    context = make_context()
    path = write_pdf(tmp_path, render_pdf(context))
    assert qr_payloads(path, tmp_path) == [context.verify_url]
    assert context.verify_url.startswith(BASE_URL + "/verify/")


def test_pdf_has_no_embedded_files_and_one_a4_landscape_page_CERT1(tmp_path):
    path = write_pdf(tmp_path, render_pdf(make_context()))
    assert pdf_attachments(path).strip() == "0 embedded files"
    assert pdf_pages(path) == 1


def test_same_context_renders_the_same_bytes():
    context = make_context()
    assert render_pdf(context) == render_pdf(context)


def test_english_certificate_is_not_bilingual(tmp_path):
    english = translate_labels(lambda s: s)
    context = make_context(lang="en", course_title="Countering human trafficking: the basics", labels=english)
    text = pdf_text(write_pdf(tmp_path, render_pdf(context)))
    assert "Certificate of completion" in text
    assert "березня" not in text and "/ This certifies that" not in text


def test_expiry_date_printed_when_set(tmp_path):
    context = make_context(expires_on=date(2028, 3, 12))
    text = pdf_text(write_pdf(tmp_path, render_pdf(context)))
    assert "12 березня 2028" in text and "March 12, 2028" in text
    assert "No expiry date" not in text


def test_sample_is_marked_as_not_valid(tmp_path):
    text = pdf_text(write_pdf(tmp_path, render_pdf(make_context(is_sample=True))))
    assert "SAMPLE: not a valid certificate" in text


HOSTILE_NAMES = {
    "script": "<script>alert(1)</script>",
    "svg-onload": '"><svg/onload=alert(1)>',
    "img": "<img src=x>",
    "jinja-expression": "{{7*7}}",
    "jinja-config": "{% raw %}{{config}}{% endraw %}",
    "dollar": "${7*7}",
    "formula": '=HYPERLINK("http://x","y")',
    "sql": "Robert'); DROP TABLE users;--",
    "log-injection": "Alice\r\n2026-01-01 INFO admin login ok",
    "emoji": "Олена 😀 Петренко 👩🏽‍⚕️",
    "300-chars": ("Ґудзь-Їжакевич Олександра " * 12)[:300],
    "300-no-spaces": "Щ" * 300,
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_hostile_names_print_as_literal_text_on_one_page_CERT2_OUT3(tmp_path, name):
    """(b)§3 names: nothing is interpreted, the layout stays one page, code and QR survive."""
    context = make_context(holder_name=name)
    path = write_pdf(tmp_path, render_pdf(context))
    text = pdf_text(path)
    expected = re.sub(r"\s+", " ", name).strip()
    squeeze = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - long names wrap anywhere
    assert squeeze(expected.replace("\u200d", "").replace("\ufe0f", "")) in squeeze(
        text.replace("\u200d", "").replace("\ufe0f", "")
    )
    assert "49" not in text.replace(format_code(context.code), "")  # {{7*7}} never evaluated
    assert pdf_pages(path) == 1
    assert format_code(context.code) in text
    assert qr_payloads(path, tmp_path) == [context.verify_url]


def test_right_to_left_override_cannot_reorder_the_printed_name_OUT3(tmp_path):
    """U+202E would print 'Ivan' + 'nnovo' reversed; the control is dropped, the text kept."""
    name = "Ivan\u202eovonn \u2066Petrenko\u2069"
    context = make_context(holder_name=name)
    text = pdf_text(write_pdf(tmp_path, render_pdf(context)))
    assert "Ivanovonn Petrenko" in text
    assert "\u202e" not in text and "\u2066" not in text
    assert format_code(context.code) in text


def test_markup_in_name_is_escaped_in_the_html_CERT2():
    html = render_html(make_context(holder_name="<img src=x onerror=alert(1)>{{7*7}}"))
    assert "&lt;img src=x onerror=alert(1)&gt;{{7*7}}" in html
    assert "<img src=x" not in html


def test_course_title_markup_is_escaped_CERT2(tmp_path):
    context = make_context(course_title="<b>Курс</b> {{ 7*7 }}")
    text = pdf_text(write_pdf(tmp_path, render_pdf(context)))
    assert "<b>Курс</b> {{ 7*7 }}" in text
