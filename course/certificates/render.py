"""Render a certificate: plain-data context -> sandboxed Jinja -> WeasyPrint -> PDF bytes.

Core module: no Flask, no database. Usable from a plain Python shell, the CLI, the issuing
service and the benchmark alike, so the preview and the real certificate share one path.

Security (docs/security.md CERT-1, CERT-2, CERT-6):
- the template is rendered by `jinja2.sandbox.SandboxedEnvironment` with autoescape, from a
  dict of strings built here out of a `CertificateContext`;
- WeasyPrint gets `BundledAssetFetcher`, which serves regular files inside the template
  directory with an allow-listed suffix and refuses every other URL (`file:` elsewhere,
  `http(s):`, `ftp:`, `data:`, ...). It fails on errors, so a template that asks for anything
  else fails loudly with `CertificateRenderError` instead of printing a half-certificate;
- only the bundled fonts are known to the font configuration, so no system font can end up
  in a PDF.

Performance (issue 5 targets a warm render <= 100 ms): one `FontConfiguration` and the CSS
parsed once per template version are shared by all renders, the QR code is inline SVG
drawn from one path, and the bundled fonts are subset on embedding. `bench/` records the
figures; certificates/README.md records what helped (mainly: no flexbox in the template).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import OpenerDirector, url2pathname

import jinja2
import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from course.certificates.codes import format_code
from course.certificates.errors import CertificateRenderError
from course.certificates.types import CertificateContext, display_name

logger = logging.getLogger(__name__)

# The project's bundled template, used unless a caller names another directory.
DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "certificates"
TEMPLATE_NAME = "certificate.html"
STYLESHEET_NAME = "certificate.css"
# What the fetcher may serve from the template directory.
ASSET_SUFFIXES = frozenset({".css", ".ttf", ".otf", ".woff", ".woff2", ".png", ".jpg", ".svg"})
MAX_ASSET_BYTES = 4 * 1024 * 1024


class AssetRefused(ValueError):
    """The template asked for a URL outside the bundled assets."""


class BundledAssetFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves allow-listed files under `root` and nothing else."""

    def __init__(self, root: Path) -> None:
        # Deliberately skip URLFetcher.__init__: it installs HTTP, FTP, file, data and proxy
        # handlers. This fetcher opens files itself and never touches urllib's handlers.
        OpenerDirector.__init__(self)
        self._root = root.resolve()
        self._fail_on_errors = True
        self._timeout = 0
        self._http_headers: dict[str, str] = {}
        self._allowed_protocols = ("file",)
        self._request = None
        # Refusals seen during the current render. WeasyPrint swallows some fetch errors
        # (an <image> inside inline SVG is logged and skipped), so the renderer checks this
        # list afterwards and fails the render whatever WeasyPrint did with the error.
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        """The file `url` names, if it may be served; AssetRefused otherwise."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise AssetRefused(f"refused URL scheme or host: {url[:200]!r}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self._root) or path.suffix.lower() not in ASSET_SUFFIXES:
            raise AssetRefused(f"refused path outside the bundled assets: {url[:200]!r}")
        if not path.is_file() or path.stat().st_size > MAX_ASSET_BYTES:
            raise AssetRefused(f"no such bundled asset: {url[:200]!r}")
        return path

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Serve a bundled asset, or raise AssetRefused."""
        try:
            path = self.resolve(url)
        except AssetRefused as exc:
            self.refused.append(url[:200])
            logger.warning("certificate template asked for a refused URL: %r", url[:200])
            raise exc
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix.lower() == ".ttf":
            mime = "font/ttf"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


# A Fontconfig configuration with no font directories: the font map starts empty and only
# the template's @font-face files are added, so Pango's fallback for a glyph the bundled
# fonts lack can never pick a system font (docs/security.md CERT-6: "only embedded bundled
# fonts"). Such a glyph prints as a box instead.
_EMPTY_FONTCONFIG = (
    '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig></fontconfig>\n'
)
_env_lock = threading.Lock()


def bundled_font_configuration() -> FontConfiguration:
    """A WeasyPrint FontConfiguration that knows no system fonts, only @font-face ones."""
    # FcInitLoadConfigAndFonts (called by FontConfiguration) reads FONTCONFIG_FILE each time;
    # point it at an empty configuration just for this call.
    handle, path = tempfile.mkstemp(prefix="frontline-fonts-", suffix=".conf")
    with _env_lock:
        previous = os.environ.get("FONTCONFIG_FILE")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(_EMPTY_FONTCONFIG)
            os.environ["FONTCONFIG_FILE"] = path
            return FontConfiguration()
        finally:
            if previous is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = previous
            os.unlink(path)


@dataclass(frozen=True, slots=True)
class _Template:
    """One version of a template directory, parsed once and shared by every render."""

    root: Path
    base_url: str
    fetcher: BundledAssetFetcher
    fonts: FontConfiguration
    stylesheet: CSS
    template: jinja2.Template
    # Pango font maps are not thread-safe; the threaded dev server and concurrent issuing
    # must not lay out two documents on one FontConfiguration at once.
    lock: threading.Lock


_cache: dict[Path, tuple[tuple, _Template]] = {}
_lock = threading.Lock()


def _fingerprint(root: Path) -> tuple:
    """Name, size and mtime of every file in the template directory: edits invalidate."""
    files = (p for p in root.rglob("*") if p.is_file())
    return tuple(sorted((str(p.relative_to(root)), *_size_mtime(p)) for p in files))


