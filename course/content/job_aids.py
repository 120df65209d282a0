"""A module's job aid as one printable A4 sheet: the sheet's HTML, and the sheet as a PDF.

Core module: no Flask, no database. The web page (`/modules/<id>/job-aid`) and the PDF
(`/modules/<id>/job-aid.pdf`) show the same markup, `sheet_html`, styled by the same
stylesheet (`course/static/job-aid.css`), so what a learner prints from the browser and what
they download agree.

The PDF goes through the certificates' WeasyPrint sandbox, not a second one: the
`BundledAssetFetcher` serves only the bundled fonts and refuses every other URL (`file:`
elsewhere, `http(s):`, `data:`...), and the font configuration knows no system font
(docs/security.md CERT-1, CERT-6). A job aid promises one page: when a sheet overflows, it is laid
out again in slightly smaller type, down to `MIN_SCALE`; a sheet that still does not fit is
logged and served on more pages rather than cut. Rendered PDFs are kept in memory per
(job aid, language, digest of the exact HTML and stylesheet), so an edited job aid or
stylesheet is rendered afresh and an unchanged one is rendered once per process.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from course.certificates.render import BundledAssetFetcher

logger = logging.getLogger(__name__)

# Type scales tried in turn until the sheet fits on one page; below 0.85 of the 9.5 pt base
# (about 8 pt) a printed A4 sheet stops being comfortable to read at arm's length.
SCALES = (1.0, 0.95, 0.9, 0.85)
MIN_SCALE = SCALES[-1]
CACHE_SIZE = 64
# The bundled DejaVu fonts, under a family name no browser has, so the same stylesheet falls
# back to the reader's own fonts on screen and uses only these in the PDF.
FONT_FACES = """
@font-face { font-family: "Frontline Sans"; src: url(DejaVuSans.ttf); font-weight: normal; }
@font-face { font-family: "Frontline Sans"; src: url(DejaVuSans-Bold.ttf); font-weight: bold; }
"""
# A checklist item in the Markdown, `- [ ] text`, arrives as `<li>[ ] text` (or, in a loose
# list, `<li>\n<p>[ ] text`); it becomes a box to tick on paper.
_CHECK_ITEM = re.compile(r"<li>(\s*<p>)?\[ \]\s*")
# A phone number written in groups (`0 800 505 501`, `+38 044 284 19 15`) must not break
# across lines on paper; its spaces become no-break spaces. Six digits at least, so `116 123`
# is kept together but "3 to 8 years" is left alone.
_PHONE = re.compile(r"(?<![\w+])\+?\d+(?: \d+)+(?!\w)")


def _keep_together(match: re.Match[str]) -> str:
    number = match.group(0)
    return number.replace(" ", "\u00a0") if sum(c.isdigit() for c in number) >= 6 else number


class JobAidRenderError(Exception):
    """The job aid could not be rendered as a PDF; the message is safe to log."""


@dataclass(frozen=True, slots=True)
class JobAidSheet:
    """Everything printed on a job aid. `body_html` is the catalog's sanitised HTML; the rest
    is plain text, escaped here."""

    id: str
    lang: str
    title: str
    kicker: str
    body_html: str
    footer: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class PrintedJobAid:
    pdf: bytes
    pages: int
    scale: float


def checkboxes(body_html: str) -> str:
    """Turn Markdown checklist items (`- [ ] ...`) into list items drawn with a tick box."""
    return _CHECK_ITEM.sub(lambda m: '<li class="check">' + (m.group(1) or ""), body_html)


def unbroken_phone_numbers(body_html: str) -> str:
    """Join the digit groups of each phone number with no-break spaces."""
    return _PHONE.sub(_keep_together, body_html)


def sheet_html(sheet: JobAidSheet) -> str:
    """The sheet as an HTML fragment, shared by the web page and the PDF."""
    return (
        f'<article class="job-aid" lang="{html.escape(sheet.lang)}">\n'
        f'<header class="job-aid-head"><p class="job-aid-kicker">{html.escape(sheet.kicker)}</p>\n'
        f"<h1>{html.escape(sheet.title)}</h1></header>\n"
        f'<div class="job-aid-body">\n{unbroken_phone_numbers(checkboxes(sheet.body_html))}\n</div>\n'
        f'<footer class="job-aid-foot">{html.escape(sheet.footer)}</footer>\n'
        "</article>"
    )


def pdf_document(sheet: JobAidSheet, scale: float = 1.0) -> str:
    """A standalone HTML document of the sheet for WeasyPrint; `scale` shrinks the type."""
    style = f' style="font-size: {scale * 100:g}%"' if scale != 1.0 else ""
    return (
        f'<!doctype html>\n<html lang="{html.escape(sheet.lang)}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(sheet.title)}</title></head>\n"
        f'<body class="job-aid-print"{style}>\n{sheet_html(sheet)}\n</body>\n</html>\n'
    )


@dataclass(slots=True)
class _Printer:
    """The fetcher, fonts and parsed stylesheet for one (fonts directory, stylesheet) pair."""

    fetcher: BundledAssetFetcher
    fonts: FontConfiguration
    stylesheet: CSS
    digest: str
    # Pango font maps are not thread-safe: one layout at a time per font configuration.
    lock: threading.Lock


_printers: dict[tuple[Path, str], _Printer] = {}
_pdfs: OrderedDict[tuple[str, str, str], PrintedJobAid] = OrderedDict()
_lock = threading.Lock()


def _printer(fonts_dir: Path, stylesheet: str) -> _Printer:
    key = (fonts_dir.resolve(), hashlib.sha256(stylesheet.encode()).hexdigest())
    with _lock:
        printer = _printers.get(key)
        if printer is None:
            printer = _printers[key] = _load_printer(key[0], stylesheet, key[1])
        return printer


def _load_printer(fonts_dir: Path, stylesheet: str, digest: str) -> _Printer:
    # WeasyPrint is imported by the first print, not with the module: it takes half a second,
    # which every process would pay (each worker, each CLI command), though most print nothing.
    from weasyprint import CSS
    from weasyprint.urls import FatalURLFetchingError

    from course.certificates.render import BundledAssetFetcher, bundled_font_configuration

    fetcher = BundledAssetFetcher(fonts_dir)
    fonts = bundled_font_configuration()
    try:
        css = CSS(
            string=FONT_FACES + stylesheet, base_url=fonts_dir.as_uri() + "/", url_fetcher=fetcher, font_config=fonts
        )
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: catch it by name
        raise JobAidRenderError(f"job aid stylesheet asked for a refused URL: {exc}") from exc
    return _Printer(fetcher, fonts, css, digest, threading.Lock())


def render_pdf(sheet: JobAidSheet, stylesheet: str, fonts_dir: Path, base_url: str) -> PrintedJobAid:
    """The sheet as an A4 PDF, on one page whenever some scale in SCALES fits it.

    `stylesheet` is the text of job-aid.css; `fonts_dir` holds the bundled fonts and is the
    only place the fetcher may read; `base_url` (the site's address) makes links absolute.
    """
    printer = _printer(fonts_dir, stylesheet)
    key = (sheet.id, sheet.lang, hashlib.sha256((sheet_html(sheet) + printer.digest).encode()).hexdigest())
    with _lock:
        if key in _pdfs:
            _pdfs.move_to_end(key)
            return _pdfs[key]
    printed = _layout(sheet, printer, base_url.rstrip("/") + "/")
    with _lock:
        _pdfs[key] = printed
        while len(_pdfs) > CACHE_SIZE:
            _pdfs.popitem(last=False)
    return printed


def _layout(sheet: JobAidSheet, printer: _Printer, base_url: str) -> PrintedJobAid:
    from weasyprint import HTML  # loaded by _load_printer already (see there)
    from weasyprint.urls import FatalURLFetchingError

    try:
        with printer.lock:
            printer.fetcher.refused.clear()
            for scale in SCALES:
                html_doc = HTML(string=pdf_document(sheet, scale), base_url=base_url, url_fetcher=printer.fetcher)
                document = html_doc.render(stylesheets=[printer.stylesheet], font_config=printer.fonts)
                if len(document.pages) == 1:
                    break
            refused = list(printer.fetcher.refused)
            identifier = hashlib.sha256(f"{sheet.id}:{sheet.lang}:{sheet.content_hash}".encode()).hexdigest()
            pdf = document.write_pdf(pdf_identifier=identifier[:32].encode())
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: catch it by name
        raise JobAidRenderError(f"job aid asked for a refused URL: {exc}") from exc
    except Exception as exc:  # WeasyPrint raises many kinds (IndexError on bad CSS, ...)
        raise JobAidRenderError(f"job aid rendering failed: {type(exc).__name__}: {exc}") from exc
    if refused:
        raise JobAidRenderError(f"job aid asked for a refused URL: {refused[0]!r}")
    if len(document.pages) > 1:
        logger.warning(
            "job aid %s (%s) needs %d pages even at %d%% type; shorten its text",
            sheet.id,
            sheet.lang,
            len(document.pages),
            round(MIN_SCALE * 100),
        )
    return PrintedJobAid(pdf, len(document.pages), scale)
