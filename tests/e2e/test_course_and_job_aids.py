"""The real course in Chromium: a lesson of every module in both languages, then a job aid printed.

Reads the PDFs back with poppler-utils: the browser's own print of the job-aid page, and the
WeasyPrint PDF the learner downloads. Both must be one A4 page with the title and a hotline.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from course.content.access import current_catalog
from tests.e2e.conftest import LiveServer, register_and_login
from tests.unit.certificates.pdfcheck import pdf_pages, pdf_text

HOTLINE = "0 800 500 335"  # La Strada-Ukraine's national hotline (brief 5.3), in the referral job aid, unbroken
LANGUAGE_BUTTON = {"uk": "header button[name=lang][value=uk]", "en": "header button[name=lang][value=en]"}


def read_back(pdf: Path) -> tuple[int, str]:
    return pdf_pages(pdf), pdf_text(pdf).replace("\u00a0", " ")


def test_learner_reads_every_module_in_both_languages_and_prints_a_job_aid(
    page: Page, live_server: LiveServer, tmp_path: Path
):
    base = live_server.url
    with live_server.app.app_context():
        catalog = current_catalog()
    register_and_login(page, base, "reader@example.org")
    for lang, pick in (("uk", 0), ("en", -1)):
        if page.locator(LANGUAGE_BUTTON[lang]).count():
            page.click(LANGUAGE_BUTTON[lang])  # the header's language button, as a learner would
        expect(page.locator("html")).to_have_attribute("lang", lang)
        for module in catalog.modules:
            lesson = module.lessons[pick]
            page.goto(f"{base}/modules/{module.id}")
            expect(page.locator("h1")).to_have_text(module.title[lang])
            page.click(f"ol.lessons a[href='/modules/{module.id}/{lesson.id}']")
            expect(page.locator("article h1")).to_have_text(lesson.title[lang])
            heading = "Джерела" if lang == "uk" else "Sources"
            expect(page.locator("article h3").last).to_have_text(heading)

    module = catalog.module("referral-nrm")
    aid = catalog.job_aids[module.id]
    page.goto(f"{base}/modules/{module.id}")
    page.click(f"a[href='/modules/{module.id}/job-aid']")
    expect(page.locator("article.job-aid h1")).to_have_text(aid.title["en"])

    page.emulate_media(media="print")
    printed = tmp_path / "printed.pdf"
    page.pdf(path=str(printed), format="A4", prefer_css_page_size=True, print_background=False)
    pages, text = read_back(printed)
    assert pages == 1, "the browser's print of the job aid runs over one page"
    assert aid.title["en"] in text and HOTLINE in text
    assert "Download the job aid" not in text and "My learning" not in text  # screen-only parts are hidden
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.click("a.button:has-text('Download the job aid (PDF)')")
    assert download.value.suggested_filename == f"frontline-{module.id}-job-aid-en.pdf"
    downloaded = tmp_path / download.value.suggested_filename
    download.value.save_as(downloaded)
    pages, text = read_back(downloaded)
    assert pages == 1
    assert aid.title["en"] in text and HOTLINE in text
    assert re.search(r"MODULE \d: REFERRAL", text.upper())
    assert page.console_errors == []  # no CSP violations (HDR-1)


def test_every_job_aid_page_fits_a_phone_and_prints_on_one_a4_page_from_the_browser(
    page: Page, live_server: LiveServer, tmp_path: Path
):
    """The print stylesheet alone (no WeasyPrint) keeps each job aid on one sheet in Chromium;
    on a phone's screen the same page never scrolls sideways."""
    base = live_server.url
    with live_server.app.app_context():
        catalog = current_catalog()
    register_and_login(page, base, "printer@example.org")
    for lang in ("uk", "en"):
        if page.locator(LANGUAGE_BUTTON[lang]).count():
            page.click(LANGUAGE_BUTTON[lang])  # on screen: print hides the header
        for module in catalog.modules:
            page.goto(f"{base}/modules/{module.id}/job-aid")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{module.id} ({lang}) scrolls sideways on a 360 px phone"
            page.emulate_media(media="print")
            printed = tmp_path / f"{module.id}.{lang}.pdf"
            page.pdf(path=str(printed), format="A4", prefer_css_page_size=True)
            pages, text = read_back(printed)
            assert pages == 1, f"{module.id} ({lang}) runs over one page when printed from the browser"
            assert catalog.job_aids[module.id].title[lang] in text
            page.emulate_media(media="screen")
