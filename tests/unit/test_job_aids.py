"""Job aids as printed sheets: markup, the locked-down PDF render, one A4 page per module and language.

Core only (no app, no database); the PDFs are read back with poppler-utils.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from course.content import job_aids
from course.content.catalog import build_catalog
from course.content.job_aids import JobAidRenderError, JobAidSheet, render_pdf, sheet_html
from course.content.types import LANGUAGES
from tests.unit.certificates.pdfcheck import pdf_fonts, pdf_pages, pdf_text, write_pdf

ROOT = Path(__file__).parents[2]
STYLESHEET = (ROOT / "course" / "static" / "job-aid.css").read_text(encoding="utf-8")
FONTS = ROOT / "certificates" / "fonts"
BASE_URL = "https://frontline.example.org"
A4_POINTS = "595.276 x 841.89 pts (A4)"


def make_sheet(body: str = "<p>Call <strong>527</strong>.</p>", **overrides) -> JobAidSheet:
    values = {
        "id": "sample",
        "lang": "en",
        "title": "Job aid: sample",
        "kicker": "Frontline · Module 1: Sample",
        "body_html": body,
        "footer": "Version 0123456789ab",
        "content_hash": "0" * 64,
    }
    values.update(overrides)
    return JobAidSheet(**values)


def render(sheet: JobAidSheet) -> job_aids.PrintedJobAid:
    return render_pdf(sheet, STYLESHEET, FONTS, BASE_URL)


def bundled_sheets():
    catalog = build_catalog(ROOT / "content", ROOT / "quizzes")
    for number, module in enumerate(catalog.modules, start=1):
        aid = catalog.job_aids[module.id]
        for lang in LANGUAGES:
            yield pytest.param(
                JobAidSheet(
                    aid.id,
                    lang,
                    aid.title[lang],
                    f"Frontline · {number}: {module.title[lang]}",
                    aid.html[lang],
                    f"Version {aid.content_hash[:12]}",
                    aid.content_hash,
                ),
                id=f"{module.id}-{lang}",
            )


def test_job_aid_core_does_not_import_flask():
    code = "import sys, course.content.job_aids; print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_checklist_items_become_tick_boxes():
    html = "<ul>\n<li>[ ] Talk alone</li>\n<li>\n<p>[ ] Loose item</p>\n</li>\n<li>Plain</li>\n</ul>"
    assert job_aids.checkboxes(html) == (
        '<ul>\n<li class="check">Talk alone</li>\n<li class="check">\n<p>Loose item</p>\n</li>\n<li>Plain</li>\n</ul>'
    )


def test_phone_numbers_do_not_break_across_lines_but_figures_do():
    html = "<td>0 800 505 501</td><td>+38 044 284 19 15</td><td>3 to 8 years</td><td>102 / 112</td>"
    assert job_aids.unbroken_phone_numbers(html) == (
        "<td>0\u00a0800\u00a0505\u00a0501</td><td>+38\u00a0044\u00a0284\u00a019\u00a015</td>"
        "<td>3 to 8 years</td><td>102 / 112</td>"
    )


def test_sheet_escapes_its_plain_text_fields():
    sheet = make_sheet(title="<script>alert(1)</script>", kicker="A & B", footer='"quoted"')
    html = sheet_html(sheet)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "A &amp; B" in html and "&quot;quoted&quot;" in html


def test_pdf_is_one_a4_page_with_only_the_bundled_fonts(tmp_path):
    printed = render(make_sheet())
    path = write_pdf(tmp_path, printed.pdf)
    assert printed.pages == 1 and pdf_pages(path) == 1
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert A4_POINTS in info
    assert {font["name"].split("+", 1)[1] for font in pdf_fonts(path)} <= {"Frontline-Sans", "Frontline-Sans-Bold"}
    assert "Job aid: sample" in pdf_text(path)


def test_same_sheet_is_rendered_once_and_an_edit_renders_afresh():
    first = render(make_sheet(body="<p>Version one</p>"))
    assert render(make_sheet(body="<p>Version one</p>")) is first
    assert render(make_sheet(body="<p>Version two</p>")) is not first


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "../../course/config.py", "data:image/png;base64,iVBORw0KGgo="],
)
def test_pdf_refuses_anything_but_the_bundled_fonts(url):
    # The catalog's sanitiser already strips <img>; this is the second lock, in the renderer.
    with pytest.raises(JobAidRenderError, match="refused"):
        render(make_sheet(body=f'<p>x</p><img src="{url}">', id=f"refused-{url}"))


def test_long_sheet_is_set_in_smaller_type_to_stay_on_one_page(tmp_path):
    body = "".join(f"<p>Line {n}: call 527 for advice, 102 in danger.</p>" for n in range(48))
    printed = render(make_sheet(body=body, id="long"))
    assert printed.pages == 1 and printed.scale < 1
    assert pdf_pages(write_pdf(tmp_path, printed.pdf)) == 1


def test_sheet_too_long_for_one_page_is_printed_whole_and_logged(caplog):
    body = "".join(f"<p>Line {n}: call 527 for advice.</p>" for n in range(200))
    with caplog.at_level(logging.WARNING, logger="course.content.job_aids"):
        printed = render(make_sheet(body=body, id="too-long"))
    assert printed.pages > 1 and printed.scale == job_aids.MIN_SCALE
    assert "too-long" in caplog.text and "shorten" in caplog.text


@pytest.mark.parametrize("sheet", list(bundled_sheets()))
def test_every_bundled_job_aid_prints_on_one_page_at_full_size(sheet, tmp_path):
    printed = render(sheet)
    path = write_pdf(tmp_path, printed.pdf)
    assert (pdf_pages(path), printed.scale) == (1, 1.0)
    text = pdf_text(path).replace("\u00a0", " ")
    assert sheet.title in text
    assert "527" in text


# Issue 15: a sheet kept by the phone needs the reader's own referral contacts and the date the
# numbers were last checked (numbers change); both must survive into the printed PDF.
LOCAL_CONTACTS = {
    "en": ("Your local contacts", "Numbers checked on:"),
    "uk": ("Ваші місцеві контакти", "Номери перевірено:"),
}


@pytest.mark.parametrize("sheet", list(bundled_sheets()))
def test_every_bundled_job_aid_prints_a_blank_for_local_contacts_and_a_checked_on_date(sheet, tmp_path):
    heading, checked_on = LOCAL_CONTACTS[sheet.lang]
    assert sheet.body_html.count("<td></td>") >= 4, "the contacts table needs empty cells to write in"
    text = pdf_text(write_pdf(tmp_path, render(sheet).pdf)).replace("\u00a0", " ")
    assert heading in text
    assert checked_on in text and "____" in text