def _size_mtime(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _environment(root: Path) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
    )


def _load(root: Path) -> _Template:
    fetcher = BundledAssetFetcher(root)
    base_url = root.as_uri() + "/"
    fonts = bundled_font_configuration()
    try:
        css_text = (root / STYLESHEET_NAME).read_text(encoding="utf-8")
        template = _environment(root).get_template(TEMPLATE_NAME)
        stylesheet = CSS(string=css_text, base_url=base_url, url_fetcher=fetcher, font_config=fonts)
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: catch it by name
        raise CertificateRenderError(f"certificate asset refused: {_describe(exc)}") from exc
    except Exception as exc:  # OSError, TemplateError, whatever tinycss2/WeasyPrint raise
        raise CertificateRenderError(f"certificate template unusable: {_describe(exc)}") from exc
    return _Template(root, base_url, fetcher, fonts, stylesheet, template, threading.Lock())


def template_for(root: Path = DEFAULT_TEMPLATE_DIR) -> _Template:
    """The parsed template directory, reloaded when any of its files changes."""
    root = root.resolve()
    fingerprint = _fingerprint(root)
    with _lock:
        cached = _cache.get(root)
        if cached is None or cached[0] != fingerprint:
            cached = (fingerprint, _load(root))
            _cache[root] = cached
        return cached[1]


def qr_svg(url: str) -> Markup:
    """The QR code for `url` as inline SVG: one path, scaled by CSS (see module docstring)."""
    qr = segno.make_qr(url, error="m")
    # Safe: segno's own markup, holding only module geometry (the URL is not in it).
    svg = qr.svg_inline(scale=1, border=2, dark="#000", omitsize=True, svgclass="qr")
    return Markup(svg)  # noqa: S704


def template_values(context: CertificateContext) -> dict[str, object]:
    """The plain values the template may use: strings, booleans and the labels as dicts."""

    def day(value):
        return format_date(value, format="long", locale=context.lang) if value else ""

    def day_en(value):
        return format_date(value, format="long", locale="en") if value else ""

    name = display_name(context.holder_name)
    return {
        "lang": context.lang,
        "bilingual": context.lang != "en",
        "holder_name": name,
        "name_size": name_size(name),
        "course_title": context.course_title,
        "course_title_en": context.course_title_en,
        "issued_on": day(context.issued_on),
        "issued_on_en": day_en(context.issued_on),
        "issued_on_iso": context.issued_on.isoformat(),
        "expires_on": day(context.expires_on),
        "expires_on_en": day_en(context.expires_on),
        "content_version": context.content_version,
        "code": format_code(context.code),
        "verify_url": context.verify_url,
        "qr": qr_svg(context.verify_url),
        "t": _label_dict(context.labels),
        "t_en": _label_dict(context.labels_en),
        "is_sample": context.is_sample,
        "modules": list(context.modules),
        "modules_en": list(context.modules_en),
        "hours": format_decimal(context.hours, "#,##0.#", locale=context.lang) if context.hours else "",
        "hours_en": format_decimal(context.hours, "#,##0.#", locale="en") if context.hours else "",
        "issuer": context.issuer,
    }


def name_size(name: str) -> str:
    """The type size class for a name: long names get smaller type and stay on the page."""
    for limit, size in ((34, "s"), (60, "m"), (120, "l")):
        if len(name) <= limit:
            return size
    return "xl"


def _label_dict(labels) -> dict[str, str]:
    return {name: getattr(labels, name) for name in labels.__slots__}


def render_html(context: CertificateContext, root: Path = DEFAULT_TEMPLATE_DIR) -> str:
    """The certificate as HTML, from the sandboxed template (for tests and the preview)."""
    return _render_html(template_for(root), context)


def _render_html(tpl: _Template, context: CertificateContext) -> str:
    try:
        return tpl.template.render(template_values(context))
    except jinja2.TemplateError as exc:
        raise CertificateRenderError(f"certificate template failed: {_describe(exc)}") from exc


def render_pdf(context: CertificateContext, root: Path = DEFAULT_TEMPLATE_DIR) -> bytes:
    """The certificate as PDF bytes. Raises CertificateRenderError on any rendering failure."""
    tpl = template_for(root)
    html = _render_html(tpl, context)
    try:
        with tpl.lock:
            tpl.fetcher.refused.clear()
            document = HTML(string=html, base_url=tpl.base_url, url_fetcher=tpl.fetcher)
            pdf = document.write_pdf(
                stylesheets=[tpl.stylesheet],
                font_config=tpl.fonts,
                # Deterministic file identifier: the same context gives the same bytes.
                pdf_identifier=hashlib.sha256(context.code.encode()).hexdigest()[:32].encode(),
            )
            refused = list(tpl.fetcher.refused)
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: catch it by name
        raise CertificateRenderError(f"certificate asset refused: {_describe(exc)}") from exc
    except Exception as exc:  # WeasyPrint raises many kinds (IndexError on bad CSS, ...)
        raise CertificateRenderError(f"certificate rendering failed: {_describe(exc)}") from exc
    if refused:
        raise CertificateRenderError(f"certificate asset refused: {refused[0]!r}")
    if not isinstance(pdf, bytes):
        raise CertificateRenderError("certificate rendering produced no PDF")
    return pdf


def _describe(exc: BaseException) -> str:
    cause = exc.__cause__
    text = f"{type(exc).__name__}: {exc}"
    if cause is not None:
        text += f" ({type(cause).__name__}: {cause})"
    return text[:500]
